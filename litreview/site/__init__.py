"""The site stage: generated pages (paper pages, catalog, ...) and the Sphinx build."""
