"""Read a plain-text copy of a Hugging Face papers page (a *digest*) into papers.

The format: optional page chrome and a date line, then papers, each a title paragraph followed by an
abstract paragraph, paragraphs separated by blank lines. Lines wrapped inside a paragraph are joined
with one space; otherwise text is kept exactly as written.

Which paragraph is a title and which an abstract is decided by shape, not position, so that one
missing abstract does not shift every later pair: an abstract has at least ``ABSTRACT_MIN_WORDS``
words, or at least two sentences. Everything else is a title.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from ..collection import cycle_collection_paused
from ..errors import DigestError
from ..records.model import DUPLICATE_ABSTRACT, DUPLICATE_TITLE, Digest, Paper, SkippedParagraph, normalise_title

CHROME = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "byak and the research community",
    }
)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
DATE_LINE = re.compile(rf"^(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?$", re.IGNORECASE)
ABSTRACT_MIN_WORDS = 25
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def decode_digest(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is an error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DigestError(name, f"starts with a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason})") from None
    if b"\x00" in data:
        raise DigestError(name, "is a binary file (it contains NUL bytes), not a text digest")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DigestError(
            name,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded); save it as UTF-8 and try again",
            line=line,
        ) from None
    return text


def split_paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Yield (line number of the first line, paragraph text) for each blank-line separated paragraph."""
    if "\r" in text:  # (a digest rarely has one; replacing copies the whole text twice)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    current: list[str] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            yield start, " ".join(current)
            current = []
    if current:
        yield start, " ".join(current)


def looks_like_abstract(paragraph: str) -> bool:
    return len(paragraph.split(maxsplit=ABSTRACT_MIN_WORDS - 1)) >= ABSTRACT_MIN_WORDS or len(_SENTENCE_END.findall(paragraph)) >= 2


_CHROME_MAX = max(map(len, CHROME))


def chrome_reason(paragraph: str) -> str | None:
    # casefold never shortens text, so a paragraph longer than every chrome line (an abstract) is not
    # chrome: no need to casefold a whole abstract.
    if len(paragraph) <= _CHROME_MAX and paragraph.casefold() in CHROME:
        return "page chrome"
    # A date line ends in a digit (str.isdigit holds for every digit `\d` matches): the regex need not
    # run on titles and abstracts.
    if paragraph[-1:].isdigit() and DATE_LINE.match(paragraph):
        return "date line"
    return None


@cycle_collection_paused()
def parse_digest(text: str, name: str) -> Digest:
    """Turn the text of a digest into papers plus a reconciliation of every paragraph.

    Raises DigestError when the text holds no paper at all.
    """
    papers: list[Paper] = []
    skipped: list[SkippedParagraph] = []
    missing: list[Paper] = []
    first_seen: dict[str, int] = {}
    pending: tuple[int, str] | None = None
    count = 0

    def close(title: tuple[int, str], abstract_line: int | None, abstract: str) -> None:
        line, text_ = title
        key = normalise_title(text_)
        if key in first_seen:
            skipped.append(SkippedParagraph(name, line, text_, f"{DUPLICATE_TITLE} {first_seen[key]}"))
            if abstract_line is not None:
                skipped.append(SkippedParagraph(name, abstract_line, abstract, f"{DUPLICATE_ABSTRACT} {line}"))
            return
        first_seen[key] = line
        paper = Paper(title=text_, abstract=abstract, digest=name, line=line, position=len(papers) + 1)
        papers.append(paper)
        if not abstract:
            missing.append(paper)

    for line, paragraph in split_paragraphs(text):
        count += 1
        reason = chrome_reason(paragraph)
        if reason:
            skipped.append(SkippedParagraph(name, line, paragraph, reason))
        elif looks_like_abstract(paragraph):
            if pending is None:
                skipped.append(SkippedParagraph(name, line, paragraph, "abstract without a title before it"))
            else:
                close(pending, line, paragraph)
                pending = None
        else:
            if pending is not None:
                close(pending, None, "")
            pending = (line, paragraph)
    if pending is not None:
        close(pending, None, "")

    if not papers:
        what = "is empty" if count == 0 else f"has {count} paragraph(s) but no paper (a title followed by its abstract)"
        raise DigestError(name, what)
    return Digest(
        name=name,
        papers=tuple(papers),
        skipped=tuple(skipped),
        missing_abstracts=tuple(missing),
        paragraphs=count,
    )


def load_digest(path: str | Path, name: str | None = None) -> Digest:
    """Read and parse a digest file; `name` (default: the file name) labels its papers."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DigestError(path, "no such file") from None
    except IsADirectoryError:
        raise DigestError(path, "is a directory, not a digest file") from None
    except PermissionError:
        raise DigestError(path, "cannot be read (permission denied)") from None
    text = decode_digest(data, str(path))
    try:
        return parse_digest(text, name or path.name)
    except DigestError as exc:
        raise DigestError(path, exc.problem, exc.line) from None
