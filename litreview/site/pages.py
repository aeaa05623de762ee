"""The generated pages other than paper pages and the catalog: the landing summary, what's new,
the data dictionary, downloads and the generated part of the methods page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..markup import escape_markdown
from ..records.schema import TABLES


def markdown_table(frame: pd.DataFrame) -> str:
    """A pipe table of untrusted cells, every cell escaped."""
    header = "| " + " | ".join(escape_markdown(c) for c in frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = ["| " + " | ".join(escape_markdown("" if pd.isna(v) else v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows]) + "\n"


REVIEW_PAGES = ["/methods", "/_generated/catalog", "/_generated/whats-new", "/bibliography", "/_generated/downloads", "/_generated/data-dictionary"]


def render_landing(title: str, tables: Mapping[str, pd.DataFrame], digests: Sequence[tuple[str, str, int]],
                   themes: Sequence[tuple[str, str, str, str]], notebooks: Sequence[str] = ()) -> str:
    """What the review covers, and the review's table of contents (its notebooks exist or not).

    `digests`: (name, date, papers); `themes`: (id, title, description, page); `notebooks`: page paths."""
    papers = tables["papers"]
    paper_themes = tables.get("paper_themes", pd.DataFrame(columns=["paper_id", "theme"]))
    lines = [
        f"# {escape_markdown(title)}",
        "",
        f"This review covers **{len(papers)} papers** from {len(digests)} digest(s), "
        f"{int((papers['arxiv_id'] != '').sum())} of them matched to an arXiv record. "
        f"{paper_themes['paper_id'].nunique()} papers belong to at least one of its {len(themes)} themes; each paper has "
        "its own page, reached from the [catalog](/_generated/catalog.md), the theme pages and the search box.",
        "",
        "| Digest | Date | Papers |",
        "| --- | --- | --- |",
        *[f"| {escape_markdown(name)} | {escape_markdown(date)} | {count} |" for name, date, count in digests],
        "",
        "## Themes",
        "",
    ]
    for theme_id, theme_title, description, page in themes:
        count = int((paper_themes["theme"] == theme_id).sum())
        heading = f"[{escape_markdown(theme_title)}]({page})" if page else escape_markdown(theme_title)
        lines += [f"### {heading} ({count} papers)", "", escape_markdown(description), ""]
    # Hidden: the sidebar shows it on every page; in the body it would repeat the sidebar.
    lines += ["```{toctree}", ":caption: The review", ":maxdepth: 1", ":hidden:", "", *notebooks, *REVIEW_PAGES, "```", ""]
    return "\n".join(lines)


def first_appearances(appearances: pd.DataFrame) -> pd.DataFrame:
    """Each paper's first row of `paper_digests` (the digest that added it to the review), by date, then
    digest name, then position in the digest."""
    return appearances.sort_values(["digest_date", "digest", "position"], kind="stable").drop_duplicates("paper_id")


def render_whats_new(tables: Mapping[str, pd.DataFrame]) -> str:
    """Papers of the latest digest that were in no earlier digest."""
    appearances = tables["paper_digests"]
    lines = ["# What's new", ""]
    if appearances.empty:
        return "\n".join(lines + ["The review has no digest yet.", ""])
    latest = appearances.sort_values(["digest_date", "digest"]).iloc[-1]
    first_seen = first_appearances(appearances)
    new = first_seen[(first_seen["digest"] == latest["digest"])]
    papers = tables["papers"].set_index("paper_id")
    lines += [
        f"Papers of the latest digest, {escape_markdown(latest['digest'])} ({escape_markdown(latest['digest_date'])}), "
        f"that no earlier digest had: **{len(new)}**.",
        "",
    ]
    lines += [f"- [{escape_markdown(papers.loc[pid, 'title'])}](papers/{pid}.md)" for pid in new.sort_values("position")["paper_id"]]
    return "\n".join(lines) + "\n"


def render_data_dictionary() -> str:
    lines = ["# Data dictionary", "", "Every table that `litreview tables` writes (as CSV and Parquet) and `litreview.load_review()` returns.", ""]
    for table in TABLES.values():
        lines += [f"## `{table.name}`", "", table.description, ""]
        frame = pd.DataFrame([(c.name, c.dtype, c.description) for c in table.columns], columns=["column", "type", "meaning"])
        lines += [markdown_table(frame), ""]
    return "\n".join(lines)


def render_downloads(files: Sequence[tuple[str, str]]) -> str:
    """`files`: (path relative to the downloads page, what it is)."""
    lines = ["# Downloads", "", "| File | What it is |", "| --- | --- |"]
    lines += [f"| {{download}}`{path.rsplit('/', 1)[-1]} <{path}>` | {escape_markdown(what)} |" for path, what in files]
    return "\n".join(lines) + "\n"


def render_methods(flow: pd.DataFrame, theme_rows: Sequence[tuple[str, str, str, Sequence[tuple[str, str]]]],
                   evaluations: Sequence[tuple[str, pd.DataFrame]]) -> str:
    """The generated part of the methods page: the flow of counts, theme definitions, evaluation."""
    lines = ["## The flow of papers", "", markdown_table(flow), "## Theme definitions", ""]
    for theme_id, title, description, subthemes in theme_rows:
        names = ", ".join(escape_markdown(t) for _, t in subthemes)
        lines += [f"### {escape_markdown(title)} (`{theme_id}`)", "", escape_markdown(description), "", f"Sub-themes: {names}.", ""]
    lines += ["## Evaluation of the classifier", ""]
    if not evaluations:
        lines.append("No hand labels are configured for this review, so the classifier is not evaluated here.")
    for caption, frame in evaluations:
        lines += [f"**{escape_markdown(caption)}**", "", markdown_table(frame)]
    return "\n".join(lines) + "\n"
