"""The benchmark scripts work, at tiny sizes. Their output format and correctness are checked here;
timings never are (benchmarks/run.py measures and judges them, comparing ratios in one run)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from litreview import load_digest
from litreview.records.model import normalise_title

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


synth = load_script("synth")


def run_synth(tmp_path: Path, name: str, n: str, *options: str) -> bytes:
    """The CLI: python benchmarks/synth.py N OUT [--seed S]."""
    out = tmp_path / name
    subprocess.run([sys.executable, str(BENCHMARKS / "synth.py"), n, str(out), *options], check=True, capture_output=True)
    return out.read_bytes()


def test_synth_cli_is_deterministic_per_seed(tmp_path: Path):
    first = run_synth(tmp_path, "a.txt", "50")
    again = run_synth(tmp_path, "b.txt", "50", "--seed", "0")
    other = run_synth(tmp_path, "c.txt", "50", "--seed", "1")
    assert first == again
    assert first != other
    assert first == synth.make_digest(50, seed=0).encode("utf-8")


def test_synth_digest_parses_back_to_exactly_n_unique_papers(tmp_path: Path):
    path = synth.write_digest(50, tmp_path / "digest.txt", seed=3)
    digest = load_digest(path)
    assert len(digest.papers) == 50
    assert not digest.missing_abstracts
    assert not digest.problems  # nothing skipped but page chrome and the date line
    assert {s.reason for s in digest.skipped} == {"page chrome", "date line"}
    assert digest.accounted_paragraphs == digest.paragraphs == 2 * 50 + len(digest.skipped)
    titles = [p.title for p in digest.papers]
    assert len({normalise_title(t) for t in titles}) == 50
    assert [(p.title, p.abstract) for p in digest.papers] == synth.papers(50, seed=3)


def test_synth_format_is_the_seed_format(tmp_path: Path):
    text = synth.make_digest(5, seed=0)
    seed = synth.SEED_DIGEST.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    chrome = synth.load_seed().chrome
    assert tuple(paragraphs[: len(chrome)]) == chrome  # chrome and date line, as in the seed
    assert seed.startswith("\n\n".join(chrome))
    assert text.endswith("\n") and "\n\n\n" not in text
    assert len(paragraphs) == len(chrome) + 2 * 5
    seed_sentences = synth.load_seed().sentences
    seed_words = set(synth.load_seed().title_words)
    capitalised = {w[:1].upper() + w[1:] for w in seed_words}
    for title, abstract in synth.papers(5, seed=0):
        words = [word.rstrip(":") for word in title.split()]
        assert words[0] in seed_words | capitalised and set(words[1:]) <= seed_words
        assert title.count(":") <= 1
        assert any(sentence in abstract for sentence in seed_sentences) and abstract.startswith(seed_sentences)


def test_synth_titles_stay_unique_at_a_larger_size():
    titles = [title for title, _ in synth.papers(2_000, seed=7)]
    assert len({normalise_title(t) for t in titles}) == len(titles) == 2_000


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess:
    scratch = tmp_path_factory.mktemp("bench")  # run.py's temporary folders go here, not to the system's
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--sizes", "20,40", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=scratch,
        env={**os.environ, "TMPDIR": str(scratch)},
    )


def table_lines(output: str) -> list[str]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("stage "))
    end = lines.index("", start)
    return lines[start:end]


def test_run_quick_prints_one_table_with_a_row_per_stage_and_size(quick_run):
    assert quick_run.returncode == 0, quick_run.stderr[-2000:]
    lines = table_lines(quick_run.stdout)
    header, rule, rows = lines[0], lines[1], lines[2:]
    assert re.split(r"\s{2,}", header) == ["stage", "N", "runs", "wall (s)", "peak MB", "µs/paper", "ratio to floor"]
    assert set(rule.replace(" ", "")) == {"-"}
    stages = ["read+split", "parse", "tables", "tables, rerun", "bibtexparser write", "bib", "related papers", "bare sphinx", "site paper pages"]
    seen = [(re.split(r"\s{2,}", row)[0], re.split(r"\s{2,}", row)[1]) for row in rows]
    assert seen == [(stage, n) for n in ("20", "40") for stage in stages]
    for row in rows:
        cells = re.split(r"\s{2,}", row.strip())
        # Every stage ran, the site stage too: the test environment has Sphinx and litreview's site code,
        # so an "n/a" or "FAILED" row is a failure here.
        assert len(cells) == 7, row
        assert cells[2] == "1"
        float(cells[3]), float(cells[4]), float(cells[5])
        if cells[0] in ("read+split", "bibtexparser write", "bare sphinx"):
            assert cells[6] == "(floor)"
        elif cells[0] == "related papers":
            assert cells[6] == "-"  # no floor: judged by its growth per paper
        else:
            floor = {"parse": "read+split", "tables": "read+split", "tables, rerun": "tables", "bib": "bibtexparser write",
                     "site paper pages": "bare sphinx"}[cells[0]]
            assert re.fullmatch(rf"\d+\.\d\dx {re.escape(floor)}", cells[6]), row
    # Columns are aligned: every full row has the width of the header's columns.
    full = [row for row in rows if len(re.split(r"\s{2,}", row.strip())) == 7]
    assert {len(row.rstrip()) <= len(rule) for row in full} == {True}


def test_run_quick_ends_with_the_budgets(quick_run):
    out = quick_run.stdout
    assert "\nbudgets\n" in out
    budget_lines = out.split("\nbudgets\n", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    texts = "\n".join(budget_lines)
    for expected in (
        "parse within 3x of read+split at N=40",
        "tables at N=10,000 under 2 s",
        "tables at N=10,000 under 1 GB peak",
        "tables at N=100,000 under 20 s",
        "tables µs/paper at 100,000 within 1.2x of 10,000",
        "related papers µs/paper at 100,000 within 1.2x of 10,000",
        "bib within 1.5x of bibtexparser write at N=40",
        "site paper pages within 1.5x of bare sphinx at N=40",
        "site µs/page at 1,000 within 1.5x of 100",
    ):
        assert expected in texts
    for line in budget_lines:
        assert re.search(r"(met|MISSED \(.+\)|not measured|measured \(no budget yet\))$", line), line
    assert "peak MB = peak RSS" in out and "imports and input preparation excluded" in out


def test_run_rejects_bad_sizes():
    result = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "ten"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "sizes must be" in result.stderr


def test_large_sizes_repeat_only_the_stages_whose_first_run_was_cheap():
    run = load_script("run")
    stage = run.BY_KEY["parse"]

    def row(n: int, first_run_seconds: float):
        return run.Row(stage, n, runs=[{"status": "ok", "seconds": first_run_seconds}])

    assert run.repeat(run.Row(stage, 100_000), 0)  # everything runs once
    assert run.repeat(row(10_000, 60.0), 1)  # up to 10,000 papers, every stage is repeated
    assert run.repeat(row(100_000, 1.5), 2)  # cheap at 100,000: repeated, so its median is not one noisy run
    assert not run.repeat(row(100_000, 45.0), 1)  # expensive at 100,000: once
