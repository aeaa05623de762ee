"""Sentences of titles and abstracts, and an index that finds where a signal can match among them.

`split_sentences` is what a theme's evidence and a finding are made of: whole sentences, exactly as
written. `SentenceIndex` numbers every paper's title and abstract sentences in one sequence and
records which of the signals' required strings each one holds, so that a signal's regex runs only
on the sentences where it can match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ahocorasick

if TYPE_CHECKING:
    from .rules import Signal

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

    One Aho-Corasick pass per sentence finds every signal's required strings at once, so the regexes
    run only where they can match: the work grows with the matches, not with papers times signals.
    """

    paper: list[int]  # the paper (row position) each sentence belongs to
    key: list[str]  # "0" + 00000 for the title, "1" + k for abstract sentence k (sorts title first)
    text: list[str]  # the field (title or abstract) the sentence lies in: regexes run on it, within `span`
    span: list[tuple[int, int]]
    holding: dict[str, set[int]]  # the sentences that hold each required string
    _any_of: dict[frozenset[str], set[int]] = field(default_factory=dict, repr=False, compare=False)
    _negatives: dict[tuple, dict[int, list[tuple[int, int, str]]]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, titles: list[str], abstracts: list[str], automaton: ahocorasick.Automaton | None) -> "SentenceIndex":
        paper, key, text, span = [], [], [], []
        for i, (title, abstract) in enumerate(zip(titles, abstracts)):
            fields = [(title, [(0, len(title))]), (abstract, split_sentences(abstract))]
            for field_number, (field_text, spans) in enumerate(fields):
                for k, sentence_span in enumerate(spans):
                    paper.append(i), key.append(f"{field_number}{k:05d}"), text.append(field_text), span.append(sentence_span)
        holding: dict[str, set[int]] = {}
        for k, (field_text, (start, end)) in enumerate(zip(text, span) if automaton else ()):
            for string in {found for _, found in automaton.iter(field_text[start:end].casefold())}:
                holding.setdefault(string, set()).add(k)
        return cls(paper, key, text, span, holding)

    def holding_one_of(self, strings: frozenset[str]) -> set[int]:
        """The sentences that hold one of these strings (kept: signals share sets)."""
        if strings not in self._any_of:
            self._any_of[strings] = set().union(*(self.holding.get(s, ()) for s in strings))
        return self._any_of[strings]

    def candidates(self, item: Signal, papers: set[int] | None = None) -> list[int]:
        """The sentences where the signal can match: in its field and papers, holding what one of its alternatives requires."""
        found: Iterable[int] = range(len(self.key))
        if item.required:  # set operations, so that common strings cost no Python loop per sentence
            found = sorted(set().union(*(set.intersection(*sorted(map(self.holding_one_of, requirement), key=len))
                                         for requirement in item.required)))
        if item.where == "both" and papers is None:
            return list(found)
        fields = {"both": "01", "title": "0", "abstract": "1"}[item.where]
        return [k for k in found if self.key[k][0] in fields and (papers is None or self.paper[k] in papers)]

    def negative_spans(self, negatives: tuple[Signal, ...]) -> dict[int, list[tuple[int, int, str]]]:
        """Per sentence, (start, end, scope) of every match of these negatives (kept: a theme's sub-themes reuse them)."""
        if negatives not in self._negatives:
            spans: dict[int, list[tuple[int, int, str]]] = {}
            for negative in negatives:
                for k in self.candidates(negative):
                    for m in negative.pattern.finditer(self.text[k], *self.span[k]):
                        spans.setdefault(k, []).append((m.start(), m.end(), negative.scope))
            self._negatives[negatives] = spans
        return self._negatives[negatives]
