"""Bibliographic facts for papers (arXiv id, authors, first-version date, category, venue).

Offline first: facts come from the review's metadata cache (`data/arxiv-metadata.jsonl`, one JSON
object a line, keyed by title). Titles match exactly after normalisation, else fuzzily (rapidfuzz)
at or above FUZZY_THRESHOLD; every fuzzy or missing match is reported by `enrich_papers`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts
from rapidfuzz import fuzz, process

from ..errors import ConfigError
from ..records.model import normalise_title

# Two distinct seed papers never score above 66 against each other, while copies of one title that
# differ in punctuation, a typo or a subtitle dash score 92 or more (tests/test_enrich.py checks both).
FUZZY_THRESHOLD = 90.0
# The keys of a metadata cache record, in the order arxiv.append_to_cache writes them.
CACHE_KEYS = ("title", "arxiv_id", "authors", "published", "primary_category", "venue", "checked")
_ARXIV_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")


def authors_by_paper(authors: pd.DataFrame) -> dict[str, list[str]]:
    """paper_id -> the names of its authors in byline order (from the `authors` table)."""
    ordered = authors.sort_values(["paper_id", "position"])
    names: dict[str, list[str]] = {}
    for paper_id, name in zip(ordered["paper_id"].tolist(), ordered["name"].tolist()):
        names.setdefault(paper_id, []).append(name)
    return names


def split_name(name: str) -> tuple[str, str]:
    """(given names, family name with its 'von' part) of a 'Given Family' name, by BibTeX's rules."""
    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except InvalidNameError:
        given, _, family = name.rpartition(" ")
        return given, family
    return " ".join(parts.first), " ".join(parts.von + parts.last)


@dataclass(frozen=True)
class Enrichment:
    """Enriched papers, their authors, and how each paper was matched."""

    papers: pd.DataFrame
    authors: pd.DataFrame
    matches: pd.DataFrame  # paper_id, title, match ('exact', 'fuzzy', 'none'), score, cache_title

    @property
    def unmatched(self) -> pd.DataFrame:
        return self.matches[self.matches["match"] == "none"]

    @property
    def fuzzy(self) -> pd.DataFrame:
        return self.matches[self.matches["match"] == "fuzzy"]


def load_metadata_cache(path: str | Path | None) -> pd.DataFrame:
    """Read the JSON-lines cache (None or a missing file: empty); a malformed line is an error naming
    the file and line."""
    if path is None or not Path(path).is_file():
        return pd.DataFrame(columns=list(CACHE_KEYS))
    path = Path(path)
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("title"), str):
            raise ConfigError(f"{path}:{number}: each line must be a JSON object with a 'title'")
        rows.append({field: record.get(field) for field in CACHE_KEYS})
    return pd.DataFrame(rows, columns=list(CACHE_KEYS))


def date_parts(published: str | None, arxiv_id: str | None) -> tuple[int | None, int | None]:
    """Year and month of the first version; where the date is unknown, the arXiv id's YYMM gives them."""
    if published:
        return int(published[:4]), int(published[5:7])
    match = _ARXIV_ID.match(arxiv_id or "")
    if match:
        return 2000 + int(match.group(1)), int(match.group(2))
    return None, None


def match_titles(papers: pd.DataFrame, cache: pd.DataFrame) -> pd.DataFrame:
    """For each paper, the cache row it matches (exact, then fuzzy; NA when none), with the score."""
    cache_keys = list(cache["title"].map(normalise_title))
    exact_index = {key: i for i, key in reversed(list(enumerate(cache_keys)))}
    keys = papers["title"].map(normalise_title).tolist()
    rows: list[int | None] = [exact_index.get(key) for key in keys]
    scores = [100.0 if row is not None else 0.0 for row in rows]
    kinds = ["exact" if row is not None else "none" for row in rows]
    unmatched = [i for i, row in enumerate(rows) if row is None]
    # All unmatched titles against the whole cache at once, in C on every core, a block of rows at a
    # time so that memory stays bounded (block x cache scores) however large both grow.
    block = max(1, 2_000_000 // max(1, len(cache_keys)))
    for start in range(0, len(unmatched) if cache_keys else 0, block):
        chunk = unmatched[start : start + block]
        matrix = process.cdist([keys[i] for i in chunk], cache_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, workers=-1)
        best = matrix.argmax(axis=1)  # the first of equal best scores, as extractOne picks
        best_scores = matrix[np.arange(len(chunk)), best]
        for i, column, score in zip(chunk, best.tolist(), best_scores.tolist()):
            if score >= FUZZY_THRESHOLD:
                rows[i], scores[i], kinds[i] = column, round(score, 1), "fuzzy"
    return pd.DataFrame(
        {
            "paper_id": papers["paper_id"].to_numpy(),
            "title": papers["title"].to_numpy(),
            "cache_row": pd.array(rows, dtype="Int64"),
            "score": scores,
            "match": kinds,
        }
    )


def enrich_papers(papers: pd.DataFrame, cache: pd.DataFrame) -> Enrichment:
    """Add arxiv_id, published, year, month, primary_category, venue to papers; build `authors`."""
    matches = match_titles(papers, cache)
    # Unmatched papers point at an all-empty row appended after the cache's last row.
    padded = pd.concat([cache, pd.DataFrame([dict.fromkeys(CACHE_KEYS)])], ignore_index=True)
    positions = matches["cache_row"].fillna(len(cache)).astype(int).to_numpy()
    facts = padded.iloc[positions].reset_index(drop=True)
    enriched = papers.reset_index(drop=True).copy()
    for column in ("arxiv_id", "published", "primary_category", "venue"):
        enriched[column] = facts[column].where(facts[column].notna(), None).astype("string").fillna("")
    dates = zip(enriched["published"].tolist(), enriched["arxiv_id"].tolist())
    years, months = zip(*(date_parts(p or None, a or None) for p, a in dates)) if len(enriched) else ((), ())
    enriched["year"] = pd.array(years, dtype="Int64")
    enriched["month"] = pd.array(months, dtype="Int64")
    authors = [
        (paper_id, position, name)
        for paper_id, names in zip(enriched["paper_id"], facts["authors"])
        if isinstance(names, list)
        for position, name in enumerate(names, start=1)
    ]
    matches = matches.assign(cache_title=facts["title"].fillna("").to_numpy())
    return Enrichment(
        papers=enriched,
        authors=pd.DataFrame(authors, columns=["paper_id", "position", "name"]),
        matches=matches.drop(columns="cache_row"),
    )
