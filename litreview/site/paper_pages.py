"""One page per paper: title as heading, facts, abstract as text, themes with evidence, related
papers, and the BibTeX entry to copy. Pages are orphans: reached from the catalog, the theme pages
and search, never listed in the sidebar (rendering every paper in every page's navigation is
quadratic).

The pages have no front matter: its three YAML parses per page (myst-nb's, then myst-parser's twice)
were about 6% of a site build. `citekeys.json` beside them names each page's citation key, and
litreview's citations extension (site/citations.py) marks the pages it lists as orphans."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from bibtexparser.library import Library

from ..bib.entries import build_library, write_bibtex
from ..bib.keys import PROVISIONAL
from ..enrich.metadata import authors_by_paper
from ..fileio import write_text_atomic
from ..markup import autolink, escape_markdown, fenced, link
from .citations import PAPER_INDEX


@dataclass(frozen=True)
class ThemeLink:
    """Where a theme is on the site: its title, its page and, per sub-theme id, the sub-theme's title and
    its section (MyST link targets: a page, a page#heading or a #label; trusted, built by litreview)."""

    title: str
    page: str
    subthemes: Mapping[str, tuple[str, str]]


MONTHS = "January February March April May June July August September October November December".split()


@dataclass(frozen=True)
class PaperContext:
    """Everything the paper pages need, grouped by paper_id once (not searched per page)."""

    authors: Mapping[str, list[str]]
    links: Mapping[str, list[tuple[str, str]]]
    appearances: Mapping[str, list[tuple[str, int]]]
    themes: Mapping[str, list[tuple[str, str, float, str, str]]]  # theme, subtheme, score, evidence, source
    related: Mapping[str, list[str]]
    titles: Mapping[str, str]
    theme_titles: Mapping[str, str]
    bibtex: Mapping[str, str]
    theme_links: Mapping[str, ThemeLink] = field(default_factory=dict)


def group(frame: pd.DataFrame, key: str, columns: list[str]) -> dict[str, list]:
    if frame.empty:
        return {}
    values = frame[columns].to_numpy().tolist() if len(columns) > 1 else frame[columns[0]].tolist()
    grouped: dict[str, list] = {}
    for paper_id, value in zip(frame[key].tolist(), values):
        grouped.setdefault(paper_id, []).append(tuple(value) if len(columns) > 1 else value)
    return grouped


def bibtex_by_key(papers: pd.DataFrame, authors: pd.DataFrame, appearances: pd.DataFrame) -> dict[str, str]:
    """The entry a reader pastes into their own bibliography: `review.bib`'s, without the abstract."""
    library = build_library(papers, authors, appearances, with_abstract=False)
    return {entry.key: write_bibtex(Library([entry])).strip() for entry in library.entries}


def paper_context(tables: Mapping[str, pd.DataFrame], related: pd.DataFrame, theme_titles: Mapping[str, str],
                  theme_links: Mapping[str, ThemeLink] | None = None) -> PaperContext:
    papers = tables["papers"]
    themes = tables.get("paper_themes", pd.DataFrame(columns=["paper_id", "theme", "subtheme", "score", "evidence", "source"]))
    return PaperContext(
        authors=authors_by_paper(tables["authors"]),
        links=group(tables["links"], "paper_id", ["url", "kind"]),
        appearances=group(tables["paper_digests"], "paper_id", ["digest_date", "position"]),
        themes=group(themes, "paper_id", ["theme", "subtheme", "score", "evidence", "source"]),
        related=group(related.sort_values(["paper_id", "rank"]), "paper_id", ["related_id"]),
        titles=dict(zip(papers["paper_id"], papers["title"])),
        theme_titles=theme_titles,
        bibtex=bibtex_by_key(papers, tables["authors"], tables["paper_digests"]),
        theme_links=theme_links or {},
    )


def describe_date(paper: dict) -> str:
    if paper["published"]:
        return paper["published"]
    if not pd.isna(paper["year"]):
        return f"{MONTHS[int(paper['month']) - 1]} {int(paper['year'])} (from the arXiv id)"
    return "unknown"


def describe_theme(theme: str, subtheme: str, context: PaperContext) -> tuple[str, str]:
    """The theme, linked to its page, and the sub-theme, linked to its section (as Markdown); plain
    text for a theme the site has no page for."""
    where = context.theme_links.get(theme)
    if where is None:
        return escape_markdown(context.theme_titles.get(theme, theme)), escape_markdown(subtheme)
    title, target = where.subthemes.get(subtheme, (subtheme, where.page))
    return link(where.title, where.page), link(title, target)


def render_paper_page(paper: dict, context: PaperContext) -> str:
    paper_id = paper["paper_id"]
    names = context.authors.get(paper_id, [])
    # MyST's attrs_block (turned on by litreview's extension, site/sphinx_ext.py) puts a class on the next
    # block (`{.paper-facts}`) without a directive's nested parse; untrusted text cannot start one, since
    # escape_markdown escapes every `{`.
    lines = [f"({paper_id})=", f"# {escape_markdown(paper['title'])}", ""]
    facts = [f"**Authors:** {escape_markdown(', '.join(names)) if names else 'unknown'}", f"**First version:** {escape_markdown(describe_date(paper))}"]
    if paper["arxiv_id"]:
        facts.append(f"**arXiv:** [{escape_markdown(paper['arxiv_id'])}](https://arxiv.org/abs/{paper['arxiv_id']})")
        if paper["primary_category"]:
            facts.append(f"**Category:** {escape_markdown(paper['primary_category'])}")
    if paper["venue"]:
        facts.append(f"**Venue:** {escape_markdown(paper['venue'])}")
    for url, kind in context.links.get(paper_id, []):
        facts.append(f"**{kind.capitalize()}:** {autolink(url)}")
    seen = ", ".join(f"{date} (no. {position})" for date, position in context.appearances.get(paper_id, []))
    facts.append(f"**In digests:** {escape_markdown(seen)}")
    provisional = paper["citekey_status"] == PROVISIONAL
    facts.append(f"**Citation key:** `{paper['citekey']}`" + (" (provisional)" if provisional else ""))
    # A list, not lines joined by hard breaks: the facts are items, and the page carries no <br/>.
    lines += ["{.paper-facts}", *(f"- {fact}" for fact in facts), "", "## Abstract", ""]
    lines += [escape_markdown(paper["abstract"]) if paper["abstract"] else "*The digest gave no abstract for this paper.*", ""]
    lines += ["## Themes", ""]
    rows = context.themes.get(paper_id, [])
    if not rows:
        lines.append("This paper is in none of the review's themes.")
    for theme, subtheme, score, evidence, source in rows:
        why = {"curation": "curated", "learned": f"learned signal, rules' score {score:.1f}"}.get(source, f"score {score:.1f}")
        theme_text, subtheme_text = describe_theme(theme, subtheme, context)
        lines.append(f"- **{theme_text}** ({subtheme_text}; {why}): {escape_markdown(evidence)}")
    lines += ["", "## Related papers", ""]
    related = context.related.get(paper_id, [])
    # Other papers' titles and the BibTeX entry are kept out of the search index: a search for a word
    # should find the papers about it, not every page that lists one of them as related.
    items = "\n".join(f"- {link(context.titles[other], f'{other}.md')}" for other in related)
    lines += ["{.no-search}\n" + items if related else "None found.", ""]
    lines += ["## Cite", ""]
    if provisional:
        # Said where the key is copied from: a manuscript citing it must be updated after the upgrade.
        lines += ["The citation key is provisional: no authors of this paper are in the metadata cache, so it is made of title "
                  "words and a year. Once the cache has the authors, `litreview bib --rekey` replaces it with an author-year key.", ""]
    lines.append(fenced(context.bibtex[paper["citekey"]], "{code-block} bibtex", {"class": "no-search"}))
    return "\n".join(lines)


def generate_paper_pages(tables: Mapping[str, pd.DataFrame], related: pd.DataFrame, theme_titles: Mapping[str, str], out_dir: Path,
                         theme_links: Mapping[str, ThemeLink] | None = None) -> list[Path]:
    """Write `<paper_id>.md` for every paper; files of papers no longer in the review are removed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    context = paper_context(tables, related, theme_titles, theme_links)
    written = []
    for paper in tables["papers"].to_dict("records"):
        path = out_dir / f"{paper['paper_id']}.md"
        write_text_atomic(path, render_paper_page(paper, context))  # an unchanged page keeps its mtime: Sphinx skips it
        written.append(path)
    for stale in set(out_dir.glob("*.md")) - set(written):
        stale.unlink()
    index = dict(sorted(zip(tables["papers"]["citekey"].astype(str), tables["papers"]["paper_id"].astype(str))))
    write_text_atomic(out_dir / PAPER_INDEX, json.dumps(index, ensure_ascii=False, indent=1) + "\n")
    return written
