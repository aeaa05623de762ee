"""Related papers: TF-IDF cosine similarity over title and abstract, in linear time.

Comparing every pair of papers is quadratic. Instead each paper is compared only with candidates
that share one of its most distinctive terms, where each term's list of papers is cut to those
that use it most (a pruned inverted index). The candidates that share the most weight there are
then scored by their exact cosine similarity. The work per paper is bounded by TOP_TERMS x POSTINGS
and CANDIDATES, and papers are handled a block at a time, so time and memory grow linearly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

TOP_TERMS = 24  # distinctive terms per paper used to find candidates
POSTINGS = 64  # papers kept per term: those where the term weighs most
CANDIDATES = 100  # candidates per paper scored exactly: those sharing the most distinctive weight
BLOCK = 1_000  # papers whose candidates are found and scored at a time


def keep_top_per_row(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """The k largest entries of each row of a CSR matrix (ties broken by column, deterministic)."""
    matrix = matrix.tocsr()
    if not matrix.has_sorted_indices:  # ties are broken by column: columns in order within each row (a copy: the caller's matrix is left alone)
        matrix = matrix.sorted_indices()
    lengths = np.diff(matrix.indptr)
    if len(lengths) == 0 or lengths.max() <= k:
        return matrix.copy()
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    # Order by row, then by value descending, then by column: two stable sorts (by value, then by
    # row; ties keep the CSR order, by column) are about twice as fast as np.lexsort on three keys.
    by_value = np.argsort(-matrix.data, kind="stable")
    order = by_value[np.argsort(rows[by_value], kind="stable")]
    rank = np.arange(len(order)) - np.repeat(matrix.indptr[:-1], lengths)
    keep = order[rank < k]
    return sp.csr_matrix((matrix.data[keep], (rows[keep], matrix.indices[keep])), shape=matrix.shape)


def compute_related_papers(papers: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """For each paper, its k most similar papers: columns paper_id, rank, related_id, similarity."""
    columns = ["paper_id", "rank", "related_id", "similarity"]
    if len(papers) < 2:
        return pd.DataFrame(columns=columns)
    from sklearn.feature_extraction.text import TfidfVectorizer  # imported here: it takes seconds to import

    text = (papers["title"] + ". " + papers["title"] + ". " + papers["abstract"]).tolist()
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1, max_df=0.5, dtype=np.float64).fit_transform(text)
    vectors = sp.csr_matrix(vectors)
    distinctive = keep_top_per_row(vectors, TOP_TERMS)
    postings = keep_top_per_row(vectors.T.tocsr(), POSTINGS).T.tocsr()
    blocks = [_scored_candidates(vectors, distinctive, postings, start, min(len(papers), start + BLOCK))
              for start in range(0, len(papers), BLOCK)]
    scored = pd.concat(blocks, ignore_index=True)
    scored = scored[scored["similarity"] > 0]
    scored = scored.sort_values(["left", "similarity", "right"], ascending=[True, False, True], kind="stable")
    top = scored.groupby("left", sort=False).head(k)
    ids = papers["paper_id"].to_numpy()
    result = pd.DataFrame(
        {
            "paper_id": ids[top["left"].to_numpy()],
            "rank": top.groupby("left").cumcount().to_numpy() + 1,
            "related_id": ids[top["right"].to_numpy()],
            "similarity": top["similarity"].to_numpy(),
        }
    )
    return result.reset_index(drop=True)


def _scored_candidates(vectors: sp.csr_matrix, distinctive: sp.csr_matrix, postings: sp.csr_matrix, start: int, stop: int) -> pd.DataFrame:
    """Papers start..stop: their CANDIDATES best candidates by the pruned index's partial score, each
    with its exact cosine similarity. A block at a time, so memory stays bounded however many papers."""
    partial = (distinctive[start:stop] @ postings.T).tocoo()
    others = partial.row + start != partial.col
    partial = sp.csr_matrix((partial.data[others], (partial.row[others], partial.col[others])), shape=partial.shape)
    candidates = keep_top_per_row(partial, CANDIDATES).tocoo()
    left, right = candidates.row + start, candidates.col
    # Exact cosine for each candidate pair (rows of `vectors` are L2-normalised by TfidfVectorizer).
    exact = np.asarray(vectors[left].multiply(vectors[right]).sum(axis=1)).ravel()
    return pd.DataFrame({"left": left, "right": right, "similarity": exact.round(6)})
