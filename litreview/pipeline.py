"""The whole pipeline, in the order it runs: read `build_review`, then the stages below it.

    sources   digest files -> DatedDigest records         load_digests_from_config, load_digests_from_paths
    records   -> papers, paper_digests, links              records.tables.build_tables
    enrich    -> papers with their metadata, authors       enrich.metadata.enrich_papers
    keys      -> one pinned citation key per paper         pin_citekeys (bib.keys)
    themes    -> every paper's scores, paper_themes        themes.rules, themes.curation
    extract   -> the curated extractions, checked against the papers   analysis.extractions
    tables    -> the Review: every table in TABLES' columns
    ------------ `load_review` stops here: notebooks need nothing more, so it stays fast ------------
    bib       -> review.bib, review.json, citekeys.csv     bibliography (`litreview bib`, the site)
    related   -> each paper's most similar papers          related_papers (the site's paper pages)
    evaluate  -> the classifier against hand labels        evaluations (the site's methods page)

Each stage takes plain data and returns plain data; the only files written here are the caches
of theme scores and related papers under build/ (see `cache`). The CLI and the site call these
functions and only render and write what they return.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import cache
from .analysis.extractions import Extractions, empty_table, load_extractions
from .analysis.related import compute_related_papers
from .analysis.summaries import compute_evaluation
from .bib.entries import build_library, csl_items, write_bibtex, write_csl_json
from .bib.keys import assign_citekeys, load_pinned, pins_csv, unpin, upgradable
from .config import DEFAULT_CONFIG, ReviewConfig, load_config
from .enrich.metadata import Enrichment, authors_by_paper, enrich_papers, load_metadata_cache
from .records.model import DatedDigest
from .records.schema import TABLES
from .records.tables import build_tables, ordered
from .sources.hf_digest import load_digest
from .themes.curation import Curation, load_curation
from .themes.rules import ThemeSet, classify_papers, load_themes

if TYPE_CHECKING:  # the evaluation code is imported only when a review is evaluated
    from .themes.evaluate import Evaluation

# Without a review config (or a themes file in it), the theme definitions shipped with litreview are used.
DEFAULT_THEMES = Path(__file__).resolve().parent / "templates" / "themes.toml"
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Review:
    """A loaded review: its config (None for digests given without one), its dated digests, its
    tables (`review["papers"]` is `review.tables["papers"]`), and what the stages reported on the
    way: how titles matched the metadata cache, the citation-key pins (the next citekeys.csv), the
    theme definitions, the curation applied, every paper's score for every theme, and the problems
    of the extraction files (their valid rows are the `extractions` table).

    Frozen, so that no stage or notebook can swap a part of it; the tables are pandas DataFrames,
    which cannot be frozen, and are shared, not copied: treat them as read-only."""

    config: ReviewConfig | None
    digests: tuple[DatedDigest, ...]
    tables: dict[str, pd.DataFrame]
    enrichment: Enrichment
    pins: pd.DataFrame
    themes: ThemeSet
    curation: Curation | None
    scores: pd.DataFrame
    extraction_problems: tuple[str, ...] = ()
    learned: pd.DataFrame | None = None  # the learned signal's rows, when the config turns it on

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]


def load_review(config: str | Path = DEFAULT_CONFIG, digests: Sequence[str | Path] | None = None) -> Review:
    """The review's tables as DataFrames: from the config's digests, or from the digest files given.

    Digests given explicitly still use the config's metadata cache, citation keys and theme
    definitions when the config exists, but not its curation, which is about the review's own papers.
    """
    review_config = load_config(config) if (not digests or Path(config).exists()) else None
    themes = compiling(load_themes(themes_path(review_config)))  # compiled while the digests are parsed
    if digests:
        return build_review(review_config, load_digests_from_paths(digests), use_curation=False, themes=themes)
    return build_review(review_config, load_digests_from_config(review_config), themes=themes)


def build_review(config: ReviewConfig | None, digests: Sequence[DatedDigest], pinned: pd.DataFrame | None = None,
                 use_curation: bool = True, upgrade_provisional: bool = False, keep_results: bool = True,
                 themes: ThemeSet | None = None) -> Review:
    """Run the stages, in order, on parsed digests. `pinned` replaces the config's citekeys.csv
    (`bib --rekey` drops some pins first); `use_curation=False` ignores the config's curation and extractions (they
    name the papers of the review's own digests); `upgrade_provisional` gives the provisional keys
    of papers whose authors are now known their author-year keys (`bib --rekey` without ids);
    `keep_results=False` keeps no theme scores in the review's build/ folder (a `--check` writes nothing);
    `themes`: the config's theme definitions when the caller loaded them already (load_review does)."""
    themes = compiling(load_themes(themes_path(config))) if themes is None else themes
    records = build_tables(digests)
    enrichment = enrich_papers(records["papers"], load_metadata_cache(config.metadata_cache if config else None))
    pins = pin_citekeys(config, enrichment, records["paper_digests"], pinned, upgrade_provisional)
    keyed = enrichment.papers.merge(pins.rename(columns={"status": "citekey_status"}), on="paper_id", how="left")
    papers = ordered(keyed, TABLES["papers"])
    curation = load_review_curation(config, papers, themes) if use_curation else None
    store = config.root / "build" / "theme-scores.parquet" if config and keep_results else None
    scores = cache.theme_scores(papers, themes, store)
    learned = learned_signal(config, papers, scores, themes)
    paper_themes = ordered(classify_papers(papers, themes, curation, scores, learned), TABLES["paper_themes"])
    extractions = load_extractions(config.extractions_dir, papers) if config and use_curation else Extractions(empty_table(), ())
    # In the order `litreview tables` lists them: the records' tables first, papers replaced in place.
    tables = {**records, "papers": papers, "authors": ordered(enrichment.authors, TABLES["authors"]), "paper_themes": paper_themes,
              "extractions": ordered(extractions.table, TABLES["extractions"])}
    return Review(config=config, digests=tuple(digests), tables=tables, enrichment=enrichment, pins=pins,
                  themes=themes, curation=curation, scores=scores, extraction_problems=extractions.problems, learned=learned)


