"""litreview: turn paper digests into tidy tables, themes, BibTeX and a review site."""

from .errors import ConfigError, DigestError, LitreviewError
from .pipeline import Review, load_review
from .records.model import Digest, Paper, make_paper_id, normalise_title
from .records.schema import TABLES
from .sources.hf_digest import load_digest, parse_digest

__all__ = [
    "TABLES",
    "ConfigError",
    "Digest",
    "DigestError",
    "LitreviewError",
    "Paper",
    "Review",
    "load_digest",
    "load_review",
    "make_paper_id",
    "normalise_title",
    "parse_digest",
]
__version__ = "0.1.0"
