"""The bibliography, checked by its real consumers: bibtexparser v2, strict pybtex, and BibTeX."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pybtex.errors
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string as pybtex_parse

from litreview import load_review
from litreview.bib.entries import build_library, month_field, write_bibtex
from litreview.bib.latex import bibtex_text, needs_case_protection, normalise_space
from litreview.bib.outputs import check_bib, consumer_problems

from .conftest import ROOT, digest_text

BIB = ROOT / "bib" / "review.bib"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "litreview", *args], cwd=cwd, capture_output=True, text=True)


def run_bibtex(bib: Path, workdir: Path) -> tuple[str, str]:
    """Real LaTeX + BibTeX on a document citing every entry; returns (bibtex stdout, .bbl text)."""
    shutil.copy(bib, workdir / "refs.bib")
    (workdir / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\begin{document}\n"
        "\\nocite{*}\n\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n"
    )
    subprocess.run(["latex", "-interaction=nonstopmode", "doc.tex"], cwd=workdir, capture_output=True, check=False)
    result = subprocess.run(["bibtex", "doc"], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    return result.stdout, (workdir / "doc.bbl").read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def hostile_review(tmp_path: Path) -> Path:
    (tmp_path / "data" / "digests").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "data" / "hostile-digest.txt", tmp_path / "data" / "digests" / "2025-03-12-hostile.txt")
    (tmp_path / "review.toml").write_text('[review]\ntitle = "Hostile"\n[[digests]]\npath = "data/digests/2025-03-12-hostile.txt"\ndate = "2025-03-12"\n')
    result = run("bib", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


THINK = "Think Thrice Before You Act: Progressive Thought Refinement in Large Language Models"
COMPOSABLE = "Composable Sparse Fine-Tuning for Cross-Lingual Transfer"
QUIET = "Quiet Offline Paper Without Metadata"
ABSTRACTS = {
    THINK: "We refine answers in three passes and reach 95% of {LLMs} & more on reasoning benchmarks, with code released for others. Experiments on five benchmarks show consistent gains over strong baselines.",
    COMPOSABLE: "We fine-tune a sparse subset of parameters per language and per task, then compose them for cross-lingual transfer. Experiments on five benchmarks show consistent gains over strong baselines.",
    QUIET: "A paper that the metadata cache knows nothing about, so its entry says where it was listed and nothing more. Experiments on five benchmarks show consistent gains over strong baselines.",
}
# Facts of data/arxiv-metadata.jsonl (authors shortened), and the entries written by hand from them: an arXiv
# preprint is @misc with the arXiv id in howpublished, month as a macro; a venue makes @inproceedings whose year
# is the venue's (the key keeps the arXiv year) and the arXiv id in the note; no metadata gives a provisional key
# (title words, digest year), no year but "no later than the digest" as a biblatex date, and a note.
METADATA = [
    {"title": THINK, "arxiv_id": "2410.13413", "authors": ["Chengyu Du", "Jinyi Han"], "published": "2024-10-17",
     "primary_category": "cs.CL", "venue": None, "checked": True},
    {"title": COMPOSABLE, "arxiv_id": "2110.07560", "authors": ["Alan Ansell", "Ivan Vulić"], "published": "2021-10-14",
     "primary_category": "cs.CL", "venue": "ACL 2022", "checked": True},
]
EXPECTED_BIB = r"""@inproceedings{ansell2021composable,
	title = {Composable Sparse {Fine-Tuning} for {Cross-Lingual} Transfer},
	author = {Alan Ansell and Ivan Vulić},
	booktitle = {ACL 2022},
	year = {2022},
	note = {arXiv:2110.07560 [cs.CL]},
	abstract = {We fine-tune a sparse subset of parameters per language and per task, then compose them for cross-lingual transfer. Experiments on five benchmarks show consistent gains over strong baselines.}
}


@misc{du2024think,
	title = {Think Thrice Before You Act: Progressive Thought Refinement in Large Language Models},
	author = {Chengyu Du and Jinyi Han},
	year = {2024},
	month = oct,
	howpublished = {arXiv:2410.13413 [cs.CL]},
	abstract = {We refine answers in three passes and reach 95\% of \textbraceleft{}LLMs\textbraceright{} \& more on reasoning benchmarks, with code released for others. Experiments on five benchmarks show consistent gains over strong baselines.}
}


