"""Sentences of titles and abstracts, and an index that finds where a signal can match among them.

`split_sentences` is what a theme's evidence and a finding are made of: whole sentences, exactly as
written. `SentenceIndex` numbers every paper's title and abstract sentences in one sequence and
records, from one Hyperscan scan of each (`prefilter.Prefilter`), which patterns may match in it, so
that a signal's regex runs only on the sentences where it can match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .prefilter import BEFORE_START, Prefilter

_ABBREVIATIONS = frozenset(("e.g.", "i.e.", "et al.", "avg.", "vs.", "cf.", "approx.", "resp.", "fig.", "figs.", "eq.", "eqs.",
                  "sec.", "no.", "nos.", "dr.", "prof.", "incl.", "viz.", "w.r.t.", "a.k.a.", "ca.", "al.", "mr.", "ms.", "e.g.,", "i.e.,"))
# A sentence ends at . ! or ? with its closing quotes and brackets, before spaces or (after a word of
# two letters or more) a capitalised word, when what follows can start a sentence.
_BOUNDARY = re.compile(r"([.!?][\"'\u201d\u2019)\]]*)(?:\s+|(?<=[a-z]{2}\.)(?=[A-Z][a-z]))(?=$|[A-Z0-9\"'(\[\u201c])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; no split after abbreviations (e.g., et al., avg.) or initials."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        word = text[text.rfind(" ", 0, m.start()) + 1 : m.start() + 1].lower().lstrip("([{\"'")
        if word in _ABBREVIATIONS or (len(word) == 2 and "a" <= word[0] <= "z" and word[1] == "."):  # an initial
            continue
        spans.append((start, m.end(1)))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    if spans:  # only the first sentence can start with spaces: the others start where spaces end
        spans[0] = (len(text) - len(text.lstrip()), spans[0][1])
    return spans


@dataclass(frozen=True)
class SentenceIndex:
    """Every paper's title (one sentence) and abstract sentences, numbered in one sequence.

    One Hyperscan scan per sentence finds every pattern that may match in it at once, so the regexes
    run only where they can match: the work grows with the matches, not with papers times signals.
    """

    paper: list[int]  # the paper (row position) each sentence belongs to
    key: list[str]  # "0" + 00000 for the title, "1" + k for abstract sentence k (sorts title first)
    text: list[str]  # the field (title or abstract) the sentence lies in: regexes run on it, within `span`
    span: list[tuple[int, int]]
    prefilter: Prefilter
    reported: dict[int, list[int]]  # per pattern id, the sentences Hyperscan reports it in
    unscanned: list[int]  # sentences where any pattern may match (a character the two engines differ on)
    _negatives: dict[tuple, dict[int, list[tuple[int, int, str]]]] = field(default_factory=dict, repr=False, compare=False)
    _background: dict[int, tuple[tuple, set[int]]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, titles: list[str], abstracts: list[str], prefilter: Prefilter) -> SentenceIndex:
        """The index of these papers."""
        paper: list[int] = []
        key: list[str] = []
        text: list[str] = []
        span: list[tuple[int, int]] = []
        reported: dict[int, list[int]] = {}
        unscanned: list[int] = []
        for i, (title, abstract) in enumerate(zip(titles, abstracts)):
            for field_number, field_text, spans in ((0, title, [(0, len(title))]), (1, abstract, split_sentences(abstract))):
                first = len(key)
                paper += [i] * len(spans)
                key += [f"{field_number}{k:05d}" for k in range(len(spans))]
                text += [field_text] * len(spans)
                span += spans
                for k, found in enumerate(prefilter.scan(field_text, spans), start=first):
                    if found is None:
                        unscanned.append(k)
                    for pattern_id in found or ():
                        reported.setdefault(pattern_id, []).append(k)
        return cls(paper, key, text, span, prefilter, reported, unscanned)

    def candidates(self, pattern: re.Pattern[str], where: str = "both", papers: set[int] | None = None) -> list[int]:
        """The sentences where the pattern can match: in the field `where` (both, title, abstract) and in `papers`."""
        number = self.prefilter.ids.get(pattern)
        found: Iterable[int] = range(len(self.key))
        if number is not None and number not in self.prefilter.everywhere:
            found = sorted(self.reported.get(number, []) + self.unscanned)
        if where == "both" and papers is None:
            return list(found)
        fields = {"both": "01", "title": "0", "abstract": "1"}[where]
        return [k for k in found if self.key[k][0] in fields and (papers is None or self.paper[k] in papers)]

    def negative_spans(self, negatives: tuple[tuple[re.Pattern[str], str], ...]) -> dict[int, list[tuple[int, int, str]]]:
        """Per sentence, (start, end, scope) of every match of these (pattern, scope) negatives (kept: a theme's sub-themes reuse them)."""
        if negatives not in self._negatives:
            spans: dict[int, list[tuple[int, int, str]]] = {}
            for pattern, scope in negatives:
                for k in self.candidates(pattern):
                    for m in pattern.finditer(self.text[k], *self.span[k]):
                        spans.setdefault(k, []).append((m.start(), m.end(), scope))
            self._negatives[negatives] = spans
        return self._negatives[negatives]

    def sentence(self, k: int) -> str:
        start, end = self.span[k]
        return self.text[k][start:end]

    def background(self, patterns: tuple[re.Pattern[str], ...]) -> set[int]:
        """The abstract sentences any of these patterns matches in, each cut out of its field (kept: every theme asks again)."""
        known = self._background.get(id(patterns))
        if known is None or known[0] is not patterns:  # (the tuple itself is kept, so its id is not reused)
            found = set()
            for pattern in patterns:
                number = self.prefilter.ids.get(pattern)
                # Cut out, a sentence has nothing before its start; what `^`, `\\A` and lookbehinds see there differs.
                alone = number is None or number in self.prefilter.everywhere or BEFORE_START.search(pattern.pattern)
                found |= {k for k in (range(len(self.key)) if alone else self.candidates(pattern))
                          if self.key[k][0] == "1" and k not in found and pattern.search(self.sentence(k))}
            known = self._background[id(patterns)] = (patterns, found)
        return known[1]
