"""The findings extractor against hand-checked findings of the seed's abstracts.

tests/data/findings-expected.csv lists, for 26 papers of the seed digest, every number that reports
a result and the measure it belongs to, as a person read them from the sentence. The extractor must
find exactly these numbers in those papers, each with its measure, and show each sentence once.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from litreview.analysis.findings import extract_findings
from litreview.analysis.summaries import render_findings_table
from litreview.markup import escape_markdown

EXPECTED = Path(__file__).parent / "data" / "findings-expected.csv"
DIGITS = re.compile(r"\d+(?:[.,]\d+)?")


def expected_findings() -> pd.DataFrame:
    return pd.read_csv(EXPECTED, comment="#", dtype=str, keep_default_na=False)


def digits(number: str) -> tuple[str, ...]:
    """The numbers a finding is made of ("from 49.6% to 53.5%" -> 49.6, 53.5), to match findings written differently."""
    return tuple(DIGITS.findall(number))


@pytest.fixture(scope="module")
def seed_findings(seed_papers: pd.DataFrame) -> pd.DataFrame:
    return extract_findings(seed_papers)


def test_the_expectations_quote_the_abstracts(seed_papers: pd.DataFrame):
    expected = expected_findings()
    abstracts = seed_papers.set_index("paper_id")["abstract"]
    assert len(expected) >= 25 and expected["paper_id"].nunique() >= 12
    assert not expected.duplicated(["paper_id", "number"]).any()
    for row in expected.itertuples():
        assert row.quote in abstracts[row.paper_id], row.quote
        assert row.number in row.quote, row.number
        assert row.measure and all(m == m.lower() for m in row.measure.split("|"))


def test_every_expected_finding_is_found_with_its_measure(seed_findings: pd.DataFrame):
    expected = expected_findings()
    found = {(row.paper_id, digits(row.number)): row.measures for row in seed_findings.itertuples()}
    wrong = []
    for row in expected.itertuples():
        measure = found.get((row.paper_id, digits(row.number)))
        if measure is None:
            wrong.append(f"{row.paper} {row.number}: not found")
        elif measure not in row.measure.split("|"):
            wrong.append(f"{row.paper} {row.number}: measures {measure!r}, expected {row.measure!r}")
    correct = len(expected) - len(wrong)
    assert wrong == [], f"{correct}/{len(expected)} correct:\n" + "\n".join(wrong)


def test_nothing_else_is_reported_for_the_expected_papers(seed_findings: pd.DataFrame):
    expected = expected_findings()
    papers = set(expected["paper_id"])
    reported = seed_findings[seed_findings["paper_id"].isin(papers)]
    extra = sorted(set(zip(reported["paper_id"], reported["number"].map(digits))) - set(zip(expected["paper_id"], expected["number"].map(digits))))
    assert extra == []
    others = seed_findings[~seed_findings["paper_id"].isin(papers)]
    assert others.empty, "the expectations list every paper with a finding"
    assert not reported.duplicated(["paper_id", "number"]).any()


def test_every_finding_names_a_measure(seed_findings: pd.DataFrame):
    assert len(seed_findings) >= len(expected_findings())
    assert (seed_findings["measures"].str.strip() != "").all()


def test_the_findings_table_shows_each_sentence_once_with_all_its_numbers(seed_findings: pd.DataFrame):
    table = render_findings_table(seed_findings)
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| ---")][1:]
    sentences = seed_findings.drop_duplicates(["paper_id", "sentence"])
    assert len(rows) == len(sentences)
    mask_dpo = [line for line in rows if escape_markdown("53.44%") in line]
    assert len(mask_dpo) == 1
    numbers = mask_dpo[0].split(" | ")[0]  # the first column of the row
    for number in ("from 49.19% to 77.53% (score)", "53.44% (score)", "from 30.29% to 39.39% (factscore)"):
        assert escape_markdown(number) in numbers, number
