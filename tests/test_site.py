"""The site build runs the real pipeline and real Sphinx."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def test_build_runs_the_pipeline_and_sphinx(review_dir: Path):
    shutil.copytree(ROOT / "docs", review_dir / "docs", ignore=shutil.ignore_patterns("_build", "_generated"))
    result = subprocess.run([sys.executable, "-m", "litreview", "build"], cwd=review_dir, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    index = review_dir / "docs" / "_build" / "html" / "index.html"
    assert f"open {index.as_uri()}" in result.stdout
    summary = (review_dir / "docs" / "_build" / "html" / "_generated" / "summary.html").read_text()
    assert "97 papers from 1 digest(s)" in summary
    assert (review_dir / "build" / "tables" / "papers.csv").exists()
