"""The catalog: every paper in one table, filtered in the browser by theme, sub-theme, year and
text (docs/_static/catalog.js; no network, works from file://). Without JavaScript it is a plain
table."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..enrich.metadata import authors_by_paper
from ..markup import escape_html

CATALOG_HEAD = """# Catalog of papers

All papers of the review. Filter by theme, sub-theme, year or any words of the title and authors;
select a title to open the paper's page.

"""


def options(values: list[str], label: str, name: str) -> str:
    items = "".join(f'<option value="{escape_html(v)}">{escape_html(v)}</option>' for v in values)
    return f'<label>{label} <select name="{name}"><option value="">all</option>{items}</select></label>'


def render_catalog(papers: pd.DataFrame, authors: pd.DataFrame, paper_themes: pd.DataFrame, theme_titles: Mapping[str, str]) -> str:
    names = authors_by_paper(authors)
    themes = paper_themes.groupby("paper_id")["theme"].agg(lambda s: sorted(set(s))).to_dict() if len(paper_themes) else {}
    subthemes = (
        paper_themes.assign(pair=paper_themes["theme"] + ": " + paper_themes["subtheme"]).groupby("paper_id")["pair"].agg(sorted).to_dict()
        if len(paper_themes) else {}
    )
    years = sorted({str(int(y)) for y in papers["year"].dropna()}, reverse=True)
    all_subthemes = sorted({pair for pairs in subthemes.values() for pair in pairs})
    rows = []
    for paper in papers.sort_values(["year", "title"], ascending=[False, True], na_position="last").to_dict("records"):
        pid = paper["paper_id"]
        year = "" if pd.isna(paper["year"]) else str(int(paper["year"]))
        author = names.get(pid, [""])[0] + (" et al." if len(names.get(pid, [])) > 1 else "")
        paper_theme_titles = ", ".join(theme_titles.get(t, t) for t in themes.get(pid, []))
        rows.append(
            f'<tr data-themes="{escape_html(" ".join(themes.get(pid, [])))}" '
            f'data-subthemes="{escape_html("|".join(subthemes.get(pid, [])))}" data-year="{year}">'
            f'<td><a href="papers/{pid}.html">{escape_html(paper["title"])}</a></td>'
            f"<td>{escape_html(author)}</td><td>{year}</td><td>{escape_html(paper_theme_titles)}</td>"
            f'<td>{escape_html(", ".join(subthemes.get(pid, [])))}</td></tr>'
        )
    theme_options = "".join(f'<option value="{escape_html(t)}">{escape_html(title)}</option>' for t, title in theme_titles.items())
    filters = (
        '<form class="catalog-filters">'
        f'<label>Theme <select name="theme"><option value="">all</option><option value="-">none</option>{theme_options}</select></label> '
        f'{options(all_subthemes, "Sub-theme", "subtheme")} {options(years, "Year", "year")} '
        '<label>Text <input type="search" name="text" placeholder="words of title or authors"></label>'
        f' <output name="count">{len(rows)} of {len(rows)} papers</output></form>'
    )
    table = (
        '<table class="catalog docutils align-default" id="catalog"><thead><tr><th>Title</th><th>Authors</th>'
        "<th>Year</th><th>Themes</th><th>Sub-themes</th></tr></thead><tbody>" + "\n".join(rows) + "</tbody></table>"
    )
    return CATALOG_HEAD + "```{raw} html\n" + filters + "\n" + table + "\n```\n"
