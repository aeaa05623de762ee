"""Measure a paper_themes table against hand labels: per-theme precision, recall, F1, and every error.

Labels are a CSV with one row per paper and a `title` column, in either of two forms: one 0/1 column
per theme (`title,forgetting,hallucination,cot,...`), or a `themes` column naming the paper's themes,
separated by `;` or `,` (`other`, `none`, `-` or nothing: no theme). Other columns (`rationale`,
`arxiv_id`, ...) are kept as text. Labels are matched to papers by `make_paper_id(title)`, the same
id the papers table uses.

The split: `split_labels` puts a paper in the TUNE half when the SHA-256 of
`"litreview-split:" + paper_id` is even as a number (its first 8 hex digits, modulo 2), otherwise in
the HOLDOUT half. It depends only on the title, so it never changes when rows are added or reordered;
on the seed labels it gives 50 tune and 47 holdout papers. Rules are tuned on the tune half only; the
classifier without curation on the holdout half is the honest estimate for an uncurated digest.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import ConfigError
from ..records.model import make_paper_id

SPLIT_SALT = "litreview-split:"
SPLITS = ("tune", "holdout", "all")
ERROR_COLUMNS = ["theme", "kind", "paper_id", "title", "score", "evidence"]
NO_THEME = frozenset(("", "other", "none", "-"))  # in a `themes` column: the paper is in no theme


@dataclass(frozen=True)
class Evaluation:
    """Per-theme metrics (`metrics`: theme, precision, recall, f1, support, tp, fp, fn) and the errors.

    `errors` has one row per false positive ("FP") or false negative ("FN") with the title and the
    evidence the classifier gave; a false negative has a score and evidence (its best sentence, if
    any signal fired) only when `evaluate` was given the scores. `papers`: labelled papers counted;
    `missing`: the titles of labelled papers that are not among the papers (not counted).
    """

    metrics: pd.DataFrame
    errors: pd.DataFrame
    papers: int
    missing: tuple[str, ...] = ()

    def f1(self, theme: str) -> float:
        return float(self.metrics.set_index("theme").loc[theme, "f1"])


def load_labels(path: str | Path, theme_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a labels CSV: `paper_id`, `title`, one 0/1 int column per theme, the other columns as text.

    With `theme_ids` (the themes of the classifier being measured) a `themes` column may name only
    those, and a column named like a theme must hold 0 or 1. Every problem is a ConfigError naming
    the file, the line and what is wrong.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = _csv_rows(path, handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no labels file here; pass the path of a CSV with a title column") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the labels as UTF-8 CSV") from None
    if not rows:
        raise ConfigError(f"{path}: empty; the labels need a header line with a 'title' column")
    header = [h.strip() for h in rows[0][1]]
    if "title" not in header:
        raise ConfigError(f"{path}:{rows[0][0]}: the labels need a 'title' column (the header has {', '.join(header)})")
    named = [c for c in header if c in (theme_ids or ())]
    if "themes" in header and named:
        raise ConfigError(f"{path}:{rows[0][0]}: both a 'themes' column and theme columns ({', '.join(named)}); keep one form")
    if theme_ids is not None and "themes" not in header and not named:
        raise ConfigError(f"{path}:{rows[0][0]}: no theme labels; add a 'themes' column (ids separated by ';') "
                          f"or one 0/1 column per theme ({', '.join(theme_ids)})")
    records, first_line = [], {}
    for line, fields in rows[1:]:
        if len(fields) != len(header):
            raise ConfigError(f"{path}:{line}: {len(fields)} fields, but the header has {len(header)}")
        record = dict(zip(header, fields))
        title = record["title"].strip()
        if not title:
            raise ConfigError(f"{path}:{line}: no title")
        pid = make_paper_id(title)
        if pid in first_line:
            raise ConfigError(f"{path}:{line}: the same paper is labelled twice (first on line {first_line[pid]}): {title!r}; keep one row per paper")
        first_line[pid] = line
        for column in named:
            if record[column].strip() not in ("0", "1"):
                raise ConfigError(f"{path}:{line}: column {column!r} must be 0 or 1 (got {record[column]!r})")
        if "themes" in header:
            record |= _theme_flags(record["themes"], theme_ids, f"{path}:{line}")
        records.append({"paper_id": pid, **record})
    labels = pd.DataFrame(records, columns=["paper_id", *dict.fromkeys(header + sorted({k for r in records for k in r} - set(header) - {"paper_id"}))])
    labels = labels.fillna("0") if "themes" in header else labels  # a theme no row names: 0 everywhere
    for column in labels.columns:
        values = set(labels[column].astype(str).str.strip())
        if column not in ("paper_id", "title") and (column in named or (values and values <= {"0", "1"})):
            labels[column] = labels[column].astype(str).str.strip().astype("int64")
    return labels


def _csv_rows(path: Path, handle) -> list[tuple[int, list[str]]]:
    """(first line number, fields) of each non-blank CSV record."""
    reader, rows, line = csv.reader(handle, strict=True), [], 1
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                rows.append((line, fields))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ConfigError(f"{path}:{line}: not valid CSV: {exc}") from None
    return rows


def _theme_flags(value: str, theme_ids: Sequence[str] | None, where: str) -> dict[str, str]:
    """A `themes` cell ("forgetting;cot", "other") as "0"/"1" per theme (all of `theme_ids` when given)."""
    names = [n.strip() for n in re.split(r"[;,]", value)]
    names = [n for n in names if n.lower() not in NO_THEME]
    if theme_ids is not None and (unknown := [n for n in names if n not in theme_ids]):
        raise ConfigError(f"{where}: unknown theme {unknown[0]!r} in the themes column; the themes are "
                          f"{', '.join(theme_ids)} (or 'other' for none)")
    return {t: "1" if t in names else "0" for t in (theme_ids if theme_ids is not None else names)}


def split_labels(labels: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The deterministic tune/holdout split described in the module docstring."""
    ids = labels["title"].map(make_paper_id)
    bucket = ids.map(lambda pid: int(hashlib.sha256((SPLIT_SALT + pid).encode("utf-8")).hexdigest()[:8], 16) % 2)
    return labels[bucket == 0].reset_index(drop=True), labels[bucket == 1].reset_index(drop=True)


