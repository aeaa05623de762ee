"""What the overview page shows beyond the flow: the themes as overlapping sets, and the papers in no theme.

Pure functions from a review's tables to DataFrames; the overview notebook only displays them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import pandas as pd

NO_THEME = "no theme"
# Words that say nothing about a paper's subject: English function words and the words of any title.
_STOPWORDS = frozenset("""
a an the and or but nor of in on at to for from by with without via into onto over under than as is are be been being
its it this that these those their our we you your can do does not no how what when where which who why whether
towards toward using use based new through beyond between across vs versus up down out more most less all any
each other own same so such very just also only both few many much one two three first via is are
""".split())
_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def compute_theme_sets(paper_themes: pd.DataFrame, theme_ids: Sequence[str], paper_ids: Sequence[str]) -> pd.DataFrame:
    """The themes as overlapping sets (an UpSet table): one row per combination of themes that some
    papers are in exactly, with one True/False column per theme, its label and its papers; every
    paper is counted once, the papers in no theme last. Most papers first, then by label."""
    themes = list(theme_ids)
    member = paper_themes[paper_themes["theme"].isin(themes)].groupby("paper_id")["theme"].agg(frozenset).to_dict()
    combinations = Counter(member.get(pid, frozenset()) for pid in dict.fromkeys(paper_ids))
    rows = [{**{t: t in combo for t in themes},
             "themes": " + ".join(t for t in themes if t in combo) or NO_THEME, "papers": count}
            for combo, count in combinations.items()]
    table = pd.DataFrame(rows, columns=[*themes, "themes", "papers"])
    table["_none"] = table["themes"] == NO_THEME
    table["_size"] = table[themes].sum(axis=1) if themes else 0
    table = table.sort_values(["_none", "papers", "_size", "themes"], ascending=[True, False, True, True], kind="stable")
    return table.drop(columns=["_none", "_size"]).reset_index(drop=True)


def compute_distinctive_words(titles: Sequence[str], others: Sequence[str], top: int = 15) -> pd.DataFrame:
    """The words that set these titles apart from the `others`: in at least two of them, ranked by how
    much more often they appear here than there (add-one smoothed), then by count; function words are
    left out. Columns: word, titles (here), other titles."""
    def words(title: str) -> set[str]:
        return {w for w in _WORD.findall(title.lower()) if w not in _STOPWORDS and len(w) > 2}

    counts = Counter(w for title in titles for w in words(title))
    other_counts = Counter(w for title in others for w in words(title))
    n, m = len(titles), len(others)

    def ratio(word: str) -> float:
        return ((counts[word] + 1) / (n + 1)) / ((other_counts.get(word, 0) + 1) / (m + 1))

    ranked = sorted((w for w, c in counts.items() if c >= 2), key=lambda w: (-ratio(w), -counts[w], w))[:top]
    return pd.DataFrame([(w, counts[w], other_counts.get(w, 0)) for w in ranked], columns=["word", "titles", "other titles"])


def unthemed_papers(papers: pd.DataFrame, paper_themes: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """The papers that are in none of `theme_ids`."""
    themed = set(paper_themes.loc[paper_themes["theme"].isin(list(theme_ids)), "paper_id"])
    return papers[~papers["paper_id"].isin(themed)].reset_index(drop=True)
