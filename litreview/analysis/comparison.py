"""A theme's comparison table: one row per theme paper, the fields of its extraction side by side.

The cells come from the review's curated extraction files (see `extractions`), never from the
abstracts directly, so every cell is one a person can check and correct. A paper with rows but
without a field shows `not stated`; a theme paper without any row shows `not yet extracted`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..markup import escape_markdown, fenced
from .extractions import FIELDS, NOT_STATED
from .summaries import theme_papers

NOT_YET_EXTRACTED = "not yet extracted"
HEADINGS = {"contribution": "Contribution", "intervention": "Intervention", "setting": "Models or setting", "benchmarks": "Benchmarks",
            "metric": "Metric", "result": "Result", "evidence": "Evidence"}
# Where `litreview build` puts each theme's table as CSV (relative to the docs folder, as Sphinx reads paths).
DOWNLOAD = "/_generated/downloads/comparison/{theme}.csv"


def compute_comparison(tables: Mapping[str, pd.DataFrame], theme: str) -> pd.DataFrame:
    """One row per theme paper (by sub-theme, then key): paper_id, citekey, title, extraction
    (`checked`, `prefilled` when any of its rows is unchecked, or `not yet extracted`) and one
    column per field (empty for a paper not yet extracted)."""
    papers = theme_papers(tables, theme)[["paper_id", "citekey", "title"]]
    rows = tables["extractions"]
    rows = rows[rows["paper_id"].isin(papers["paper_id"])]
    cells = rows.pivot(index="paper_id", columns="field", values="value") if len(rows) else pd.DataFrame()
    prefilled = set(rows.loc[rows["status"] == "prefilled", "paper_id"])
    extracted = set(rows["paper_id"])
    out = papers.copy()
    out["extraction"] = ["prefilled" if p in prefilled else "checked" if p in extracted else NOT_YET_EXTRACTED for p in out["paper_id"]]
    for field in FIELDS:
        given = cells[field].to_dict() if field in cells.columns else {}
        out[field] = [given.get(p) if isinstance(given.get(p), str) else (NOT_STATED if p in extracted else "") for p in out["paper_id"]]
    return out.astype("string").reset_index(drop=True)


def render_comparison(comparison: pd.DataFrame, theme: str, download: str | None = DOWNLOAD) -> str:
    """Markdown for the `## Comparison` section of a theme page (the notebook has the heading, so
    that it is a section of the page): what the table holds, a link to it as CSV (`download`,
    formatted with the theme; None: no link), and the table, sortable on the site (class
    `sortable`, see sortable.js), whose first column cites each paper. Text is escaped."""
    if comparison.empty:
        return "No paper of this review is in this theme.\n"
    lines = []
    counts = comparison["extraction"].value_counts()
    lines += [
        "One row per paper of the theme: what it proposes or finds, where it intervenes, the models or setting, the benchmarks, "
        "the metric, the headline result against its baseline and what the evidence rests on, as its abstract states them. "
        "Each cell comes from the review's extraction files with the sentence of the abstract it is taken from, and every "
        f"number in it is in that abstract: {papers(counts.get('checked', 0))} checked by a person, "
        f"{counts.get('prefilled', 0)} pre-filled and not yet checked, {counts.get(NOT_YET_EXTRACTED, 0)} {NOT_YET_EXTRACTED}. "
        "With JavaScript, a column's heading sorts the rows and a box above the table filters them.",
        "",
    ]
    if download:
        lines += [f"{{download}}`Download this table as CSV <{download.format(theme=theme)}>`", ""]
    rows = ["| Paper | " + " | ".join(HEADINGS[f] for f in FIELDS) + " |", "| " + " | ".join(["---"] * (len(FIELDS) + 1)) + " |"]
    for row in comparison.itertuples():
        paper = cite_text(row.citekey)
        if row.extraction == NOT_YET_EXTRACTED:
            cells = [NOT_YET_EXTRACTED] + [""] * (len(FIELDS) - 1)
        else:
            paper += " (pre-filled, not yet checked)" if row.extraction == "prefilled" else ""
            cells = [escape_markdown(getattr(row, field)) for field in FIELDS]
        rows.append("| " + " | ".join([paper, *cells]) + " |")
    table = fenced("\n".join(rows), "{table} " + f"The papers of this theme compared ({len(comparison)})",
                   {"class": "comparison sortable"})
    return "\n".join(lines) + "\n" + table


def papers(count: int) -> str:
    return f"{count} paper{'' if count == 1 else 's'}"


def cite_text(citekey: str) -> str:
    """A textual citation (`Du et al. (2024)`) of a trusted key from bib/citekeys.csv."""
    return "{cite:t}`" + citekey + "`"