@misc{quietoffline2025,
	title = {Quiet Offline Paper Without Metadata},
	key = {[Author unknown]},
	date = {../2025-03-11},
	note = {Listed in the Hugging Face papers digest of 2025-03-11; no arXiv id in the metadata cache},
	abstract = {A paper that the metadata cache knows nothing about, so its entry says where it was listed and nothing more. Experiments on five benchmarks show consistent gains over strong baselines.}
}
"""


def test_three_papers_give_the_entries_written_by_hand(tmp_path: Path):
    (tmp_path / "data" / "digests").mkdir(parents=True)
    (tmp_path / "data" / "digests" / "d.txt").write_text(digest_text(list(ABSTRACTS.items())), encoding="utf-8")
    (tmp_path / "data" / "arxiv-metadata.jsonl").write_text("".join(json.dumps(r) + "\n" for r in METADATA), encoding="utf-8")
    (tmp_path / "review.toml").write_text('[[digests]]\npath = "data/digests/d.txt"\ndate = "2025-03-11"\n')
    result = run("bib", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bib" / "review.bib").read_text(encoding="utf-8") == EXPECTED_BIB


def test_committed_bib_is_what_the_code_writes_now(seed_config: Path):
    """A freshness check (the committed files were regenerated after the last change), not a correctness one:
    the entries' content is checked against hand-written expectations above and against the metadata below."""
    review = load_review(seed_config)
    assert check_bib(review, seed_config.parent / "bib") == []


def test_bibtexparser_reads_every_paper():
    library = bibtexparser.parse_string(BIB.read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    assert len(library.entries) == 97
    keys = [entry.key for entry in library.entries]
    assert keys == sorted(keys) and len(set(keys)) == 97


@pytest.fixture(autouse=True)
def pybtex_strictness_restored():
    """pybtex's strict mode is global state: every test leaves it as it found it."""
    before = pybtex.errors.strict
    yield
    assert pybtex.errors.strict == before, "a test left pybtex.errors.strict changed"


def test_pybtex_strict_reads_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pybtex.errors, "strict", True)  # restored after the test
    data = pybtex_parse(BIB.read_text(encoding="utf-8"), "bibtex")
    assert len(data.entries) == 97
    # An escaped percent sign does not truncate the field.
    abstract = data.entries["alnuhait2024factcheckmate"].fields["abstract"]
    assert "over 70\\% preemptive detection accuracy" in abstract and abstract.endswith("around 3.16 seconds.")


def test_real_bibtex_plain_zero_warnings_one_bibitem_per_paper(tmp_path: Path):
    stdout, bbl = run_bibtex(BIB, tmp_path)
    assert "Warning" not in stdout and "error" not in stdout.lower(), stdout
    assert bbl.count("\\bibitem") == 97


def test_arxiv_ids_equal_the_metadata(seed_config: Path):
    cache = {json.loads(line)["title"]: json.loads(line)["arxiv_id"] for line in (ROOT / "data" / "arxiv-metadata.jsonl").read_text().splitlines()}
    library = bibtexparser.parse_string(BIB.read_text(encoding="utf-8"))
    written = [entry.fields_dict.get("howpublished") or entry.fields_dict.get("note") for entry in library.entries]
    eprints = sorted(m.group(1) for field in written if field and (m := re.search(r"arXiv:(\S+)", field.value)))
    assert len(eprints) == 95
    assert eprints == sorted(v for v in cache.values() if v)
    papers = load_review(seed_config)["papers"]
    assert {title: arxiv_id or None for title, arxiv_id in zip(papers["title"], papers["arxiv_id"])} == cache


def test_entry_types_and_fields():
    entries = {e.key: e for e in bibtexparser.parse_string(BIB.read_text(encoding="utf-8")).entries}
    think = entries["du2024think"]
    assert think.entry_type == "misc"
    assert {f.key for f in think.fields} >= {"title", "author", "year", "month", "howpublished", "abstract"}
    assert think["howpublished"] == "arXiv:2410.13413 [cs.CL]" and think["year"] == "2024"
    ansell = entries["ansell2021composable"]
    assert ansell.entry_type == "inproceedings" and ansell["booktitle"] == "ACL 2022" and ansell["year"] == "2022"
    assert ansell["note"] == "arXiv:2110.07560 [cs.CL]" and "howpublished" not in ansell.fields_dict
    assert "Ivan Vulić" in ansell["author"]
    assert "{LLMs}" in entries["aw2023instructiontuning"]["title"]
    no_arxiv = entries["illusoryvqa2025"]
    # The cache holds what arXiv returned, not that arXiv was asked: the note claims only the former.
    assert "howpublished" not in no_arxiv.fields_dict and "year" not in no_arxiv.fields_dict
    assert no_arxiv["date"] == "../2025-03-11" and no_arxiv["key"] == "[Author unknown]"
    assert no_arxiv["note"] == "Listed in the Hugging Face papers digest of 2025-03-11; no arXiv id in the metadata cache"


