"""The curated notebooks: clean in git, executed for real, citing every paper of their theme."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import bibtexparser
import nbformat
import pytest

from litreview import load_review
from litreview.notebooks.execute import execute_notebook, executed_notebook, run_notebooks

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
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seed review in which `litreview notebooks export` ran: its root folder."""
    from .conftest import copy_review

    root = copy_review(tmp_path_factory.mktemp("seed-notebooks"))
    result = run_litreview("notebooks", "export", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": executed in") == 4
    assert "cited but not in" not in result.stderr, result.stderr
    return root


@pytest.fixture(scope="module")
def executed(exported: Path) -> dict[str, nbformat.NotebookNode]:
    """The MyST notebooks as `litreview notebooks export` executed them (their outputs in the cache)."""
    sources = sorted((exported / "build" / "notebooks" / "source").glob("*.ipynb"))
    return {p.stem: executed_notebook(p, exported / "build" / "jupyter_cache") for p in sources}


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
def test_theme_notebook_cites_every_paper_of_its_theme(seed_config: Path, executed, name: str, theme: str):
    review = load_review(seed_config)
    members = review["paper_themes"].loc[review["paper_themes"]["theme"] == theme, "paper_id"]
    expected = set(review["papers"].set_index("paper_id").loc[members, "citekey"])
    assert expected and expected <= cited_keys(executed[name])


STANDARD_SECTIONS = ("## Comparison", "## Findings reported in the abstracts", "## Every paper of the theme")


@pytest.mark.parametrize("name", THEME_NOTEBOOKS)
def test_syntheses_are_written_and_cite(name: str):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    # The synthesis: the introduction and the sections written by hand, not the title or the two sections
    # every theme page has (the findings table and the list of papers).
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown" and not c.source.startswith(("# ", *STANDARD_SECTIONS)))
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


def test_a_kernel_leaves_nothing_on_stderr(tmp_path: Path, capfd):
    """The kernel inherits our stderr: over TCP, ipykernel would warn there at every start (build logs)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    seconds, error = execute_notebook(nb, tmp_path, timeout=120)
    assert error is None and seconds > 0
    assert capfd.readouterr().err == ""


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


EXPORTS = (".html", ".py", ".ipynb")


def exported_text(root: Path, stem: str, suffix: str) -> str:
    return (root / "build" / "notebooks" / f"{stem}{suffix}").read_text(encoding="utf-8")


def short_citation(key: str) -> tuple[str, str]:
    """(authors, year) as an author-year citation names them, read from the committed bib."""
    entry = next(e for e in bibtexparser.parse_string((ROOT / "bib" / "review.bib").read_text()).entries if e.key == key)
    families = [name.split()[-1] for name in entry["author"].split(" and ")]
    authors = families[0] if len(families) == 1 else " and ".join(families) if len(families) == 2 else f"{families[0]} et al."
    return authors, entry["year"]


@pytest.mark.parametrize("suffix", EXPORTS)
def test_exports_show_no_myst_roles_or_glue_records(exported, suffix: str):
    for stem in ["00-overview", *THEME_NOTEBOOKS]:  # the pages of our review that were exported
        text = exported_text(exported, stem, suffix)
        assert "{glue" not in text and "{cite" not in text, (stem, suffix)
        assert "papermill.record" not in text, (stem, suffix)


@pytest.mark.parametrize("suffix", EXPORTS)
def test_exports_paste_the_glued_counts(seed_config: Path, exported, suffix: str):
    papers = len(load_review(seed_config)["papers"])
    assert f"keeps {papers} papers" in exported_text(exported, "00-overview", suffix)


def test_exports_cite_author_year_like_the_site(exported):
    # Keys as the hallucination synthesis cites them: simhi with {cite:t} and alone with {cite:p}, and
    # "{cite:p}`alnuhait2024factcheckmate,simhi2024distinguishing`".
    authors, year = short_citation("simhi2024distinguishing")
    other, other_year = short_citation("alnuhait2024factcheckmate")
    assert authors.endswith(" et al.")  # more than two authors
    script = exported_text(exported, "02-hallucination", ".py")
    html = exported_text(exported, "02-hallucination", ".html").replace("<em>et al.</em>", "et al.")
    for text in (script, html):
        assert f"{authors} ({year})" in text  # {cite:t}
        assert f"({authors}, {year})" in text  # {cite:p}
        assert f"({other}, {other_year}; {authors}, {year})" in text  # {cite:p} of two keys


def test_exports_end_with_every_cited_entry_sorted(exported, executed):
    cited = cited_keys(executed["02-hallucination"])
    script = exported_text(exported, "02-hallucination", ".py")
    items = [line.removeprefix("# - ") for line in script.split("# ## References", 1)[1].splitlines() if line.startswith("# - ")]
    assert len(items) == len(cited)
    assert sum("Deema Alnuhait" in item and "FactCheckmate" in item for item in items) == 1
    entries = {e.key: e for e in bibtexparser.parse_string((ROOT / "bib" / "review.bib").read_text()).entries}
    first_authors = sorted(entries[k]["author"].split(" and ")[0] for k in cited if "author" in entries[k])
    families = [next(name.split()[-1] for name in first_authors if item.startswith(name)) for item in items if any(item.startswith(n) for n in first_authors)]
    assert len(families) == len(first_authors) and families == sorted(families, key=str.casefold)
    html = exported_text(exported, "02-hallucination", ".html")
    assert html.split('id="References"', 1)[1].count("<li>") == len(cited)


def test_hostile_titles_stay_text_in_the_html_export(tmp_path: Path):
    """Titles become citations (papers without authors are cited by title) and references."""
    root = tmp_path / "review"
    (root / "data" / "digests").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "data" / "hostile-digest.txt", root / "data" / "digests" / "2025-03-12-hostile.txt")
    more = [("A {cite:p}`fake` role and <script>alert(1)</script> in a title", long_abstract("injection"))]
    (root / "data" / "digests" / "2025-03-13-more.txt").write_text(digest_text(more))
    (root / "review.toml").write_text(
        '[review]\ntitle = "Hostile"\n[[digests]]\npath = "data/digests/2025-03-12-hostile.txt"\ndate = "2025-03-12"\n'
        '[[digests]]\npath = "data/digests/2025-03-13-more.txt"\ndate = "2025-03-13"\n'
    )
    assert run_litreview("bib", cwd=root).returncode == 0
    notebooks = tmp_path / "nbs"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("config = None", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "from IPython.display import Markdown\nimport litreview\nfrom litreview.analysis import summaries\n"
            "from litreview.notebooks.execute import find_config\n"
            "papers = litreview.load_review(find_config(config=config))['papers']\n"
            "Markdown('\\n'.join('- ' + summaries.cite([key]) for key in papers['citekey']))"
        ),
        nbformat.v4.new_markdown_cell("An unknown key: {cite:p}`no-such-key`."),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, notebooks / "hostile.ipynb")
    result = run_litreview("notebooks", "export", "--notebooks", str(notebooks), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no-such-key" in result.stderr  # reported, so that the user can fix the citation
    html = exported_text(root, "hostile", ".html")
    body = html.split("<body", 1)[1]
    assert "[unknown: no-such-key]" in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body and "<b>bold" not in body
    assert "<img src=x" not in body and "<iframe" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body
    assert "`fake` role and" in body and "unknown: fake" not in body  # a role in a title is text, not a citation
