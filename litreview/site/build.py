"""`litreview build`: the pipeline's outputs, the generated pages, the notebooks, then Sphinx.

Generated sources go to `docs/_generated/` (ignored by git); hand-written pages stay in `docs/`.
Unchanged generated files keep their modification time, so a rebuild with nothing changed makes
Sphinx read nothing again and executes no notebook.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from myst_parser.slugs import github_slugify

from ..analysis.comparison import DOWNLOAD, compute_comparison
from ..analysis.summaries import compute_prisma_flow, subtheme_list_label
from ..bib.outputs import write_bib_outputs
from ..cache import fingerprint, library_digest
from ..errors import LitreviewError
from ..fileio import csv_bytes, write_bytes_atomic, write_tables, write_text_atomic
from ..notebooks.execute import NotebookResult, export_notebooks, run_notebooks
from ..notebooks.pages import NotebookPage, plan_notebook_pages, prepare_page
from ..parallel import usable_cores
from ..pipeline import Review, evaluations, related_papers
from ..themes.rules import ThemeSet
from .catalog import render_catalog
from .feed import FEED_FILE, render_feed
from .pages import render_data_dictionary, render_downloads, render_landing, render_methods, render_whats_new
from .paper_pages import ThemeLink, generate_paper_pages

EXTRA = "extra"  # generated files copied as they are to the site's root (sphinx_conf: html_extra_path)


@dataclass(frozen=True)
class SitePaths:
    """Where a review's site is made: docs (sources), generated sources, HTML, notebook cache."""

    root: Path

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def generated(self) -> Path:
        return self.docs / "_generated"

    @property
    def html(self) -> Path:
        return self.docs / "_build" / "html"

    @property
    def cache(self) -> Path:
        return self.root / "build" / "jupyter_cache"


def page_fingerprint(review: Review, page: NotebookPage) -> str:
    """A theme page depends only on its theme's papers and their extractions (its prose is in the
    page itself); any other page on every table."""
    tables = review.tables
    if page.theme is None:
        return fingerprint(*tables.values())
    rows = tables["paper_themes"][tables["paper_themes"]["theme"] == page.theme]
    extractions = tables["extractions"][tables["extractions"]["paper_id"].isin(rows["paper_id"])].drop(columns=["file", "line"])
    return fingerprint(rows, tables["papers"][tables["papers"]["paper_id"].isin(rows["paper_id"])], extractions)


def theme_links(themes: ThemeSet, pages: list[NotebookPage]) -> dict[str, ThemeLink]:
    """Where paper pages link each theme and sub-theme: the sub-theme's section of the synthesis when
    its page has one (the heading's MyST anchor), else its group in the generic page's paper list,
    else (a review's notebook without that section) the theme's page."""
    links = {}
    for page in pages:
        if page.theme is None:
            continue
        theme = themes[page.theme]
        target = f"/_generated/notebooks/{page.stem}.ipynb"
        sections = {section.title for section in page.prose}
        subthemes = {}
        for sub in theme.subthemes:
            if sub.title in sections:
                subthemes[sub.id] = (sub.title, f"{target}#{github_slugify(sub.title)}")
            else:
                subthemes[sub.id] = (sub.title, target if page.curated else f"#{subtheme_list_label(theme.id, sub.id)}")
        links[theme.id] = ThemeLink(theme.title, target, subthemes)
    return links


def generate_sources(review: Review, paths: SitePaths, pages: list[NotebookPage]) -> list[Path]:
    """Every generated page and download; returns the prepared notebooks (to execute)."""
    config, tables, themes = review.config, review.tables, review.themes
    out = paths.generated
    theme_titles = {t.id: t.title for t in themes.themes}
    generate_paper_pages(tables, related_papers(review), theme_titles, out / "papers", theme_links(themes, pages))
    subtheme_titles = {t.id: {s.id: s.title for s in t.subthemes} for t in themes.themes}
    write_text_atomic(out / "catalog.md", render_catalog(tables["papers"], tables["authors"], tables["paper_themes"], theme_titles,
                                                         subtheme_titles, tables["paper_digests"]))
    write_text_atomic(out / "whats-new.md", render_whats_new(tables))
    write_bytes_atomic(out / EXTRA / FEED_FILE, render_feed(config.title, tables, theme_titles))
    write_text_atomic(out / "data-dictionary.md", render_data_dictionary())
    digests = [(dated.digest.name, dated.date, len(dated.digest.papers)) for dated in review.digests]
    theme_pages = {p.theme: f"/_generated/notebooks/{p.stem}.ipynb" for p in pages if p.theme}
    theme_rows = [(t.id, t.title, t.description, theme_pages.get(t.id, "")) for t in themes.themes]
    notebook_pages = [f"/_generated/notebooks/{p.stem}" for p in pages]
    write_text_atomic(out / "landing.md", render_landing(config.title, tables, digests, theme_rows, notebook_pages))
    flow = compute_prisma_flow(review.digests, tables, themes.ids)
    measured = [(caption, evaluation.metrics[["theme", "precision", "recall", "f1", "support"]].round(3))
                for caption, evaluation in evaluations(review)]
    subthemes = [(t.id, t.title, t.description, [(s.id, s.title) for s in t.subthemes]) for t in themes.themes]
    write_text_atomic(out / "methods.md", render_methods(flow, subthemes, measured))
    write_tables(tables, out / "downloads" / "tables")
    for theme in themes.ids:  # each theme page links to its comparison table as CSV
        write_bytes_atomic(paths.docs / DOWNLOAD.format(theme=theme).lstrip("/"), csv_bytes(compute_comparison(tables, theme)))
    for name in sorted(p.name for p in config.bib_dir.glob("*") if p.suffix in {".bib", ".json", ".csv"}):
        write_bytes_atomic(out / "downloads" / "bib" / name, (config.bib_dir / name).read_bytes())
    # No injected config: the copy finds the review.toml above it, so the exported downloads run anywhere.
    prepared = [prepare_page(page, out / "notebooks", page_fingerprint(review, page)) for page in pages]
    for stale in set((out / "notebooks").glob("*.ipynb")) - set(prepared):
        stale.unlink()  # a page that is no longer planned (a theme removed, or now curated) is not built
    return prepared


