"""The tidy tables: exact content, stable ids, stable bytes."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import pandas as pd
import pytest

from litreview import TABLES, load_review, make_paper_id, parse_digest
from litreview.fileio import read_table_csv, write_tables
from litreview.records.model import Revision
from litreview.records.tables import build_tables, classify_url, find_revisions, find_urls

from .conftest import ROOT, SEED_DIGEST, digest_text, long_abstract

HOSTILE_DIGEST = ROOT / "tests" / "data" / "hostile-digest.txt"


def test_seed_tables_shape_and_columns(seed_config: Path):
    review = load_review(seed_config, digests=[SEED_DIGEST])
    for name, table in TABLES.items():
        assert list(review[name].columns) == table.column_names
    papers = review["papers"]
    assert len(papers) == 97 and papers["paper_id"].is_unique
    assert (papers["paper_id"] == papers["title"].map(make_paper_id)).all()
    assert len(review["paper_digests"]) == 97
    assert set(review["paper_digests"]["digest_date"]) == {"2025-03-11"}
    assert set(papers["title_digest"]) == set(papers["abstract_digest"]) == {SEED_DIGEST.name}


def test_links_drop_sentence_punctuation_and_are_classified(seed_config: Path):
    review = load_review(seed_config, digests=[SEED_DIGEST])
    links = review["links"]
    assert not links["url"].str.endswith((".", ")", ",")).any()
    assert "https://wuw2019.github.io/R-AMT/" in set(links["url"])
    assert "https://github.com/cambridgeltl/composable-sft" in set(links["url"])
    # Every URL in an abstract is in the table, exactly once per paper.
    assert len(links) == len(links.drop_duplicates(["paper_id", "url"]))
    raw_count = SEED_DIGEST.read_text(encoding="utf-8").count("https://")
    assert len(links) == raw_count


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("See https://x.org/a_(b). Next", ["https://x.org/a_(b)"]),
        ("(at https://x.org/page)", ["https://x.org/page"]),
        ("Code: https://github.com/a/b, data", ["https://github.com/a/b"]),
        ("https://x.org/#frag.", ["https://x.org/#frag"]),
        ("no url here, just http:// alone", []),
    ],
)
def test_find_urls(text: str, urls: list[str]):
    assert find_urls(text) == urls


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/a/b", "code"),
        ("https://gitlab.com/a/b", "code"),
        ("https://someone.github.io/project/", "project page"),
        ("https://huggingface.co/datasets/x/y", "data"),
        ("https://zenodo.org/records/1", "data"),
        ("https://www.jenmusic.ai/research#DreamStyler", "other"),
    ],
)
def test_classify_url(url: str, kind: str):
    assert classify_url(url) == kind


def test_two_runs_write_byte_identical_files(seed_config: Path, tmp_path: Path):
    for run in ("a", "b"):
        write_tables(load_review(seed_config, digests=[SEED_DIGEST]).tables, tmp_path / run)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(f"{t}.{ext}" for t in TABLES for ext in ("csv", "parquet"))
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == []


@pytest.mark.parametrize("digest", [SEED_DIGEST, HOSTILE_DIGEST], ids=["seed", "hostile"])
def test_csv_round_trips_exactly(tmp_path: Path, seed_config: Path, digest: Path):
    tables = load_review(seed_config, digests=[digest]).tables
    write_tables(tables, tmp_path)
    for name, table in TABLES.items():
        pd.testing.assert_frame_equal(read_table_csv(tmp_path / f"{name}.csv", table), tables[name])
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"), tables[name])
    # Another consumer: the standard library's csv module sees the same titles and abstracts
    # (commas, quotes, braces, markup and all), one row per paper.
    with open(tmp_path / "papers.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["title"], r["abstract"]) for r in rows] == list(zip(tables["papers"]["title"], tables["papers"]["abstract"]))


def test_paper_ids_survive_a_second_digest():
    first = parse_digest(SEED_DIGEST.read_text(encoding="utf-8"), "2025-03-11.txt")
    seed_ids = build_tables([(first, "2025-03-11")])["papers"]["paper_id"].tolist()
    # A later digest repeats one seed paper (with other case and spacing) and adds a new one.
    again = first.papers[10].title.upper().replace(" ", "  ")
    second = parse_digest(digest_text([("A Brand New Paper", long_abstract("x")), (again, first.papers[10].abstract)]), "2025-04-01.txt")
    tables = build_tables([(second, "2025-04-01"), (first, "2025-03-11")])
    assert tables["papers"]["paper_id"].tolist()[:97] == seed_ids
    assert len(tables["papers"]) == 98
    appearances = tables["paper_digests"]
    assert (appearances["paper_id"] == seed_ids[10]).sum() == 2
    assert appearances["digest_date"].is_monotonic_increasing


def test_a_later_abstract_fills_a_missing_one():
    early = parse_digest(digest_text([("Paper X", ""), ("Paper Y", long_abstract("y"))]), "a.txt")
    later = parse_digest(digest_text([("Paper X", long_abstract("x"))]), "b.txt")
    digests = [(early, "2025-01-01"), (later, "2025-02-01")]
    papers = build_tables(digests)["papers"].set_index("title")
    assert papers.loc["Paper X", "abstract"] == long_abstract("x") and papers.loc["Paper X", "abstract_digest"] == "b.txt"
    assert papers.loc["Paper Y", ["title_digest", "abstract_digest"]].tolist() == ["a.txt", "a.txt"]
    assert find_revisions(digests) == (Revision(make_paper_id("Paper X"), "added abstract", "Paper X", "b.txt", "2025-02-01", 11, "a.txt", "2025-01-01"),)


def revised_pair(old_date: str = "2025-01-01", new_date: str = "2025-02-01"):
    """Paper X in two digests: a.txt as first written, b.txt with another abstract and title case."""
    old = parse_digest(digest_text([("Paper X: Old Case", long_abstract("old")), ("Paper Y", long_abstract("y"))]), "a.txt")
    new = parse_digest(digest_text([("Paper Z", long_abstract("z")), ("paper x: old case", long_abstract("new https://github.com/a/b"))]), "b.txt")
    return (old, old_date), (new, new_date)


@pytest.mark.parametrize("newer_first", [False, True], ids=["oldest first", "newest first"])
def test_a_newer_digest_revises_title_and_abstract_whatever_the_order_given(newer_first: bool):
    old, new = revised_pair()
    digests = [new, old] if newer_first else [old, new]
    tables = build_tables(digests)
    papers = tables["papers"]
    assert papers["title"].tolist() == ["paper x: old case", "Paper Y", "Paper Z"]  # placed by first appearance
    row = papers.iloc[0]
    assert row["abstract"] == long_abstract("new https://github.com/a/b")
    assert (row["title_digest"], row["abstract_digest"]) == ("b.txt", "b.txt")
    assert tables["links"]["url"].tolist() == ["https://github.com/a/b"]  # from the text kept
    paper_id = make_paper_id("Paper X: Old Case")
    assert find_revisions(digests) == (
        Revision(paper_id, "abstract", "paper x: old case", "b.txt", "2025-02-01", 15, "a.txt", "2025-01-01"),
        Revision(paper_id, "title", "paper x: old case", "b.txt", "2025-02-01", 15, "a.txt", "2025-01-01"),
    )


def test_on_the_same_date_the_later_digest_in_the_config_is_the_newer():
    old, new = revised_pair("2025-01-01", "2025-01-01")
    for digests, title, source in (([new, old], "Paper X: Old Case", "a.txt"), ([old, new], "paper x: old case", "b.txt")):
        papers = build_tables(digests)["papers"].set_index("paper_id")
        assert papers.loc[make_paper_id(title), ["title", "title_digest"]].tolist() == [title, source]
    assert [r.digest for r in find_revisions([new, old])] == ["a.txt", "a.txt"]


def test_a_newer_listing_without_abstract_or_with_the_same_text_revises_nothing():
    first = parse_digest(digest_text([("Paper X", long_abstract("x"))]), "a.txt")
    same = parse_digest(digest_text([("Paper X", long_abstract("x"))]), "b.txt")
    bare = parse_digest(digest_text([("Paper X", "")]), "c.txt")
    digests = [(first, "2025-01-01"), (same, "2025-02-01"), (bare, "2025-03-01")]
    row = build_tables(digests)["papers"].iloc[0]
    assert (row["abstract"], row["title_digest"], row["abstract_digest"]) == (long_abstract("x"), "c.txt", "b.txt")
    assert find_revisions(digests) == ()


def test_digests_without_any_review_config(tmp_path: Path):
    """A digest alone, in a folder with no review.toml: tables, no metadata, fresh keys."""
    review = load_review(tmp_path / "review.toml", digests=[SEED_DIGEST])
    assert review.config is None and len(review["papers"]) == 97
    assert (review["papers"]["arxiv_id"] == "").all() and review["papers"]["citekey"].is_unique
