"""The faster theme scoring changes no score: the sentence splitter, the cached Hyperscan database,
the background patterns pre-filtered by Hyperscan (issue 16).

References: the sentence splitter as it was before (copied below, unchanged), the scores of 10,000
synthetic papers computed by the scoring code of commit d97bae3 (before this work) with the review's
themes file of that day (kept as tests/data/prefilter/review-themes-2026-12-02.toml, so that edits to
themes.toml do not move this reference), and `re` alone (every pattern tried on every sentence).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import textwrap

import hyperscan
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from litreview.themes import dbcache
from litreview.themes.rules import load_themes, score_papers
from litreview.themes.sentences import split_sentences

from .conftest import ROOT
from .test_prefilter import DATA, csv, make_expected, re_alone

# sha256 of `score_papers(make_expected.synth_papers(10_000, 0), themes).to_csv(index=False,
# lineterminator="\n")` as commit d97bae3 computed it with review-themes-2026-12-02.toml (the
# themes.toml of that commit, byte for byte).
SYNTH_10K_SHA256 = "6860e4ecaab96a8f49647b2bdda093bc51e476f680487655cde67d7718666e3b"

# --- the splitter before this change, unchanged: the reference for the new one ---
_OLD_ABBREVIATIONS = frozenset(("e.g.", "i.e.", "et al.", "avg.", "vs.", "cf.", "approx.", "resp.", "fig.", "figs.", "eq.", "eqs.", "sec.", "no.",
                                "nos.", "dr.", "prof.", "incl.", "viz.", "w.r.t.", "a.k.a.", "ca.", "al.", "mr.", "ms.", "e.g.,", "i.e.,"))
_OLD_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?:\s+|(?<=[a-z]{2}\.)(?=[A-Z][a-z]))")
_OLD_INITIAL = re.compile(r"[a-z]\.")
_OLD_SENTENCE_START = re.compile(r"$|[A-Z0-9\"'(\[\u201c]")


def old_split_sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _OLD_BOUNDARY.finditer(text):
        word = text[text.rfind(" ", 0, m.start()) + 1 : m.start() + 1].lower().lstrip("([{\"'")
        if word in _OLD_ABBREVIATIONS or _OLD_INITIAL.fullmatch(word) or not _OLD_SENTENCE_START.match(text, m.end()):
            continue
        if text[start : m.start() + 1].strip():
            spans.append((start, m.start() + len(m.group().rstrip())))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans]


def test_the_splitter_cuts_real_abstracts_as_before():
    papers = pd.concat([make_expected.synth_papers(3000, 1), make_expected.digest_papers(make_expected.SEED_DIGEST),
                        make_expected.digest_papers(make_expected.HOSTILE_DIGEST), make_expected.tricky_papers()])
    texts = papers["abstract"].fillna("").tolist() + papers["title"].fillna("").tolist()
    assert [split_sentences(t) for t in texts] == [old_split_sentences(t) for t in texts]


def test_the_splitter_by_hand():
    text = "  We study e.g. Fig. 2 of J. Smith et al. Results hold.Then (A) new one!  \"Quoted.\" Next? no. End"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "We study e.g. Fig. 2 of J. Smith et al. Results hold.", "Then (A) new one!", "\"Quoted.\"", "Next? no. End"]


PIECES = ["a", "Z", "Ab", "cd", ".", "!", "?", "\"", "'", ")", "]", "(", "[", " ", "  ", "\n", "\t", "\u00a0", "\u201c", "\u201d", "\u2019",
          "e.g.", "et al.", "A.", "b.", "Fig.", "w.r.t.", "İ", "ab.Cd", "9", "((e.g.", "vs.", ".,"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
@settings(max_examples=400, deadline=None)
def test_the_splitter_cuts_any_text_as_before(pieces):
    text = "".join(pieces)
    assert split_sentences(text) == old_split_sentences(text)


def test_synthetic_10000_scores_are_those_of_the_code_before():
    themes = load_themes(DATA / "review-themes-2026-12-02.toml")
    scores = csv(score_papers(make_expected.synth_papers(10_000, 0), themes))
    assert hashlib.sha256(scores.encode("utf-8")).hexdigest() == SYNTH_10K_SHA256


EDGE_THEMES = """
[scoring]
background_factor = 0.25
background = [
    { regex = '^(?:prior|existing)\\s+work' },                  # a sentence's start: cut out, it is the text's start
    { regex = '(?<!no )previous\\s+methods?\\b' },               # a lookbehind at a sentence's start sees nothing
    { regex = '\\bhave\\s+been\\s+proposed\\W*$' },              # its end
    { phrase = "conventional approaches" },
    { regex = '(?i:ÉTAT) de l\\W?art' },                        # left to `re`: not ASCII
]

