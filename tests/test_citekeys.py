"""Citation keys: readable, unique, and assigned in linear time however many share a base."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from litreview.bib.keys import (
    assign_citekeys,
    base_key,
    family_name,
    load_pinned,
    pins_csv,
    provisional_key,
    suffix_letters,
    title_word,
    upgradable,
)
from litreview.errors import ConfigError


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


def test_base_key_without_year():
    assert base_key("Ada Lovelace", None, "Illusory VQA") == "lovelacendillusory"


@pytest.mark.parametrize(
    ("year", "title", "key"),
    [(2025, "Semantic Entropy Probes", "semanticentropy2025"), (2024, "On the Brittleness of It", "brittleness2024"),
     (2025, "!!!", "untitled2025"), (None, "Semantic Entropy", "semanticentropy")],
)
def test_provisional_key(year, title: str, key: str):
    assert provisional_key(year, title) == key


def papers_frame(titles: list[str], years: list) -> pd.DataFrame:
    return pd.DataFrame({"paper_id": [f"p{i}" for i in range(len(titles))], "title": titles, "year": pd.array(years, dtype="Int64")})


def test_a_paper_without_authors_gets_a_provisional_key_dated_by_its_year_else_its_first_digest():
    papers = papers_frame(["Semantic Entropy Probes", "Semantic Entropy Probes", "Think Twice", "Undated Work"], [2024, None, 2023, None])
    pins = assign_citekeys(papers, {"p2": "Chengyu Du"}, load_pinned(None), {"p0": "2025-03-11", "p1": "2025-03-11", "p2": "2025-03-11"})
    assert pins.values.tolist() == [
        ["p0", "semanticentropy2024", "provisional"],  # the paper's own year wins over the digest's
        ["p1", "semanticentropy2025", "provisional"],
        ["p2", "du2023think", "complete"],
        ["p3", "undatedwork", "provisional"],  # no year at all, and no 'nd'
    ]


def test_many_papers_with_one_base_key_get_distinct_suffixes():
    n = 12_000  # more than the old limit of 9,999 suffixes
    papers = papers_frame(["Same Title"] * n, [None] * n)
    pins = assign_citekeys(papers, pd.Series(dtype="string"), load_pinned(None), dict.fromkeys(papers["paper_id"], "2025-01-31"))
    keys = pins["citekey"].tolist()
    assert len(set(keys)) == n
    assert keys[:4] == ["sametitle2025", "sametitle2025a", "sametitle2025b", "sametitle2025c"]
    assert keys[27] == "sametitle2025" + suffix_letters(27) == "sametitle2025aa"


def test_pinned_keys_are_kept_and_skipped():
    pinned = pd.DataFrame({"paper_id": ["p0"], "citekey": ["sametitle2025a"], "status": ["provisional"]}).astype("string")
    papers = papers_frame(["Same Title"] * 3, [2025] * 3)
    pins = assign_citekeys(papers, {"p0": "Ada Lovelace"}, pinned)
    # p0's authors are known now, yet its pinned key stays until an explicit rekey.
    assert pins.values.tolist() == [["p0", "sametitle2025a", "provisional"], ["p1", "sametitle2025", "provisional"], ["p2", "sametitle2025b", "provisional"]]
    assert upgradable(pins, {"p0"}) == ["p0"] and upgradable(pins, {"p3"}) == []


def test_an_old_two_column_file_loads_as_complete_keys_and_is_written_with_status(tmp_path: Path):
    path = tmp_path / "citekeys.csv"
    path.write_text("paper_id,citekey\np1,du2024think\np2,anonndillusory\n")
    pins = load_pinned(path)
    assert pins.values.tolist() == [["p1", "du2024think", "complete"], ["p2", "anonndillusory", "complete"]]
    assert pins_csv(pins) == "paper_id,citekey,status\np1,du2024think,complete\np2,anonndillusory,complete\n"
    path.write_text(pins_csv(pins))
    assert load_pinned(path).equals(pins)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("paper_id,key\n", ":1: the header must be 'paper_id,citekey,status'"),
        ("paper_id,citekey,status\np1,du2024think\n", ":2: expected 3 non-empty fields, paper_id, citekey, status"),
        ("paper_id,citekey,status\np1,du2024think,yes\n", ":2: status must be 'complete' or 'provisional', not 'yes'"),
        ("paper_id,citekey,status\np1,a2024b,complete\np2,a2024b,provisional\n", ":3: citation key 'a2024b' is already pinned at line 2"),
        ("paper_id,citekey\np1,a2024b\np1,c2024d\n", ":3: paper 'p1' is already pinned at line 2"),
    ],
)
def test_a_malformed_pin_file_names_its_line(tmp_path: Path, text: str, message: str):
    path = tmp_path / "citekeys.csv"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(f"{path}{message}")):
        load_pinned(path)
