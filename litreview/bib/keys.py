"""Citation keys that never change once assigned, and say when they are provisional.

A paper whose first author is known gets a complete key, `<first author's family name><year><first
significant title word>` in lowercase ASCII (`du2024think`). A paper without known authors (offline,
or not yet in the metadata cache) gets a provisional key, `<first two significant title
words><year>` (`semanticentropy2025`), the year being the paper's own when known, else that of the
first digest it appeared in. Both take a/b/c suffixes when taken.

Assigned keys are pinned in `bib/citekeys.csv` (`paper_id,citekey,status`, status `complete` or
`provisional`; an older file without the status column holds complete keys): regeneration reuses a
pinned key even when metadata changes. Only `bib --rekey` changes keys: with paper ids, those
papers'; without, the provisional keys of papers whose authors are now known.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import string
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

import pandas as pd

from ..enrich.metadata import split_name
from ..errors import ConfigError

STOPWORDS = frozenset(
    "a an the on of in for to and or with via from by at as into towards toward is are be do does can "
    "how what when where why which who whether not no your you we our its it this that these those".split()
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def ascii_slug(text: str) -> str:
    """Lowercase ASCII letters and digits only: accents are dropped to their base letter."""
    decomposed = unicodedata.normalize("NFKD", text)
    return _NON_ALNUM.sub("", decomposed.encode("ascii", "ignore").decode("ascii").lower())


def family_name(name: str) -> str:
    """The family name of a 'Given Family' name, with a 'von' part kept ('van den Berg' -> 'vandenberg')."""
    return ascii_slug(split_name(name)[1])


@functools.lru_cache(maxsize=1 << 16)
def significant_slug(word: str) -> str:
    """A title word's slug, or '' for a word that does not count (a stopword, a number, no letters).
    Cached: the words of titles recur, and a slug takes a Unicode normalisation and a regex."""
    slug = ascii_slug(word)
    if slug and word.lower().strip(string.punctuation) not in STOPWORDS and not slug.isdigit():
        return slug
    return ""


def title_words(title: str, count: int) -> list[str]:
    """The first `count` significant words of a title as slugs (fewer if it has fewer)."""
    words = []
    for word in title.split():
        slug = significant_slug(word)
        if slug:
            words.append(slug)
            if len(words) == count:
                break
    return words


def title_word(title: str) -> str:
    return (title_words(title, 1) or ["untitled"])[0]


def base_key(first_author: str, year: int | None, title: str) -> str:
    """The complete key before any suffix ('anon' stands only for a family name without Latin letters)."""
    return f"{family_name(first_author) or 'anon'}{year if year else 'nd'}{title_word(title)}"


def provisional_key(year: int | None, title: str) -> str:
    """The provisional key before any suffix. Two title words, since without an author one word
    alone would collide often; the year last, so it never reads like a family name and a year."""
    return "".join(title_words(title, 2) or ["untitled"]) + (str(year) if year else "")


def year_of(date: str) -> int | None:
    """The year of a YYYY-MM-DD date; None for an empty or undated one."""
    return int(date[:4]) if date[:4].isdigit() else None


def suffix_letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa, ..."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = string.ascii_lowercase[r] + letters
    return letters


def suffixed(key: str, taken: set[str], next_suffix: dict[str, int] | None = None) -> str:
    """`key`, or `key` plus the first free suffix. `next_suffix` (base key -> first suffix not yet
    known to be taken) makes many papers with one base key linear instead of quadratic: `taken`
    only grows, so a suffix found taken once stays taken."""
    if key not in taken:
        return key
    n = next_suffix.get(key, 1) if next_suffix is not None else 1
    while key + suffix_letters(n) in taken:
        n += 1
    if next_suffix is not None:
        next_suffix[key] = n + 1
    return key + suffix_letters(n)


COMPLETE, PROVISIONAL = "complete", "provisional"
HEADER = ["paper_id", "citekey", "status"]
OLD_HEADER = HEADER[:2]  # before provisional keys: every key in such a file is complete


def empty_pins() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="string") for name in HEADER})


def load_pinned(path: str | Path | None) -> pd.DataFrame:
    """Read `citekeys.csv` (None or a missing file: no pins) as paper_id, citekey, status; a
    malformed row, a duplicate id or key is an error naming the line."""
    if path is None or not Path(path).is_file():
        return empty_pins()
    path = Path(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    if not rows or rows[0] not in (HEADER, OLD_HEADER):
        raise ConfigError(f"{path}:1: the header must be '{','.join(HEADER)}' (or, in older files, '{','.join(OLD_HEADER)}')")
    width = len(rows[0])
    seen_ids: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width or not all(row):
            raise ConfigError(f"{path}:{number}: expected {width} non-empty fields, {', '.join(rows[0])}")
        if width == 3 and row[2] not in (COMPLETE, PROVISIONAL):
            raise ConfigError(f"{path}:{number}: status must be '{COMPLETE}' or '{PROVISIONAL}', not {row[2]!r}")
        for value, seen, what in ((row[0], seen_ids, "paper"), (row[1], seen_keys, "citation key")):
            if value in seen:
                raise ConfigError(f"{path}:{number}: {what} {value!r} is already pinned at line {seen[value]}")
            seen[value] = number
    pins = pd.DataFrame(rows[1:], columns=rows[0], dtype="string")
    if width == 2:
        pins["status"] = pd.Series([COMPLETE] * len(pins), dtype="string")
    return pins


def assign_citekeys(papers: pd.DataFrame, first_authors: Mapping[str, str], pinned: pd.DataFrame,
                    first_seen: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Pinned keys, then new keys for papers without one (in the papers' order).

    `first_authors` maps paper_id to the first author's name; a paper without one gets a provisional
    key, dated by its `year` or else by `first_seen` (paper_id -> date of its first digest). Returns
    all pins, old ones first and unchanged, new ones appended: the next content of `citekeys.csv`.
    """
    pinned_ids = set(pinned["paper_id"].tolist())
    taken = set(pinned["citekey"].tolist())
    authors = dict(first_authors)  # a dict lookup per paper, also when given a Series
    seen = dict(first_seen or {})
    next_suffix: dict[str, int] = {}
    new = []
    for paper_id, title, year in zip(papers["paper_id"].tolist(), papers["title"].tolist(), papers["year"].tolist()):
        if paper_id in pinned_ids:
            continue
        known_year = None if pd.isna(year) else int(year)
        author = authors.get(paper_id)
        if author:
            base, status = base_key(author, known_year, title), COMPLETE
        else:
            base, status = provisional_key(known_year or year_of(seen.get(paper_id, "")), title), PROVISIONAL
        key = suffixed(base, taken, next_suffix)
        taken.add(key)
        new.append((paper_id, key, status))
    added = pd.DataFrame(new, columns=HEADER, dtype="string")
    return pd.concat([pinned, added], ignore_index=True) if len(added) else pinned.reset_index(drop=True)


def upgradable(pins: pd.DataFrame, authored: Collection[str]) -> list[str]:
    """The papers whose key is provisional although their authors are now known (in `authored`)."""
    provisional = pins[pins["status"] == PROVISIONAL]
    return [paper_id for paper_id in provisional["paper_id"].tolist() if paper_id in authored]


def unpin(pinned: pd.DataFrame, paper_ids: Iterable[str]) -> pd.DataFrame:
    """Drop the pins of these papers so that the next assignment gives them fresh keys."""
    ids = set(paper_ids)
    unknown = ids - set(pinned["paper_id"])
    if unknown:
        raise ConfigError(f"no pinned citation key for paper(s) {', '.join(sorted(unknown))}")
    return pinned[~pinned["paper_id"].isin(ids)].reset_index(drop=True)


def pins_csv(pins: pd.DataFrame) -> str:
    """The text of `citekeys.csv`."""
    return pins.to_csv(index=False, lineterminator="\n")
