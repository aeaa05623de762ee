"""litreview.load_review, the public entry, on a tiny review of three papers: every table, by hand."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from litreview import TABLES, load_review

from .conftest import digest_text, long_abstract

FORGETTING = "Catastrophic Forgetting in Continual Fine-Tuning"
HALLUCINATION = "Detecting Hallucinations in Summaries"
PROTEIN = "A Paper About Protein Folding"


def paper_id(title: str) -> str:
    """The documented id: 'p' + 12 hex digits of the SHA-1 of the normalised title (these titles: case-folded)."""
    return "p" + hashlib.sha1(title.casefold().encode()).hexdigest()[:12]


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("tiny-review")
    (root / "data" / "digests").mkdir(parents=True)
    pairs = [
        (FORGETTING, long_abstract("catastrophic forgetting during continual learning") + " Code: https://github.com/someone/forget."),
        (HALLUCINATION, long_abstract("hallucination detection for factual consistency")),
        (PROTEIN, long_abstract("protein structures")),
    ]
    (root / "data" / "digests" / "2025-05-01-tiny.txt").write_text(digest_text(pairs), encoding="utf-8")
    record = {"title": FORGETTING, "arxiv_id": "2410.00001", "authors": ["Ada Lovelace", "Alan Turing"], "published": "2024-10-17",
              "primary_category": "cs.LG", "venue": None, "checked": True}
    (root / "data" / "arxiv-metadata.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (root / "review.toml").write_text('[review]\ntitle = "Tiny"\n[enrich]\ncache = "data/arxiv-metadata.jsonl"\n'
                                      '[[digests]]\npath = "data/digests/2025-05-01-tiny.txt"\ndate = "2025-05-01"\n')
    return load_review(root / "review.toml")


def test_every_table_has_the_columns_and_dtypes_of_the_schema(review):
    assert sorted(review.tables) == sorted(TABLES) == ["authors", "extractions", "links", "paper_digests", "paper_themes", "papers"]
    for name, table in TABLES.items():
        frame = review[name]
        assert {c: str(t) for c, t in frame.dtypes.items()} == {c.name: c.dtype for c in table.columns}, name
        assert list(frame.columns) == table.column_names, name
    assert {name: len(review[name]) for name in TABLES} == {"papers": 3, "paper_digests": 3, "links": 1, "authors": 2, "paper_themes": 2,
                                                       "extractions": 0}


def test_papers(review):
    papers = review["papers"].set_index("title")
    assert list(papers.index) == [FORGETTING, HALLUCINATION, PROTEIN]
    assert papers["paper_id"].tolist() == [paper_id(t) for t in (FORGETTING, HALLUCINATION, PROTEIN)]
    known = papers.loc[FORGETTING]
    assert (known["arxiv_id"], known["published"], known["year"], known["month"], known["primary_category"], known["venue"]) == (
        "2410.00001", "2024-10-17", 2024, 10, "cs.LG", "")
    assert (known["citekey"], known["citekey_status"]) == ("lovelace2024catastrophic", "complete")
    unknown = papers.loc[[HALLUCINATION, PROTEIN]]
    assert (unknown["arxiv_id"] == "").all() and unknown["year"].isna().all() and unknown["month"].isna().all()
    assert (unknown["citekey_status"] == "provisional").all()
    # Provisional keys: the first two title words that are not stop words, then the year of the digest.
    assert unknown["citekey"].tolist() == ["detectinghallucinations2025", "paperabout2025"]
    assert set(papers["title_digest"]) == set(papers["abstract_digest"]) == {"2025-05-01-tiny.txt"}
    assert papers.loc[PROTEIN, "abstract"] == long_abstract("protein structures")


def test_appearances_links_and_authors(review):
    ids = [paper_id(t) for t in (FORGETTING, HALLUCINATION, PROTEIN)]
    digests = review["paper_digests"]
    assert digests[["paper_id", "digest", "digest_date", "position"]].values.tolist() == [
        [ids[0], "2025-05-01-tiny.txt", "2025-05-01", 1], [ids[1], "2025-05-01-tiny.txt", "2025-05-01", 2],
        [ids[2], "2025-05-01-tiny.txt", "2025-05-01", 3],
    ]
    # The chrome of the digest is 5 paragraphs, 10 lines; then title, blank, abstract, blank for each paper.
    assert digests["line"].tolist() == [11, 15, 19]
    assert review["links"].values.tolist() == [[ids[0], "https://github.com/someone/forget", "code"]]
    assert review["authors"].values.tolist() == [[ids[0], 1, "Ada Lovelace"], [ids[0], 2, "Alan Turing"]]


def test_paper_themes_with_the_default_themes(review):
    themes = review["paper_themes"]
    assert themes[["paper_id", "theme", "source"]].values.tolist() == [
        [paper_id(FORGETTING), "forgetting", "rule"], [paper_id(HALLUCINATION), "hallucination", "rule"],
    ]
    papers = review["papers"].set_index("paper_id")
    # The evidence is the title or a sentence of the abstract, as written.
    evidence = dict(zip(themes["paper_id"], themes["evidence"]))
    assert evidence[paper_id(HALLUCINATION)] == "We study hallucination detection for factual consistency in large language models and propose a simple method."
    assert evidence[paper_id(FORGETTING)] == FORGETTING or evidence[paper_id(FORGETTING)] in papers.loc[paper_id(FORGETTING), "abstract"]
    pd.testing.assert_series_equal(themes["score"] > 0, pd.Series([True, True], name="score"))
