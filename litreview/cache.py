"""Results kept between runs (theme scores, related papers), so that a rerun redoes only what changed.

Everything here is keyed by content and by the library's own code: a stale entry is never used, and
deleting a cache file is always safe (the next run recomputes it). Cache files live under the review's
`build/` folder, which git ignores.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pandas as pd
import pyarrow

from .analysis.related import compute_related_papers
from .fileio import write_parquet_atomic
from .themes.rules import SCORE_DTYPES, ThemeSet, score_papers

LIBRARY = Path(__file__).resolve().parent


@functools.cache
def library_digest() -> bytes:
    """The library's own code: outputs computed by it change when it changes (read once per run)."""
    digest = hashlib.sha256()
    for source in sorted(LIBRARY.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()


def fingerprint(*frames: pd.DataFrame) -> str:
    """A key for results computed from these tables by this library's code."""
    digest = hashlib.sha256(library_digest())
    for frame in frames:
        digest.update(frame.to_csv(index=False).encode("utf-8"))
    return digest.hexdigest()[:16]


def theme_scores(papers: pd.DataFrame, themes: ThemeSet, store: Path | None) -> pd.DataFrame:
    """`score_papers`, scoring only the papers whose title or abstract is not in `store` for these
    theme definitions and this library code; `store` then holds the scores of exactly these papers.

    `store` is None, or the theme definitions are not a file: everything is scored, nothing is kept.
    """
    definitions = Path(themes.path)
    if store is None or not definitions.is_file():
        return score_papers(papers, themes)
    salt = hashlib.sha256(library_digest() + definitions.read_bytes()).digest()
    titles, abstracts = (papers[c].fillna("").astype(str).tolist() for c in ("title", "abstract"))
    keys = [hashlib.sha256(salt + f"{t}\0{a}".encode()).hexdigest()[:32] for t, a in zip(titles, abstracts)]
    dtypes = {"key": "str"} | {c: t for c, t in SCORE_DTYPES.items() if c != "paper_id"}
    try:
        stored = pd.read_parquet(store)
    except (OSError, ValueError, pyarrow.ArrowException):  # missing or unreadable: recompute
        stored = pd.DataFrame(columns=list(dtypes))
    if set(stored.columns) != set(dtypes):  # written by another layout: recompute
        stored = pd.DataFrame(columns=list(dtypes))
    stored = stored[stored["key"].isin(keys)]
    known = set(stored["key"])
    todo = papers.iloc[[i for i, key in enumerate(keys) if key not in known]]  # (a mask of no papers would select no columns)
    key_of = dict(zip(papers["paper_id"].tolist(), keys))
    fresh = score_papers(todo, themes)
    rows = pd.concat([stored, fresh.assign(key=fresh["paper_id"].map(key_of))], ignore_index=True)[list(dtypes)].astype(dtypes)
    rows = rows.drop_duplicates(["key", "theme"]).sort_values(["key", "theme"], kind="stable").reset_index(drop=True)
    write_parquet_atomic(store, rows)  # leaves the file alone when nothing changed
    keyed = pd.DataFrame({"paper_id": papers["paper_id"].astype(str), "key": pd.Series(keys, index=papers.index, dtype="str")})
    scores = keyed.merge(rows, on="key").drop(columns="key")
    scores = scores[list(SCORE_DTYPES)].astype(SCORE_DTYPES)
    return scores.sort_values(["theme", "paper_id"], kind="stable").reset_index(drop=True)


def related_papers(papers: pd.DataFrame, cache: Path) -> pd.DataFrame:
    """Related papers, recomputed only when titles or abstracts changed (stored beside the tables)."""
    key = fingerprint(papers[["paper_id", "title", "abstract"]])
    if cache.exists():
        stored = pd.read_parquet(cache)
        if len(stored) and stored["key"].iloc[0] == key:
            return stored.drop(columns="key")
    related = compute_related_papers(papers)
    write_parquet_atomic(cache, related.assign(key=key))
    return related