def themes_path(config: ReviewConfig | None) -> Path:
    return config.themes_file if config and config.themes_file else DEFAULT_THEMES


def compiling(themes: ThemeSet) -> ThemeSet:
    """`themes`, their patterns compiled meanwhile in a thread: Hyperscan does not hold the GIL, so
    digests are parsed and tables built while it compiles; scoring waits for it if it must."""
    threading.Thread(target=lambda: themes.prefilter, name="compile-themes").start()
    return themes


def learned_signal(config: ReviewConfig | None, papers: pd.DataFrame, scores: pd.DataFrame, themes: ThemeSet) -> pd.DataFrame | None:
    """The learned signal's rows for these papers, trained on the labelled digests `[themes.learned]`
    names; None when the config does not turn it on."""
    settings = config.learned if config else None
    if settings is None:
        return None
    from .themes.evaluate import load_labels
    from .themes.learned import learned_rows, train_models

    training = [(build_tables([(load_digest(digest), "")])["papers"], load_labels(labels, themes.ids)) for digest, labels in settings.training]
    labelled = pd.concat([p for p, _ in training], ignore_index=True).drop_duplicates("paper_id", keep="last")
    labels = pd.concat([lab[["paper_id", *themes.ids]] for _, lab in training], ignore_index=True).drop_duplicates("paper_id", keep="last")
    return learned_rows(papers, scores, train_models(labelled, labels, themes.ids, settings.c), settings)


# Sources: a digest is dated by its config entry, or (given on the command line) by its file name.

def load_digests_from_config(config: ReviewConfig) -> list[DatedDigest]:
    return [DatedDigest(load_digest(config.digest_path(source), name=source.name), source.date) for source in config.digests]


def load_digests_from_paths(paths: Sequence[str | Path]) -> list[DatedDigest]:
    return [DatedDigest(load_digest(path), date_from_name(Path(path))) for path in paths]


def date_from_name(path: Path) -> str:
    """A digest given on the command line has no config entry: take its date from a YYYY-MM-DD prefix."""
    match = _DATED_NAME.match(path.name)
    return match.group(1) if match else ""


# Citation keys and curation: the two stages that read what people decided (citekeys.csv, curation.toml).

