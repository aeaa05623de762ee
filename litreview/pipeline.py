"""The order of the stages, in one place: sources -> records -> tables (-> enrich -> themes -> bib)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import DEFAULT_CONFIG, ReviewConfig, load_config
from .records import Digest
from .sources.hf_digest import load_digest
from .tables import build_tables

_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass
class Review:
    """A loaded review: its config (if any), its parsed digests and its tables as DataFrames."""

    config: ReviewConfig | None
    digests: list[tuple[Digest, str]]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]


def date_from_name(path: Path) -> str:
    """A digest given on the command line has no config entry: take its date from a YYYY-MM-DD prefix."""
    match = _DATED_NAME.match(path.name)
    return match.group(1) if match else ""


def load_digests_from_config(config: ReviewConfig) -> list[tuple[Digest, str]]:
    return [(load_digest(config.digest_path(source), name=source.name), source.date) for source in config.digests]


def load_digests_from_paths(paths: Sequence[str | Path]) -> list[tuple[Digest, str]]:
    return [(load_digest(path), date_from_name(Path(path))) for path in paths]


def build_review(config: ReviewConfig | None, digests: list[tuple[Digest, str]]) -> Review:
    tables = build_tables(digests)
    return Review(config=config, digests=digests, tables=tables)


def load_review(config: str | Path = DEFAULT_CONFIG, digests: Sequence[str | Path] | None = None) -> Review:
    """The review's tables as DataFrames: from the config's digests, or from the digest files given."""
    if digests:
        return build_review(None, load_digests_from_paths(digests))
    review_config = load_config(config)
    return build_review(review_config, load_digests_from_config(review_config))
