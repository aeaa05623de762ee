"""The plain data model: papers as read from a digest, and the report of what was not a paper.

Nothing here reads or writes files. Text is kept exactly as written in the digest.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple


def normalise_title(title: str) -> str:
    """The form of a title used to recognise the same paper: NFKC, case-folded, single spaces."""
    # NFKC leaves ASCII text as it is, and is the slow part: skip it for ASCII titles (most of them).
    return " ".join((title if title.isascii() else unicodedata.normalize("NFKC", title)).split()).casefold()


def make_paper_id(title: str) -> str:
    """A stable id derived from the normalised title, so it never depends on order or digest.

    The leading letter keeps spreadsheets and CSV readers from taking the id for a number.
    """
    digest = hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()
    return "p" + digest[:12]


@dataclass(frozen=True)
class Paper:
    """One paper as it appears in one digest."""

    title: str
    abstract: str
    digest: str
    line: int
    position: int

    @property
    def paper_id(self) -> str:
        return make_paper_id(self.title)


@dataclass(frozen=True)
class SkippedParagraph:
    """A paragraph of a digest that did not become (part of) a paper, and why."""

    digest: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Digest:
    """A parsed digest: its papers and the reconciliation of every paragraph it contains."""

    name: str
    papers: tuple[Paper, ...]
    skipped: tuple[SkippedParagraph, ...] = ()
    missing_abstracts: tuple[Paper, ...] = ()
    paragraphs: int = 0

    @property
    def duplicates(self) -> tuple[SkippedParagraph, ...]:
        """The title paragraphs of papers seen earlier in the same digest."""
        return tuple(s for s in self.skipped if s.reason.startswith(DUPLICATE_TITLE))

    @property
    def chrome(self) -> tuple[SkippedParagraph, ...]:
        return tuple(s for s in self.skipped if s.reason in CHROME_REASONS)

    @property
    def problems(self) -> tuple[SkippedParagraph, ...]:
        """Skipped paragraphs that are neither page chrome nor part of a recognised duplicate."""
        return tuple(
            s for s in self.skipped if s.reason not in CHROME_REASONS and not s.reason.startswith((DUPLICATE_TITLE, DUPLICATE_ABSTRACT))
        )

    @property
    def accounted_paragraphs(self) -> int:
        """Paragraphs that went into papers plus those skipped: equals `paragraphs` when nothing is lost."""
        in_papers = sum(1 if p.abstract == "" else 2 for p in self.papers)
        return in_papers + len(self.skipped)


class DatedDigest(NamedTuple):
    """A parsed digest and the date of the page it was copied from ("" when not known).

    A named tuple, not a dataclass: it still unpacks as the (digest, date) pair that `build_tables`
    and notebooks written before it take, and it is as immutable as the digest it holds."""

    digest: Digest
    date: str


CHROME_REASONS = frozenset({"page chrome", "date line"})
DUPLICATE_TITLE = "duplicate of the paper at line"
DUPLICATE_ABSTRACT = "abstract of the duplicate at line"


@dataclass(frozen=True)
class Revision:
    """A paper seen again, in a newer digest, with another title or abstract: the newer text is kept.

    `kind` is "title" (same paper id, so a change of case, spacing or Unicode form), "abstract", or
    "added abstract" (the text it replaces was a missing abstract). `title` is the newer title.
    """

    paper_id: str
    kind: str
    title: str
    digest: str
    date: str
    line: int
    replaced_digest: str
    replaced_date: str


@dataclass(frozen=True)
class DigestSource:
    """A digest named in a review's config: where it is and the date it was copied."""

    path: str
    date: str
    name: str = field(default="")
