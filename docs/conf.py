"""Sphinx configuration of the review site."""

project = "litreview"
author = "litreview contributors"
extensions = ["myst_nb"]
exclude_patterns = ["_build", ".jupyter_cache", "**.ipynb_checkpoints"]
nb_execution_mode = "off"
html_theme = "alabaster"
html_title = "litreview"