def pins_to_keep(config: ReviewConfig, rekey: Sequence[str]) -> pd.DataFrame:
    """The pins of the config's citekeys.csv without those of `rekey`, the papers `bib --rekey`
    gives fresh keys on purpose (an id with no pin is an error)."""
    pinned = load_pinned(config.bib_dir / "citekeys.csv")
    return unpin(pinned, rekey) if rekey else pinned


def pin_citekeys(config: ReviewConfig | None, enrichment: Enrichment, appearances: pd.DataFrame,
                 pinned: pd.DataFrame | None, upgrade_provisional: bool) -> pd.DataFrame:
    """Every paper's citation key: pinned keys are kept, a new paper gets an author-year key, or a
    provisional one (dated by its first digest) while the metadata has no authors for it."""
    if pinned is None:
        pinned = load_pinned(config.bib_dir / "citekeys.csv" if config else None)
    first_authors = {paper_id: names[0] for paper_id, names in authors_by_paper(enrichment.authors).items()}
    if upgrade_provisional:
        pinned = unpin(pinned, upgradable(pinned, first_authors))
    dated = appearances[appearances["digest_date"] != ""]
    first_seen = dated.groupby("paper_id")["digest_date"].min().to_dict()
    return assign_citekeys(enrichment.papers, first_authors, pinned, first_seen)


def load_review_curation(config: ReviewConfig | None, papers: pd.DataFrame, themes: ThemeSet) -> Curation | None:
    """The config's curation.toml, checked against these papers and themes (none if it has no such file)."""
    if config is None or not config.curation_file.exists():
        return None
    return load_curation(config.curation_file, set(papers["paper_id"]), set(themes.ids))


# On request: what only `litreview bib` and the site need, computed when they ask for it.

def bibliography(review: Review) -> dict[str, str]:
    """File name (inside the bib folder) -> the text `litreview bib` writes there: every paper as
    BibTeX and CSL-JSON, the pinned keys, and one BibTeX file per theme."""
    papers, authors, appearances = review["papers"], review["authors"], review["paper_digests"]
    outputs = {
        "review.bib": write_bibtex(build_library(papers, authors, appearances)),
        "review.json": write_csl_json(csl_items(papers, authors, appearances)),
        "citekeys.csv": pins_csv(review.pins),
    }
    paper_themes = review["paper_themes"]
    for theme in review.themes.ids:
        members = papers[papers["paper_id"].isin(paper_themes.loc[paper_themes["theme"] == theme, "paper_id"])]
        outputs[f"{theme}.bib"] = write_bibtex(build_library(members, authors, appearances))
    return outputs


def related_papers(review: Review) -> pd.DataFrame:
    """Each paper's most similar papers: paper_id, rank, related_id, similarity. In a review folder
    they are kept in build/related.parquet, and recomputed only when a title or abstract changed."""
    papers = review["papers"]
    if review.config is None:
        return compute_related_papers(papers)
    return cache.related_papers(papers, review.config.root / "build" / "related.parquet")


# The methods page measures the classifier three ways: what to expect on a digest nobody curated
# (the labels the rules were not tuned on), on the labels they were tuned on, and the review as it stands.
EVALUATIONS = (
    ("Without curation, on the held-out half of the labels (what to expect on an uncurated digest)", False, "holdout"),
    ("Without curation, on the half the rules were tuned on", False, "tune"),
    ("With curation, on all labelled papers", True, "all"),
)


def evaluations(review: Review) -> list[tuple[str, Evaluation]]:
    """The classifier against the review's hand labels, measured as EVALUATIONS says: (caption,
    evaluation) pairs; none when the review has no labels file."""
    labels = review.config.labels_file if review.config else None
    if labels is None or not labels.exists():
        return []
    # A learned signal trained on these very labels has seen every one of them: say so rather than call them held out.
    trained = review.config.learned is not None and any(path.resolve() == labels.resolve() for _, path in review.config.learned.training)
    note = " (the learned signal was trained on all of these labels: for it they are not held out)" if trained else ""
    return [(caption + ("" if use_curation else note), compute_evaluation(review, labels, use_curation, split))
            for caption, use_curation, split in EVALUATIONS]
