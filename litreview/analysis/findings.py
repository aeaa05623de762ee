"""Quantitative claims in abstracts: the number, what it measures, the sentence, the paper.

A finding is a number that reports a result: a percentage ("39%", "39\\%", "30 percent"), a change
("from 49.6% to 53.5%"), a factor ("up to 3.2x", "5 times faster"), a range of results ("85-95%"),
a correlation ("r = 0.95") or a time ("3.16 seconds"). Numbers that only name things are not
findings: years, model sizes (7B, 70B), counts of datasets or tasks ("11 datasets"), version numbers
and dataset names (GSM8K).

What a finding measures is read from the words around it, in this order (the first that gives one):

1. the words right after it: "75.1% ImageNet top-1 accuracy", "45.5% fewer reasoning steps"; a
   share names its whole ("0.019% of model parameters"); a change names what changes ("5%
   improvement in accuracy" measures accuracy); "15% and 24% higher FLOPs reduction" shares it;
2. a correlation measures the correlation the sentence names;
3. the nearest metric before it in its clause (a clause ends at ";" or ":"; a number in parentheses
   belongs to what precedes the parentheses): "the score of Llama3.1-70B-Instruct (53.44%)";
4. "N% of the time": the clause it completes; otherwise the noun phrase just before it.
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
    rf"|{_NUMBER}\s*(?:-|–)\s*{_PERCENT}"  # 85-95%
    # 3.2x, 20x-200x, 5 times
    rf"|(?:up\s+to\s+|over\s+|nearly\s+|about\s+|by\s+)?{_NUMBER}(?:[x×](?:\s*(?:-|–|to)\s*{_NUMBER}[x×])?|-fold|\s+times)(?![\w×])(?!\s*\d)"
    rf"|{_NUMBER}\s+(?:seconds|milliseconds|ms|minutes|hours)\b"  # 3.16 seconds
    rf"|\br\s*=\s*0?\.\d+)",  # correlations
    re.IGNORECASE,
)
# Words that name a metric: the head of what a number before or after them measures.
METRICS = re.compile(
    r"\b(?:accuracy|accuracies|performance|scores?|factscore|f1|precision|recall|rates?|hallucinations?|factuality|"
    r"alignment|reliability|robustness|speed(?:-?ups?)?|latency|throughput|memory|parameters|flops|costs?|compute|"
    r"overhead|inference time|training time|run-?time|tokens|perplexity|pass@\d+|exact match|bleu|rouge(?:-\w+)?|"
    r"auroc|auc|rewards?|forgetting|refusals?|efficiency)\b",
    re.IGNORECASE,
)
_CORRELATION = re.compile(r"\bcorrelat\w*", re.IGNORECASE)
_WORD = re.compile(r"[\w@](?:[\w@'’\-/]|[.,](?=\w))*|\S")
_DETERMINERS = {"the", "a", "an", "its", "their", "our", "this", "these", "that", "those", "his", "her", "each", "all"}
_STOP = _DETERMINERS | {
    "for", "on", "in", "at", "with", "without", "over", "than", "across", "compared", "relative", "versus", "vs",
    "from", "to", "by", "of", "under", "below", "above", "after", "before", "when", "while", "where", "which", "who",
    "and", "or", "but", "as", "per", "respectively", "into", "through", "during", "within", "using", "via", "despite",
    "even", "e.g", "i.e", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "only", "up",
    "around", "about", "approximately", "nearly", "roughly", "almost", "also", "not", "it", "they", "we", "avg",
}
# A number's comparison words say how it relates, not what it measures ("45.5% fewer reasoning steps").
_COMPARATIVES = {"higher", "lower", "fewer", "more", "less", "larger", "smaller", "greater", "better", "worse"}
# Words that judge rather than name, so they do not belong to a measure ("high accuracy").
_EVALUATIVE = {"high", "low", "best", "worst", "strong", "significant", "substantial", "remarkable", "comparable",
               "similar", "competitive", "good", "great", "superior", "average", "considerable", "notable"}
_CHANGES = {"improvement", "improvements", "reduction", "reductions", "increase", "increases", "decrease", "decreases",
            "gain", "gains", "drop", "drops", "boost", "rise", "decline"}
_NOT_A_WHOLE = {"time", "times", "cases", "instances"}  # "97.6% of the time" names no measure
_MAX_WORDS = 6
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")
_COORDINATED = re.compile(rf"^\s*,?\s*(?:and|or)\s+(?:{FINDING.pattern})", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_word(token: str) -> bool:
    return bool(re.match(r"[\w@]", token))


def _phrase(tokens: list[str]) -> str:
    """Words of a noun phrase, read forward until a stop word or punctuation."""
    words = []
    for token in tokens:
        if not _is_word(token) or token.lower() in _STOP or len(words) == _MAX_WORDS:
            break
        words.append(token)
    return " ".join(words)


def _phrase_after(text: str) -> str:
    """What the words right after a number say it measures ('' when they name nothing)."""
    coordinated = _COORDINATED.match(text)
    tokens = _words(text[coordinated.end():] if coordinated else text)
    while tokens and tokens[0].lower() in _COMPARATIVES:
        tokens = tokens[1:]
    if tokens and tokens[0].lower() == "of":
        rest = tokens[1:]
        if rest and rest[0].lower() in _DETERMINERS:
            rest = rest[1:]
        whole = _phrase(rest)
        return "" if whole.lower() in _NOT_A_WHOLE else whole
    phrase = _phrase(tokens)
    words = phrase.split()
    if words and all(w.lower() in _CHANGES for w in words):  # "5% improvement in accuracy": accuracy
        rest = tokens[len(words):]
        if rest and rest[0].lower() in ("in", "of"):
            rest = rest[1:]
            if rest and rest[0].lower() in _DETERMINERS:
                rest = rest[1:]
            return _phrase(rest) or phrase
    return phrase


def _extend_left(before: str, head: str) -> str:
    """The noun phrase that ends with `head`: the words before it that modify it ("action prediction accuracies"),
    across "in the" when what precedes names a metric too ("overhead difference in the inference time")."""
    tokens = _words(before)
    article = [tokens.pop()] if tokens and tokens[-1].lower() in _DETERMINERS else []
    if len(tokens) > 1 and tokens[-1].lower() in ("in", "of"):
        outer = _modifiers(tokens[:-1])
        if outer and METRICS.search(" ".join(outer)):
            return " ".join(outer + [tokens[-1]] + article + [head])
        return head
    return head if article else " ".join(_modifiers(tokens) + [head])


def _modifiers(tokens: list[str]) -> list[str]:
    """The words at the end of `tokens` that can modify a noun (not verbs, judgements, stop words)."""
    found: list[str] = []
    for token in reversed(tokens):
        lower = token.lower()
        if (not _is_word(token) or lower in _STOP or lower in _EVALUATIVE or lower in _COMPARATIVES
                or re.search(r"(?:es|ed|ly|ing|s)$", lower) and not re.search(r"[A-Z0-9]", token) and lower not in ("parameters", "tokens")
                or len(found) == 3):
            break
        found.insert(0, token)
    return found


def _metric_before(clause: str) -> str:
    """The nearest metric in the clause before a number, with the words that modify it."""
    metrics = list(METRICS.finditer(clause))
    if not metrics:
        return ""
    last = metrics[-1]
    return _extend_left(clause[: last.start()], last.group(0))


def _clause_before(sentence: str, start: int) -> str:
    """The text before a number in its clause; a number in parentheses starts where they open."""
    before = sentence[:start]
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        if before[i] == ")":
            depth += 1
        elif before[i] == "(":
            if depth == 0:
                before = before[:i]
                break
            depth -= 1
    return re.split(r"[;:]", before)[-1]


def what_it_measures(sentence: str, start: int, end: int) -> str:
    """What the finding at sentence[start:end] measures, lowercased (see the module's docstring)."""
    number = sentence[start:end]
    after = _phrase_after(sentence[end:])
    if after and not number.lower().startswith("r"):
        return _clean(after)
    if re.match(r"r\s*=", number, re.IGNORECASE):
        correlations = list(_CORRELATION.finditer(sentence))
        if correlations:
            return min(correlations, key=lambda m: abs(m.start() - start)).group(0).lower()
    clause = _clause_before(sentence, start)
    metric = _metric_before(clause)
    if metric:
        return _clean(metric)
    completed = _clean(re.split(r"[,(]", clause)[-1])
    if completed and re.match(r"\s*of\s+the\s+time\b", sentence[end:], re.IGNORECASE):  # "solves ... 97.6% of the time"
        return completed
    words = _words(clause)
    while words and (not _is_word(words[-1]) or words[-1].lower() in _STOP):
        words.pop()
    # A number whose sentence names nothing it measures is still a result: say so rather than leave it blank.
    return _clean(_extend_left(" ".join(words[:-1]), words[-1])) if words else "result (not named)"


def _clean(phrase: str) -> str:
    words = phrase.split()
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words).lower()


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
