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

from .prefilter import Prefilter

_ABBREVIATIONS = frozenset(("e.g.", "i.e.", "et al.", "avg.", "vs.", "cf.", "approx.", "resp.", "fig.", "figs.", "eq.", "eqs.",
                  "sec.", "no.", "nos.", "dr.", "prof.", "incl.", "viz.", "w.r.t.", "a.k.a.", "ca.", "al.", "mr.", "ms.", "e.g.,", "i.e.,"))
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?:\s+|(?<=[a-z]{2}\.)(?=[A-Z][a-z]))")
_INITIAL = re.compile(r"[a-z]\.")
_SENTENCE_START = re.compile(r"$|[A-Z0-9\"'(\[\u201c]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; no split after abbreviations (e.g., et al., avg.) or initials."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        word = text[text.rfind(" ", 0, m.start()) + 1 : m.start() + 1].lower().lstrip("([{\"'")
        if word in _ABBREVIATIONS or _INITIAL.fullmatch(word) or not _SENTENCE_START.match(text, m.end()):
            continue
        if text[start : m.start() + 1].strip():
            spans.append((start, m.start() + len(m.group().rstrip())))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans]


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

    @classmethod
    def of(cls, titles: list[str], abstracts: list[str], prefilter: Prefilter) -> SentenceIndex:
        paper, key, text, span = [], [], [], []
        for i, (title, abstract) in enumerate(zip(titles, abstracts)):
            fields = [(title, [(0, len(title))]), (abstract, split_sentences(abstract))]
            for field_number, (field_text, spans) in enumerate(fields):
                for k, sentence_span in enumerate(spans):
                    paper.append(i), key.append(f"{field_number}{k:05d}"), text.append(field_text), span.append(sentence_span)
        reported: dict[int, list[int]] = {}
        unscanned = []
        for k, (field_text, (start, end)) in enumerate(zip(text, span)):
            # With the character before the sentence, `\b` and `\B` at its start see what `re` sees.
            found = prefilter.scan(field_text[max(start - 1, 0) : end])
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
