"""Citation keys that never change once assigned.

A key reads `<first author's family name><year><first significant title word>` in lowercase ASCII
(`du2024think`), with a/b/c suffixes when taken. Assigned keys are pinned in `bib/citekeys.csv`
(`paper_id,citekey`): regeneration reuses a pinned key even when metadata changes, and only
`rekey` changes one on purpose.
"""

from __future__ import annotations

import csv
import io
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from .enrich import split_name
from .errors import ConfigError

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


def title_word(title: str) -> str:
    for word in title.split():
        slug = ascii_slug(word)
        if slug and word.lower().strip(string.punctuation) not in STOPWORDS and not slug.isdigit():
            return slug
    return "untitled"


def base_key(first_author: str | None, year: int | None, title: str) -> str:
    family = family_name(first_author) if first_author else ""
    return f"{family or 'anon'}{year if year else 'nd'}{title_word(title)}"


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


def load_pinned(path: str | Path | None) -> pd.DataFrame:
    """Read `citekeys.csv` (None or a missing file: no pins); duplicate ids or keys are an error naming the line."""
    if path is None or not Path(path).is_file():
        return pd.DataFrame({"paper_id": pd.Series(dtype="string"), "citekey": pd.Series(dtype="string")})
    path = Path(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    if not rows or rows[0] != ["paper_id", "citekey"]:
        raise ConfigError(f"{path}:1: the header must be 'paper_id,citekey'")
    seen_ids: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 2 or not all(row):
            raise ConfigError(f"{path}:{number}: expected two non-empty fields, paper_id and citekey")
        for value, seen, what in ((row[0], seen_ids, "paper"), (row[1], seen_keys, "citation key")):
            if value in seen:
                raise ConfigError(f"{path}:{number}: {what} {value!r} is already pinned at line {seen[value]}")
            seen[value] = number
    return pd.DataFrame(rows[1:], columns=["paper_id", "citekey"]).astype("string")


def assign_citekeys(papers: pd.DataFrame, first_authors: Mapping[str, str], pinned: pd.DataFrame) -> pd.DataFrame:
    """Pinned keys, then new keys for papers without one (in the papers' order).

    `first_authors` maps paper_id to the first author's name. Returns all pins, old ones first and
    unchanged, new ones appended: the next content of `citekeys.csv`.
    """
    pinned_ids = set(pinned["paper_id"].tolist())
    taken = set(pinned["citekey"].tolist())
    authors = dict(first_authors)  # a dict lookup per paper, also when given a Series
    next_suffix: dict[str, int] = {}
    new = []
    for paper_id, title, year in zip(papers["paper_id"].tolist(), papers["title"].tolist(), papers["year"].tolist()):
        if paper_id in pinned_ids:
            continue
        key = suffixed(base_key(authors.get(paper_id), None if pd.isna(year) else int(year), title), taken, next_suffix)
        taken.add(key)
        new.append((paper_id, key))
    added = pd.DataFrame(new, columns=["paper_id", "citekey"]).astype("string")
    return pd.concat([pinned, added], ignore_index=True) if len(added) else pinned.reset_index(drop=True)


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
