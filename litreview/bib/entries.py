"""BibTeX and CSL-JSON from the enriched tables, through bibtexparser v2's model and writer.

Entries: arXiv papers are `@misc`; a known venue gives `@inproceedings` or `@article`; a paper
without arXiv id gets a note. Every text field goes through `latex.bibtex_text`, so nothing from the
web acts as BibTeX or LaTeX syntax.

The arXiv id is written once, as text ("arXiv:2401.01234 [cs.CL]") in `howpublished` (`@misc`) or
`note`: classic BibTeX styles (plain, apalike) print no `eprint` field, and biblatex prints both
`eprint` and `url` besides `howpublished`/`note`, so any second field would print the id twice.
A paper whose date is unknown gets `date = {../D}`, D the first digest that listed it (biblatex's
open-start range, "no later than D"): biblatex's data model asks every entry for a date, and no
year is claimed that nobody knows. An entry without authors gets `key = {[Author unknown]}`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import bibtexparser
import pandas as pd
from bibtexparser.library import Library
from bibtexparser.middlewares import AddEnclosingMiddleware, MonthAbbreviationMiddleware
from bibtexparser.model import Entry, Field

from ..enrich.metadata import authors_by_paper, split_name
from .latex import bibtex_text, interpret_text_escapes

_PUBLISHED_AS = re.compile(r"^(?P<venue>.*?) \(published as '(?P<title>.*)'\)$")
_TRAILING_YEAR = re.compile(r"\s*\(\d{4}\)$")
_VENUE_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_JOURNAL_WORDS = ("journal", "transactions", "npj ", "letters", "review")
# What BibTeX styles sort an authorless entry by and apalike prints in the author's place. Not the
# title (APA's choice): apalike prints the title as well, so it would appear twice. The brackets mark
# it as the bibliographer's words, as in library catalogues.
UNKNOWN_AUTHOR_KEY = "[Author unknown]"


def split_venue(venue: str) -> tuple[str, str]:
    """('NeurIPS 2024', '') or, for "ACL 2025 (published as 'Other Title')", ('ACL 2025', 'Other Title')."""
    match = _PUBLISHED_AS.match(venue)
    return (match["venue"], match["title"]) if match else (venue, "")


def venue_name(venue: str) -> str:
    """A venue without its trailing "(2024)": the journal or container title."""
    return _TRAILING_YEAR.sub("", venue)


def issued(paper: dict, venue: str) -> tuple[int, ...]:
    """When a paper is cited as having appeared, as precisely as known: (year,) of its venue (a
    published paper is cited by the year of its venue, not of its first preprint), else the date of
    its first version, (year, month, day) or (year, month) from `published`, or (year, month) from its
    arXiv id; () if unknown. The BibTeX entry and the CSL item both take it from here."""
    venue_year = _VENUE_YEAR.search(venue)
    if venue_year:
        return (int(venue_year.group(0)),)
    if paper["published"]:
        return tuple(int(x) for x in paper["published"].split("-"))
    if not pd.isna(paper["year"]):
        return (int(paper["year"]), int(paper["month"]))
    return ()


def entry_type(venue: str) -> str:
    if not venue:
        return "misc"
    return "article" if any(word in venue.lower() for word in _JOURNAL_WORDS) else "inproceedings"


def entry_note(paper: dict, digest_date: str, published_as: str) -> str:
    """The note of a BibTeX entry or CSL item ('' for none).

    A paper without an arXiv id says only that the metadata cache has none: the cache records what
    arXiv returned, never that arXiv was asked and had nothing, so "no arXiv record" would claim more
    than is known.
    """
    notes = []
    if not paper["arxiv_id"]:
        notes.append(f"Listed in the Hugging Face papers digest of {digest_date}; no arXiv id in the metadata cache")
    if published_as:
        notes.append(f"Published as: {published_as}")
    return "; ".join(notes)


def bib_fields(paper: dict, authors: list[str], digest_date: str, with_abstract: bool = True) -> list[tuple[str, object]]:
    """The fields of one entry, in the order they are written; `with_abstract=False` gives the short
    entry a person pastes into their own bibliography."""
    venue, published_as = split_venue(paper["venue"])
    kind = entry_type(venue)
    fields: list[tuple[str, object]] = [("title", bibtex_text(paper["title"], protect_case=True))]
    if authors:
        fields.append(("author", " and ".join(bibtex_text(name) for name in authors)))
    else:
        fields.append(("key", UNKNOWN_AUTHOR_KEY))
    if kind == "inproceedings":
        fields.append(("booktitle", bibtex_text(venue)))
    elif kind == "article":
        fields.append(("journal", bibtex_text(venue_name(venue))))
    date = issued(paper, venue)
    fields += list(zip(("year", "month"), date))  # BibTeX has no day field
    if not date and digest_date:
        fields.append(("date", f"../{digest_date}"))
    arxiv = arxiv_reference(paper)
    if arxiv and kind == "misc":
        fields.append(("howpublished", bibtex_text(arxiv)))
    note = "; ".join(part for part in (entry_note(paper, digest_date, published_as), arxiv if kind != "misc" else "") if part)
    if note:
        fields.append(("note", bibtex_text(note)))
    if paper["abstract"] and with_abstract:
        fields.append(("abstract", bibtex_text(paper["abstract"])))
    return fields


def arxiv_reference(paper: dict) -> str:
    """'arXiv:2401.01234 [cs.CL]', the form arXiv asks citers to use; '' without an arXiv id."""
    if not paper["arxiv_id"]:
        return ""
    category = f" [{paper['primary_category']}]" if paper["primary_category"] else ""
    return f"arXiv:{paper['arxiv_id']}{category}"


def records(frame: pd.DataFrame) -> list[dict]:
    """Like frame.to_dict("records"), without pandas boxing every value one at a time."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def first_digest_dates(appearances: pd.DataFrame) -> dict[str, str]:
    """paper_id -> the date of the first digest it appeared in."""
    return appearances.groupby("paper_id")["digest_date"].min().to_dict()


