"""Theme scores kept between runs: the same results as scoring afresh, and only changed papers rescored."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from litreview.cache import theme_scores
from litreview.themes.rules import load_themes, score_papers

from .conftest import ROOT


@pytest.fixture
def themes_file(tmp_path: Path) -> Path:
    return Path(shutil.copy(ROOT / "themes.toml", tmp_path / "themes.toml"))


def test_cold_and_warm_runs_equal_scoring_afresh_and_a_rerun_writes_nothing(tmp_path: Path, themes_file: Path, seed_papers):
    themes, store = load_themes(themes_file), tmp_path / "build" / "theme-scores.parquet"
    expected = score_papers(seed_papers, themes)
    pd.testing.assert_frame_equal(theme_scores(seed_papers, themes, store), expected)
    written, modified = store.read_bytes(), store.stat().st_mtime_ns
    assert len(pd.read_parquet(store)) == len(seed_papers) * len(themes.themes)
    pd.testing.assert_frame_equal(theme_scores(seed_papers.sample(frac=1, random_state=3), themes, store), expected)
    assert store.read_bytes() == written and store.stat().st_mtime_ns == modified


def test_a_rerun_takes_unchanged_papers_from_the_store(tmp_path: Path, themes_file: Path, seed_papers):
    themes, store = load_themes(themes_file), tmp_path / "theme-scores.parquet"
    theme_scores(seed_papers, themes, store)
    stored = pd.read_parquet(store)
    stored.loc[0, "score"] = 999.0  # a mark only a read from the store can bring back
    stored.to_parquet(store, index=False)
    assert (theme_scores(seed_papers, themes, store)["score"] == 999.0).sum() == 1


def test_changed_papers_and_changed_definitions_are_scored_again(tmp_path: Path, themes_file: Path, seed_papers):
    themes, store = load_themes(themes_file), tmp_path / "theme-scores.parquet"
    theme_scores(seed_papers, themes, store)
    changed = seed_papers.copy()
    changed.loc[changed.index[0], "abstract"] = "We study catastrophic forgetting in continual learning of language models."
    changed = changed.drop(index=changed.index[1])  # and one paper leaves the review
    pd.testing.assert_frame_equal(theme_scores(changed, themes, store), score_papers(changed, themes))
    assert len(pd.read_parquet(store)) == len(changed) * len(themes.themes)

    themes_file.write_text(themes_file.read_text(encoding="utf-8").replace("threshold = 4.5", "threshold = 2.0", 1), encoding="utf-8")
    edited = load_themes(themes_file)
    fresh = theme_scores(changed, edited, store)
    pd.testing.assert_frame_equal(fresh, score_papers(changed, edited))
    assert not fresh["threshold"].eq(4.5).any()


def other_layout() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"paper": ["x"], "value": [1.0]}).to_parquet(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize("content", [b"", b"not parquet at all", b"PAR1\x00\x00PAR1", other_layout()])
def test_an_unreadable_store_is_recomputed(tmp_path: Path, themes_file: Path, seed_papers, content: bytes):
    themes, store = load_themes(themes_file), tmp_path / "theme-scores.parquet"
    store.write_bytes(content)
    pd.testing.assert_frame_equal(theme_scores(seed_papers, themes, store), score_papers(seed_papers, themes))
    assert len(pd.read_parquet(store)) == len(seed_papers) * len(themes.themes)
