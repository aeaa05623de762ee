"""Related papers: the pruned search finds what exact all-pairs cosine similarity finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from litreview import load_review
from litreview.analysis.related import compute_related_papers


def exact_top(papers: pd.DataFrame, k: int) -> dict[str, list[str]]:
    text = (papers["title"] + ". " + papers["title"] + ". " + papers["abstract"]).tolist()
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_df=0.5).fit_transform(text)
    similarity = (vectors @ vectors.T).toarray()
    np.fill_diagonal(similarity, -1)
    ids = papers["paper_id"].tolist()
    return {ids[i]: [ids[j] for j in np.argsort(-similarity[i], kind="stable")[:k]] for i in range(len(ids))}


def test_matches_exact_cosine_on_the_seed(seed_config: Path):
    papers = load_review(seed_config)["papers"]
    related = compute_related_papers(papers, k=5)
    assert (related.groupby("paper_id").size() == 5).all() and len(related) == 5 * len(papers)
    assert not (related["paper_id"] == related["related_id"]).any()
    exact = exact_top(papers, 5)
    found = related.groupby("paper_id")["related_id"].agg(list).to_dict()
    overlap = np.mean([len(set(found[p]) & set(exact[p])) / 5 for p in exact])
    assert overlap >= 0.95
    # Ranks are ordered by similarity.
    assert (related.groupby("paper_id")["similarity"].diff().dropna() <= 0).all()


def test_deterministic_and_small_inputs(seed_config: Path):
    papers = load_review(seed_config)["papers"]
    pd.testing.assert_frame_equal(compute_related_papers(papers), compute_related_papers(papers))
    assert compute_related_papers(papers.head(1)).empty
    two = compute_related_papers(papers.head(2), k=5)
    assert set(two["rank"]) <= {1}


def test_papers_handled_a_block_at_a_time_give_the_same_result(seed_config: Path, monkeypatch):
    """Blocks bound the memory of large reviews; they must not change which papers are related."""
    import litreview.analysis.related as related

    papers = load_review(seed_config)["papers"]
    whole = compute_related_papers(papers)
    monkeypatch.setattr(related, "BLOCK", 7)  # 14 blocks, the last one short
    pd.testing.assert_frame_equal(compute_related_papers(papers), whole)
