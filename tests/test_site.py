"""The real site, built by `litreview build` in a copy of the review: pages, citations, offline."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from sphinx.search.en import SearchEnglish

from litreview import load_review

from .conftest import digest_text, long_abstract, run_litreview

EXTERNAL = re.compile(r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*\b(?:src|href|data)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


class HeadingText(HTMLParser):
    """The text of the first <h1>, without Sphinx's permalink."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.skip, self.text, self.done = 0, 0, [], False

    def handle_starttag(self, tag, attrs):
        if tag == "h1" and not self.done:
            self.depth = 1
        elif self.depth and tag == "a" and "headerlink" in (dict(attrs).get("class") or ""):
            self.skip = 1

    def handle_endtag(self, tag):
        if tag == "h1" and self.depth:
            self.depth, self.done = 0, True
        elif tag == "a":
            self.skip = 0

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.text.append(data)


def h1_text(page: Path) -> str:
    parser = HeadingText()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join("".join(parser.text).split())


@pytest.mark.parametrize("site", ["seed_site", "hostile_site"])
def test_builds_with_zero_warnings(site, request):
    root, result = request.getfixturevalue(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    assert "site built: open file://" in result.stdout
    assert f"python -m http.server -d {root / 'docs' / '_build' / 'html'}" in result.stdout


@pytest.mark.parametrize("site", ["seed_site", "hostile_site"])
def test_one_page_per_paper_titled_by_the_paper(site, request):
    root, _ = request.getfixturevalue(site)
    papers = load_review(root / "review.toml")["papers"]
    pages = sorted((root / "docs" / "_build" / "html" / "_generated" / "papers").glob("*.html"))
    assert [p.stem for p in pages] == sorted(papers["paper_id"])
    titles = dict(zip(papers["paper_id"], papers["title"]))
    for page in pages:
        assert h1_text(page) == " ".join(titles[page.stem].split())


@pytest.mark.parametrize("site", ["seed_site", "hostile_site"])
def test_nothing_loads_from_another_host(site, request):
    root, _ = request.getfixturevalue(site)
    pages = list((root / "docs" / "_build" / "html").rglob("*.html"))
    assert len(pages) > 10
    offenders = [str(p.relative_to(root)) for p in pages if EXTERNAL.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_citations_on_theme_pages_open_paper_pages(seed_site):
    root, _ = seed_site
    html_dir = root / "docs" / "_build" / "html"
    notebooks = html_dir / "_generated" / "notebooks"
    for name in ("01-forgetting", "02-hallucination", "03-chain-of-thought"):
        page = (notebooks / f"{name}.html").read_text(encoding="utf-8")
        spans = re.findall(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', page, flags=re.S)
        links = [href for span in spans for href in re.findall(r'href="([^"]+)"', span)]
        assert len(links) >= 20, name
        assert all(href.startswith("../papers/") and (notebooks / href).resolve().is_file() for href in links), name
        assert "{cite" not in page and "{glue" not in page  # every role was rendered


def test_paper_pages_are_not_in_the_sidebar(seed_site):
    root, _ = seed_site
    index = (root / "docs" / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "_generated/papers/" not in index.split('class="sidebar-tree"')[1].split("</nav>")[0]


def search_index(html_dir: Path) -> dict:
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def test_search_does_not_find_a_page_by_the_papers_it_lists_as_related(seed_site):
    """A page is found by its own words, not by the titles in its related-papers list or by its
    BibTeX block: those are kept out of the search index (else every neighbour would be a hit)."""
    root, _ = seed_site
    html_dir = root / "docs" / "_build" / "html"
    index, stem = search_index(html_dir), SearchEnglish({}).stem
    pages_of = {}
    for mapping in (index["terms"], index["titleterms"]):
        for term, found in mapping.items():
            pages_of.setdefault(term, set()).update(index["docnames"][i] for i in ([found] if isinstance(found, int) else found))
    titles = dict(zip(*(load_review(root / "review.toml")["papers"][c] for c in ("paper_id", "title"))))
    related = pd.read_parquet(root / "build" / "related.parquet")
    checked = 0
    for page_id, listed_id in zip(related["paper_id"], related["related_id"]):
        source = (root / "docs" / "_generated" / "papers" / f"{page_id}.md").read_text(encoding="utf-8")
        own_text = source.split("## Related papers")[0]  # title, facts, abstract, themes
        own_stems = {stem(w).lower() for w in re.findall(r"[a-z]+", own_text.lower())}
        for word in set(re.findall(r"[a-z]{4,}", titles[listed_id].lower())):
            if stem(word).lower() not in own_stems:
                assert f"_generated/papers/{page_id}" not in pages_of.get(stem(word).lower(), set()), (page_id, word)
                checked += 1
    assert checked >= 100
    for field_name in ("archiveprefix", "primaryclass", "eprint"):  # BibTeX field names, on every paper page
        assert not any("/papers/" in page for page in pages_of.get(field_name, ())), field_name


class Elements(HTMLParser):
    """Every element of a page with its attributes: what the browser would really create."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(page: Path) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


def test_no_hostile_text_becomes_an_element_anywhere_in_the_site(hostile_site):
    """The whole site (landing, notebooks, catalog, bibliography...); the paper pages' headings and the
    catalog are also checked in a tiny Sphinx project, test_sphinx_pages.py."""
    root, _ = hostile_site
    html_dir = root / "docs" / "_build" / "html"
    for built in html_dir.rglob("*.html"):
        for tag, attrs in elements(built):
            assert tag not in ("iframe", "embed", "object"), built
            assert not any(name.startswith("on") for name in attrs), (built, tag, attrs)
            assert not str(attrs.get("href", "")).startswith("javascript:"), built
            assert "example" not in str(attrs.get("src", "")), built


def test_downloads_and_data_dictionary(seed_site):
    root, _ = seed_site
    html_dir = root / "docs" / "_build" / "html"
    downloads = (html_dir / "_generated" / "downloads.html").read_text(encoding="utf-8")
    for name in ("review.bib", "review.json", "forgetting.bib", "papers.csv", "papers.parquet",
                 "01-forgetting.ipynb", "01-forgetting.html", "01-forgetting.py"):
        assert name in downloads, name
    # The exported notebooks run on another machine: no path of this one is baked into them.
    for exported in (root / "docs" / "_generated" / "downloads" / "notebooks").glob("*.*"):
        assert str(root) not in exported.read_text(encoding="utf-8"), exported.name
    dictionary = (html_dir / "_generated" / "data-dictionary.html").read_text(encoding="utf-8")
    assert all(name in dictionary for name in ("paper_digests", "paper_themes", "citekey", "evidence"))
    assert "load_review" in (html_dir / "api.html").read_text(encoding="utf-8")


def test_the_cli_reference_has_a_section_per_command(seed_site):
    """docs/cli.md is rendered by sphinx-argparse from litreview.cli's parser: every command is there."""
    from litreview import cli

    root, _ = seed_site
    page = (root / "docs" / "_build" / "html" / "cli.html").read_text(encoding="utf-8")
    # Each command has its cmd_<name> function: a command added later is expected on the page too.
    commands = sorted(name.removeprefix("cmd_") for name in vars(cli) if name.startswith("cmd_"))
    assert len(commands) >= 11
    for name in commands:
        assert f'<section id="litreview-{name}">' in page, name
    assert "give these papers fresh citation keys" in page  # the commands' own help, not only their names


def test_rebuild_with_nothing_changed_executes_no_notebook(seed_site):
    root, _ = seed_site
    again = run_litreview("build", cwd=root)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count(": cached") == 4 and "executed" not in again.stdout


def test_adding_a_digest_re_executes_only_what_depends_on_it(seed_site, tmp_path: Path):
    """On a copy of the built seed site (its build caches included): the shared one stays as the other tests expect it."""
    root = tmp_path / "seed"
    shutil.copytree(seed_site[0], root, symlinks=True)
    new = root / "new-digest.txt"
    new.write_text(digest_text([("A Study of Protein Folding Kinetics", long_abstract("protein folding kinetics in cells"))]))
    assert run_litreview("add", str(new), "--date", "2025-03-18", cwd=root).returncode == 0
    result = run_litreview("build", cwd=root)
    assert result.returncode == 0, result.stderr
    # The new paper is in no theme: the overview runs again, the theme notebooks do not.
    assert "notebook 00-overview.ipynb: executed" in result.stdout
    assert result.stdout.count(": cached") == 3
    whats_new = (root / "docs" / "_build" / "html" / "_generated" / "whats-new.html").read_text(encoding="utf-8")
    assert "A Study of Protein Folding Kinetics" in whats_new and "that no earlier digest had: <strong>1</strong>" in whats_new


def test_a_provisional_key_is_marked_on_its_paper_page(tmp_path: Path):
    from litreview.site.paper_pages import paper_context, render_paper_page

    (tmp_path / "data" / "digests").mkdir(parents=True)
    (tmp_path / "data" / "digests" / "d.txt").write_text(digest_text([("Semantic Entropy Probes", long_abstract("a")), ("Think Twice", long_abstract("b"))]))
    (tmp_path / "data" / "cache.jsonl").write_text(json.dumps({"title": "Think Twice", "arxiv_id": "2410.13413", "authors": ["Chengyu Du"]}) + "\n")
    (tmp_path / "review.toml").write_text('[review]\ntitle = "T"\n[enrich]\ncache = "data/cache.jsonl"\n'
                                          '[[digests]]\npath = "data/digests/d.txt"\ndate = "2025-03-11"\n')
    review = load_review(tmp_path / "review.toml")
    context = paper_context(review.tables, pd.DataFrame(columns=["paper_id", "rank", "related_id"]), {})
    pages = {paper["citekey"]: render_paper_page(paper, context) for paper in review["papers"].to_dict("records")}
    assert set(pages) == {"semanticentropy2025", "du2024think"}
    assert "**Citation key:** `semanticentropy2025` (provisional)" in pages["semanticentropy2025"]
    cite = pages["semanticentropy2025"].split("## Cite", 1)[1]
    assert "The citation key is provisional" in cite and "`litreview bib --rekey`" in cite
    assert "**Citation key:** `du2024think`\n" in pages["du2024think"] and "provisional" not in pages["du2024think"]


def test_a_notebook_export_is_redone_when_the_bibliography_is_newer(tmp_path: Path):
    """The exports cite from bib/review.bib: a changed bibliography makes them stale."""
    import os

    from litreview.site.build import is_older

    export, bib = tmp_path / "01-forgetting.html", tmp_path / "review.bib"
    assert is_older(export, bib)  # no export yet
    export.write_text("html")
    assert not is_older(export, bib)  # no bibliography: nothing to be older than
    bib.write_text("@misc{a, title={A}}")
    os.utime(export, (1_000_000, 1_000_000))
    assert is_older(export, bib)
    os.utime(bib, (999_000, 999_000))
    assert not is_older(export, bib)
