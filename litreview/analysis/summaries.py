"""Tables that the notebooks and the site display: pure functions from a review's tables.

Notebooks only show what these return, so every number in the review is computed here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..enrich.metadata import authors_by_paper
from ..markup import escape_markdown, link
from ..records.model import DatedDigest

if TYPE_CHECKING:  # pipeline imports this module; evaluate is imported only when a review is evaluated
    from ..pipeline import Review
    from ..themes.evaluate import Evaluation


NOT_KNOWN = "not known"  # a missing value: shown as such, and last, never as a category of its own
FLOW_THEMED, FLOW_UNTHEMED = "papers in at least one theme", "papers in no theme"


def compute_prisma_flow(digests: Sequence[DatedDigest], tables: dict[str, pd.DataFrame], theme_ids: Sequence[str]) -> pd.DataFrame:
    """A PRISMA-style flow of counts: stage, count, note. Every paragraph read is accounted for, and
    every paper ends in one of two boxes: in at least one of `theme_ids`, or in none. The themes
    overlap, so they are not steps of the flow (see `overview.compute_theme_sets`)."""
    parsed = [dated.digest for dated in digests]
    paragraphs = sum(d.paragraphs for d in parsed)
    chrome = sum(len(d.chrome) for d in parsed)
    duplicates = sum(len(d.duplicates) for d in parsed)
    other = sum(len(d.problems) for d in parsed)
    appearances = sum(len(d.papers) for d in parsed)
    papers = tables["papers"]
    paper_themes = tables.get("paper_themes", pd.DataFrame(columns=["paper_id", "theme"]))
    in_any = paper_themes.loc[paper_themes["theme"].isin(list(theme_ids)), "paper_id"].nunique()
    rows = [
        ("paragraphs read", paragraphs, f"in {len(digests)} digest(s)"),
        ("page chrome and date lines", chrome, "skipped"),
        ("other skipped paragraphs", other, "reported by litreview check"),
        ("duplicate titles within a digest", duplicates, "one paper kept"),
        ("paper appearances", appearances, "title paragraphs read as papers"),
        ("papers", len(papers), "distinct after merging digests"),
        ("papers without abstract", int((papers["abstract"] == "").sum()), "kept, reported"),
        (FLOW_THEMED, in_any, f"of {len(theme_ids)} overlapping theme(s)"),
        (FLOW_UNTHEMED, len(papers) - in_any, "kept in the catalog"),
    ]
    return pd.DataFrame(rows, columns=["stage", "count", "note"])


def compute_theme_counts(paper_themes: pd.DataFrame, subthemes: Sequence[tuple[str, Sequence[str]]] = ()) -> pd.DataFrame:
    """Papers per theme and sub-theme: every sub-theme of `subthemes` ((theme, its sub-theme ids), in
    the order of the theme definitions), with 0 where it has none, then any other pair the table has."""
    counts = paper_themes.groupby(["theme", "subtheme"]).size().to_dict()
    defined = [(theme, sub) for theme, subs in subthemes for sub in subs]
    others = sorted(set(counts) - set(defined))
    rows = [(theme, sub, int(counts.get((theme, sub), 0))) for theme, sub in defined + others]
    return pd.DataFrame(rows, columns=["theme", "subtheme", "papers"])


def compute_papers_by_month(papers: pd.DataFrame) -> pd.DataFrame:
    """Papers by year and month of first version; papers with no known date are counted as 'not known', last."""
    known = papers.dropna(subset=["year", "month"])
    counts = known.groupby(["year", "month"]).size().rename("papers").reset_index()
    counts["month_label"] = [f"{int(year)}-{int(month):02d}" for year, month in zip(counts["year"], counts["month"])]
    unknown = len(papers) - len(known)
    if unknown:
        counts = pd.concat([counts, pd.DataFrame([{"year": pd.NA, "month": pd.NA, "papers": unknown, "month_label": NOT_KNOWN}])], ignore_index=True)
    return counts[["month_label", "papers"]]


def compute_categories(papers: pd.DataFrame) -> pd.DataFrame:
    """Papers per arXiv primary category, most papers first; papers without one are counted as 'not known', last."""
    categories = papers["primary_category"].fillna("").astype(str)
    counts = categories[categories != ""].value_counts().rename_axis("primary_category").rename("papers").reset_index()
    counts = counts.sort_values(["papers", "primary_category"], ascending=[False, True], kind="stable")
    missing = int((categories == "").sum())
    if missing:
        counts = pd.concat([counts, pd.DataFrame([{"primary_category": NOT_KNOWN, "papers": missing}])], ignore_index=True)
    return counts.reset_index(drop=True)


def theme_papers(tables: dict[str, pd.DataFrame], theme: str) -> pd.DataFrame:
    """The papers of one theme with their sub-theme, evidence and citation key, by sub-theme then key."""
    rows = tables["paper_themes"][tables["paper_themes"]["theme"] == theme]
    merged = rows.merge(tables["papers"][["paper_id", "title", "citekey", "year"]], on="paper_id", how="left")
    return merged.sort_values(["subtheme", "citekey"], kind="stable").reset_index(drop=True)


def cite(keys: Sequence[str]) -> str:
    """A MyST parenthetical citation of these keys (trusted: they come from bib/citekeys.csv)."""
    return "{cite:p}`" + ",".join(keys) + "`" if keys else ""


def subtheme_list_label(theme: str, subtheme: str) -> str:
    """The site-wide label of a sub-theme's group in its theme's paper list (paper pages link to it)."""
    return f"{theme}-{subtheme}-papers"


def render_theme_paper_list(tables: dict[str, pd.DataFrame], theme: str, subtheme_titles: dict[str, str] | None = None) -> str:
    """Markdown: every paper of the theme, grouped by sub-theme (each group a link target), each title a
    link to the paper's page, then its citation."""
    papers = theme_papers(tables, theme)
    subtheme_titles = subtheme_titles or {}
    lines = []
    for subtheme, group in papers.groupby("subtheme", sort=True):
        lines += [f"({subtheme_list_label(theme, subtheme)})=", f"**{escape_markdown(subtheme_titles.get(subtheme, subtheme))}** ({len(group)})", ""]
        lines += [f"- {link(row.title, f'/_generated/papers/{row.paper_id}.md')} {cite([row.citekey])}" for row in group.itertuples()]
        lines.append("")
    return "\n".join(lines) if lines else "No paper of this review is in this theme."


