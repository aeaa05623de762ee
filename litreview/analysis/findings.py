"""Quantitative claims in abstracts: the number, what it measures, the sentence, the paper.

A finding is a number that reports a result: a percentage ("39%", "39\\%", "30 percent"), a change
("from 49.6% to 53.5%"), a factor ("up to 3.2x", "5 times faster") or a range of results. Numbers
that only name things are not findings: years, model sizes (7B, 70B), counts of datasets or tasks
("11 datasets"), version numbers and dataset names (GSM8K).
"""

from __future__ import annotations

import re

import pandas as pd

from ..themes.sentences import split_sentences

_NUMBER = r"\d+(?:[.,]\d+)?"
_PERCENT = rf"{_NUMBER}\s*(?:\\?%|\s?percent(?:age points?)?|\s?pp\b)"
FINDING = re.compile(
    rf"(?:from\s+{_PERCENT}\s+to\s+{_PERCENT}"  # from 49.6% to 53.5%
    rf"|from\s+{_NUMBER}\s+to\s+{_NUMBER}(?=\s*(?:\\?%|percent|points?|accuracy|on|in|\.|,))"  # from 0.45 to 0.61 ...
    rf"|{_PERCENT}(?:\s*(?:-|–|to)\s*{_PERCENT})?"  # 39% or 10%-20%
    # 3.2x, 20x-200x, 5 times
    rf"|(?:up\s+to\s+|over\s+|nearly\s+|about\s+|by\s+)?{_NUMBER}(?:[x×](?:\s*(?:-|–|to)\s*{_NUMBER}[x×])?|-fold|\s+times)(?![\w×])(?!\s*\d)"
    rf"|\br\s*=\s*0?\.\d+)",  # correlations
    re.IGNORECASE,
)
MEASURES = re.compile(
    r"\b(accuracy|performance|hallucination rates?|hallucinations?|error rates?|win rates?|success rates?|F1|"
    r"factuality|FactScore|score|improvement|reduction|speed-?up|faster|tokens?|inference time|training time|"
    r"latency|memory|parameters|cost|compute|correlat\w+|overhead|pass@1|recall|precision|robustness|safety|"
    r"harmful\w*|attack success rate|perplexity|forgetting|gains?)\b",
    re.IGNORECASE,
)
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")


def what_it_measures(sentence: str, start: int, end: int) -> str:
    """The metric word nearest to the number in its sentence ('' when the sentence names none)."""
    best, distance = "", len(sentence) + 1
    for m in MEASURES.finditer(sentence):
        gap = m.start() - end if m.start() >= end else start - m.end()
        if 0 <= gap < distance:
            best, distance = m.group(0), gap
    return best.lower()


def sentence_findings(sentence: str) -> list[tuple[str, str]]:
    """(number as written, what it measures) for each finding in one sentence."""
    found = []
    for m in FINDING.finditer(sentence):
        text = m.group(0).strip()
        if _YEAR_ONLY.match(text):
            continue
        found.append((text, what_it_measures(sentence, m.start(), m.end())))
    return found


def extract_findings(papers: pd.DataFrame) -> pd.DataFrame:
    """One row per finding: paper_id, citekey, number, measures, sentence (as written)."""
    rows = []
    for paper in papers[["paper_id", "citekey", "abstract"]].itertuples(index=False):
        for start, end in split_sentences(paper.abstract):
            sentence = paper.abstract[start:end]
            rows += [(paper.paper_id, paper.citekey, number, measures, sentence) for number, measures in sentence_findings(sentence)]
    return pd.DataFrame(rows, columns=["paper_id", "citekey", "number", "measures", "sentence"])
