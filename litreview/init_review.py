"""`litreview init`: a new review folder that builds as it is.

It holds only what the review's people edit: `review.toml`, `themes.toml` (litreview's default
themes or the file given), an empty curation file, one notebook per theme to write its synthesis
in, and the site's hand-written pages (`docs/`, whose conf.py takes litreview's Sphinx settings).
Everything generic (the Sphinx configuration, static files, the overview and the generic theme
page) stays in the package.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

from .config import DEFAULT_CONFIG, add_digest, load_config, parse_date
from .errors import LitreviewError
from .fileio import write_text_atomic
from .markup import escape_markdown
from .notebooks.pages import THEME_TEMPLATE
from .pipeline import DEFAULT_THEMES
from .themes.rules import load_themes

SKELETON = Path(__file__).resolve().parent / "templates" / "review"


def review_toml(title: str) -> str:
    # JSON strings without ASCII escaping are valid TOML basic strings.
    return f"""# The review's configuration. People edit this file; `litreview add` only appends digests to it.

[review]
title = {json.dumps(title, ensure_ascii=False)}

[outputs]
# Where `litreview tables` writes the tables and where the bibliography goes.
tables = "build/tables"
bib = "bib"

[enrich]
# Bibliographic facts, one JSON object a line; `litreview enrich --online` adds to it.
cache = "data/arxiv-metadata.jsonl"

[themes]
# What each theme means and the signals that put a paper in it (edited by people).
definitions = "themes.toml"
# Per-paper decisions with a reason; they win over the classifier. No command writes this file.
curation = "data/curation.toml"
# What each paper proposes, where, on what and with which result, from its abstract (one CSV a batch;
# `litreview extract` only appends rows for papers that have none).
extractions = "data/extractions"
"""


def theme_notebook(theme_id: str, title: str, description: str) -> nbformat.NotebookNode:
    """The generic theme page made the review's own: its title, its theme, a cell for the prose."""
    nb = nbformat.read(THEME_TEMPLATE, as_version=4)
    nb.cells[0].source = f"# {escape_markdown(title)}"
    nb.cells[0].metadata.pop("litreview", None)
    params = nb.cells[1]
    params.source = params.source.replace("theme = None", f"theme = {json.dumps(theme_id)}")
    nb.cells[3].source = (
        f"{escape_markdown(description)} The {{glue:text}}`n_papers` papers of this theme are listed below.\n\n"
        "Write the synthesis in this notebook: one `##` section per sub-theme, headed with the sub-theme's "
        "title from `themes.toml`, every statement citing its paper with MyST's `cite:p` or `cite:t` role and "
        "the paper's key from `bib/citekeys.csv`. A section's count is the glued number `n_<sub_theme>` "
        "(the papers it cites); papers that no section cites yet are listed under \"Not yet discussed\"."
    )
    return nb


def init_review(target: str | Path, digest: str | Path | None = None, date: str | None = None,
                title: str | None = None, themes: str | Path | None = None) -> list[Path]:
    """Create the review folder `target` (missing or empty); returns the files written."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise LitreviewError(f"{target}: not an empty folder; litreview init makes a new review only in a new or empty folder")
    if (digest is None) != (date is None):
        raise LitreviewError("--digest and --date go together: the date is that of the page the digest was copied from")
    if date is not None:
        parse_date(date, "--date")
    themes_source = Path(themes) if themes else DEFAULT_THEMES
    definitions = load_themes(themes_source)  # a broken themes file is refused before anything is written
    existed = target.exists()
    target.mkdir(parents=True, exist_ok=True)
    written = []

    def write(relative: str, text: str) -> None:
        write_text_atomic(target / relative, text)
        written.append(target / relative)

    write(DEFAULT_CONFIG, review_toml(title or target.resolve().name))
    write("themes.toml", themes_source.read_text(encoding="utf-8"))
    for path in sorted(SKELETON.rglob("*")):
        if path.is_file():
            relative = path.relative_to(SKELETON).as_posix()
            write(".gitignore" if relative == "gitignore" else relative, path.read_text(encoding="utf-8"))
    for number, theme in enumerate(definitions.themes, start=1):
        nb = theme_notebook(theme.id, theme.title, theme.description)
        write(f"notebooks/{number:02d}-{theme.id}.ipynb", nbformat.writes(nb) + "\n")
    (target / "data" / "digests").mkdir(parents=True, exist_ok=True)
    if digest is not None:
        try:
            written.append(add_digest(load_config(target / DEFAULT_CONFIG), digest, date))
        except LitreviewError:
            # The folder was new or empty: leave it as it was, not half a review.
            for child in target.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
            if not existed:
                target.rmdir()
            raise
    return written
