"""Measure a paper_themes table against hand labels: per-theme precision, recall, F1, and every error.

Labels are a CSV with one row per paper: `title`, one 0/1 column per theme, `subthemes`, `rationale`.
They are matched to papers by `make_paper_id(title)`, the same id the papers table uses.

The split: `split_labels` puts a paper in the TUNE half when the SHA-256 of
`"litreview-split:" + paper_id` is even as a number (its first 8 hex digits, modulo 2), otherwise in
the HOLDOUT half. It depends only on the title, so it never changes when rows are added or reordered;
on the seed labels it gives 50 tune and 47 holdout papers. Rules are tuned on the tune half only; the
classifier without curation on the holdout half is the honest estimate for an uncurated digest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import ConfigError
from .records import make_paper_id

SPLIT_SALT = "litreview-split:"
ERROR_COLUMNS = ["theme", "kind", "paper_id", "title", "score", "evidence"]


@dataclass(frozen=True)
class Evaluation:
    """Per-theme metrics (`metrics`: theme, precision, recall, f1, support, tp, fp, fn) and the errors.

    `errors` has one row per false positive ("FP") or false negative ("FN") with the title and the
    evidence the classifier gave (for a false negative: its best-scoring sentence, if any scored).
    """

    metrics: pd.DataFrame
    errors: pd.DataFrame
    papers: int

    def f1(self, theme: str) -> float:
        return float(self.metrics.set_index("theme").loc[theme, "f1"])


def load_labels(path: str | Path) -> pd.DataFrame:
    """Read a labels CSV (all columns as text) and add its `paper_id`; theme columns become 0/1 ints."""
    path = Path(path)
    try:
        labels = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no labels file here; pass the path of a CSV with a title column") from None
    if "title" not in labels.columns:
        raise ConfigError(f"{path}: the labels need a 'title' column")
    labels.insert(0, "paper_id", labels["title"].map(make_paper_id))
    duplicated = labels.loc[labels["paper_id"].duplicated(), "title"].tolist()
    if duplicated:
        raise ConfigError(f"{path}: the same paper is labelled twice: {duplicated[0]!r}; keep one row per paper")
    for column in labels.columns:
        values = set(labels[column])
        if column not in ("paper_id", "title") and values and values <= {"0", "1"}:
            labels[column] = labels[column].astype("int64")
    return labels


def split_labels(labels: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The deterministic tune/holdout split described in the module docstring."""
    ids = labels["title"].map(make_paper_id)
    bucket = ids.map(lambda pid: int(hashlib.sha256((SPLIT_SALT + pid).encode("utf-8")).hexdigest()[:8], 16) % 2)
    return labels[bucket == 0].reset_index(drop=True), labels[bucket == 1].reset_index(drop=True)
