"""The curated extraction files: how they are checked, pre-filled (only ever appended to), counted,
and shown as each theme page's comparison table (a real site build)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from litreview import load_review
from litreview.analysis.extractions import FIELDS, compute_extraction_coverage, missing_numbers, numbers_in

from .conftest import ROOT, SEED_DIGEST, copy_review, run_litreview

FIXTURE = ROOT / "tests" / "data" / "extractions" / "hallucination.csv"  # hand-written, checked against the two abstracts
HALOQUEST, LOFIT = "pca7138fee288", "pc0a15202a5fa"
HEADER = "paper_id,field,value,source,status\n"
H36 = "Our experiments reveal that current models struggle with HaloQuest, with all open-source VLMs achieving below 36% accuracy."
Q36 = f"\"{H36}\""  # as a CSV cell: it has commas


@pytest.mark.parametrize(("text", "numbers"), [
    ("0.5", ["0.5"]),
    (".5 of them", ["0.5"]),
    ("53.44%", ["53.44%"]),
    ("53.44 %", ["53.44%"]),
    (r"39\% of", ["39%"]),
    ("7B", ["7b"]),
    ("1,000 papers", ["1000"]),
    ("1,2,3", ["1", "2", "3"]),
    ("2x and 2×", ["2x", "2x"]),
    ("20x-200x fewer", ["20x", "200x"]),
    ("7.7K examples", ["7.7k"]),
    ("GSM8K", ["gsm8k"]),
    ("GPT-4o", ["4o"]),
    ("Llama 2-Chat 7B, 13B, 70B", ["2", "7b", "13b", "70b"]),
    ("from 49.6% to 53.5%.", ["49.6%", "53.5%"]),
    ("(r=0.97)", ["0.97"]),
    ("in 2024.", ["2024"]),
    ("v1.2.3", ["v1.2.3"]),
    ("three models", []),
])
def test_what_counts_as_a_number(text: str, numbers: list[str]):
    assert numbers_in(text) == numbers


@pytest.mark.parametrize(("value", "reference", "missing"), [
    ("53.44", "an ANAH score of 53.44%", []),  # a bare number matches the same number with a unit
    ("53.44%", "53.44 points", ["53.44%"]),  # a unit must be the reference's
    ("5%", "55% of cases", ["5%"]),  # never a part of another number
    ("7B", "7 billion parameters", ["7b"]),
    ("1,000", "1000 prompts", []),
    ("2×", "2x faster", []),
    ("8", "GSM8K", ["8"]),  # digits inside a name are not a number of their own
    ("GSM8K", "on gsm8k", []),
    (".97", "r=0.97", []),
    ("0.970", "0.97", ["0.970"]),  # written as the abstract writes it
    ("Llama 2-Chat 70B", "Llama 2-Chat 7B", ["70b"]),
    ("not stated", "", []),
])
def test_a_value_s_numbers_against_its_abstract(value: str, reference: str, missing: list[str]):
    assert missing_numbers(value, reference) == missing


def review_with(tmp_path: Path, files: dict[str, str], docs: bool = False) -> Path:
    """A copy of our review whose extraction folder holds exactly these files (name -> text)."""
    root = copy_review(tmp_path / "review", docs=docs)
    folder = root / "data" / "extractions"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return root


def fixture_with(old: str, new: str) -> str:
    text = FIXTURE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    return text.replace(old, new, 1)


# Each broken file, and the one line that names its file, line and problem (hand-written).
BROKEN = {
    "missing column": ({"h.csv": "paper_id,field,value,status\n"}, "h.csv:1: missing column 'source'"),
    "unknown field": ({"h.csv": HEADER + f"{HALOQUEST},method,x,,checked\n"}, "h.csv:2: unknown field 'method'"),
    "unknown paper": ({"h.csv": HEADER + "p000000000000,metric,accuracy,,checked\n"}, "h.csv:2: unknown paper id 'p000000000000'"),
    "bad status": ({"h.csv": HEADER + f"{HALOQUEST},metric,accuracy,{Q36},done\n"}, "h.csv:2: status 'done' is neither 'checked' nor 'prefilled'"),
    "source not verbatim": ({"h.csv": HEADER + f"{HALOQUEST},metric,accuracy,\"{H36.replace('struggle', 'fail')}\",checked\n"},
                            "h.csv:2: the source of 'metric' is not a verbatim part of paper pca7138fee288's abstract"),
    "number not in abstract": ({"h.csv": fixture_with("VLMs below 36% accuracy", "VLMs below 35% accuracy")},
                               "h.csv:14: the value of 'result' has 35%, not a number of paper pca7138fee288's abstract or title"),
    "duplicate across files": ({"a.csv": HEADER + f"{HALOQUEST},metric,accuracy,{Q36},checked\n",
                                "b.csv": HEADER + "\n" + f"{HALOQUEST},metric,accuracy,{Q36},checked\n"},
                               "b.csv:3: paper pca7138fee288 has its 'metric' already at a.csv:2"),
    "intervention not in the list": ({"h.csv": fixture_with("data; evaluation", "data; method")},
                                     "h.csv:10: intervention 'method' is not one of data, objective,"),
    "stated without source": ({"h.csv": HEADER + f"{HALOQUEST},metric,accuracy,,checked\n"}, "h.csv:2: 'metric' has no source"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_extraction_file_is_one_line_naming_file_line_and_problem(tmp_path: Path, case: str):
    files, expected = BROKEN[case]
    root = review_with(tmp_path, files)
    result = run_litreview("extract", "--check", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(str(root / "data" / "extractions")) and expected in lines[0], lines[0]
    assert "extractions check: " in result.stdout and "1 problem(s)" in result.stdout
    # Nothing is pre-filled from a broken folder either, and status says what is wrong.
    before = {p.name: p.read_bytes() for p in (root / "data" / "extractions").iterdir()}
    refused = run_litreview("extract", cwd=root)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and "nothing was pre-filled" in refused.stderr
    assert {p.name: p.read_bytes() for p in (root / "data" / "extractions").iterdir()} == before
    status = run_litreview("status", cwd=root)
    assert status.returncode == 1 and expected in status.stdout


def test_the_site_is_not_built_from_a_broken_extraction(tmp_path: Path):
    files, expected = BROKEN["number not in abstract"]
    root = review_with(tmp_path, files, docs=True)
    result = run_litreview("build", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "the site was not built" in lines[0]
    assert not (root / "docs" / "_build").exists() and not (root / "build" / "tables").exists()


def test_the_hand_written_fixture_passes_and_is_the_tidy_table(tmp_path: Path):
    root = review_with(tmp_path, {"hallucination.csv": FIXTURE.read_text(encoding="utf-8")})
    review = load_review(root / "review.toml")
    assert review.extraction_problems == ()
    table = review["extractions"]
    assert list(table["paper_id"]) == [LOFIT] * 7 + [HALOQUEST] * 7
    assert list(table["field"]) == list(FIELDS) * 2
    assert list(table["line"]) == list(range(2, 16))
    assert table.set_index(["paper_id", "field"]).at[(HALOQUEST, "result"), "value"] == "all open-source VLMs below 36% accuracy"


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def test_prefill_only_appends_and_check_writes_nothing(tmp_path: Path):
    # A file as a person may leave it: CRLF line endings, quoting where none is needed, no newline at the end.
    existing = FIXTURE.read_text(encoding="utf-8").replace("\n", "\r\n").replace(",parameters,", ',"parameters",').rstrip("\r\n")
    root = review_with(tmp_path, {"hallucination.csv": existing})
    folder = root / "data" / "extractions"

    before = snapshot(root)
    check = run_litreview("extract", "--check", cwd=root)
    assert check.returncode == 0, check.stderr
    assert "theme hallucination: 18 papers, extractions: 2 extracted, 16 not yet extracted, 0 prefilled-unchecked" in check.stdout
    assert snapshot(root) == before  # not a byte, not a modification time, no new file (no theme-score cache either)

    result = run_litreview("extract", cwd=root)
    assert result.returncode == 0, result.stderr
    after = (folder / "hallucination.csv").read_bytes()
    assert after.startswith(existing.encode("utf-8")) and len(after) > len(existing)
    assert sorted(p.name for p in folder.iterdir()) == ["cot.csv", "forgetting.csv", "hallucination.csv"]
    review = load_review(root / "review.toml")
    assert review.extraction_problems == ()  # the guesses pass every check
    members = review["paper_themes"]
    table = review["extractions"]
    assert set(table["paper_id"]) == set(members["paper_id"])  # every theme paper has rows now
    added = table[~table["paper_id"].isin([HALOQUEST, LOFIT])]
    assert set(added["status"]) == {"prefilled"} and len(added) == 7 * (members["paper_id"].nunique() - 2)
    assert added.groupby("paper_id")["file"].nunique().max() == 1  # a paper in two themes is extracted once
    rows = list(csv.reader(io.StringIO(after.decode("utf-8"), newline="")))
    assert all(row[4] == "prefilled" for row in rows[15:]) and all(len(row) == 5 for row in rows)

    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = run_litreview("extract", cwd=root)
    assert again.returncode == 0 and "nothing to pre-fill" in again.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files


def test_status_counts_extracted_and_prefilled_per_theme(tmp_path: Path):
    root = review_with(tmp_path, {"hallucination.csv": fixture_with(f"heads.\",checked\n{LOFIT},setting", f"heads.\",prefilled\n{LOFIT},setting")})
    result = run_litreview("status", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "theme hallucination: 18 papers, 18 discussed, 0 not yet discussed; extractions: 2 extracted, 16 not yet extracted, " \
           "1 prefilled-unchecked" in result.stdout
    assert "theme forgetting: 21 papers, 21 discussed, 0 not yet discussed; extractions: 0 extracted, 21 not yet extracted, " \
           "0 prefilled-unchecked" in result.stdout


def test_every_theme_paper_of_our_review_is_extracted(seed_config: Path):
    """Our review's own files (data/extractions/): valid, and no theme paper left without rows."""
    review = load_review(seed_config)
    assert review.extraction_problems == ()
    coverage = compute_extraction_coverage(review["paper_themes"], review["extractions"], review.themes.ids)
    assert coverage["not_yet_extracted"].tolist() == [0] * len(review.themes.ids), coverage.to_string()
    assert set(review["extractions"]["status"]) == {"checked"}  # the review publishes no unchecked guess