def test_csl_json():
    items = json.loads((ROOT / "bib" / "review.json").read_text(encoding="utf-8"))
    assert len(items) == 97 and [i["id"] for i in items] == sorted(i["id"] for i in items)
    think = next(i for i in items if i["id"] == "du2024think")
    assert think["author"][0] == {"family": "Du", "given": "Chengyu"}
    assert think["issued"] == {"date-parts": [[2024, 10, 17]]}
    assert "(avg. from 49.6% to 53.5%)" in think["abstract"]
    assert "note" not in think
    no_arxiv = next(i for i in items if i["id"] == "illusoryvqa2025")
    assert no_arxiv["note"] == "Listed in the Hugging Face papers digest of 2025-03-11; no arXiv id in the metadata cache"


def test_hostile_text_survives_all_consumers(hostile_review: Path, tmp_path: Path):
    bib = hostile_review / "bib" / "review.bib"
    text = bib.read_text(encoding="utf-8")
    assert consumer_problems(text, str(bib)) == []
    library = bibtexparser.parse_string(text)
    assert len(library.entries) == 3 and library.failed_blocks == []
    stdout, bbl = run_bibtex(bib, tmp_path)
    assert "Warning" not in stdout and bbl.count("\\bibitem") == 3
    assert "Łukasz" in text and "漢字" in text
    # The title that looks like a BibTeX entry is text inside one field, not a second entry.
    assert "\\@misc" not in text and "@misc\\textbraceleft{}evil" in text
    assert run("bib", "--check", cwd=hostile_review).returncode == 0


WORDS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


@given(title=WORDS, abstract=WORDS)
@settings(max_examples=150, deadline=None)
def test_any_text_gives_entries_every_consumer_accepts(title: str, abstract: str):
    import pandas as pd

    papers = pd.DataFrame(
        [{"paper_id": "p1", "title": title, "abstract": abstract, "arxiv_id": "", "published": "", "year": pd.NA,
          "month": pd.NA, "primary_category": "", "venue": "", "citekey": "key1"}]
    )
    authors = pd.DataFrame({"paper_id": ["p1"], "position": [1], "name": [title[:20] or "x"]})
    appearances = pd.DataFrame({"paper_id": ["p1"], "digest_date": ["2025-01-01"]})
    text = write_bibtex(build_library(papers, authors, appearances))
    assert consumer_problems(text, "generated.bib") == []
    assert len(bibtexparser.parse_string(text).entries) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("95% of {LLMs}", r"95\% of \textbraceleft{}LLMs\textbraceright{}"),
        (r"39\% and \textit{word}", r"39\% and word"),
        ("a_b & $c$ #d ~e ^f", r"a\_b \& \$c\$ \#d \textasciitilde{}e \textasciicircum{}f"),
        ("back\\slash", r"back\textbackslash{}slash"),
        ("50% & 3_x #1 $5", r"50\% \& 3\_x \#1 \$5"),
        ("{a}% ~b", r"\textbraceleft{}a\textbraceright{}\% \textasciitilde{}b"),
        ("  said ``so''\tand\nthen  ", "said \u201cso\u201d and then"),
    ],
)
def test_bibtex_text(raw: str, expected: str):
    assert bibtex_text(raw) == expected


def test_a_library_written_twice_is_written_the_same(seed_config: Path):
    """Writing leaves the entries as they were: the site writes each paper's entry again for its page."""
    review = load_review(seed_config)
    library = build_library(review["papers"], review["authors"], review["paper_digests"])
    first = write_bibtex(library)
    assert write_bibtex(library) == first
    assert first.count("{{") < len(library.entries)  # titles' protected words only, no value braced twice


@pytest.mark.parametrize("month", [0, 1, 3, 12, 13])
def test_month_fields_are_written_as_bibtexparsers_month_middleware_writes_them(month: int):
    from bibtexparser.library import Library
    from bibtexparser.middlewares import AddEnclosingMiddleware, MonthAbbreviationMiddleware
    from bibtexparser.model import Entry, Field

    enclosing = AddEnclosingMiddleware(reuse_previous_enclosing=False, enclose_integers=True, default_enclosing="{")
    by_middleware = bibtexparser.write_string(Library([Entry("misc", "k", [Field("month", month)])]),
                                              unparse_stack=[MonthAbbreviationMiddleware(), enclosing])
    assert write_bibtex(Library([Entry("misc", "k", [month_field(month)])])) == by_middleware


