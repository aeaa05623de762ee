"""The committed bibliography as citers use it, through each real consumer: BibTeX with `plain` and
`apalike`, biblatex + biber (`authoryear`, `--validate-datamodel`), pandoc citeproc on the CSL-JSON,
pybtex as the site formats it, and the official CSL-JSON schema (a copy in tests/data/csl-schema)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from pybtex.database import parse_file

from litreview.bib.author_year import year_letters
from litreview.site import citations

from .conftest import ROOT

BIB = ROOT / "bib" / "review.bib"
CSL = ROOT / "bib" / "review.json"
SCHEMA = ROOT / "tests" / "data" / "csl-schema" / "csl-data.json"


def csl_items() -> list[dict]:
    return json.loads(CSL.read_text(encoding="utf-8"))


def arxiv_ids() -> dict[str, str]:
    """citation key -> arXiv id, from the CSL-JSON (the `.bib` is what is under test)."""
    return {item["id"]: item["number"].removeprefix("arXiv:") for item in csl_items() if "number" in item}


def authorless() -> dict[str, str]:
    """citation key -> title, of the entries without authors."""
    return {item["id"]: item["title"] for item in csl_items() if "author" not in item}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)


def bibtex_bbl(style: str, workdir: Path) -> tuple[str, dict[str, str]]:
    """(BibTeX's messages, key -> that entry's text in the .bbl) for a document citing every entry."""
    shutil.copy(BIB, workdir / "refs.bib")
    (workdir / "doc.tex").write_text("\\documentclass{article}\n\\begin{document}\n\\nocite{*}\n"
                                     f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n\\end{{document}}\n")
    run(["latex", "-interaction=nonstopmode", "doc.tex"], workdir)
    result = run(["bibtex", "doc"], workdir)
    assert result.returncode == 0, result.stdout
    bbl = (workdir / "doc.bbl").read_text(encoding="utf-8")
    # \bibitem[label]{key}: the label may hold brackets of its own ("[Author unknown], ").
    items = re.split(r"\\bibitem(?:\[.*?\])?\{([^}]*)\}", bbl, flags=re.S)
    return result.stdout, {key: " ".join(text.split()) for key, text in zip(items[1::2], items[2::2])}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("style", ["plain", "apalike"])
def test_bibtex_prints_each_arxiv_id_once(style: str, tmp_path: Path):
    messages, entries = bibtex_bbl(style, tmp_path)
    ids = arxiv_ids()
    assert len(ids) == 95 and set(entries) == {item["id"] for item in csl_items()}
    assert {key: entries[key].count(arxiv_id) for key, arxiv_id in ids.items()} == dict.fromkeys(ids, 1)
    undated = sorted(item["id"] for item in csl_items() if "issued" not in item)
    warnings = sorted(re.findall(r"^Warning--(.*)$", messages, flags=re.M))
    if style == "plain":
        assert warnings == []
    else:
        # apalike wants a year, which nobody knows for these; every other entry passes without a word.
        assert warnings == [f"empty year in {key}" for key in undated]


def test_apalike_prints_the_title_of_an_entry_without_authors_once(tmp_path: Path):
    _, entries = bibtex_bbl("apalike", tmp_path)
    titles = authorless()
    assert len(titles) == 2
    for key, title in titles.items():
        first_words = " ".join(title.split()[:3]).lower()
        assert flat(entries[key]).replace("{", "").replace("}", "").lower().count(first_words) == 1, entries[key]
        assert "[Author unknown]" in entries[key]


def test_biber_validates_the_datamodel_and_biblatex_prints_each_arxiv_id_once(tmp_path: Path):
    shutil.copy(BIB, tmp_path / "refs.bib")
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\n"
                                      "\\usepackage[backend=biber,style=authoryear]{biblatex}\n\\addbibresource{refs.bib}\n"
                                      "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n")
    run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], tmp_path)
    biber = run(["biber", "--validate-datamodel", "doc"], tmp_path)
    assert biber.returncode == 0, biber.stdout
    assert [line for line in biber.stdout.splitlines() if line.startswith(("WARN", "ERROR"))] == []
    assert (tmp_path / "doc.bbl").read_text(encoding="utf-8").count("\\entry{") == 97
    latex = run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], tmp_path)
    assert latex.returncode == 0, latex.stdout[-2000:]
    run(["pdftotext", "-layout", "doc.pdf", "doc.txt"], tmp_path)
    text = flat((tmp_path / "doc.txt").read_text(encoding="utf-8"))
    assert {arxiv_id: text.count(arxiv_id) for arxiv_id in arxiv_ids().values()} == dict.fromkeys(arxiv_ids().values(), 1)
    for title in authorless().values():
        assert text.count(" ".join(title.split()[:3])) == 1
    # A paper of unknown date is "no later than" the digest that listed it, not a made-up year.
    assert "(–Mar. 11, 2025)" in text


def test_pandoc_citeproc_prints_each_arxiv_id_once_and_a_publisher_only_for_preprints(tmp_path: Path):
    (tmp_path / "doc.md").write_text('---\nnocite: "@*"\n---\n\n# References\n', encoding="utf-8")
    result = run(["pandoc", "doc.md", "--citeproc", f"--bibliography={CSL}", "-t", "plain"], tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    text = flat(result.stdout)
    assert {arxiv_id: text.count(arxiv_id) for arxiv_id in arxiv_ids().values()} == dict.fromkeys(arxiv_ids().values(), 1)
    published = [item for item in csl_items() if "container-title" in item]
    assert len(published) == 50 and not any("publisher" in item for item in published)
    assert "In ACL 2022. https://arxiv.org/abs/2110.07560." in text  # was "In ACL 2022. arXiv. https://..."
    preprints = [item for item in csl_items() if item["type"] == "article"]
    assert preprints and all(item["publisher"] == "arXiv" for item in preprints if "number" in item)


def test_the_csl_json_is_valid_against_the_official_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    items = csl_items()
    assert list(validator.iter_errors(items)) == []
    # The schema does catch what a writer could get wrong.
    broken = [dict(items[0], issued={"date-parts": "2024"}), dict(items[1], type="preprint-ish")]
    assert len(list(validator.iter_errors(broken))) == 2


def test_the_site_style_of_pybtex_prints_each_arxiv_id_once_with_author_year_labels():
    data = parse_file(str(BIB), "bibtex")
    style = citations.author_year_style(year_letters(data.entries.values()))()
    formatted = {entry.key: (entry.label, entry.text.render_as("text")) for entry in style.format_entries(data.entries.values())}
    assert {key: formatted[key][1].count(arxiv_id) for key, arxiv_id in arxiv_ids().items()} == dict.fromkeys(arxiv_ids(), 1)
    labels = [label for label, _ in formatted.values()]
    assert len(set(labels)) == 97, "every label names one work"
    assert formatted["bengio2017consciousness"][0] == "Bengio, 2017"
    assert formatted["ansell2021composable"][0] == "Ansell et al., 2022"
    assert sorted(formatted[key][0] for key in ("wang2024adapting", "wang2024haloquest", "wang2024loss", "wang2024mindbridge")) == [
        "Wang et al., 2024a", "Wang et al., 2024b", "Wang et al., 2024c", "Wang et al., 2024d"]
