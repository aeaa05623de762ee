"""Notebooks: which notebook makes each page (`pages`), executing them (`execute`) and exporting
them readably (`exports`)."""