@pytest.fixture(scope="module")
def init_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A review started with `litreview init` from our digest, with two papers extracted by hand, built once."""
    root = tmp_path_factory.mktemp("init-site") / "review"
    assert run_litreview("init", str(root), "--digest", str(SEED_DIGEST), "--date", "2025-03-11", cwd=root.parent).returncode == 0
    (root / "data" / "extractions").mkdir(parents=True)
    shutil.copy(FIXTURE, root / "data" / "extractions" / "hallucination.csv")
    result = run_litreview("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_the_theme_page_shows_the_comparison_table_and_its_csv(init_site: Path):
    root = init_site
    members = load_review(root / "review.toml")["paper_themes"]
    hallucination = set(members.loc[members["theme"] == "hallucination", "paper_id"])
    assert {HALOQUEST, LOFIT} <= hallucination  # with litreview's default themes and no curation
    html = root / "docs" / "_build" / "html" / "_generated" / "notebooks"
    page = BeautifulSoup((html / "02-hallucination.html").read_text(encoding="utf-8"), "html.parser")
    section = page.find("section", id="comparison")
    table = section.find("table", class_="sortable")
    assert [th.get_text(strip=True) for th in table.thead.find_all("th")] == [
        "Paper", "Contribution", "Intervention", "Models or setting", "Benchmarks", "Metric", "Result", "Evidence"]
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
    assert len(rows) == len(hallucination)
    haloquest = next(row for row in rows if row[1].startswith("HaloQuest, a visual"))
    assert haloquest[2:] == ["data; evaluation", "open-source VLMs", "HaloQuest (over 7.7K examples)", "accuracy",
                             "all open-source VLMs below 36% accuracy",
                             "benchmarking with generated images correlates with real images (r=0.97)"]
    assert table.tbody.find_all("tr")[rows.index(haloquest)].td.find("a", href=lambda h: h and "papers/" in h)  # a citation, opening the paper's page
    assert next(row for row in rows if row[1].startswith("LoFiT: fine-tunes offset vectors"))[2] == "parameters"
    not_yet = [row for row in rows if row[1] == "not yet extracted"]
    assert len(not_yet) == len(hallucination) - 2
    assert f"2 papers checked by a person, 0 pre-filled and not yet checked, {len(not_yet)} not yet extracted" in section.get_text(" ")
    # Papers extracted but in no other theme are in no other theme's table.
    forgetting = BeautifulSoup((html / "01-forgetting.html").read_text(encoding="utf-8"), "html.parser").find("section", id="comparison")
    assert "HaloQuest, a visual" not in forgetting.get_text(" ") and "LoFiT: fine-tunes" not in forgetting.get_text(" ")

    link = section.find("a", class_="download")
    assert "CSV" in link.get_text()
    downloaded = (html / link["href"]).resolve()
    assert downloaded.is_file() and downloaded.name == "hallucination.csv"
    with downloaded.open(newline="", encoding="utf-8") as handle:
        frame = list(csv.DictReader(handle))
    assert [row["contribution"] or "not yet extracted" for row in frame] == [row[1] for row in rows]  # same rows, same order
    assert [row["result"] for row in frame if row["paper_id"] == HALOQUEST] == ["all open-source VLMs below 36% accuracy"]
    assert sorted(row["paper_id"] for row in frame) == sorted(hallucination)
    # The site ships the script that sorts and filters it, and the page loads it.
    assert (root / "docs" / "_build" / "html" / "_static" / "sortable.js").is_file()
    assert page.find("script", src=lambda s: s and "/_static/sortable.js" in s)
    # The exported notebook (read without Sphinx) shows the same table, not the directive around it.
    export = BeautifulSoup((root / "docs" / "_generated" / "downloads" / "notebooks" / "02-hallucination.html").read_text(encoding="utf-8"),
                           "html.parser")
    exported = next(t for t in export.find_all("table") if "Contribution" in t.get_text())
    assert len(exported.find_all("tr")) == len(hallucination) + 1 and "HaloQuest, a visual" in exported.get_text()
    assert "{table}" not in export.get_text() and "{download}" not in export.get_text()


def test_the_comparison_table_sorts_and_filters_in_a_browser(init_site: Path):
    from playwright.sync_api import sync_playwright

    from .test_browser import ARGS, CHROMIUM, serve

    server, origin = serve(init_site / "docs" / "_build" / "html")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(origin + "_generated/notebooks/02-hallucination.html")
            table = page.locator("table.sortable")
            column = "table.sortable tbody tr td:nth-child(2)"
            shown = table.locator("tbody tr:not([hidden]) td:nth-child(2)")
            first_order = page.locator(column).all_inner_texts()
            table.get_by_role("button", name="Contribution").click()
            ascending = page.locator(column).all_inner_texts()
            assert table.locator("th", has_text="Contribution").get_attribute("aria-sort") == "ascending"
            assert sorted(ascending) == sorted(first_order) and ascending != first_order
            # "HaloQuest, ..." sorts before "not yet extracted" (case-insensitive), and after it when descending.
            assert ascending[0].startswith("HaloQuest") and ascending[-1] == "not yet extracted"
            table.get_by_role("button", name="Contribution").click()
            assert page.locator(column).all_inner_texts()[-1].startswith("HaloQuest")
            page.get_by_label("Show only rows containing").fill("7.7K")
            assert [text[:9] for text in shown.all_inner_texts()] == ["HaloQuest"]
            assert page.locator("label.table-filter output").inner_text() == f"1 of {len(first_order)} rows"
            browser.close()
    finally:
        server.shutdown()
    assert errors == []
