"""Sort papers into themes with evidence, by weighted signals declared in `themes.toml`.

A theme's score for a paper is the sum, over its signals, of the signal's weight times the number of
sentences it fires in (at most `max_hits`). A title hit counts `title_boost` times; an abstract
sentence that describes earlier work (a `background` pattern) counts `background_factor` times. A
negative cancels what it overlaps (`scope = "match"`) or every hit of its theme in its sentence
(`scope = "sentence"`). A paper belongs to a theme when its score reaches the threshold. The evidence
is the sentence, exactly as written, that contributed most (ties: the earliest, the title first).
Everything here is a pure function of the papers and the `ThemeSet`, except `load_themes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from pathlib import Path

import pandas as pd

from ..errors import ConfigError, LitreviewError
from ..fileio import read_toml
from ..parallel import run_both
from .curation import Curation
from .prefilter import Prefilter
from .sentences import SentenceIndex

# The columns of `score_papers`, typed the same whether or not there are rows.
SCORE_DTYPES = {"paper_id": "str", "theme": "str", "score": "float64", "threshold": "float64", "member": "bool",
                "subtheme": "str", "evidence": "str", "matched": "str"}
PAPER_THEMES_COLUMNS = ["paper_id", "theme", "subtheme", "score", "evidence", "matched", "source"]
_SLUG = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Signal:
    """A weighted phrase or regex (`where`: both, title or abstract); as a negative, `scope` says what it cancels."""

    name: str
    pattern: re.Pattern[str]
    weight: float = 1.0
    where: str = "both"
    scope: str = "match"


@dataclass(frozen=True)
class Subtheme:
    id: str
    title: str
    signals: tuple[Signal, ...]


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str
    threshold: float
    signals: tuple[Signal, ...]
    negatives: tuple[Signal, ...]
    subthemes: tuple[Subtheme, ...]
    title_boost: float = 1.5
    max_hits: int = 2


@dataclass(frozen=True)
class ThemeSet:
    path: str
    themes: tuple[Theme, ...]
    background: tuple[re.Pattern[str], ...] = ()
    background_factor: float = 1.0

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def __getitem__(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    @cached_property
    def prefilter(self) -> Prefilter:
        """Every signal's and negative's pattern in one Hyperscan database (compiled once, when first needed)."""
        return Prefilter.of([item.pattern for t in self.themes
                             for item in (*t.signals, *t.negatives, *(x for sub in t.subthemes for x in sub.signals))] + list(self.background))


def phrase_regex(phrase: str) -> str:
    """A phrase as a regex: case and space/hyphen variants match, `*` ends a word stem (hallucinat*)."""
    words = [re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in re.split(r"[\s-]+", phrase.strip())]
    start = r"\b" if re.match(r"\w", phrase.strip()) else ""
    end = "" if phrase.endswith("*") or not re.search(r"\w$", phrase) else r"\b"
    return start + r"[\s-]+".join(words) + end


def _compile(entry: dict, where: str) -> tuple[str, re.Pattern[str]]:
    if ("phrase" in entry) == ("regex" in entry):
        raise ConfigError(f"{where}: each signal needs exactly one of 'phrase' or 'regex' (got {entry!r})")
    source = str(entry.get("regex") or phrase_regex(str(entry["phrase"])))
    try:
        pattern = re.compile(source, 0 if entry.get("case_sensitive") else re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{where}: the regex {source!r} does not compile: {exc}") from None
    return str(entry.get("name") or entry.get("phrase") or entry["regex"]), pattern


def _check_keys(table: dict, allowed: set[str], where: str) -> None:
    if unknown := sorted(set(table) - allowed):
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; allowed keys are {', '.join(sorted(allowed))}")


def _signals(entries: object, where: str, negative: bool = False) -> tuple[Signal, ...]:
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: expected a list of signals")
    signals = []
    for number, entry in enumerate(entries, start=1):
        at, entry = f"{where} #{number}", entry if isinstance(entry, dict) else {"phrase": entry}
        _check_keys(entry, {"name", "phrase", "regex", "case_sensitive"} | ({"scope"} if negative else {"weight", "where"}), at)
        name, pattern = _compile(entry, at)
        weight, place, scope = entry.get("weight", 1.0), entry.get("where", "both"), entry.get("scope", "match")
        if not isinstance(weight, (int, float)) or place not in ("both", "title", "abstract") or scope not in ("match", "sentence"):
            raise ConfigError(f"{at}: 'weight' must be a number, 'where' both, title or abstract, 'scope' match or sentence")
        signals.append(Signal(name, pattern, float(weight), place, scope))
    return tuple(signals)


def _theme(table: object, where: str, defaults: dict) -> Theme:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    _check_keys(table, {"id", "title", "description", "threshold", "signals", "negatives", "subthemes", "title_boost", "max_hits"}, where)
    theme_id = table.get("id")
    if not isinstance(theme_id, str) or not _SLUG.match(theme_id):
        raise ConfigError(f"{where}: 'id' must be a lower-case slug such as 'forgetting' (got {theme_id!r})")
    where = f"{where} ({theme_id})"
    if not isinstance(table.get("threshold"), (int, float)) or table["threshold"] <= 0 or not table.get("signals"):
        raise ConfigError(f"{where}: a theme needs a positive 'threshold' and at least one signal")
    subthemes = []
    for number, sub in enumerate(table.get("subthemes", []), start=1):
        at = f"{where} subthemes #{number}"
        _check_keys(sub, {"id", "title", "phrases", "signals"}, at)
        if not isinstance(sub.get("id"), str) or not _SLUG.match(sub["id"]):
            raise ConfigError(f"{at}: 'id' must be a lower-case slug")
        signals = _signals(list(sub.get("phrases", [])) + list(sub.get("signals", [])), at)
        subthemes.append(Subtheme(sub["id"], str(sub.get("title", sub["id"])), signals))
    return Theme(
        id=theme_id, title=str(table.get("title", theme_id)), description=str(table.get("description", "")).strip(),
        threshold=float(table["threshold"]), signals=_signals(table["signals"], f"{where} signals"),
        negatives=_signals(table.get("negatives", []), f"{where} negatives", negative=True), subthemes=tuple(subthemes),
        title_boost=float(table.get("title_boost", defaults.get("title_boost", 1.5))),
        max_hits=int(table.get("max_hits", defaults.get("max_hits", 2))),
    )


def load_themes(path: str | Path) -> ThemeSet:
    """Read and check a themes file; every problem is a ConfigError naming the file and the entry."""
    path = Path(path)
    data, _ = read_toml(path, "no themes file here; create it or pass its path")
    _check_keys(data, {"scoring", "themes"}, str(path))
    scoring = data.get("scoring", {})
    _check_keys(scoring, {"background", "background_factor", "title_boost", "max_hits"}, f"{path}: [scoring]")
    themes = tuple(_theme(t, f"{path}: [[themes]] #{n}", scoring) for n, t in enumerate(data.get("themes", []), start=1))
    ids = [t.id for t in themes]
    if not themes or len(set(ids)) != len(ids):
        raise ConfigError(f"{path}: needs at least one [[themes]] table, each with its own id (got {ids})")
    background = tuple(s.pattern for s in _signals(scoring.get("background", []), f"{path}: [scoring] background"))
    return ThemeSet(str(path), themes, background, float(scoring.get("background_factor", 1.0)))


def _theme_hits(sentences: SentenceIndex, signals: tuple[Signal, ...], theme: Theme, themes: ThemeSet,
                papers: set[int] | None = None) -> dict[int, list[tuple[str, str, float, str]]]:
    """Per paper, (sentence key, sentence, contribution, signal name) of each counted hit, sorted.

    A signal counts once per sentence, in its `max_hits` best sentences; a negative cancels the hits it
    overlaps, or all of the theme's hits in its sentence (scope "sentence").
    """
    blocked = sentences.negative_spans(tuple((n.pattern, n.scope) for n in theme.negatives))
    text, span = sentences.text, sentences.span
    fired = []
    for index, signal in enumerate(signals):
        search, finditer = signal.pattern.search, signal.pattern.finditer
        for k in sentences.candidates(signal.pattern, signal.where, papers):
            if k not in blocked:  # no negative here: the first match decides
                if search(text[k], *span[k]) is not None:
                    fired.append((k, index))
            elif any(not any(scope == "sentence" or (a < m.end() and m.start() < b) for a, b, scope in blocked[k]) for m in finditer(text[k], *span[k])):
                fired.append((k, index))
    fired.sort()
    background, keys, paper = sentences.background(themes.background), sentences.key, sentences.paper
    rows: dict[int, list[tuple[str, str, float, str]]] = {}
    for k, index in fired:
        key, (start, end) = keys[k], span[k]
        factor = theme.title_boost if key[0] == "0" else (themes.background_factor if k in background else 1.0)
        rows.setdefault(paper[k], []).append((key, text[k][start:end], signals[index].weight * factor, signals[index].name))
    for paper_rows in rows.values():
        if len(paper_rows) <= theme.max_hits:  # no signal can have more hits than it may count
            paper_rows.sort()
            continue
        paper_rows.sort(key=lambda r: (r[3], -r[2], r[0]))
        paper_rows[:] = sorted(row for _, group in groupby(paper_rows, key=lambda r: r[3]) for row in list(group)[: theme.max_hits])
    return rows


def _summarise(theme: Theme, hits: list[tuple]) -> tuple[float, str, str]:
    """Score, evidence sentence and matched signals ("name (n)" when n > 1, by contribution) of one paper."""
    score = round(sum(h[2] for h in hits), 4)
    by_sentence: dict[str, list] = {}
    by_signal: dict[str, list[float]] = {}
    for key, sentence, value, name in hits:
        by_sentence.setdefault(key, [sentence, 0.0])[1] += value
        by_signal.setdefault(name, []).append(value)
    evidence = max(sorted(by_sentence.items()), key=lambda kv: kv[1][1], default=(None, [""]))[1][0]
    order = sorted(by_signal.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    matched = "; ".join(name + (f" ({len(v)})" if len(v) > 1 else "") for name, v in order)
    return score, evidence, matched


def _subthemes(sentences: SentenceIndex, theme: Theme, themes: ThemeSet, papers: set[int]) -> dict[int, str]:
    """Per paper, the sub-theme whose phrases score highest (ties: file order); the first one when none fires."""
    best = {i: (theme.subthemes[0].id if theme.subthemes else "", 0.0) for i in papers}
    for sub in theme.subthemes:
        for i, hits in _theme_hits(sentences, sub.signals, theme, themes, papers).items():
            if (score := sum(h[2] for h in hits)) > best[i][1]:
                best[i] = (sub.id, score)
    return {i: sub_id for i, (sub_id, _) in best.items()}


def score_papers(papers: pd.DataFrame, themes: ThemeSet, chunk: int = 2000) -> pd.DataFrame:
    """One row per paper and theme: score, threshold, member, subtheme, evidence, matched (sorted by theme, paper).

    Linear in the papers: sentences are split and scanned once by Hyperscan, and each signal's regex
    runs only on the sentences where the scan says it may match. Papers are scored
    `chunk` at a time, so the sentence index stays small however long the review. Of more than
    `chunk` papers, the second half is scored at the same time in a forked process on another core,
    where there is one (`parallel.run_both`); the scores are the same either way.
    """
    ids = papers["paper_id"].astype(str).tolist()
    titles, abstracts = (papers[c].fillna("").astype(str).tolist() for c in ("title", "abstract"))
    middle = (len(ids) + 1) // 2 if len(ids) > chunk else len(ids)  # a paper's scores do not depend on its chunk

    def score(first: int, last: int) -> list[tuple]:
        rows = []
        for start in range(first, last, chunk):
            stop = min(start + chunk, last)
            rows += _chunk_rows(SentenceIndex.of(titles[start:stop], abstracts[start:stop], prefilter), ids[start:stop], themes)
        return rows

    # Compiled (or waited for: it may be compiling in another thread) before the fork, so that the child shares it.
    prefilter = themes.prefilter
    here, there = run_both(lambda: score(0, middle), lambda: score(middle, len(ids))) if middle < len(ids) else (score(0, middle), [])
    rows = here + there
    frame = pd.DataFrame(rows, columns=list(SCORE_DTYPES)).astype(SCORE_DTYPES)
    return frame.sort_values(["theme", "paper_id"], kind="stable").reset_index(drop=True)


def _chunk_rows(sentences: SentenceIndex, ids: list[str], themes: ThemeSet) -> list[tuple]:
    """The rows of `score_papers` for the papers of one sentence index, theme by theme."""
    rows = []
    for theme in themes.themes:
        summaries = {i: _summarise(theme, hits) for i, hits in _theme_hits(sentences, theme.signals, theme, themes).items()}
        members = {i for i, (score, _, _) in summaries.items() if score >= theme.threshold}
        subthemes = _subthemes(sentences, theme, themes, members)
        for i, pid in enumerate(ids):
            score, evidence, matched = summaries.get(i, (0.0, "", ""))
            rows.append((pid, theme.id, score, theme.threshold, i in members, subthemes.get(i, ""), evidence, matched))
    return rows


def classify_papers(papers: pd.DataFrame, themes: ThemeSet, curation: Curation | None = None,
                    scores: pd.DataFrame | None = None, learned: pd.DataFrame | None = None) -> pd.DataFrame:
    """The paper_themes table: one row per paper and theme it belongs to; curation wins over the rules.

    `learned`: rows of the learned signal (`themes.learned.learned_rows`) for papers the rules leave
    out; curation wins over them too, and one without a sub-theme gets the rules' best sub-theme.

    A row the curation adds or confirms has source "curation" and `matched` = "curation: <reason>"; its
    evidence is the rules' best sentence, or the title when no signal fired. `scores`: the result of
    `score_papers` for these papers, when the caller already has it.
    """
    scores = score_papers(papers, themes) if scores is None else scores
    decisions = {}
    for entry in curation.entries if curation else ():
        subthemes = [s.id for s in themes[entry.theme].subthemes] if entry.theme in themes.ids else []
        if entry.theme not in themes.ids or (entry.subtheme and entry.subtheme not in subthemes):
            raise ConfigError(f"{curation.where(entry)}: theme {entry.theme!r} / sub-theme {entry.subtheme!r} is not in {themes.path}")
        decisions[(entry.paper, entry.theme)] = entry
    keys = list(zip(scores["paper_id"].tolist(), scores["theme"].tolist()))
    curated = pd.Series([k in decisions for k in keys], index=scores.index, dtype="bool")
    table = scores[scores["member"] & ~curated].assign(source="rule")
    added = []
    titles = dict(zip(papers["paper_id"], papers["title"].fillna("").astype(str)))
    abstracts = dict(zip(papers["paper_id"], papers["abstract"].fillna("").astype(str)))

    def best_subtheme(paper_id: str, theme_id: str) -> str:
        index = SentenceIndex.of([titles[paper_id]], [abstracts[paper_id]], themes.prefilter)
        return _subthemes(index, themes[theme_id], themes, {0})[0]

    for row in scores[curated].itertuples(index=False):
        entry = decisions[(row.paper_id, row.theme)]
        if entry.action == "include":
            sub = entry.subtheme or row.subtheme or best_subtheme(row.paper_id, row.theme)
            added.append((row.paper_id, row.theme, sub, row.score, row.evidence or titles[row.paper_id], f"curation: {entry.reason}", "curation"))
    for row in learned.itertuples(index=False) if learned is not None else ():
        if (row.paper_id, row.theme) not in decisions:
            added.append((row.paper_id, row.theme, row.subtheme or best_subtheme(row.paper_id, row.theme), row.score, row.evidence, row.matched, "learned"))
    table = pd.concat([table[PAPER_THEMES_COLUMNS], pd.DataFrame(added, columns=PAPER_THEMES_COLUMNS)], ignore_index=True)
    table = table.astype({c: "string" for c in PAPER_THEMES_COLUMNS if c != "score"} | {"score": "float64"})
    return table.sort_values(["theme", "paper_id"], kind="stable").reset_index(drop=True)


def explain_paper(paper_id: str, papers: pd.DataFrame, themes: ThemeSet, curation: Curation | None = None) -> str:
    """Why a paper is (or is not) in each theme: score against threshold, each counted signal, evidence, curation."""
    match = papers[papers["paper_id"] == paper_id]
    if match.empty:
        raise LitreviewError(f"unknown paper id {paper_id!r}; ids are in the paper_id column of the papers table")
    title, abstract = str(match["title"].iloc[0]), str(match["abstract"].fillna("").iloc[0])
    table = classify_papers(match, themes, curation)
    lines = [f"{paper_id}: {title}"]
    for theme in themes.themes:
        hits = _theme_hits(SentenceIndex.of([title], [abstract], themes.prefilter), theme.signals, theme, themes).get(0, [])
        score, evidence, _ = _summarise(theme, hits)
        row = table[table["theme"] == theme.id]
        verdict = f"member ({row['source'].iloc[0]}), sub-theme {row['subtheme'].iloc[0]}" if len(row) else "not a member"
        lines.append(f"{theme.id}: score {score:.2f} (threshold {theme.threshold:.2f}) -> {verdict}")
        for key, _sentence, value, name in hits:
            place = "title" if key[0] == "0" else f"abstract sentence {int(key[1:]) + 1}"
            lines.append(f"  +{value:.2f}  {name}  [{place}]")
        if cancelled := sorted({n.name for n in theme.negatives if n.pattern.search(title) or n.pattern.search(abstract)}):
            lines.append(f"  negatives present (their matches do not count): {'; '.join(cancelled)}")
        lines += [f"  evidence: {evidence}"] if evidence else []
        for entry in curation.entries if curation else ():
            if entry.paper == paper_id and entry.theme == theme.id:
                lines.append(f"  curation {entry.action} ({curation.where(entry)}): {entry.reason}")
    return "\n".join(lines)
