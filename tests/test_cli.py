"""The command line: reports, exit codes, and one-line errors without tracebacks."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from litreview.cli import preview
from litreview.config import load_config
from litreview.sources.hf_digest import load_digest

from .conftest import ROOT, SEED_DIGEST, digest_text, long_abstract


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "litreview", *args], cwd=cwd, capture_output=True, text=True)


def test_check_prints_the_reconciliation(tmp_path: Path):
    result = run("check", str(SEED_DIGEST), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "199 paragraphs: 97 papers, 0 without abstract, 0 duplicates" in result.stdout
    assert "reconciliation: 199 of 199 paragraphs accounted for (ok)" in result.stdout
    assert ":9: skipped (date line): 'Mar 11'" in result.stdout


def test_check_reports_missing_abstracts_and_duplicates(tmp_path: Path):
    digest = tmp_path / "d.txt"
    digest.write_text(digest_text([("P1", long_abstract("a")), ("P2", ""), ("P3", long_abstract("c")), ("p1", long_abstract("a"))]))
    result = run("check", str(digest), cwd=tmp_path)
    assert result.returncode == 0
    assert "3 papers, 1 without abstract, 1 duplicates" in result.stdout
    assert f"{digest}:15: paper without an abstract: 'P2'" in result.stdout
    assert "skipped (duplicate of the paper at line 11)" in result.stdout


@pytest.mark.parametrize(("content", "message"), [(b"", "is empty"), (b"\x00\x01\x02", "is a binary file")])
def test_check_unusable_digest_exits_1_with_one_line(tmp_path: Path, content: bytes, message: str):
    digest = tmp_path / "bad.txt"
    digest.write_bytes(content)
    result = run("check", str(digest), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"litreview: error: {digest}: {message}")
    assert "Traceback" not in result.stderr


def test_tables_from_the_config(review_dir: Path):
    result = run("tables", "--out", "out", cwd=review_dir)
    assert result.returncode == 0, result.stderr
    assert pd.read_csv(review_dir / "out" / "papers.csv").shape[0] == 97
    assert (review_dir / "out" / "links.parquet").exists()


def test_a_mistake_in_the_themes_file_is_one_clear_error(review_dir: Path):
    """The themes are compiled in a thread while the digests are parsed (pipeline.compiling): a
    mistake there is still reported once, as a user's mistake, with no thread's traceback."""
    themes = review_dir / "themes.toml"
    themes.write_text(themes.read_text(encoding="utf-8").replace("threshold =", "threshhold =", 1), encoding="utf-8")
    result = run("tables", "--out", "out", cwd=review_dir)
    assert result.returncode == 1, result.stderr
    assert "themes.toml: [[themes]] #1" in result.stderr and "unknown key 'threshhold'" in result.stderr
    assert "Traceback" not in result.stderr and "Exception in thread" not in result.stderr
    assert result.stderr.count("threshhold") == 1


def test_tables_without_config_is_a_clear_error(tmp_path: Path):
    result = run("tables", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "review.toml: no review config here" in result.stderr


def test_add_copies_and_registers_a_digest(review_dir: Path):
    new = review_dir.parent / "april.txt"
    new.write_text(digest_text([("A Brand New Paper", long_abstract("new things"))]))
    before = (review_dir / "review.toml").read_text()
    result = run("add", str(new), "--date", "2025-04-01", cwd=review_dir)
    assert result.returncode == 0, result.stderr
    copy = review_dir / "data" / "digests" / "2025-04-01-april.txt"
    assert copy.read_bytes() == new.read_bytes()
    after = (review_dir / "review.toml").read_text()
    assert after.startswith(before.rstrip("\n"))  # comments and hand edits are kept
    assert tomllib.loads(after)["digests"][-1] == {"path": "data/digests/2025-04-01-april.txt", "date": "2025-04-01"}
    assert [d.date for d in load_config(review_dir / "review.toml").digests] == ["2025-03-11", "2025-04-01"]
    tables = run("tables", "--out", "out", cwd=review_dir)
    assert "papers: 98 rows" in tables.stdout


def test_add_refuses_a_digest_already_there(review_dir: Path):
    result = run("add", str(SEED_DIGEST), "--date", "2025-03-12", cwd=review_dir)
    assert result.returncode == 1
    assert "already in the review, byte for byte, as data/digests/2025-03-11-hf-papers.txt" in result.stderr
    assert len(list((review_dir / "data" / "digests").iterdir())) == 1


@pytest.mark.parametrize(
    ("content", "date", "message"),
    [
        (digest_text([("T", long_abstract("t"))]), "2025-13-01", "is not a date in the form YYYY-MM-DD"),
        ("new\n\n" + long_abstract("orphan") + "\n\nT\n\n" + long_abstract("t"), "2025-04-01", "line 3: abstract without a title before it"),
        ("", "2025-04-01", "is empty"),
    ],
)
def test_add_refuses_what_does_not_parse_cleanly(review_dir: Path, content: str, date: str, message: str):
    new = review_dir.parent / "bad.txt"
    new.write_text(content)
    before = (review_dir / "review.toml").read_bytes()
    result = run("add", str(new), "--date", date, cwd=review_dir)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert (review_dir / "review.toml").read_bytes() == before


def test_malformed_config_names_the_file(tmp_path: Path):
    (tmp_path / "review.toml").write_text("[review\ntitle = 1\n")
    result = run("tables", cwd=tmp_path)
    assert result.returncode == 1 and "review.toml: not valid TOML" in result.stderr and "line 1" in result.stderr



# Two processes run the real `main` once per round, each round in a fresh review, started together:
# each says it is ready and waits for the test's go. Without the lock in config.add_digest, one of
# the two digests went missing from review.toml in 33 of 100 rounds (5 runs of this test).
ADD_IN_ROUNDS = """
import sys, time
from pathlib import Path
from litreview.cli import main
base, name, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for round_ in range(rounds):
    review = base / f"round{round_}"
    (review / f"ready-{name}").touch()
    while not (review / "go").exists():
        time.sleep(0.001)
    status = main(["--config", str(review / "review" / "review.toml"), "add", str(review / f"{name}.txt"), "--date", "2025-04-01"])
    (review / f"status-{name}").write_text(str(status))
