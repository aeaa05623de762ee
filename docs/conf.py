"""Sphinx configuration of this repository's review site (built by `litreview build`, i.e. `make site`):
litreview's defaults for every review, plus the pages of the toolkit itself (guide, CLI, API)."""

from litreview.site.sphinx_conf import configure

configure(globals())

html_title = "litreview"
extensions.append("sphinx.ext.autodoc")  # noqa: F821 (set by configure)
# The CLI reference (cli.md) is read from litreview.cli's parser; only this site has that page, so the
# extension is ours, not one of the defaults every review's site gets.
extensions.append("sphinxarg.ext")  # noqa: F821
# The API reference: type hints naming other libraries or builtins have no target here (no network
# for intersphinx), so they are not nitpicked.
autodoc_member_order = "bysource"
autodoc_typehints = "none"
nitpick_ignore_regex = [(r"py:.*", r".*")]
