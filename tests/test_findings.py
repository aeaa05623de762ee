"""The findings extractor, on real abstract sentences and on numbers that are not findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview import load_review
from litreview.analysis.findings import extract_findings, sentence_findings


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Experimental results show that PTR significantly enhances LLM performance across ten diverse tasks "
            "(avg. from 49.6% to 53.5%) without task-specific fine-tuning.",
            [("from 49.6% to 53.5%", "llm performance")],
        ),
        (
            "When applied to fine-tuning with GSM8K, this method achieved a 5% improvement in accuracy over standard supervised fine-tuning.",
            [("5%", "accuracy")],
        ),
        ("Our approach improves LLM reliability at test time by up to 40% compared to normal training.", [("40%", "llm reliability")]),
        ("LoFiT achieves comparable performance despite modifying 20x-200x fewer parameters than these methods.", [("20x-200x", "parameters")]),
        ("It yields up to 3.2x faster inference.", [("up to 3.2x", "faster inference")]),
        ("achieving 92\\% of the perplexity improvement compared to full attention", [("92\\%", "perplexity improvement")]),
        ("a remarkable error rate of only 3,15 percent across 4,000 responses", [("3,15 percent", "error rate")]),
        ("Auto-Eval is highly correlated with human raters (r=0.99).", [("r=0.99", "correlated")]),
        ("and 11.2% to 39.4% hallucination control, with different models", [("11.2% to 39.4%", "hallucination control")]),
        # not from the seed: a change names what changes; a share its whole; a number in parentheses what precedes them
        ("Our method yields a 12% increase in win rate over DPO.", [("12%", "win rate")]),
        ("It prunes 40% of the attention heads and lowers the error rate to 2.5%.", [("40%", "attention heads"), ("2.5%", "error rate")]),
        ("the latency of the smaller model (35 ms) and its accuracy (71.2%)", [("35 ms", "latency"), ("71.2%", "accuracy")]),
    ],
)
def test_findings_in_real_sentences(sentence: str, expected: list[tuple[str, str]]):
    assert sentence_findings(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2023, we released Llama 2 with 7B, 13B and 70B parameters.",  # years and model sizes
        "We fine-tune on GSM8K and MATH500 and evaluate Llama3.1-8B-Instruct.",  # dataset and model names
        "Experimental results on 11 datasets demonstrate the consistent superiority of our method.",  # counts
        "Dualformer optimally solves unseen 30 x 30 maze navigation tasks.",  # a grid size
        "HaloQuest has over 7.7K examples spanning 2 categories.",
    ],
)
def test_numbers_that_are_not_findings(sentence: str):
    assert sentence_findings(sentence) == []


def test_findings_quote_their_sentence_from_the_abstract(seed_config: Path):
    papers = load_review(seed_config)["papers"]
    findings = extract_findings(papers)
    abstracts = papers.set_index("paper_id")["abstract"]
    assert len(findings) > 30
    assert all(row.sentence in abstracts[row.paper_id] and row.number in row.sentence for row in findings.itertuples())
    assert list(findings.columns) == ["paper_id", "citekey", "number", "measures", "sentence"]