"""


def test_two_adds_at_once_both_land(tmp_path: Path):
    names, rounds = ("one", "two"), 20
    before = [d["path"] for d in tomllib.loads((ROOT / "review.toml").read_text())["digests"]]
    for round_ in range(rounds):
        review = tmp_path / f"round{round_}"
        shutil.copytree(ROOT / "data" / "digests", review / "review" / "data" / "digests")
        shutil.copy(ROOT / "review.toml", review / "review" / "review.toml")
        for name in names:
            (review / f"{name}.txt").write_text(digest_text([(f"Paper {name} {round_}", long_abstract(name))]))
    workers = [
        subprocess.Popen([sys.executable, "-c", ADD_IN_ROUNDS, str(tmp_path), name, str(rounds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in names
    ]
    for round_ in range(rounds):
        review = tmp_path / f"round{round_}"
        while not all((review / f"ready-{name}").exists() for name in names) and all(w.poll() is None for w in workers):
            time.sleep(0.002)
        (review / "go").touch()
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    lost = []
    for round_ in range(rounds):
        review = tmp_path / f"round{round_}"
        assert [(review / f"status-{name}").read_text() for name in names] == ["0", "0"], outputs
        listed = [d["path"] for d in tomllib.loads((review / "review" / "review.toml").read_text())["digests"]]
        copies = sorted(p.name for p in (review / "review" / "data" / "digests").iterdir())
        if listed[: len(before)] != before or sorted(listed[len(before) :]) != [f"data/digests/2025-04-01-{name}.txt" for name in names] \
                or len(copies) != len(before) + 2:
            lost.append((round_, listed, copies))
        assert sorted(p.name for p in (review / "review").iterdir()) == ["data", "review.toml"]  # no lock or temp file left
    assert lost == [], f"{len(lost)} of {rounds} rounds lost a digest: {lost}"


def test_enrich_online_without_a_network_stops_at_once_and_changes_nothing(review_dir: Path):
    cache = review_dir / "data" / "arxiv-metadata.jsonl"
    cache.write_bytes(b"".join((ROOT / "data" / "arxiv-metadata.jsonl").read_bytes().splitlines(keepends=True)[:90]))
    before = {p: p.read_bytes() for p in review_dir.rglob("*") if p.is_file()}
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = f"http://127.0.0.1:{port}/api/query"
    started = time.monotonic()
    result = run("enrich", "--online", "--api", api, cwd=review_dir)
    elapsed = time.monotonic() - started
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"litreview: error: arXiv could not be reached at {api} (cannot connect: [Errno 111] Connection refused); "
        "arxiv-metadata.jsonl was not changed and 7 of 7 paper(s) were not asked about; "
        "check the network (or --api) and run 'litreview enrich --online' again"
    ]
    assert elapsed < 30  # the behaviour asked for (it took about 70 s for these 7 papers before)
    after = {p: p.read_bytes() for p in review_dir.rglob("*") if p.is_file() and "build" not in p.relative_to(review_dir).parts}
    assert after == before  # the cache byte for byte, and no temporary file left


def revising_digest(folder: Path) -> tuple[Path, list]:
    """A digest (under `folder`) that revises the seed's first abstract and second title, and adds a paper."""
    seed = load_digest(SEED_DIGEST).papers
    folder.mkdir(exist_ok=True)
    path = folder / "april.txt"
    path.write_text(digest_text([(seed[0].title, seed[0].abstract + " Revised."), (seed[1].title.upper(), seed[1].abstract),
                                 ("A Brand New Paper", long_abstract("new"))]))
    return path, seed


