"""Site features in tiny real Sphinx projects (as sphinxcontrib-bibtex tests its features): a conf.py that
calls litreview's `configure`, a review.toml beside it, a bib, and only the pages the feature needs.
Seconds instead of the whole site's build; the whole site is still built by test_site.py."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from litreview import load_review
from litreview.analysis.related import compute_related_papers
from litreview.bib.outputs import write_bib_outputs
from litreview.site.build import sphinx_arguments
from litreview.site.catalog import render_catalog
from litreview.site.paper_pages import generate_paper_pages

from .conftest import ROOT, digest_text, long_abstract
from .test_site import elements, h1_text

CONF = "from litreview.site.sphinx_conf import configure\n\nconfigure(globals())\n"


def sphinx_build(docs: Path, arguments: list[str] | None = None) -> subprocess.CompletedProcess:
    """A real Sphinx build in a process of its own: of `docs` into docs/_build/html, or with `arguments`."""
    arguments = ["-b", "html", "-q", str(docs), str(docs / "_build" / "html")] if arguments is None else arguments
    return subprocess.run([sys.executable, "-m", "sphinx", *arguments], capture_output=True, text=True, timeout=300)


def paper_pages_project(root: Path, review_line: str, digest: str, theme_titles: dict[str, str]):
    """A review of one digest (path relative to `root`) with its bib, and a Sphinx project of its paper pages: (review, docs)."""
    (root / "review.toml").write_text(f'[review]\n{review_line}\n[[digests]]\npath = "{digest}"\ndate = "2025-03-12"\n')
    review = load_review(root / "review.toml")
    write_bib_outputs(review, root / "bib")
    docs = root / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF)
    (docs / "index.md").write_text("# Pages\n")
    generate_paper_pages(review.tables, compute_related_papers(review["papers"]), theme_titles, docs / "papers")
    return review, docs


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess, dict[str, str]]:
    """The paper pages and catalog of the hostile digest, built by Sphinx: (HTML folder, build result, titles by paper id)."""
    root = tmp_path_factory.mktemp("hostile-pages")
    (root / "data" / "digests").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "data" / "hostile-digest.txt", root / "data" / "digests" / "hostile.txt")
    theme_titles = {"cot": "Chain <of> thought", "hallucination": "Hallucination", "forgetting": "Forgetting"}
    review, docs = paper_pages_project(root, 'title = "Hostile <b>pages</b> {{ x }}"', "data/digests/hostile.txt", theme_titles)
    (docs / "index.md").write_text("# Pages\n\n```{toctree}\ncatalog\n```\n")
    (docs / "catalog.md").write_text(render_catalog(review["papers"], review["authors"], review["paper_themes"], theme_titles))
    titles = dict(zip(review["papers"]["paper_id"], review["papers"]["title"]))
    return docs / "_build" / "html", sphinx_build(docs), titles


def test_builds_without_warnings(hostile_pages):
    _, result, titles = hostile_pages
    assert len(titles) == 3
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_hostile_titles_are_the_headings_literally(hostile_pages):
    html_dir, _, titles = hostile_pages
    for paper_id, title in titles.items():
        assert h1_text(html_dir / "papers" / f"{paper_id}.html") == " ".join(title.split())
    page = next(p for p in (html_dir / "papers").glob("*.html") if "onerror" in p.read_text(encoding="utf-8"))
    assert html.escape("<img src=x") in page.read_text(encoding="utf-8")
    assert h1_text(page).startswith("<img src=x onerror=") and "{{ 7*7 }}" in h1_text(page)


def test_no_hostile_text_becomes_an_element(hostile_pages):
    html_dir, _, _ = hostile_pages
    built = sorted(html_dir.rglob("*.html"))
    assert [p.name for p in built if p.parent.name != "papers"] == ["catalog.html", "genindex.html", "index.html", "search.html"]
    for page in built:
        for tag, attrs in elements(page):
            assert tag not in ("iframe", "embed", "object"), page
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            assert not str(attrs.get("href", "")).startswith("javascript:"), page
            assert "example" not in str(attrs.get("src", "")), page
    catalog = (html_dir / "catalog.html").read_text(encoding="utf-8")
    assert html.escape('<script>alert("x")</script>', quote=False) not in catalog  # abstracts are not in the catalog
    assert "&lt;img src=x onerror=" in catalog


def test_block_attributes_in_untrusted_text_stay_text(tmp_path):
    # The site turns on MyST's attrs_block (a `{.class}` line gives the next block a class): a title or
    # abstract written as block attributes must show as written and give nothing a class or an id.
    (tmp_path / "data").mkdir()
    attrs_title = "{.admonition .danger #evil} Attributes Before a Block of Text"
    # A whole abstract that is one line of block attributes (an abstract needs words or two sentences).
    attrs_abstract = '{#hijack .warning .note title="We study block attributes in models. Experiments show gains. We release code."}'
    (tmp_path / "data" / "attrs.txt").write_text(digest_text([(attrs_title, attrs_abstract),
                                                              ("Block Attributes in Language Models", long_abstract("block attributes"))]))
    review, docs = paper_pages_project(tmp_path, 'title = "Attributes"', "data/attrs.txt", {})
    result = sphinx_build(docs)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    paper_id = review["papers"].loc[review["papers"]["title"] == attrs_title, "paper_id"].item()
    page = docs / "_build" / "html" / "papers" / f"{paper_id}.html"
    assert h1_text(page) == attrs_title
    found = elements(page)
    classes = {c for _, attrs in found for c in str(attrs.get("class", "")).split()}
    ids = {attrs.get("id") for _, attrs in found}
    assert not classes & {"admonition", "danger", "warning", "note"} and not ids & {"evil", "hijack"}
    assert "{#hijack .warning .note title=&quot;We study block attributes in models." in page.read_text(encoding="utf-8")
    # The page's own attributes do apply: the facts list and the (unsearched) related papers.
    assert {"paper-facts", "no-search"} <= classes


def test_a_parallel_build_writes_the_same_site_as_a_serial_one(tmp_path):
    """`litreview build` reads and writes the pages on every usable core (site/build.py:
    sphinx_arguments). Its HTML, search index and inventory must be byte for byte what a serial
    build writes, citations and their links to the paper pages included."""
    topics = ["forgetting", "hallucination", "reasoning"] * 9
    (tmp_path / "digest.txt").write_text(digest_text([(f"Paper {i} on {topic}", long_abstract(topic)) for i, topic in enumerate(topics)]))
    review, docs = paper_pages_project(tmp_path, 'title = "Parallel"', "digest.txt", {})
    cited = " ".join(f"{{cite:p}}`{key}`" for key in review["papers"]["citekey"].tolist()[::2])
    (docs / "index.md").write_text(f"# Pages\n\n{cited}\n\n```{{bibliography}}\n```\n")
    sites = []
    for jobs in (1, 2):
        out = tmp_path / f"html-{jobs}"
        result = sphinx_build(docs, sphinx_arguments(docs, out, jobs=jobs))
        assert result.returncode == 0, result.stderr
        sites.append({path.relative_to(out): path.read_bytes() for path in out.rglob("*") if path.is_file() and ".doctrees" not in path.parts})
    serial, parallel = sites
    assert sum(path.suffix == ".html" and path.parts[0] == "papers" for path in serial) == len(topics)
    assert b"Paper page" in serial[Path("index.html")] and Path("searchindex.js") in serial
    assert serial.keys() == parallel.keys()
    assert [path for path in serial if serial[path] != parallel[path]] == []


def test_paper_pages_are_listed_beside_them_instead_of_in_front_matter(tmp_path):
    """No page starts with front matter; citekeys.json names every page's citation key, and a conf
    that sets its own MyST extensions still gives the pages their classes, as orphans, without warnings."""
    (tmp_path / "digest.txt").write_text(digest_text([(f"Paper {i} on {topic}", long_abstract(topic)) for i, topic in enumerate(["memory", "truth", "steps"])]))
    review, docs = paper_pages_project(tmp_path, 'title = "Listed"', "digest.txt", {})
    pages = sorted((docs / "papers").glob("*.md"))
    assert len(pages) == 3 and not any(page.read_text().startswith("---") for page in pages)
    index = json.loads((docs / "papers" / "citekeys.json").read_text())
    assert index == dict(zip(review["papers"]["citekey"], review["papers"]["paper_id"]))
    (docs / "conf.py").write_text(CONF + 'myst_enable_extensions = ["dollarmath"]\n')
    result = sphinx_build(docs)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    for paper_id in index.values():
        classes = {c for _, attrs in elements(docs / "_build" / "html" / "papers" / f"{paper_id}.html") for c in str(attrs.get("class", "")).split()}
        assert {"paper-facts", "no-search"} <= classes


def test_an_unreadable_index_of_paper_pages_is_one_clear_error(tmp_path):
    (tmp_path / "digest.txt").write_text(digest_text([("A Paper on Memory", long_abstract("memory"))]))
    _, docs = paper_pages_project(tmp_path, 'title = "Broken"', "digest.txt", {})
    (docs / "papers" / "citekeys.json").write_text('["not", "a", "mapping"]')
    result = sphinx_build(docs)
    assert f"WARNING: {docs / 'papers' / 'citekeys.json'}: not an index of paper pages" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    # As `litreview build` runs Sphinx (warnings are errors), the build fails on it.
    strict = sphinx_build(docs, sphinx_arguments(docs, tmp_path / "strict", jobs=1))
    assert strict.returncode != 0 and "not an index of paper pages" in strict.stderr


def test_furos_asides_are_named_as_each_page_is_rendered(tmp_path):
    """Every page names Furo's two asides (axe-core: landmark-unique), done by the template loader
    that renders the pages; a conf with a template bridge of its own gets them named after the build."""
    from sphinx.application import Sphinx

    from litreview.site.sphinx_ext import LandmarkLabellingTemplates

    for own_bridge in (False, True):
        root = tmp_path / f"own-bridge-{own_bridge}"
        (root / "docs").mkdir(parents=True)
        conf = CONF + ('template_bridge = "sphinx.jinja2glue.BuiltinTemplateLoader"\n' if own_bridge else "")
        (root / "docs" / "conf.py").write_text(conf)
        (root / "review.toml").write_text('[review]\ntitle = "Asides"\n')
        (root / "docs" / "index.md").write_text("# Asides\n\n```{toctree}\nother\n```\n")
        (root / "docs" / "other.md").write_text("# Other\n\n## A section\n\nText.\n")
        app = Sphinx(root / "docs", root / "docs", root / "html", root / "doctrees", "html", status=None, warning=None)
        app.build()
        assert app.statuscode == 0
        assert isinstance(app.builder.templates, LandmarkLabellingTemplates) is not own_bridge
        for name in ("index.html", "other.html", "search.html", "genindex.html"):
            page = (root / "html" / name).read_text(encoding="utf-8")
            assert '<aside class="sidebar-drawer" aria-label="Site navigation">' in page, name
            assert '<aside aria-label="On this page" class="toc-drawer' in page, name
            assert '<aside class="sidebar-drawer">' not in page and '<aside class="toc-drawer' not in page, name
