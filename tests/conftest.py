from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_DIGEST = ROOT / "data" / "digests" / "2025-03-11-hf-papers.txt"
CHROME = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 11\n\n"


def digest_text(pairs: Sequence[tuple[str, str]], chrome: bool = True) -> str:
    """The digest format: chrome, then title and abstract paragraphs separated by blank lines."""
    body = "\n\n".join(f"{title}\n\n{abstract}" if abstract else title for title, abstract in pairs)
    return (CHROME if chrome else "") + body + "\n"


def long_abstract(topic: str) -> str:
    return (
        f"We study {topic} in large language models and propose a simple method. "
        "Experiments on five benchmarks show consistent gains over strong baselines, "
        "and we release code and data for others to build on."
    )


@pytest.fixture
def review_dir(tmp_path: Path) -> Path:
    """A copy of the seed review (config and digest) that a test may change."""
    (tmp_path / "data" / "digests").mkdir(parents=True)
    shutil.copy(SEED_DIGEST, tmp_path / "data" / "digests" / SEED_DIGEST.name)
    shutil.copy(ROOT / "review.toml", tmp_path / "review.toml")
    return tmp_path