def test_check_in_a_review_says_which_texts_a_digest_revises(review_dir: Path):
    path, seed = revising_digest(review_dir / "incoming")
    result = run("check", str(path), cwd=review_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == [
        "  compared with the 1 digest(s) of review.toml: 2 revised text(s)",
        f"  {path}:11: paper {seed[0].paper_id} {preview(seed[0].title)} has a revised abstract: "
        "the newer text replaces the one from 2025-03-11-hf-papers.txt (2025-03-11)",
        f"  {path}:15: paper {seed[1].paper_id} {preview(seed[1].title.upper())} has a revised title: "
        "the newer text replaces the one from 2025-03-11-hf-papers.txt (2025-03-11)",
    ]
    older = run("check", str(path), "--date", "2025-01-01", cwd=review_dir)  # then the review's texts are the newer
    assert older.stdout.splitlines()[-2] == (
        f"  data/digests/2025-03-11-hf-papers.txt:{seed[0].line}: paper {seed[0].paper_id} {preview(seed[0].title)} "
        "has a revised abstract: the newer text replaces the one from april.txt (2025-01-01)"
    )
    outside = run("check", str(path), cwd=path.parent)  # no review.toml there: the digest alone
    assert outside.returncode == 0 and "compared with" not in outside.stdout and "revised" not in outside.stdout


def test_add_says_which_texts_it_revises_and_the_newer_texts_are_kept(review_dir: Path):
    path, seed = revising_digest(review_dir / "incoming")
    result = run("add", str(path), "--date", "2025-04-01", cwd=review_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "it revises 2 text(s) of papers already in the review:",
        f"  data/digests/2025-04-01-april.txt:11: paper {seed[0].paper_id} {preview(seed[0].title)} has a revised abstract: "
        "the newer text replaces the one from 2025-03-11-hf-papers.txt (2025-03-11)",
        f"  data/digests/2025-04-01-april.txt:15: paper {seed[1].paper_id} {preview(seed[1].title.upper())} has a revised title: "
        "the newer text replaces the one from 2025-03-11-hf-papers.txt (2025-03-11)",
    ]
    assert run("tables", "--out", "out", cwd=review_dir).returncode == 0
    papers = pd.read_csv(review_dir / "out" / "papers.csv", keep_default_na=False).set_index("paper_id")
    assert papers.loc[seed[0].paper_id, ["abstract", "abstract_digest"]].tolist() == [seed[0].abstract + " Revised.", "2025-04-01-april.txt"]
    assert papers.loc[seed[1].paper_id, ["title", "title_digest"]].tolist() == [seed[1].title.upper(), "2025-04-01-april.txt"]
    assert papers.loc[seed[2].paper_id, ["title_digest", "abstract_digest"]].tolist() == ["2025-03-11-hf-papers.txt"] * 2


def test_add_lands_even_when_another_digest_of_the_review_cannot_be_compared(review_dir: Path):
    with (review_dir / "review.toml").open("a") as config:
        config.write('\n[[digests]]\npath = "data/digests/gone.txt"\ndate = "2025-03-20"\n')
    path, _ = revising_digest(review_dir / "incoming")
    result = run("add", str(path), "--date", "2025-04-01", cwd=review_dir)
    assert result.returncode == 0 and result.stdout.startswith(f"added {path} as data/digests/2025-04-01-april.txt")
    assert result.stderr.splitlines() == [
        f"litreview: warning: could not compare it with the review's digests: {review_dir / 'data/digests/gone.txt'}: no such file"
    ]
    assert tomllib.loads((review_dir / "review.toml").read_text())["digests"][-1]["path"] == "data/digests/2025-04-01-april.txt"


def test_bib_check_writes_nothing(tmp_path: Path):
    """A --check only reads: not the bibliography, not the theme-score cache of build/."""
    from .conftest import copy_review, run_litreview

    root = copy_review(tmp_path / "review", docs=False)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = run_litreview("bib", "--check", cwd=root)
    assert result.returncode == 0, result.stderr
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
