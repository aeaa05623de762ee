"""Curation: people's per-paper decisions win over the rules, are checked with their line, and are never written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from litreview import ConfigError, load_review, make_paper_id
from litreview.themes.curation import Curation, load_curation
from litreview.themes.rules import classify_papers, load_themes

from .conftest import ROOT, SEED_DIGEST

CURATION_FILE = ROOT / "data" / "curation.toml"
THEME_IDS = {"forgetting", "hallucination", "cot"}
RULE_COT = ("Chain-of-Thought Training", "We fine-tune models on chain-of-thought rationales. Chain-of-thought training improves GSM8K accuracy.")
NO_THEME = ("A Survey of Graph Neural Networks", "Graph neural networks learn on relational data. We review message passing and pooling.")
IDS = {make_paper_id(RULE_COT[0]), make_paper_id(NO_THEME[0])}


@pytest.fixture(scope="module")
def themes():
    return load_themes(ROOT / "themes.toml")


def made_up_papers() -> pd.DataFrame:
    return pd.DataFrame([(make_paper_id(t), t, a) for t, a in (RULE_COT, NO_THEME)], columns=["paper_id", "title", "abstract"])


def entry(action: str, paper: str, theme: str, reason: str | None = "Because the abstract says so.", extra: str = "") -> str:
    lines = [f"[[{action}]]", f'paper = "{paper}"', f'theme = "{theme}"'] + ([f'reason = "{reason}"'] if reason is not None else [])
    return "\n".join(lines) + ("\n" + extra if extra else "") + "\n\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "curation.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_review_curation_loads_with_a_reason_per_entry(seed_config: Path, themes):
    papers = load_review(seed_config, digests=[SEED_DIGEST])["papers"]
    curation = load_curation(CURATION_FILE, set(papers["paper_id"]), set(themes.ids))
    assert len(curation.entries) == 17  # 10 membership decisions, 7 sub-theme decisions
    assert all(e.reason and e.line > 0 for e in curation.entries)
    lines = CURATION_FILE.read_text(encoding="utf-8").splitlines()
    assert all(lines[e.line - 1].strip() == f"[[{e.action}]]" for e in curation.entries)


def test_curation_wins_over_the_rules(tmp_path: Path, themes):
    cot_id, none_id = make_paper_id(RULE_COT[0]), make_paper_id(NO_THEME[0])
    rules = classify_papers(made_up_papers(), themes)
    assert rules[["paper_id", "theme"]].values.tolist() == [[cot_id, "cot"]]
    text = (entry("exclude", cot_id, "cot", "Only mentions CoT as background.")
            + entry("include", none_id, "hallucination", "Surveys factual errors of GNN explanations.", 'subtheme = "benchmarks"'))
    curation = load_curation(write(tmp_path, text), IDS, THEME_IDS)
    table = classify_papers(made_up_papers(), themes, curation)
    assert table.to_dict("records") == [{
        "paper_id": none_id, "theme": "hallucination", "subtheme": "benchmarks", "score": 0.0,
        "evidence": NO_THEME[0], "matched": "curation: Surveys factual errors of GNN explanations.", "source": "curation",
    }]


def test_curation_can_confirm_a_rule_row_and_change_its_subtheme(tmp_path: Path, themes):
    cot_id = make_paper_id(RULE_COT[0])
    curation = load_curation(write(tmp_path, entry("include", cot_id, "cot", "CoT fine-tuning.", 'subtheme = "efficiency"')), IDS, THEME_IDS)
    row = classify_papers(made_up_papers(), themes, curation).iloc[0]
    assert (row["subtheme"], row["source"], row["matched"]) == ("efficiency", "curation", "curation: CoT fine-tuning.")
    assert row["evidence"] in RULE_COT[1] and row["score"] > 0


def test_classify_never_rewrites_the_curation_file(seed_config: Path, themes):
    before = CURATION_FILE.read_bytes()
    stat = CURATION_FILE.stat()
    papers = load_review(seed_config, digests=[SEED_DIGEST])["papers"]
    curation = load_curation(CURATION_FILE, set(papers["paper_id"]), set(themes.ids))
    classify_papers(papers, themes, curation)
    assert hashlib.sha256(CURATION_FILE.read_bytes()).digest() == hashlib.sha256(before).digest()
    assert CURATION_FILE.stat().st_mtime_ns == stat.st_mtime_ns


GOOD = entry("include", make_paper_id(RULE_COT[0]), "cot")  # lines 1-4, then a blank line


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (GOOD + entry("include", "p000000000000", "cot"), 7, "unknown paper 'p000000000000'"),
        (GOOD + entry("exclude", make_paper_id(NO_THEME[0]), "agents"), 8, "unknown theme 'agents'"),
        (GOOD + entry("include", make_paper_id(NO_THEME[0]), "cot", reason=None), 6, "needs a non-empty 'reason'"),
        (GOOD + entry("include", make_paper_id(NO_THEME[0]), "cot", reason="  "), 9, "needs a non-empty 'reason'"),
        ("# comment\n\n" + GOOD + entry("exclude", make_paper_id(RULE_COT[0]), "cot"), 8, "already decided at line 3"),
        (GOOD + entry("include", make_paper_id(NO_THEME[0]), "cot", extra='author = "me"'), 10, "unknown key 'author'"),
        (GOOD + entry("exclude", make_paper_id(NO_THEME[0]), "cot", extra='subtheme = "training"'), 10, "only an include entry"),
    ],
)
def test_bad_entries_are_config_errors_with_their_line(tmp_path: Path, text: str, line: int, message: str):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as error:
        load_curation(path, IDS, THEME_IDS)
    assert str(error.value).startswith(f"{path}:{line}: ")


def test_inline_tables_are_refused_since_they_have_no_line(tmp_path: Path):
    path = write(tmp_path, f'include = [{{ paper = "{make_paper_id(NO_THEME[0])}", theme = "cot", reason = "x" }}]\n')
    with pytest.raises(ConfigError, match=r"as its own \[\[include\]\] block"):
        load_curation(path, IDS, THEME_IDS)


@pytest.mark.parametrize(("text", "message"), [("[review]\ntitle = 'x'\n", "unknown table 'review'"), ("[[include]\n", "not valid TOML")])
def test_bad_files(tmp_path: Path, text: str, message: str):
    with pytest.raises(ConfigError, match=message):
        load_curation(write(tmp_path, text), IDS, THEME_IDS)


def test_missing_file_and_empty_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="no curation file"):
        load_curation(tmp_path / "nope.toml", IDS, THEME_IDS)
    assert load_curation(write(tmp_path, "# nothing yet\n"), IDS, THEME_IDS) == Curation(str(tmp_path / "curation.toml"))


def test_unknown_subtheme_is_reported_with_its_line_when_classifying(tmp_path: Path, themes):
    text = GOOD + entry("include", make_paper_id(NO_THEME[0]), "cot", extra='subtheme = "vibes"')
    curation = load_curation(write(tmp_path, text), IDS, THEME_IDS)
    with pytest.raises(ConfigError, match=r"curation.toml:6: .*sub-theme 'vibes'"):
        classify_papers(made_up_papers(), themes, curation)
