"""Enrichment from the offline cache: exact and fuzzy title matches, every miss reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from rapidfuzz import fuzz, process

from litreview import ConfigError, load_review, make_paper_id, normalise_title
from litreview.enrich.metadata import FUZZY_THRESHOLD, date_parts, enrich_papers, load_metadata_cache

from .conftest import ROOT, digest_text, long_abstract
from .test_arxiv_client import PTR, server  # noqa: F401  (the local arXiv server fixture)

CACHE = load_metadata_cache(ROOT / "data" / "arxiv-metadata.jsonl")


def papers_of(*titles: str) -> pd.DataFrame:
    return pd.DataFrame({"paper_id": [make_paper_id(t) for t in titles], "title": list(titles), "abstract": ""})


def test_seed_matches_exactly_with_authors_in_order(seed_config: Path):
    review = load_review(seed_config)
    assert (review.enrichment.matches["match"] == "exact").all()
    authors = review["authors"]
    think = review["papers"].set_index("title").loc[PTR, "paper_id"]
    names = authors[authors["paper_id"] == think].sort_values("position")["name"].tolist()
    assert names[:3] == ["Chengyu Du", "Jinyi Han", "Yizhou Ying"] and len(names) == 12


@pytest.mark.parametrize(
    "variant",
    [
        PTR.replace("Think Thrice", "Think  thrice"),  # case and spacing: exact after normalising
        PTR.replace(":", " -"),  # punctuation
        PTR.replace("Refinement", "Refinment"),  # a typo
        PTR + ".",
    ],
)
def test_copies_of_a_title_match(variant: str):
    result = enrich_papers(papers_of(variant), CACHE)
    assert result.papers["arxiv_id"].tolist() == ["2410.13413"]
    assert result.matches["match"].iloc[0] in {"exact", "fuzzy"}


def test_threshold_separates_copies_from_different_papers():
    """The justification of FUZZY_THRESHOLD: no two different seed titles come near it."""
    titles = [normalise_title(t) for t in CACHE["title"]]
    scores = process.cdist(titles, titles, scorer=fuzz.ratio)
    different = max(scores[i][j] for i in range(len(titles)) for j in range(len(titles)) if i != j)
    assert different < FUZZY_THRESHOLD - 20
    assert fuzz.ratio(normalise_title(PTR), normalise_title(PTR.replace("Refinement", "Refinment"))) >= FUZZY_THRESHOLD


def test_a_different_paper_with_a_similar_title_is_reported_unmatched():
    similar = "Think Twice Before You Act: Progressive Reasoning in Small Language Models"
    result = enrich_papers(papers_of(similar, "Completely Unknown Paper"), CACHE)
    assert result.papers["arxiv_id"].tolist() == ["", ""]
    assert result.unmatched["title"].tolist() == [similar, "Completely Unknown Paper"]


@pytest.mark.parametrize(
    ("published", "arxiv_id", "expected"),
    [("2024-10-17", "2410.13413", (2024, 10)), (None, "2405.17965", (2024, 5)), (None, None, (None, None))],
)
def test_date_parts(published, arxiv_id, expected):
    assert date_parts(published, arxiv_id) == expected


def test_missing_date_comes_from_the_arxiv_id(seed_config: Path):
    papers = load_review(seed_config)["papers"].set_index("arxiv_id")
    assert papers.loc["2405.17965", "published"] == ""
    assert (papers.loc["2405.17965", "year"], papers.loc["2405.17965", "month"]) == (2024, 5)


def test_broken_cache_line_is_an_error_with_its_line(tmp_path: Path):
    cache = tmp_path / "cache.jsonl"
    cache.write_text('{"title": "ok"}\n{not json\n')
    with pytest.raises(ConfigError, match=rf"{cache}:2: not valid JSON"):
        load_metadata_cache(cache)


def test_enrich_offline_reports_matches(seed_config: Path):
    result = subprocess.run([sys.executable, "-m", "litreview", "enrich"], cwd=seed_config.parent, capture_output=True, text=True)
    assert result.returncode == 0 and "97 of 97 papers matched" in result.stdout


def test_enrich_online_fills_the_cache_from_a_local_server(tmp_path: Path, server):  # noqa: F811
    (tmp_path / "data" / "digests").mkdir(parents=True)
    (tmp_path / "data" / "digests" / "d.txt").write_text(
        digest_text([(PTR, long_abstract("x")), ("A Paper That Is Not On arXiv", long_abstract("y"))])
    )
    (tmp_path / "review.toml").write_text('[[digests]]\npath = "data/digests/d.txt"\ndate = "2025-03-11"\n')
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    result = subprocess.run(
        [sys.executable, "-m", "litreview", "enrich", "--online", "--api", server.url],
        cwd=tmp_path, capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "asked arXiv about 2 paper(s): 1 found and saved to arxiv-metadata.jsonl, 1 not found, 0 failed" in result.stdout
    saved = [json.loads(line) for line in (tmp_path / "data" / "arxiv-metadata.jsonl").read_text().splitlines()]
    assert [r["arxiv_id"] for r in saved] == ["2410.13413"]
    papers = load_review(tmp_path / "review.toml")["papers"]
    assert papers["arxiv_id"].tolist() == ["2410.13413", ""]