def downloads_page(out: Path) -> str:
    descriptions = {
        "review.bib": "BibTeX of every paper (keys pinned in citekeys.csv)",
        "review.json": "CSL-JSON of every paper, for Zotero, Pandoc and Quarto",
        "citekeys.csv": "the pinned citation keys (paper_id, citekey, status: complete or provisional)",
    }
    files = []
    for path in sorted((out / "downloads").rglob("*")):
        if path.is_file():
            relative = path.relative_to(out).as_posix()
            name = path.name
            what = descriptions.get(name) or (f"BibTeX of the papers of the theme {path.stem}" if path.suffix == ".bib" else "")
            if not what and "comparison" in relative:
                what = f"the comparison table of the theme {path.stem} (one row per paper, the fields of its extraction)"
            if not what and "tables" in relative:
                what = f"the {path.stem} table as {path.suffix[1:].upper()} (see the data dictionary)"
            if not what and "notebooks" in relative:
                what = {".ipynb": "executed notebook", ".html": "executed notebook as standalone HTML",
                        ".py": "notebook as a Python script"}.get(path.suffix, "")
            files.append((relative, what))
    return render_downloads(files)


def check_site_sources(paths: SitePaths) -> None:
    """A review's site needs its docs/conf.py and docs/index.md (`litreview init` writes them)."""
    missing = [name for name in ("conf.py", "index.md") if not (paths.docs / name).is_file()]
    if missing:
        raise LitreviewError(f"{paths.docs}: no {' or '.join(missing)}, so there is no site to build here; "
                             "start a review with 'litreview init DIR' (it writes docs/), or run litreview in a review's folder")


def build_site(review: Review, quiet: bool = True) -> tuple[int, list[NotebookResult]]:
    """Write outputs and sources, execute notebooks into the cache, export them, run Sphinx."""
    from sphinx.cmd.build import build_main

    paths = SitePaths(review.config.root)
    check_site_sources(paths)
    if review.extraction_problems:  # the comparison tables would say what the abstracts do not
        more = f" (and {len(review.extraction_problems) - 1} more)" if len(review.extraction_problems) > 1 else ""
        raise LitreviewError(f"{review.extraction_problems[0]}{more}; the site was not built: fix the extraction files "
                             "('litreview extract --check' lists every problem)")
    pages = plan_notebook_pages(review.themes, review.config.root / "notebooks")
    write_tables(review.tables, review.config.tables_dir)
    write_bib_outputs(review, review.config.bib_dir)
    prepared = generate_sources(review, paths, pages)
    results = run_notebooks(prepared, paths.cache)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise LitreviewError("notebooks failed, so the site was not built: " + "; ".join(r.describe() for r in failed))
    exports = paths.generated / "downloads" / "notebooks"
    # nbconvert is slow: export only what was executed now, has no export yet, or cites from an
    # older bibliography (an unchanged bib keeps its modification time).
    bib = review.config.bib_dir / "review.bib"
    stale = [r.path for r in results if r.status == "executed" or is_older(exports / f"{r.path.stem}.html", bib)]
    if stale:
        export_notebooks(stale, paths.cache, exports, bib)
    write_text_atomic(paths.generated / "downloads.md", downloads_page(paths.generated))
    inputs = sphinx_inputs_digest(paths, review.config.bib_dir)
    stamp = paths.root / "build" / "site-inputs.sha256"
    if (paths.html / "index.html").exists() and stamp.exists() and stamp.read_text() == inputs:
        return 0, results  # every input of Sphinx is as it was at the last successful build
    status = build_main(sphinx_arguments(paths.docs, paths.html, quiet))
    if status == 0:
        write_text_atomic(stamp, inputs)
    return status, results


def sphinx_arguments(docs: Path, html: Path, quiet: bool = True, jobs: int | None = None) -> list[str]:
    """sphinx-build's arguments for a review's site: every warning is an error (after all are shown),
    broken references included, and the pages are read and written by `jobs` processes, by default
    one per usable core (a review of thousands of papers has as many paper pages). A parallel build
    writes the same HTML as a serial one (tests/test_sphinx_pages.py)."""
    jobs = usable_cores() if jobs is None else jobs
    return [*(["-q"] if quiet else []), *(["-j", str(jobs)] if jobs > 1 else []),
            "-W", "--keep-going", "-n", "-b", "html", str(docs), str(html)]


def is_older(path: Path, than: Path) -> bool:
    """True if `path` does not exist or was written before `than` (which may not exist)."""
    return not path.exists() or (than.exists() and path.stat().st_mtime < than.stat().st_mtime)


def sphinx_inputs_digest(paths: SitePaths, bib_dir: Path) -> str:
    """Everything a Sphinx build reads: the docs tree (without its output), the bibliography, and
    the versions of the packages that render them."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    files = [p for p in paths.docs.rglob("*") if p.is_file() and "_build" not in p.relative_to(paths.docs).parts]
    for path in sorted(files + sorted(bib_dir.glob("*.bib"))):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    for package in ("sphinx", "myst-nb", "sphinxcontrib-bibtex", "furo", "sphinx-copybutton", "litreview"):
        digest.update(f"{package}=={version(package)}".encode())
    digest.update(library_digest())
    return digest.hexdigest()
