"""The command line: reports, exit codes, and one-line errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from litreview.config import load_config

from .conftest import SEED_DIGEST, digest_text, long_abstract


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