SPACEY_TEXT = st.text(st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028ab%_{")), max_size=30) | st.text(max_size=30)


@given(SPACEY_TEXT)
@settings(max_examples=400, deadline=None)
def test_whitespace_normalising_is_splitting_into_words_and_joining_with_one_space(text: str):
    """The fast path for ASCII text must agree with str.split() on every whitespace character."""
    assert normalise_space(text) == " ".join(text.split())


@pytest.mark.parametrize(("title", "protected"), [("DeepSeek-R1 for LLMs: CoT", ["{DeepSeek-R1}", "{LLMs}:", "{CoT}"]), ("Plain Title Case", [])])
def test_case_protection(title: str, protected: list[str]):
    text = bibtex_text(title, protect_case=True)
    for word in protected:
        assert word in text
    assert text.count("{") == len(protected)


def test_check_names_each_problem(review_dir: Path):
    shutil.copytree(ROOT / "bib", review_dir / "bib")
    shutil.copy(ROOT / "data" / "arxiv-metadata.jsonl", review_dir / "data" / "arxiv-metadata.jsonl")
    assert run("bib", "--check", cwd=review_dir).returncode == 0
    bib = review_dir / "bib" / "review.bib"
    text = bib.read_text()
    first_entry_end = text.index("\n}\n") + 3
    # Duplicate the first entry, drop the last one: a duplicate key, a missing paper, a stale file.
    last_entry = text.rindex("@")
    bib.write_text(text[:first_entry_end] + text[:first_entry_end] + text[first_entry_end:last_entry])
    result = run("bib", "--check", cwd=review_dir)
    assert result.returncode == 1
    assert "duplicate key" in result.stderr
    assert "no entry for " in result.stderr
    assert "stale, regeneration would change" in result.stderr
    bib.write_text(text.replace("title = {", "title = {{", 1))
    result = run("bib", "--check", cwd=review_dir)
    # An unbalanced brace in the first entry: both consumers reject it, each named, with the file and line.
    assert result.returncode == 1
    assert f"{bib}:1: bibtexparser: unparsable entry" in result.stderr
    assert f"{bib}: pybtex: syntax error in line 11: '}}' expected" in result.stderr


@given(st.lists(st.tuples(WORDS, WORDS), min_size=1, max_size=25))
@settings(max_examples=25, deadline=None)
def test_real_bibtex_accepts_any_text(pairs):
    """Real BibTeX on entries of hypothesis-generated titles, abstracts and author names."""
    import tempfile

    import pandas as pd

    ids = [f"p{i}" for i in range(len(pairs))]
    papers = pd.DataFrame(
        {"paper_id": ids, "title": [t for t, _ in pairs], "abstract": [a for _, a in pairs], "arxiv_id": "", "published": "",
         "year": pd.array([2024] * len(pairs), dtype="Int64"), "month": pd.array([5] * len(pairs), dtype="Int64"),
         "primary_category": "", "venue": "", "citekey": [f"key{i}" for i in range(len(pairs))]}
    )
    authors = pd.DataFrame({"paper_id": ids, "position": 1, "name": [(a[:15] or "x") + " Author" for _, a in pairs]})
    appearances = pd.DataFrame({"paper_id": ids, "digest_date": "2025-01-01"})
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "generated.bib"
        bib.write_text(write_bibtex(build_library(papers, authors, appearances)), encoding="utf-8")
        stdout, bbl = run_bibtex(bib, Path(folder))
    assert "Warning" not in stdout and "error" not in stdout.lower(), stdout
    assert bbl.count("\\bibitem") == len(pairs)


@pytest.mark.parametrize(("word", "protect"), [
    ("LLMs", True), ("iPhone", True), ("(CoT)", True), ("Multi-Task", True), ("R1", True), ("Llama3", True),
    ("Model\u00b2", True), ("Think", False), ("Think:", False), ('"Think"', False), ("A", False), ("\u00c9clair", False),
    ("reasoning", False), ("42", False),
])
def test_title_words_whose_case_bibtex_styles_must_keep(word: str, protect: bool):
    assert needs_case_protection(word) is protect


def middleware_bibtex(library) -> str:
    """The bytes bibtexparser's own enclosing middleware writes of the library's values without the
    braces build_library put around them (what write_bibtex writes without any middleware)."""
    from bibtexparser.middlewares import AddEnclosingMiddleware

    for entry in library.entries:
        for field in entry.fields:
            if field.enclosing != "no-enclosing":
                assert field.value[0] == "{" and field.value[-1] == "}", field
                field.value = field.value[1:-1]
    stack = [AddEnclosingMiddleware(reuse_previous_enclosing=False, enclose_integers=True, default_enclosing="{")]
    return bibtexparser.write_string(library, unparse_stack=stack)


def test_written_as_bibtexparsers_enclosing_middleware_writes_them(seed_config: Path, hostile_review: Path, tmp_path: Path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    sys.path.remove(str(ROOT / "benchmarks"))
    synthetic = synth.write_digest(300, tmp_path / "synthetic.txt", seed=3)  # every paper offline: no authors, no date
    reviews = [load_review(seed_config), load_review(hostile_review / "review.toml"), load_review(seed_config, digests=[synthetic])]
    for review in reviews:
        papers, authors, appearances = review["papers"], review["authors"], review["paper_digests"]
        expected = middleware_bibtex(build_library(papers, authors, appearances))
        assert write_bibtex(build_library(papers, authors, appearances)) == expected
        assert expected.count("@") >= len(papers) > 0