def build_library(papers: pd.DataFrame, authors: pd.DataFrame, appearances: pd.DataFrame, with_abstract: bool = True) -> Library:
    """One entry per paper with a citation key (column `citekey`), sorted by key."""
    names = authors_by_paper(authors)
    first_date = first_digest_dates(appearances)
    entries = []
    for paper in records(papers.sort_values("citekey")):
        fields = bib_fields(paper, names.get(paper["paper_id"], []), first_date.get(paper["paper_id"], ""), with_abstract)
        entries.append(Entry(entry_type(split_venue(paper["venue"])[0]), paper["citekey"], [Field(k, v) for k, v in fields]))
    return Library(entries)


def write_bibtex(library: Library) -> str:
    """BibTeX text. Month numbers become month macros (`mar`), every other value is braced."""
    stack = [
        MonthAbbreviationMiddleware(allow_inplace_modification=True),
        AddEnclosingMiddleware(reuse_previous_enclosing=False, enclose_integers=True, default_enclosing="{", allow_inplace_modification=True),
    ]
    return bibtexparser.write_string(library, unparse_stack=stack)


def csl_name(name: str) -> dict[str, str]:
    given, family = split_name(name)
    return {"family": family, "given": given} if given else {"family": family}


def csl_items(papers: pd.DataFrame, authors: pd.DataFrame, appearances: pd.DataFrame) -> list[dict]:
    """CSL-JSON items (for Zotero, Pandoc, Quarto), sorted by key; text is plain Unicode."""
    names = authors_by_paper(authors)
    first_date = first_digest_dates(appearances)
    items = []
    for paper in papers.sort_values("citekey").to_dict("records"):
        venue, published_as = split_venue(paper["venue"])
        kind = {"misc": "article", "inproceedings": "paper-conference", "article": "article-journal"}[entry_type(venue)]
        item: dict[str, object] = {"id": paper["citekey"], "type": kind, "title": interpret_text_escapes(paper["title"])}
        if paper["paper_id"] in names:
            item["author"] = [csl_name(n) for n in names[paper["paper_id"]]]
        date = issued(paper, venue)
        if date:
            item["issued"] = {"date-parts": [list(date)]}
        if venue:
            item["container-title"] = venue_name(venue)
        if paper["arxiv_id"]:
            item.update({"number": f"arXiv:{paper['arxiv_id']}", "URL": f"https://arxiv.org/abs/{paper['arxiv_id']}"})
            if kind == "article":  # a preprint: arXiv is who made it public; a venue's paper has its own publisher
                item["publisher"] = "arXiv"
        note = entry_note(paper, first_date.get(paper["paper_id"], ""), published_as)
        if note:
            item["note"] = note
        if paper["abstract"]:
            item["abstract"] = interpret_text_escapes(paper["abstract"])
        items.append(item)
    return items


def write_csl_json(items: Iterable[dict]) -> str:
    return json.dumps(list(items), ensure_ascii=False, indent=2) + "\n"
