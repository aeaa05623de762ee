"""The order of the stages, in one place: sources -> records -> tables -> enrich -> citekeys -> themes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .cache import theme_scores
from .bib.keys import assign_citekeys, load_pinned, unpin, upgradable
from .config import DEFAULT_CONFIG, ReviewConfig, load_config
from .themes.curation import Curation, load_curation
from .enrich.metadata import Enrichment, authors_by_paper, enrich_papers, load_metadata_cache
from .records.model import DatedDigest
from .records.schema import TABLES
from .sources.hf_digest import load_digest
from .records.tables import build_tables, ordered
from .themes.rules import ThemeSet, classify_papers, load_themes

# Without a review config (or a themes file in it), the theme definitions shipped with litreview are used.
DEFAULT_THEMES = Path(__file__).resolve().parent / "templates" / "themes.toml"
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass
class Review:
    """A loaded review: its config (if any), its parsed digests, its tables as DataFrames, and
    the reports of the stages (how titles matched the metadata cache, the citation-key pins)."""

    config: ReviewConfig | None
    digests: list[DatedDigest]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    enrichment: Enrichment | None = None
    pins: pd.DataFrame | None = None
    themes: ThemeSet | None = None
    curation: Curation | None = None
    scores: pd.DataFrame | None = None  # every paper's score for every theme (score_papers)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]


def date_from_name(path: Path) -> str:
    """A digest given on the command line has no config entry: take its date from a YYYY-MM-DD prefix."""
    match = _DATED_NAME.match(path.name)
    return match.group(1) if match else ""


def load_digests_from_config(config: ReviewConfig) -> list[DatedDigest]:
    return [DatedDigest(load_digest(config.digest_path(source), name=source.name), source.date) for source in config.digests]


def load_digests_from_paths(paths: Sequence[str | Path]) -> list[DatedDigest]:
    return [DatedDigest(load_digest(path), date_from_name(Path(path))) for path in paths]


def build_review(config: ReviewConfig | None, digests: list[DatedDigest], pinned: pd.DataFrame | None = None,
                 use_curation: bool = True, upgrade_provisional: bool = False) -> Review:
    """Run the stages. `pinned` overrides the config's citekeys.csv (used by `bib --rekey`);
    `use_curation=False` ignores the config's curation (it names papers of the review's own digests);
    `upgrade_provisional` gives the provisional keys of papers whose authors are now known their
    author-year keys (`bib --rekey` without ids), which nothing else does."""
    tables = build_tables(digests)
    cache = load_metadata_cache(config.metadata_cache if config else None)
    enrichment = enrich_papers(tables["papers"], cache)
    if pinned is None:
        pinned = load_pinned(config.bib_dir / "citekeys.csv" if config else None)
    first_authors = {paper_id: names[0] for paper_id, names in authors_by_paper(enrichment.authors).items()}
    if upgrade_provisional:
        pinned = unpin(pinned, upgradable(pinned, first_authors))
    appearances = tables["paper_digests"]
    dated = appearances[appearances["digest_date"] != ""]
    first_seen = dated.groupby("paper_id")["digest_date"].min().to_dict()
    pins = assign_citekeys(enrichment.papers, first_authors, pinned, first_seen)
    papers = enrichment.papers.merge(pins.rename(columns={"status": "citekey_status"}), on="paper_id", how="left")
    tables["papers"] = ordered(papers, TABLES["papers"])
    tables["authors"] = ordered(enrichment.authors, TABLES["authors"])
    themes = load_themes(config.themes_file if config and config.themes_file else DEFAULT_THEMES)
    curation = None
    if use_curation and config and config.curation_file.exists():
        curation = load_curation(config.curation_file, set(papers["paper_id"]), set(themes.ids))
    scores = theme_scores(tables["papers"], themes, config.root / "build" / "theme-scores.parquet" if config else None)
    tables["paper_themes"] = ordered(classify_papers(tables["papers"], themes, curation, scores), TABLES["paper_themes"])
    return Review(config=config, digests=digests, tables=tables, enrichment=enrichment, pins=pins, themes=themes,
                  curation=curation, scores=scores)


def load_review(config: str | Path = DEFAULT_CONFIG, digests: Sequence[str | Path] | None = None) -> Review:
    """The review's tables as DataFrames: from the config's digests, or from the digest files given.

    Digests given explicitly still use the config's metadata cache, citation keys and theme
    definitions when the config exists, but not its curation, which is about the review's own papers.
    """
    review_config = load_config(config) if (not digests or Path(config).exists()) else None
    if digests:
        return build_review(review_config, load_digests_from_paths(digests), use_curation=False)
    return build_review(review_config, load_digests_from_config(review_config))
