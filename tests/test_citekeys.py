"""Citation keys: readable, unique, and assigned in linear time however many share a base."""

from __future__ import annotations

import pandas as pd
import pytest

from litreview.citekeys import assign_citekeys, base_key, family_name, load_pinned, suffix_letters, title_word


@pytest.mark.parametrize(
    ("name", "family"),
    [("Chengyu Du", "du"), ("Jan van den Berg", "vandenberg"), ("Ivan Vulić", "vulic"), ("Aaditya K. Singh", "singh")],
)
def test_family_name(name: str, family: str):
    assert family_name(name) == family


@pytest.mark.parametrize(
    ("title", "word"),
    [('"Sorry, Come Again?" Prompting', "sorry"), ("On the Impact of Fine-Tuning", "impact"), ("The 3D-PC: a benchmark", "3dpc"), ("!!!", "untitled")],
)
def test_title_word(title: str, word: str):
    assert title_word(title) == word


def test_base_key_without_author_or_year():
    assert base_key(None, None, "Illusory VQA") == "anonndillusory"


def test_many_papers_with_one_base_key_get_distinct_suffixes():
    n = 12_000  # more than the old limit of 9,999 suffixes
    papers = pd.DataFrame({"paper_id": [f"p{i}" for i in range(n)], "title": ["Same Title"] * n, "year": pd.array([None] * n, dtype="Int64")})
    pins = assign_citekeys(papers, pd.Series(dtype="string"), load_pinned(None))
    keys = pins["citekey"].tolist()
    assert len(set(keys)) == n
    assert keys[:4] == ["anonndsame", "anonndsamea", "anonndsameb", "anonndsamec"]
    assert keys[27] == "anonndsame" + suffix_letters(27) == "anonndsameaa"


def test_pinned_keys_are_kept_and_skipped():
    pinned = pd.DataFrame({"paper_id": ["p0"], "citekey": ["anonndsamea"]}).astype("string")
    papers = pd.DataFrame({"paper_id": ["p0", "p1", "p2"], "title": ["Same Title"] * 3, "year": pd.array([None] * 3, dtype="Int64")})
    pins = assign_citekeys(papers, pd.Series(dtype="string"), pinned)
    assert pins.values.tolist() == [["p0", "anonndsamea"], ["p1", "anonndsame"], ["p2", "anonndsameb"]]
