"""Themes: signals, negatives, evidence sentences, determinism, and a theme added by editing the file alone."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from litreview import ConfigError, LitreviewError, make_paper_id
from litreview.themes.rules import (
    PAPER_THEMES_COLUMNS,
    classify_papers,
    explain_paper,
    load_themes,
    phrase_regex,
    score_papers,
)
from litreview.themes.sentences import split_sentences

from .conftest import ROOT

THEMES_FILE = ROOT / "themes.toml"


@pytest.fixture(scope="module")
def themes():
    return load_themes(THEMES_FILE)


def papers_of(*pairs: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([(make_paper_id(t), t, a) for t, a in pairs], columns=["paper_id", "title", "abstract"])


def themes_of(themes, title: str, abstract: str) -> set[str]:
    return set(classify_papers(papers_of((title, abstract)), themes)["theme"])


# Made-up abstracts: the words of a theme in a sense the theme's definition excludes, and papers of several themes.
EDGE_CASES = [
    pytest.param(
        "ReasonNet: A Reasoning Transformer Backbone for Dense Prediction",
        "We propose the Reasoning Transformer, a backbone for semantic segmentation. Its reasoning module aggregates "
        "multi-scale features with a reasoning block at every stage. It reaches 52.1 mIoU on ADE20K, i.e. 2.3 points above Swin-B.",
        set(), id="reasoning-in-an-architecture-name"),
    pytest.param(
        "FlashTrain: Cutting GPU Memory in Half",
        "Training large models is limited by GPU memory. We propose a memory-efficient optimizer that reduces memory "
        "footprint by 45%. Memory consumption stays flat as the batch grows, e.g. for 70B models.",
        set(), id="memory-meaning-gpu-memory"),
    pytest.param(
        "Face Hallucination with Identity Priors",
        "Face hallucination aims to recover a high-resolution face from a low-resolution input. We propose an identity-aware "
        "network for face hallucination that sharpens facial details. Our super-resolution results hallucinate plausible textures.",
        set(), id="face-hallucination-super-resolution"),
    pytest.param(
        "Iterative Refinement for Image Denoising",
        "We present a diffusion model that removes noise by iterative refinement of the image. Each step refines image details "
        "with a learned refiner. A self-refinement stage further denoises textures, reaching 32.1 dB PSNR.",
        set(), id="refinement-as-image-denoising"),
    pytest.param(
        "Step-by-Step Answers Hallucinate Less",
        "Large language models often hallucinate facts. We show that chain-of-thought prompting reduces hallucinations on "
        "open-domain QA. Reasoning step by step also improves factual precision by 8 points.",
        {"cot", "hallucination"}, id="multi-theme-cot-and-hallucination"),
    pytest.param(
        "Fine-Tuning Erodes Chain-of-Thought",
        "We study catastrophic forgetting of reasoning skills during instruction fine-tuning. After fine-tuning, models lose "
        "their original chain-of-thought abilities. Mixing in general data during fine-tuning prevents this forgetting of chain-of-thought reasoning.",
        {"cot", "forgetting"}, id="multi-theme-forgetting-and-cot"),
    pytest.param(
        "Harmful Fine-Tuning Undoes Safety Alignment",
        "Safety-aligned models are vulnerable to harmful fine-tuning: a few hundred examples remove the safety alignment "
        "learned during RLHF. We show that the refusal rate drops below 2% after harmful fine-tuning.",
        {"forgetting"}, id="safety-erosion-is-forgetting"),
    pytest.param(
        "Knowing When to Abstain",
        "Language models fabricate answers to questions they cannot answer. We train models to abstain and reply "
        "\"I don't know\" when uncertain, which cuts hallucinated answers by half.",
        {"hallucination"}, id="abstaining-against-fabrication"),
    pytest.param(
        "A Survey of Graph Neural Networks",
        "Graph neural networks learn on relational data. We review message passing, pooling and applications. "
        "We discuss open problems and benchmarks, e.g. for molecules and social networks.",
        set(), id="none-of-the-themes"),
]


@pytest.mark.parametrize(("title", "abstract", "expected"), EDGE_CASES)
def test_edge_cases(themes, title: str, abstract: str, expected: set[str]):
    assert themes_of(themes, title, abstract) == expected


def test_negatives_are_what_cancels_face_hallucination(themes, tmp_path: Path):
    text = THEMES_FILE.read_text(encoding="utf-8")
    without = re.sub(r'    \{ phrase = "face hallucination" \},\n', "", text)
    without = re.sub(r"    \{ name = \"super-resolution\".*\n", "", without)
    assert without != text
    (tmp_path / "themes.toml").write_text(without, encoding="utf-8")
    title, abstract, _ = EDGE_CASES[2].values
    assert themes_of(load_themes(tmp_path / "themes.toml"), title, abstract) == {"hallucination"}
    assert themes_of(themes, title, abstract) == set()


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("We use e.g. LLaVA and i.e. CLIP. Next one.", ["We use e.g. LLaVA and i.e. CLIP.", "Next one."]),
        ("Smith et al. (2023) showed this. Then avg. from 49.6% to 53.5% holds.", ["Smith et al. (2023) showed this.", "Then avg. from 49.6% to 53.5% holds."]),
        ("Fast vs. Slow thinking differ. Why? Costs!", ["Fast vs. Slow thinking differ.", "Why?", "Costs!"]),
        ("It ends.The next one starts here.", ["It ends.", "The next one starts here."]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("Systems matter. However, J. Smith disagrees (see Fig. 3).", ["Systems matter.", "However, J. Smith disagrees (see Fig. 3)."]),
        ("  Leading space. Trailing space.  ", ["Leading space.", "Trailing space."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]):
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


@pytest.mark.parametrize(
    ("phrase", "text", "matches"),
    [
        ("fine tuning", "Fine-tuning helps", True),
        ("hallucinat*", "object hallucinations", True),
        ("GPU memory", "gpu  memory", True),
        ("replay", "replaying", False),
        ("CoT", "apricot", False),
    ],
)
def test_phrase_regex(phrase: str, text: str, matches: bool):
    assert bool(re.search(phrase_regex(phrase), text, re.IGNORECASE)) is matches


def test_paper_themes_table_and_real_evidence(themes, seed_papers: pd.DataFrame):
    table = classify_papers(seed_papers, themes)
    assert list(table.columns) == PAPER_THEMES_COLUMNS
    assert table[["theme", "paper_id"]].equals(table[["theme", "paper_id"]].sort_values(["theme", "paper_id"]).reset_index(drop=True))
    assert not table.duplicated(["paper_id", "theme"]).any() and set(table["source"]) == {"rule"}
    assert set(table["theme"]) == {"forgetting", "hallucination", "cot"}
    by_id = seed_papers.set_index("paper_id")
    for row in table.itertuples():
        title, abstract = by_id.loc[row.paper_id, "title"], by_id.loc[row.paper_id, "abstract"]
        sentences = [title] + [abstract[s:e] for s, e in split_sentences(abstract)]
        assert row.evidence in sentences  # a whole sentence, exactly as written
        assert row.matched and row.score >= themes[row.theme].threshold
        assert row.subtheme in [s.id for s in themes[row.theme].subthemes]


def test_output_is_deterministic_and_independent_of_row_order(themes, seed_papers: pd.DataFrame):
    first = classify_papers(seed_papers, themes)
    pd.testing.assert_frame_equal(first, classify_papers(seed_papers, themes))
    shuffled = seed_papers.sample(frac=1, random_state=7).reset_index(drop=True)
    pd.testing.assert_frame_equal(first, classify_papers(shuffled, themes))
    pd.testing.assert_frame_equal(score_papers(seed_papers, themes), score_papers(shuffled, themes))


def test_scoring_papers_together_equals_scoring_each_alone(themes, seed_papers: pd.DataFrame):
    """All papers' sentences share one index; no paper's score may depend on the others."""
    together = score_papers(seed_papers, themes)
    alone = pd.concat([score_papers(seed_papers.iloc[[i]], themes) for i in range(len(seed_papers))], ignore_index=True)
    alone = alone.sort_values(["theme", "paper_id"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(together, alone)
    pd.testing.assert_frame_equal(together, score_papers(seed_papers, themes, chunk=10))
    assert together["member"].sum() > 40


def test_score_papers_has_every_paper_and_theme(themes, seed_papers: pd.DataFrame):
    scores = score_papers(seed_papers, themes)
    assert len(scores) == len(seed_papers) * 3
    assert (scores["member"] == (scores["score"] >= scores["threshold"])).all()
    assert (scores.loc[scores["score"] == 0, "evidence"] == "").all()


FOURTH_THEME = '''
[[themes]]
id = "agents"
title = "LLM agents"
description = "Language models that act: plan, call tools and interact with environments."
threshold = 4
signals = [
    { phrase = "agent*", weight = 2 },
    { phrase = "tool use", weight = 2 },
    { regex = '\\bweb\\s+navigation\\b', weight = 2, name = "web navigation" },
]
negatives = [{ phrase = "chemical agent*" }]

[[themes.subthemes]]
id = "planning"
title = "Planning"
phrases = ["plan*"]

[[themes.subthemes]]
id = "tools"
title = "Tool use"
phrases = ["tool*", "API*"]
'''


def test_a_fourth_theme_needs_only_the_themes_file(tmp_path: Path, seed_papers: pd.DataFrame):
    path = tmp_path / "themes.toml"
    path.write_text(THEMES_FILE.read_text(encoding="utf-8") + FOURTH_THEME, encoding="utf-8")
    themes = load_themes(path)
    assert themes.ids == ["forgetting", "hallucination", "cot", "agents"]
    made_up = papers_of(
        ("Agents That Use Tools", "We build LLM agents for web navigation. The agent plans each step and calls tools through an API."),
        ("Decontaminating Chemical Agents", "Chemical agents are removed from surfaces by a new catalyst. Chemical agent residues drop by 90%."),
    )
    table = classify_papers(made_up, themes)
    assert table[["theme", "subtheme"]].values.tolist() == [["agents", "tools"]]
    assert "agents" in set(classify_papers(seed_papers, themes)["theme"])  # the seed has TravelPlanner agents


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace('id = "cot"', 'id = "forgetting"'), "each with its own id"),
        (lambda t: t.replace("threshold = 4.0\n", "", 1), "positive 'threshold'"),
        (lambda t: t.replace('{ phrase = "GPU memory" }', '{ phrase = "GPU memory", colour = "red" }'), "unknown key 'colour'"),
        (lambda t: t.replace('{ phrase = "GPU memory" }', "{ regex = '(unclosed' }"), "does not compile"),
        (lambda t: t.replace('{ phrase = "GPU memory" }', '{ phrase = "GPU memory", scope = "paper" }'), "'scope' match or sentence"),
        (lambda t: t + "\n[oops\n", "not valid TOML"),
    ],
)
def test_bad_themes_file_is_a_config_error_naming_it(tmp_path: Path, change, message: str):
    path = tmp_path / "themes.toml"
    path.write_text(change(THEMES_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as error:
        load_themes(path)
    assert str(path) in str(error.value)


def test_missing_themes_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="no themes file"):
        load_themes(tmp_path / "nope.toml")


def test_explain_paper_shows_scores_threshold_signals_and_evidence(themes, seed_papers: pd.DataFrame):
    paper = seed_papers[seed_papers["title"].str.startswith("Masked Thought")].iloc[0]
    text = explain_paper(paper["paper_id"], seed_papers, themes)
    lines = text.splitlines()
    assert lines[0] == f"{paper['paper_id']}: {paper['title']}"
    assert "cot: score" in text and "(threshold 4.00) -> member (rule)" in text and "chain-of-thought" in text
    assert "forgetting: score 0.00 (threshold 4.50) -> not a member" in text
    evidence = [line.removeprefix("  evidence: ") for line in lines if line.startswith("  evidence: ")]
    assert evidence and all(e in paper["abstract"] or e == paper["title"] for e in evidence)


def test_explain_unknown_paper(themes, seed_papers: pd.DataFrame):
    with pytest.raises(LitreviewError, match="unknown paper id 'pnope'"):
        explain_paper("pnope", seed_papers, themes)


def test_themes_file_has_no_per_paper_rules(seed_papers: pd.DataFrame):
    text = THEMES_FILE.read_text(encoding="utf-8")
    assert not re.search(r"\bp[0-9a-f]{12}\b", text)
    assert not [t for t in seed_papers["title"] if t.lower() in text.lower()]
