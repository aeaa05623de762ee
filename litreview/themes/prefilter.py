"""Which regexes can match in a sentence, found for every regex at once by Hyperscan.

All the patterns of a theme file go into one Hyperscan database compiled in prefilter mode: a scan
of a sentence reports each pattern at most once, may report one that Python's `re` will not match
(Hyperscan approximates lookarounds and backreferences) and never misses one that `re` matches. `re`
then runs only on the reported (sentence, pattern) pairs, so results are exactly those of `re`.

Where the two engines could disagree, nothing is left to Hyperscan:
- a pattern Hyperscan rejects, or one whose text might mean something else to it (non-ASCII
  characters or escapes, whose case folding may differ; `{,n}`, POSIX brackets, verbose mode, `\\v`,
  `\\N`, `\\u`), is tried by `re` on every sentence;
- a sentence holding a character on which the engines' `\\w`, `\\s`, `\\d` or `.` differ (Hyperscan's
  are ASCII here: a non-ASCII letter, digit or space; also ASCII's \\x1c-\\x1f, spaces to Python), or
  that Python's IGNORECASE folds into an ASCII letter (`K` the Kelvin sign, `ſ`, `ı`, `İ`), is a
  candidate for every pattern.
Each character is checked once per process, against Hyperscan itself. The compiled database is kept
in a cache folder (`dbcache.py`), keyed by Hyperscan's version and everything compiled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import hyperscan

from .dbcache import compile_cached

# No HS_FLAG_UCP: with Unicode classes, compiling themes.toml took 74 s instead of 0.6 s (bounded
# repeats of `\w`, as in `(?:[\w-]+\W+){0,4}?`), so `\w`, `\s`, `\d` and `\b` are ASCII to Hyperscan
# and a sentence with a non-ASCII letter, digit or space is left to `re` (see `engines_agree_on`).
# No HS_FLAG_UTF8 either: the database reads bytes (themes.toml compiled in 0.94 s instead of 1.45 s), and each
# pattern is rewritten by `bytewise` so that it still never misses a match in UTF-8 text.
_FLAGS = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH
# Pattern text that Hyperscan (PCRE syntax) may read differently from Python, or not ASCII.
_UNLIKE_PCRE = re.compile(r"[^\x00-\x7f]|\{,|\[\^?\]?[^\]]*\[[:.=]|\(\?[a-zA-Z-]*x|\\[vNuU]|\\x[89a-fA-F]|\\[0-7]{3}")
# What looks before a match's start: a sentence scanned with the character before it differs there from
# the sentence cut out on its own (as `background` patterns see it). Over-matching (`\^`) only costs time.
BEFORE_START = re.compile(r"\^|\\A|\(\?<[=!]")
_CLASSES = (r"\w", r"\s", r"\d", r".")  # what a character is to either engine
_verdicts: dict[str, bool] = {}  # character -> both engines agree on it (filled as characters are met)


def _probe() -> hyperscan.Database:
    database = hyperscan.Database()
    database.compile(expressions=[c.encode() for c in _CLASSES], ids=list(range(len(_CLASSES))),
                     elements=len(_CLASSES), flags=hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH)
    return database


def engines_agree_on(char: str) -> bool:
    """Whether Python's `re` and Hyperscan classify this character alike (kept for the process)."""
    if char not in _verdicts:
        if "\ud800" <= char <= "\udfff" or (not char.isascii() and re.fullmatch("[a-z]", char, re.IGNORECASE)):
            _verdicts[char] = False
        else:
            found: set[int] = set()
            _PROBE.scan(char.encode("utf-8"), match_event_handler=lambda i, *_: found.add(i))
            _verdicts[char] = found == {i for i, c in enumerate(_CLASSES) if re.fullmatch(c, char)}
    return _verdicts[char]


_PROBE = _probe()
# The ASCII characters on which the engines agree (all printable ones, as checked here): the fast path.
_UNCHECKED = re.compile("[^" + re.escape("".join(c for c in map(chr, range(128)) if engines_agree_on(c))) + "]")


def _ids(patterns: list[re.Pattern[str]]) -> dict[re.Pattern[str], int]:
    ids: dict[re.Pattern[str], int] = {}
    for pattern in patterns:
        ids.setdefault(pattern, len(ids))
    return ids


