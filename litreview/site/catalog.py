"""The catalog: every paper in one table, filtered in the browser by theme, sub-theme, year and
text (docs/_static/catalog.js; no network, works from file://). The filters are kept in the page's
address, so Back, reload and a shared link show the same table. Without JavaScript the form stays
hidden and the page is a plain table of every paper."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from ..enrich.metadata import authors_by_paper
from ..markup import escape_html
from .pages import first_appearances

CATALOG_HEAD = """# Catalog of papers

All papers of the review, newest first, with the digest that added each to the review. Filter by
theme, sub-theme, year or any words of the title and authors; select a title to open the paper's page.

"""

UNKNOWN_YEAR = "unknown"  # the year filter's value for papers whose year is not known
SHOWN_AUTHORS = 3


def option(value: str, label: str) -> str:
    return f'<option value="{escape_html(value)}">{escape_html(label)}</option>'


def subtheme_value(theme: str, subtheme: str) -> str:
    """A sub-theme's value in the filter and in the address (sub-theme ids are unique per theme only)."""
    return f"{theme}/{subtheme}"


def byline(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_AUTHORS])
    return shown + (" et al." if len(names) > SHOWN_AUTHORS else "")


def render_filters(themes: Sequence[tuple[str, str, Sequence[tuple[str, str]]]], years: list[str], unknown_year: bool, total: int) -> str:
    """The form: theme, sub-theme (grouped by theme, by title), year (with 'unknown'), text; hidden
    until catalog.js runs (it alone makes the form do anything)."""
    theme_options = option("", "all") + option("-", "none") + "".join(option(t, title) for t, title, _ in themes)
    groups = "".join(
        f'<optgroup label="{escape_html(title)}" data-theme="{escape_html(t)}">'
        + "".join(option(subtheme_value(t, s), sub_title) for s, sub_title in subthemes) + "</optgroup>"
        for t, title, subthemes in themes if subthemes
    )
    year_options = option("", "all") + "".join(option(y, y) for y in years) + (option(UNKNOWN_YEAR, "unknown") if unknown_year else "")
    return (
        '<form class="catalog-filters" autocomplete="off" hidden>'
        f'<label>Theme <select name="theme">{theme_options}</select></label> '
        f'<label>Sub-theme <select name="subtheme">{option("", "all")}{groups}</select></label> '
        f'<label>Year <select name="year">{year_options}</select></label> '
        '<label>Text <input type="search" name="text" placeholder="words of title or authors"></label> '
        '<button type="submit">Filter</button> <button type="reset">Show all</button> '
        f'<output name="count" aria-live="polite">{total} of {total} papers</output></form>'
    )


def render_catalog(papers: pd.DataFrame, authors: pd.DataFrame, paper_themes: pd.DataFrame, theme_titles: Mapping[str, str],
                   subtheme_titles: Mapping[str, Mapping[str, str]] | None = None, appearances: pd.DataFrame | None = None) -> str:
    """The catalog page (MyST with one raw HTML block). `subtheme_titles`: theme -> sub-theme id -> title
    (ids are shown where a title is missing); `appearances`: the `paper_digests` table, for the digest
    and date that added each paper."""
    subtheme_titles = subtheme_titles or {}
    names = authors_by_paper(authors)
    themes = paper_themes.groupby("paper_id")["theme"].agg(lambda s: sorted(set(s))).to_dict() if len(paper_themes) else {}
    pairs = sorted(set(zip(paper_themes["theme"], paper_themes["subtheme"]))) if len(paper_themes) else []
    subthemes: dict[str, list[tuple[str, str]]] = {}
    for pid, theme, subtheme in sorted(zip(paper_themes["paper_id"], paper_themes["theme"], paper_themes["subtheme"])) if len(paper_themes) else []:
        subthemes.setdefault(pid, []).append((theme, subtheme))
    added = {} if appearances is None or appearances.empty else first_appearances(appearances).set_index("paper_id")[["digest", "digest_date"]].to_dict("index")

    def sub_title(theme: str, subtheme: str) -> str:
        return subtheme_titles.get(theme, {}).get(subtheme, subtheme)

    rows = []
    for paper in papers.sort_values(["year", "title"], ascending=[False, True], na_position="last").to_dict("records"):
        pid = paper["paper_id"]
        year = "" if pd.isna(paper["year"]) else str(int(paper["year"]))
        first = added.get(pid, {"digest": "", "digest_date": ""})
        # What the text filter searches: the title and every author (the cell shows the first few).
        searched = " ".join([paper["title"], *names.get(pid, [])])
        rows.append(
            f'<tr data-themes="{escape_html(" ".join(themes.get(pid, [])))}" '
            f'data-subthemes="{escape_html(" ".join(subtheme_value(t, s) for t, s in subthemes.get(pid, [])))}" '
            f'data-year="{year}" data-text="{escape_html(searched)}">'
            f'<td><a href="papers/{pid}.html">{escape_html(paper["title"])}</a></td>'
            f"<td>{escape_html(byline(names.get(pid, [])))}</td><td>{year}</td>"
            f'<td>{escape_html(", ".join(theme_titles.get(t, t) for t in themes.get(pid, [])))}</td>'
            f'<td>{escape_html(", ".join(sub_title(t, s) for t, s in subthemes.get(pid, [])))}</td>'
            f'<td>{escape_html(first["digest"])}</td><td>{escape_html(first["digest_date"])}</td></tr>'
        )
    used = {theme: [s for t, s in pairs if t == theme] for theme in theme_titles}
    def in_definition_order(theme: str, subtheme: str) -> tuple[int, str]:
        order = list(subtheme_titles.get(theme, {}))
        return (order.index(subtheme), "") if subtheme in order else (len(order), subtheme)

    filter_themes = [(t, title, [(s, sub_title(t, s)) for s in sorted(used[t], key=lambda s, t=t: in_definition_order(t, s))])
                     for t, title in theme_titles.items()]
    years = sorted({str(int(y)) for y in papers["year"].dropna()}, reverse=True)
    header = "".join(f'<th scope="col">{name}</th>' for name in ("Title", "Authors", "Year", "Themes", "Sub-themes", "Digest", "Added"))
    table = (f'<table class="catalog docutils align-default" id="catalog"><thead><tr>{header}</tr></thead><tbody>'
             + "\n".join(rows) + "</tbody></table>")
    filters = render_filters(filter_themes, years, bool(papers["year"].isna().any()), len(rows))
    return CATALOG_HEAD + "```{raw} html\n" + filters + "\n" + table + "\n```\n"
