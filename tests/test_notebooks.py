"""The curated notebooks: clean in git, executed for real, citing every paper of their theme."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import nbformat
import pytest

from litreview import load_review
from litreview.notebooks import execute_notebook, run_notebooks

from .conftest import ROOT, digest_text, long_abstract, run_litreview

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "litreview" / "templates" / "notebooks").glob("*.ipynb"))
THEME_NOTEBOOKS = {"01-forgetting": "forgetting", "02-hallucination": "hallucination", "03-chain-of-thought": "cot"}
CITE = re.compile(r"\{cite:[pt]\}`([^`]+)`")


def test_the_review_curates_three_syntheses_and_litreview_ships_two_templates():
    assert [p.stem for p in NOTEBOOKS] == ["01-forgetting", "02-hallucination", "03-chain-of-thought", "00-overview", "theme"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs_and_with_a_parameters_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    # No path that assumes the author's machine.
    assert "/work/" not in path.read_text() and "/tmp/" not in path.read_text()


def cited_keys(nb: nbformat.NotebookNode) -> set[str]:
    """Keys cited in Markdown cells and in generated Markdown outputs."""
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("data", {}).get("text/markdown", ""))
    return {key.strip() for text in texts for match in CITE.findall(text) for key in match.split(",")}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    """The notebooks executed on the seed review by `litreview notebooks export`, in a copy of it."""
    from .conftest import copy_review

    root = copy_review(tmp_path_factory.mktemp("seed-notebooks"))
    result = run_litreview("notebooks", "export", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": executed in") == 4
    return {p.stem: nbformat.read(p, as_version=4) for p in sorted((root / "build" / "notebooks").glob("*.ipynb"))}


def test_executed_without_errors_or_stderr(executed):
    assert sorted(executed) == ["00-overview", "01-forgetting", "02-hallucination", "03-chain-of-thought"]
    for name, nb in executed.items():
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert outputs, name
        assert not [o for o in outputs if o.output_type == "error"], name
        assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"], name


def test_overview_draws_the_flow_and_a_searchable_table(executed):
    outputs = [o for c in executed["00-overview"].cells if c.cell_type == "code" for o in c.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the PRISMA-style flow figure
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "paragraphs read" in html and "itables" in html.lower()
    assert not re.search(r"<script[^>]+src=[\"']?https?://", html)  # itables in offline mode: nothing from a CDN


def test_every_cited_key_exists(executed):
    keys = {e.key for e in bibtexparser.parse_string((ROOT / "bib" / "review.bib").read_text()).entries}
    for name, nb in executed.items():
        assert cited_keys(nb) <= keys, (name, cited_keys(nb) - keys)


@pytest.mark.parametrize(("name", "theme"), THEME_NOTEBOOKS.items())
def test_theme_notebook_cites_every_paper_of_its_theme(executed, name: str, theme: str):
    review = load_review(ROOT / "review.toml")
    members = review["paper_themes"].loc[review["paper_themes"]["theme"] == theme, "paper_id"]
    expected = set(review["papers"].set_index("paper_id").loc[members, "citekey"])
    assert expected and expected <= cited_keys(executed[name])


@pytest.mark.parametrize("name", THEME_NOTEBOOKS)
def test_syntheses_are_written_and_cite(name: str):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith(("## ", "The ", "A ")) is not None)
    words = len(re.sub(r"\{(cite|glue)[^}]*\}`[^`]*`", "", prose).split())
    assert 600 <= words <= 1600
    assert len(cited_keys(nb)) >= 10
    assert "{glue:text}`n_papers`" in prose  # counts come from the data


def test_notebooks_run_on_a_second_small_review(tmp_path: Path):
    """A review without notebooks of its own gets litreview's overview and one generic page per theme."""
    (tmp_path / "data" / "digests").mkdir(parents=True)
    pairs = [
        ("Catastrophic Forgetting in Continual Fine-Tuning", long_abstract("catastrophic forgetting during continual learning")),
        ("Detecting Hallucinations in Summaries", long_abstract("hallucination detection for factual consistency")),
        ("Chain-of-Thought Prompting for Arithmetic", long_abstract("chain-of-thought prompting with intermediate reasoning steps")),
        ("A Paper About Protein Folding", long_abstract("protein structures")),
    ]
    (tmp_path / "data" / "digests" / "2025-05-01-small.txt").write_text(digest_text(pairs))
    (tmp_path / "review.toml").write_text('[review]\ntitle = "Small"\n[[digests]]\npath = "data/digests/2025-05-01-small.txt"\ndate = "2025-05-01"\n')
    result = run_litreview("notebooks", "export", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": executed in") == 4
    overview = json.loads((tmp_path / "build" / "notebooks" / "00-overview.ipynb").read_text())
    assert "stderr" not in json.dumps(overview)
    for suffix in (".html", ".py"):
        assert (tmp_path / "build" / "notebooks" / f"theme-forgetting{suffix}").stat().st_size > 1000
    # Nothing of our review's prose or keys reaches another review's pages.
    assert "theme forgetting: 1 paper, 0 discussed, 1 not yet discussed" in result.stdout
    assert "zhao2023continual" not in (tmp_path / "build" / "notebooks" / "theme-forgetting.html").read_text()


def test_a_notebook_runs_as_stored_from_the_notebooks_folder(tmp_path: Path):
    """As JupyterLab would run it: no injected parameters; it finds ../review.toml by itself."""
    from .conftest import copy_review

    root = copy_review(tmp_path)
    nb = nbformat.read(root / "notebooks" / "02-hallucination.ipynb", as_version=4)
    seconds, error = execute_notebook(nb, root / "notebooks", timeout=300)
    assert error is None
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("name") == "stderr" or o.output_type == "error"]


def test_a_failing_notebook_is_reported_with_its_cell(tmp_path: Path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("text"),
        nbformat.v4.new_code_cell("1 / 0"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    ok = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('fine')")], metadata=nb.metadata)
    nbformat.write(nb, tmp_path / "bad.ipynb")
    nbformat.write(ok, tmp_path / "ok.ipynb")
    results = run_notebooks([tmp_path / "bad.ipynb", tmp_path / "ok.ipynb"], tmp_path / "cache")
    assert [r.status for r in results] == ["failed", "executed"]  # the run goes on after a failure
    assert results[0].error == "cell 3: ZeroDivisionError: division by zero"
    again = run_notebooks([tmp_path / "ok.ipynb"], tmp_path / "cache")
    assert [r.status for r in again] == ["cached"]