def select_split(labels: pd.DataFrame, split: str) -> pd.DataFrame:
    """The labels of one split: "tune", "holdout" or "all" (for `litreview evaluate --split`)."""
    if split not in SPLITS:
        raise ConfigError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    return labels if split == "all" else dict(zip(SPLITS, split_labels(labels)))[split]


def label_themes(labels: pd.DataFrame) -> list[str]:
    """The theme columns of a labels table: every column other than title/paper_id whose values are all 0/1."""
    return [c for c in labels.columns if c not in ("paper_id", "title") and len(labels)
            and set(labels[c].astype(str)) <= {"0", "1"}]


def evaluate(paper_themes: pd.DataFrame, labels: pd.DataFrame, papers: pd.DataFrame,
             scores: pd.DataFrame | None = None, themes: Sequence[str] | None = None) -> Evaluation:
    """Per-theme precision, recall, F1 and support of `paper_themes` on the labelled papers.

    Only labelled papers that are in `papers` count (`Evaluation.papers` says how many, `missing`
    names the others). `scores` (from `score_papers`) is optional: with it, a false negative shows its
    score and best sentence. `themes`: the themes to measure (default: every 0/1 column of the labels).
    """
    labels = labels.assign(paper_id=labels["title"].map(make_paper_id))
    found = labels["paper_id"].isin(set(papers["paper_id"]))
    missing = tuple(labels.loc[~found, "title"].astype(str))
    labels = labels[found]
    titles = dict(zip(papers["paper_id"], papers["title"]))
    predicted = {(p, t): (s, e) for p, t, s, e in paper_themes[["paper_id", "theme", "score", "evidence"]].itertuples(index=False)}
    near = {} if scores is None else {(p, t): (s, e) for p, t, s, e in scores[["paper_id", "theme", "score", "evidence"]].itertuples(index=False)}
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support  # imported here: it takes seconds

    metrics, errors = [], []
    for theme in label_themes(labels) if themes is None else [t for t in themes if t in labels.columns]:
        truth = dict(zip(labels["paper_id"], labels[theme].astype(int)))
        pids = sorted(truth)
        wanted = [truth[pid] for pid in pids]
        hits = [int((pid, theme) in predicted) for pid in pids]
        for pid, hit, want in zip(pids, hits, wanted):
            if hit != want:
                score, evidence = predicted.get((pid, theme)) or near.get((pid, theme), (float("nan"), ""))
                errors.append((theme, "FP" if hit else "FN", pid, titles[pid], float(score), evidence))
        # A theme with no predicted (or no labelled) paper has precision (recall) 0, not a warning.
        # scikit-learn's F1 is 2tp / (2tp + fp + fn): it can differ from 2pr / (p + r) in the last bit.
        precision, recall, f1, _ = precision_recall_fscore_support(wanted, hits, average="binary", pos_label=1, zero_division=0.0)
        _, fp, fn, tp = confusion_matrix(wanted, hits, labels=[0, 1]).ravel().tolist()
        metrics.append((theme, float(precision), float(recall), float(f1), tp + fn, tp, fp, fn))
    metrics_frame = pd.DataFrame(metrics, columns=["theme", "precision", "recall", "f1", "support", "tp", "fp", "fn"])
    return Evaluation(metrics_frame, pd.DataFrame(errors, columns=ERROR_COLUMNS), len(labels), missing)


def format_evaluation(ev: Evaluation, title: str = "") -> str:
    """A table of the metrics, then every false positive and false negative with its title and evidence."""
    lines = [title] if title else []
    lines.append(f"{ev.papers} labelled papers")
    lines.append(f"{'theme':<16}{'precision':>10}{'recall':>10}{'F1':>8}{'support':>9}{'TP':>5}{'FP':>5}{'FN':>5}")
    for m in ev.metrics.itertuples(index=False):
        lines.append(f"{m.theme:<16}{m.precision:>10.3f}{m.recall:>10.3f}{m.f1:>8.3f}{m.support:>9}{m.tp:>5}{m.fp:>5}{m.fn:>5}")
    for e in ev.errors.itertuples(index=False):
        score = "" if pd.isna(e.score) else f", score {e.score:.2f}"
        lines.append(f"{e.kind} {e.theme}: {e.paper_id} {e.title}{score}")
        lines.append(f"    evidence: {e.evidence or '(no signal fired)'}")
    return "\n".join(lines)
