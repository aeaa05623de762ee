"""Sphinx configuration of this review's site (built by `litreview build`): litreview's defaults.
Set or extend anything below the call (extensions, theme options)."""

from litreview.site.sphinx_conf import configure

configure(globals())