# One token of a pattern: an escape, a character class, a group opener, or any other character.
_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|\((?:\?(?:[:=!>]|<[=!]|P<\w+>|#|[a-zA-Z-]+[:)]))?|.", re.DOTALL)
_QUANTIFIER = re.compile(r"(?:[*+?]|\{(\d+)(?:,(\d*))?\})([?+]?)")
# What can match one character that is not ASCII (and, in UTF-8, only the first of its bytes).
_ANY_CHARACTER = re.compile(r"\.|\\[WSD]|\[\^.*|\[.*\\[WSD].*", re.DOTALL)


def bytewise(pattern: str) -> str | None:
    """The pattern rewritten for Hyperscan reading UTF-8 bytes, matching wherever it matches in text.

    The non-ASCII characters left to Hyperscan (see `engines_agree_on`) are neither letters, digits
    nor spaces to either engine, so only what matches any such character (`.`, `\\W`, `\\S`, `\\D`, a
    negated class) can match one, and each of its bytes matches that too: such an element is allowed
    to repeat (`\\W` becomes `\\W+`, `.{2,5}` becomes `.{2,}`). Possessive quantifiers and atomic
    groups become plain ones, which match wherever they do. None when the pattern is not understood.
    """
    out: list[str] = []
    position = 0
    while position < len(pattern):
        token = _TOKEN.match(pattern, position)
        if token is None or token.group() in ("(?#", "["):  # a comment, or an unclosed class
            return None
        position = token.end()
        text = "(?:" if token.group() == "(?>" else token.group()
        quantifier = _QUANTIFIER.match(pattern, position)
        if quantifier is not None and not text.startswith("(") and text not in ("|", ")"):
            position = quantifier.end()
            if _ANY_CHARACTER.fullmatch(text):
                least = quantifier.group(1)
                kind = quantifier.group()[0]
                text += "+" if kind == "+" or (least is not None and least != "0") else "*"
                if least is not None and least not in ("0", "1"):
                    text = text[:-1] + "{" + least + ",}"
                text += "?" if quantifier.group(3) == "?" else ""
            else:
                text += quantifier.group()[: len(quantifier.group()) - (quantifier.group(3) == "+")]
        elif _ANY_CHARACTER.fullmatch(text):
            text += "+"
        elif quantifier is not None and text == ")":
            position = quantifier.end()
            text += quantifier.group()[: len(quantifier.group()) - (quantifier.group(3) == "+")]
        out.append(text)
    return "".join(out)


def _expressions(ids: dict[re.Pattern[str], int]) -> list[tuple[int, bytes, int]]:
    """(id, expression, flags) of the patterns left to Hyperscan."""
    kept = [(i, bytewise(p.pattern), p.flags) for p, i in ids.items()
            if not _UNLIKE_PCRE.search(p.pattern) and not p.flags & (re.VERBOSE | re.ASCII)]
    return [(i, source.encode("ascii"), _FLAGS | (hyperscan.HS_FLAG_CASELESS if flags & re.IGNORECASE else 0))
            for i, source, flags in kept if source is not None]


@dataclass(frozen=True)
class Prefilter:
    """The patterns of a theme file in one Hyperscan database; `everywhere`: those `re` tries on every sentence."""

    ids: dict[re.Pattern[str], int]  # every pattern (equal patterns share an id)
    everywhere: frozenset[int]
    database: hyperscan.Database | None

    @classmethod
    def of(cls, patterns: list[re.Pattern[str]]) -> Prefilter:
        ids = _ids(patterns)
        accepted, database = compile_cached(_expressions(ids))
        return cls(ids, frozenset(ids.values()) - accepted, database)

    def scan(self, text: str, spans: list[tuple[int, int]]) -> list[list[int] | None]:
        """Per sentence (`spans` of the field `text`), the ids of the patterns that may match in it; None
        when any may (a character the engines differ on)."""
        suspect = bool(unchecked := _UNCHECKED.findall(text)) and not all(map(engines_agree_on, set(unchecked)))
        # With the character before the sentence, `\b` and `\B` at its start see what `re` sees.
        scanned = [(max(start - 1, 0), end) for start, end in spans]
        data = text.encode("utf-8")
        if len(data) == len(text):
            pieces = [data[start:end] for start, end in scanned]
        else:  # Hyperscan reads UTF-8
            pieces = [text[start:end].encode("utf-8") for start, end in scanned]
        out: list[list[int] | None] = []
        for (start, end), piece in zip(scanned, pieces):
            if suspect and _disagree(text[start:end]):
                out.append(None)
                continue
            found: list[int] = []
            if self.database is not None:
                self.database.scan(piece, match_event_handler=lambda i, *_, found=found: found.append(i))
            out.append(found)
        return out

def _disagree(text: str) -> bool:
    return bool(unchecked := _UNCHECKED.findall(text)) and not all(map(engines_agree_on, set(unchecked)))
