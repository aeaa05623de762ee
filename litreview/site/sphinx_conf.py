"""The Sphinx configuration of every review site. A review's `docs/conf.py` is two lines:

    from litreview.site.sphinx_conf import configure
    configure(globals())

and may set or extend anything after them (extensions, theme options, pages of its own).
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

from ..config import DEFAULT_CONFIG, load_config
from . import citations

STATIC = Path(__file__).resolve().parent / "static"


def configure(namespace: MutableMapping[str, object]) -> None:
    """Fill a conf.py's namespace for the review whose `docs/` holds that conf.py."""
    docs = Path(str(namespace["__file__"])).resolve().parent
    config = load_config(docs.parent / DEFAULT_CONFIG)
    root = config.root
    # Files `litreview build` writes for the site's root (the Atom feed); a site built without it has none.
    extra = docs / "_generated" / "extra"
    feed = "feed.xml" if (extra / "feed.xml").is_file() else ""
    namespace.update(
        project=config.title,
        author="the review's authors",
        copyright="the review's authors",
        extensions=["myst_nb", "sphinxcontrib.bibtex", "sphinx_copybutton", "litreview.site.sphinx_ext", "litreview.site.citations"],
        # landing.md and methods.md are included into hand-written pages, not pages of their own.
        exclude_patterns=["_build", "**.ipynb_checkpoints", "_generated/downloads", "_generated/landing.md", "_generated/methods.md"],
        # Notebooks: executed by `litreview build` into this cache (outside the HTML output), re-used here.
        nb_execution_mode="cache",
        nb_execution_cache_path=str(root / "build" / "jupyter_cache"),
        nb_execution_raise_on_error=True,
        nb_execution_timeout=600,
        nb_render_markdown_format="myst",  # generated Markdown outputs may cite
        # Paper pages link a sub-theme to its section of the theme page by the heading's anchor
        # (MyST's default, GitHub-style slugs; site/build.py makes the same).
        myst_heading_anchors=2,
        # Citations: author-year, from the review's bibliography, linked to paper pages (site/citations.py).
        bibtex_bibfiles=[os.path.relpath(config.bib_dir / "review.bib", docs)],
        bibtex_reference_style=citations.REFERENCE_STYLE,
        bibtex_default_style=citations.STYLE,
        bibtex_cite_id=citations.CITE_ID,
        html_theme="furo",
        html_title=config.title,
        html_static_path=[str(STATIC)],
        html_favicon=str(STATIC / "favicon.svg"),
        html_css_files=["review.css"],
        html_js_files=["catalog.js", "sortable.js"],
        # Titles and abstracts are shown exactly as written: no typographic quote substitution.
        smartquotes=False,
        html_extra_path=[str(extra)] if feed else [],
        litreview_feed=feed,
        html_copy_source=False,
        html_show_sourcelink=False,
    )
