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
from collections.abc import Callable, Iterable
from typing import Any

import bibtexparser
import pandas as pd
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

from ..collection import cycle_collection_paused
from ..enrich.metadata import authors_by_paper, split_name
from .latex import bibtex_text, bibtex_title, interpret_text_escapes, protected_word

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


MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def month_field(month: int) -> Field:
    """A month as BibTeX's month macro (`mar`), written unbraced; a number that is no month stays
    a (braced) number. This is what bibtexparser's MonthAbbreviationMiddleware makes of an int
    month, done while the entry is built instead of in a second pass over every entry."""
    if 1 <= month <= 12:
        return Field("month", MONTH_MACROS[month - 1], enclosing="no-enclosing")
    return braced("month", month)


def braced(key: str, value: object) -> Field:
    """A field whose value is enclosed in braces, as bibtexparser's AddEnclosingMiddleware (default
    "{", integers enclosed) would write it, and as its parser leaves a value when no middleware runs."""
    return Field(key, f"{{{value}}}")


class Memo(dict):
    """A function's results by argument, each computed on first use: `memo[x]` is a dict lookup."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.function(key)
        return value


class EntryBuilder:
    """The entries of one bibliography. What recurs across its papers (the words of titles, author
    names, venues, notes) is converted once; abstracts, which never recur, each time.
    `with_abstract=False` gives the short entries a person pastes into their own bibliography."""

    def __init__(self, with_abstract: bool = True) -> None:
        self.with_abstract = with_abstract
        self.recurring = Memo(bibtex_text)
        self.protected_word = Memo(protected_word)
        self.venue = Memo(self._venue)

    def _venue(self, venue_text: str) -> tuple[str, str, tuple[str, str] | None, str]:
        """(venue without "published as", entry type, booktitle or journal (name, value), published-as title)."""
        venue, published_as = split_venue(venue_text)
        kind = entry_type(venue)
        container = None
        if kind == "inproceedings":
            container = ("booktitle", bibtex_text(venue))
        elif kind == "article":
            container = ("journal", bibtex_text(venue_name(venue)))
        return venue, kind, container, published_as

    def entry(self, paper: dict, authors: list[str], digest_date: str) -> Entry:
        """One paper's entry; its fields in the order they are written."""
        venue, kind, container, published_as = self.venue[paper["venue"]]
        fields = [braced("title", bibtex_title(paper["title"], self.protected_word.__getitem__))]
        if authors:
            fields.append(braced("author", " and ".join(map(self.recurring.__getitem__, authors))))
        else:
            fields.append(braced("key", UNKNOWN_AUTHOR_KEY))
        if container is not None:
            fields.append(braced(*container))
        date = issued(paper, venue)
        if date:
            fields.append(braced("year", date[0]))
            if len(date) > 1:  # BibTeX has no day field
                fields.append(month_field(date[1]))
        elif digest_date:
            fields.append(braced("date", f"../{digest_date}"))
        arxiv = arxiv_reference(paper)
        if arxiv and kind == "misc":
            fields.append(braced("howpublished", bibtex_text(arxiv)))
        note = entry_note(paper, digest_date, published_as)
        if arxiv and kind != "misc":
            note = f"{note}; {arxiv}" if note else arxiv
        if note:
            fields.append(braced("note", self.recurring[note]))
        if paper["abstract"] and self.with_abstract:
            fields.append(braced("abstract", bibtex_text(paper["abstract"])))
        return Entry(kind, paper["citekey"], fields)


def arxiv_reference(paper: dict) -> str:
    """'arXiv:2401.01234 [cs.CL]', the form arXiv asks citers to use; '' without an arXiv id."""
    if not paper["arxiv_id"]:
        return ""
    category = f" [{paper['primary_category']}]" if paper["primary_category"] else ""
    return f"arXiv:{paper['arxiv_id']}{category}"


# What an entry is made of (EntryBuilder.entry, issued, entry_note, arxiv_reference): the other columns are not read.
ENTRY_COLUMNS = ("paper_id", "citekey", "title", "abstract", "arxiv_id", "published", "year", "month", "primary_category", "venue")


def records(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict]:
    """Like frame.to_dict("records") (of `columns` only, if given), without pandas boxing every
    value one at a time."""
    values = {name: frame[name].tolist() for name in (frame.columns if columns is None else columns)}
    return [dict(zip(values, row)) for row in zip(*values.values())]


def first_digest_dates(appearances: pd.DataFrame) -> dict[str, str]:
    """paper_id -> the date of the first digest it appeared in (missing dates skipped)."""
    first: dict[str, str] = {}
    # A plain loop: a pandas group-by costs more than the loop for the few rows per paper.
    for paper_id, date in zip(appearances["paper_id"].tolist(), appearances["digest_date"].tolist()):
        if isinstance(date, str) and (paper_id not in first or date < first[paper_id]):
            first[paper_id] = date
    return first


@cycle_collection_paused()
def build_library(papers: pd.DataFrame, authors: pd.DataFrame, appearances: pd.DataFrame, with_abstract: bool = True) -> Library:
    """One entry per paper with a citation key (column `citekey`), sorted by key. Each value is held
    as BibTeX writes it, enclosed in braces (see `braced`), as bibtexparser's parser leaves values
    when no middleware runs: `write_bibtex` writes them as they are, as often as it is asked."""
    names = authors_by_paper(authors)
    first_date = first_digest_dates(appearances)
    builder = EntryBuilder(with_abstract)
    entries = [builder.entry(paper, names.get(paper["paper_id"], []), first_date.get(paper["paper_id"], ""))
               for paper in records(papers.sort_values("citekey"), ENTRY_COLUMNS)]
    return Library(entries)


def write_bibtex(library: Library) -> str:
    """BibTeX text, every value written as the entry holds it: `build_library` encloses each in
    braces but month macros (`mar`, see month_field), so the writer runs without middleware. That is
    what bibtexparser's AddEnclosingMiddleware would write, in a fraction of the time (it was most of
    the bib stage); tests/test_bib.py checks the bytes against the middleware's."""
    return bibtexparser.write_string(library, unparse_stack=[])


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