[[themes]]
id = "edges"
threshold = 1.0
signals = [
    { phrase = "memory", weight = 2 },
    { regex = '\\bmodel\\w*(?!\\s+collapse)' },
    { regex = '^Prior\\b' },
    { regex = 'proposed\\.$' },
]
"""


def test_background_patterns_at_the_edges_of_sentences_score_as_with_re_alone(tmp_path):
    (tmp_path / "themes.toml").write_text(EDGE_THEMES, encoding="utf-8")
    themes = load_themes(tmp_path / "themes.toml")
    abstracts = ["Prior work on memory is slow. Previous methods fail on memory.", "No previous methods use memory. Existing work models memory.",
                 "Memory models have been proposed. Prior work is memory-bound!", "A. Prior work uses memory.Prior art.",
                 "We show memory helps. Conventional approaches lack memory models. État de l'art memory.",
                 "  prior work, with memory, and no previous method: the model collapse of memory has been proposed."]
    papers = pd.DataFrame({"paper_id": [f"e{n}" for n in range(len(abstracts))], "title": ["Memory"] * len(abstracts), "abstract": abstracts})
    scores = score_papers(papers, themes)
    assert csv(scores) == csv(score_papers(papers, re_alone(themes)))
    # By hand. e0: "memory" in the title 2 x 1.5, in both abstract sentences 2 x 0.25 (background: "Prior work" at
    # the start of the first, "Previous methods" in the second), best two 3 + 0.5; "^Prior" 1 x 0.25. e1: "No previous
    # methods" is no background, "Existing work" starts the second sentence: memory 3 + 2, "models" 1 x 0.25.
    by_paper = scores.set_index("paper_id")["score"]
    assert (by_paper["e0"], by_paper["e1"]) == (3.75, 5.25)

def test_the_compiled_database_is_kept_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("LITREVIEW_CACHE_DIR", str(tmp_path / "cache"))
    flags = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH
    patterns = [(0, rb"\bforget(?:ting|s)?\b", flags), (1, rb"a(?!b)c\d{2,}", flags), (2, rb"(?<!x", flags)]  # the last one does not compile
    accepted, database = dbcache.compile_cached(patterns)
    assert accepted == {0, 1} and database is not None
    [kept] = (tmp_path / "cache").iterdir()
    assert kept.name.startswith("hyperscan-")
    dbcache._done.clear()  # as a new process would: read from the cache folder
    kept.write_bytes(kept.read_bytes().replace(b"[0, 1]", b"[0]"))  # proof that it is read, not compiled again
    assert dbcache.compile_cached(patterns)[0] == {0}
    dbcache._done.clear()
    kept.write_bytes(b"[0, 1]\ngarbage")  # unreadable: compiled again, and kept again
    accepted, database = dbcache.compile_cached(patterns)
    found = []
    database.scan(b"we forget", match_event_handler=lambda i, *_: found.append(i))
    assert accepted == {0, 1} and found == [0] and kept.read_bytes() != b"[0, 1]\ngarbage"
    dbcache.compile_cached([(0, rb"\bforget(?:ting|s)?\b", flags | hyperscan.HS_FLAG_CASELESS)])  # other flags: another database
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_a_new_process_reads_the_database_and_scores_the_same(tmp_path):
    """Cold (an empty cache folder) and warm (the database read back) give the same scores."""
    script = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(DATA)!r})
        import make_expected
        from litreview.themes.rules import load_themes, score_papers
        themes = load_themes({str(ROOT / "themes.toml")!r})
        print(score_papers(make_expected.digest_papers(make_expected.SEED_DIGEST), themes).to_csv(index=False))
    """)
    env = {"LITREVIEW_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    cold = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, cwd=tmp_path)
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    warm = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert files and sorted(p.name for p in (tmp_path / "cache").iterdir()) == files
    assert cold.stdout == warm.stdout and cold.stdout.count("\n") > 100
