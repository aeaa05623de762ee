"""Bibliographic enrichment: the offline metadata cache (`metadata`) and the opt-in arXiv client (`arxiv`)."""
