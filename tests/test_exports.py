"""Readable exports: a notebook executed in a real kernel, its MyST-only syntax turned into text."""

from __future__ import annotations

import nbformat
import pytest
from pybtex.database import BibliographyData, Entry, Person

from litreview.notebooks.execute import execute_notebook
from litreview.notebooks.exports import load_bibliography, readable_notebook

from .conftest import ROOT

GLUE_CELL = """from myst_nb import glue
glue("count", 1234, display=False)
glue("ratio", 0.4567, display=False)
glue("name", "<b>x</b> *y*", display=False)"""

PROSE = """(not-yet-discussed)=
## Not yet discussed

% a MyST comment, which the site does not show
{glue:text}`count` papers, {glue:text}`ratio:.1%`, {glue:}`name`, {glue}`count`, {glue:text}`missing`;
see {ref}`the list <not-yet-discussed>` and {doc}`overview`. {cite:t}`alnuhait2024factcheckmate` and {cite:p}`nope`."""


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(GLUE_CELL), nbformat.v4.new_markdown_cell(PROSE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    _, error = execute_notebook(nb, tmp_path_factory.mktemp("glue"), timeout=120)
    assert error is None
    return nb


@pytest.fixture(scope="module")
def seed_bib() -> BibliographyData:
    return load_bibliography(ROOT / "bib" / "review.bib")


def test_glue_cite_and_myst_only_lines_become_text(executed, seed_bib):
    readable = readable_notebook(executed, seed_bib)
    assert readable.notebook.cells[1].source == (
        "## Not yet discussed\n\n"
        "1234 papers, 45.7%, \\<b\\>x\\<\\/b\\> \\*y\\*, 1234, \\[unknown\\: missing\\];\n"
        "see the list and overview. Alnuhait *et al\\.* \\(2025\\) and \\[unknown\\: nope\\]."
    )
    assert readable.cited == ("alnuhait2024factcheckmate",)
    assert readable.unknown_keys == ("nope",) and readable.unknown_glue == ("missing",)
    assert executed.cells[1].source == PROSE  # the executed notebook is left as it was


def test_plain_text_for_scripts(executed, seed_bib):
    readable = readable_notebook(executed, seed_bib, plain=True)
    assert "1234 papers, 45.7%, <b>x</b> *y*, 1234, [unknown: missing];" in readable.notebook.cells[1].source
    assert "Alnuhait et al. (2025) and [unknown: nope]." in readable.notebook.cells[1].source
    references = readable.notebook.cells[-1].source
    assert references.startswith("## References\n\n- Deema Alnuhait, Neeraja Kirtane, Muhammad Khalifa, and Hao Peng. FactCheckmate: ")


def test_names_and_titles_from_digests_cannot_make_markup():
    title = "A {cite:p}`x` role, <script>alert(1)</script> [link](javascript:x) and $math$"
    entry = Entry("misc", fields={"title": title, "year": "2024"}, persons={"author": [Person("<b>Evil</b>, Eve")]})
    bibliography = BibliographyData(entries={"evil2024": entry})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("See {cite:t}`evil2024`.")])
    readable = readable_notebook(nb, bibliography)
    assert readable.notebook.cells[0].source == "See \\<b\\>Evil\\<\\/b\\> \\(2024\\)."
    item = readable.notebook.cells[-1].source.splitlines()[-1]
    for raw in ("<script>", "{cite:p}`", "[link](", "$math$"):
        assert raw not in item
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in item and readable.unknown_keys == ()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("{cite:p}`simhi2024distinguishing,alnuhait2024factcheckmate`", "(Simhi et al., 2024; Alnuhait et al., 2025)"),
        ("{cite:t}`simhi2024distinguishing,alnuhait2024factcheckmate`", "Simhi et al. (2024); Alnuhait et al. (2025)"),
        ("{cite}`alnuhait2024factcheckmate`", "(Alnuhait et al., 2025)"),
        ("{cite:ps}`alnuhait2024factcheckmate`", "(Alnuhait, Kirtane, Khalifa, and Peng, 2025)"),
        ("{cite:p}`alnuhait2024factcheckmate, nope`", "(Alnuhait et al., 2025); [unknown: nope]"),
    ],
)
def test_citation_forms(seed_bib, role: str, expected: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(role)])
    assert readable_notebook(nb, seed_bib, plain=True).notebook.cells[0].source == expected


def test_a_notebook_that_cites_nothing_gets_no_reference_list(seed_bib):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("No citation here: {ref}`target`.")])
    readable = readable_notebook(nb, seed_bib)
    assert [c.source for c in readable.notebook.cells] == ["No citation here: target."]
