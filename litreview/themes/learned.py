"""A second, learned signal beside the rules: TF-IDF n-grams and a linear model per theme.

Optional: a review turns it on with a `[themes.learned]` table in its config that names labelled
digests to train on (`training = [{digest = "...", labels = "..."}]`); without it nothing here runs
and no model exists. The model is trained at each build from those labels (a few hundred abstracts
train in well under a second; liblinear with fixed data is deterministic), so no weights are stored.

The rules stay the first word: their scores are not changed. A paper the rules leave out of a theme
joins it ("learned") when the model's probability reaches `probability` and the rules' own score
reaches `floor` times the theme's threshold, so the model only decides papers the rules already lean
towards. Its evidence is the sentence whose terms carry the most positive weight, and `matched` names
those terms, so every assignment stays explainable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .sentences import split_sentences

TERMS_SHOWN = 4  # the top-weighted terms of the deciding sentence named in `matched`


@dataclass(frozen=True)
class LearnedSettings:
    """What `[themes.learned]` says: the labelled (digest, labels) pairs and the two cut-offs."""

    training: tuple[tuple[Path, Path], ...]
    probability: float = 0.45
    floor: float = 0.5
    c: float = 16.0


@dataclass(frozen=True)
class ThemeModel:
    theme: str
    vectorizer: object  # a fitted sklearn TfidfVectorizer
    weights: np.ndarray  # one coefficient per vocabulary term
    model: object  # a fitted sklearn LogisticRegression


def paper_text(title: str, abstract: str) -> str:
    """The text the model reads: the title twice (as the rules boost title hits), then the abstract."""
    return f"{title}. {title}. {abstract}"


def train_models(papers: pd.DataFrame, labels: pd.DataFrame, theme_ids: Sequence[str], c: float = 16.0) -> tuple[ThemeModel, ...]:
    """One model per theme that has both positive and negative labelled papers among `papers`."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # imported here: scikit-learn takes seconds
    from sklearn.linear_model import LogisticRegression

    data = papers[["paper_id", "title", "abstract"]].merge(labels.drop(columns=["title"], errors="ignore"), on="paper_id", how="inner")
    texts = [paper_text(t, a) for t, a in zip(data["title"].fillna("").astype(str), data["abstract"].fillna("").astype(str))]
    models = []
    for theme in theme_ids:
        if theme not in data.columns or data[theme].nunique() < 2:
            continue
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, stop_words="english")
        matrix = vectorizer.fit_transform(texts)
        model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear").fit(matrix, data[theme].astype(int).to_numpy())
        models.append(ThemeModel(theme, vectorizer, model.coef_[0], model))
    return tuple(models)


def _deciding_sentence(model: ThemeModel, title: str, abstract: str) -> tuple[str, list[str]]:
    """The title or abstract sentence whose terms sum to the most positive weight, and its top terms."""
    sentences = [title] + [abstract[a:b] for a, b in split_sentences(abstract)]
    matrix = model.vectorizer.transform(sentences)
    terms = model.vectorizer.get_feature_names_out()
    best, best_value, best_terms = title, float("-inf"), []
    for index, sentence in enumerate(sentences):
        row = matrix.getrow(index)
        contributions = [(float(model.weights[j] * v), str(terms[j])) for j, v in zip(row.indices, row.data) if model.weights[j] > 0]
        value = sum(x for x, _ in contributions)
        if value > best_value:  # strictly greater: ties go to the earlier sentence, the title first
            best, best_value = sentence, value
            best_terms = [t for _, t in sorted(contributions, key=lambda x: (-x[0], x[1]))[:TERMS_SHOWN]]
    return best, best_terms


def learned_rows(papers: pd.DataFrame, scores: pd.DataFrame, models: Sequence[ThemeModel], settings: LearnedSettings) -> pd.DataFrame:
    """Rows for the paper_themes table (source "learned") of papers the rules leave out and the model takes in."""
    columns = ["paper_id", "theme", "subtheme", "score", "evidence", "matched", "source"]
    titles = dict(zip(papers["paper_id"], papers["title"].fillna("").astype(str)))
    abstracts = dict(zip(papers["paper_id"], papers["abstract"].fillna("").astype(str)))
    rows = []
    for model in models:
        near = scores[(scores["theme"] == model.theme) & ~scores["member"] & (scores["score"] >= settings.floor * scores["threshold"])]
        if near.empty:
            continue
        ids = near["paper_id"].tolist()
        texts = [paper_text(titles[p], abstracts[p]) for p in ids]
        probabilities = model.model.predict_proba(model.vectorizer.transform(texts))[:, 1]
        for row, probability in zip(near.itertuples(index=False), probabilities):
            if probability >= settings.probability:
                sentence, terms = _deciding_sentence(model, titles[row.paper_id], abstracts[row.paper_id])
                matched = f"learned (p {probability:.2f}): {', '.join(terms)}" + (f"; rules: {row.matched}" if row.matched else "")
                rows.append((row.paper_id, model.theme, row.subtheme, float(row.score), sentence, matched, "learned"))
    return pd.DataFrame(rows, columns=columns)
