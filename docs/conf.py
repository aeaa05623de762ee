"""Sphinx configuration of the review site (built by `litreview build`, i.e. `make site`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

project = "litreview"
author = "litreview contributors"
copyright = "the litreview contributors"
extensions = ["myst_nb", "sphinxcontrib.bibtex", "sphinx_copybutton", "sphinx.ext.autodoc"]
# landing.md and methods.md are included into hand-written pages, not pages of their own.
exclude_patterns = ["_build", "**.ipynb_checkpoints", "_generated/downloads", "_generated/landing.md", "_generated/methods.md"]

# Notebooks: executed by `litreview build` into this cache (outside the HTML output), re-used here.
nb_execution_mode = "cache"
nb_execution_cache_path = str(ROOT / "build" / "jupyter_cache")
nb_execution_raise_on_error = True
nb_execution_timeout = 600
nb_render_markdown_format = "myst"  # generated Markdown outputs may cite

# Citations: author-year, from the review's bibliography.
bibtex_bibfiles = ["../bib/review.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"

html_theme = "furo"
html_title = "litreview"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_css_files = ["review.css"]
html_js_files = ["catalog.js"]
# Titles and abstracts are shown exactly as written: no typographic quote substitution.
smartquotes = False
html_copy_source = False
html_show_sourcelink = False

# The API reference: type hints naming other libraries or builtins have no target here (no network
# for intersphinx), so they are not nitpicked.
autodoc_member_order = "bysource"
autodoc_typehints = "none"
nitpick_ignore_regex = [(r"py:.*", r".*")]
