"""The bibliography: citation keys (`keys`), BibTeX and CSL-JSON entries (`entries`), LaTeX escaping
(`latex`), and the files written and checked (`outputs`)."""