def compute_evaluation(review: Review, labels_path: str | Path, use_curation: bool = True, split: str = "all") -> Evaluation:
    """The classifier of this review measured against hand labels, with or without curation."""
    from ..themes.evaluate import evaluate, load_labels, select_split
    from ..themes.rules import classify_papers

    papers = review["papers"]
    labels = select_split(load_labels(labels_path, review.themes.ids), split)
    table = review["paper_themes"] if use_curation else classify_papers(papers, review.themes, None, review.scores, review.learned)
    return evaluate(table, labels, papers, scores=review.scores, themes=review.themes.ids)


def render_findings_table(findings: pd.DataFrame) -> str:
    """Markdown table of findings, one row per sentence: its numbers, each with what it measures, the
    sentence, its citation (a sentence with three numbers is shown once). Text is escaped."""
    if findings.empty:
        return "No quantitative claim was found in these abstracts."
    lines = ["| Numbers (what each measures) | Sentence | Paper |", "| --- | --- | --- |"]
    for (_, sentence), group in findings.groupby(["paper_id", "sentence"], sort=False):
        numbers = "; ".join(f"{row.number} ({row.measures})" for row in group.itertuples())
        lines.append(f"| {escape_markdown(numbers)} | {escape_markdown(sentence)} | {cite([group['citekey'].iloc[0]])} |")
    return "\n".join(lines) + "\n"


def compute_paper_overview(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All papers with first author, year, category and themes: the searchable table of the overview."""
    papers, authors, paper_themes = tables["papers"], tables["authors"], tables["paper_themes"]
    names = authors_by_paper(authors)
    themes = paper_themes.groupby("paper_id")["theme"].agg(lambda s: ", ".join(sorted(s))).to_dict()
    return pd.DataFrame(
        {
            "title": papers["title"],
            "first author": [names.get(pid, [""])[0] for pid in papers["paper_id"]],
            "year": papers["year"],
            "category": papers["primary_category"],
            "themes": [themes.get(pid, "") for pid in papers["paper_id"]],
            "citekey": papers["citekey"],
        }
    )
