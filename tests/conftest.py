from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
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


@pytest.fixture(scope="session")
def seed_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review.toml of a copy of our review (config, digests, metadata, bib, curation, labels).

    Loading a review writes its theme-score cache under the review's build/ folder, so tests load
    this copy rather than the checkout's review.toml: the checkout stays as it was."""
    return copy_review(tmp_path_factory.mktemp("seed-review"), docs=False) / "review.toml"


@pytest.fixture(scope="session")
def seed_papers(seed_config: Path):
    """The seed digest's papers table (read-only: copy it before changing it)."""
    from litreview import load_review

    return load_review(seed_config, digests=[SEED_DIGEST])["papers"]


@pytest.fixture
def review_dir(tmp_path: Path) -> Path:
    """A copy of the seed review (config and digest) that a test may change."""
    (tmp_path / "data" / "digests").mkdir(parents=True)
    shutil.copy(SEED_DIGEST, tmp_path / "data" / "digests" / SEED_DIGEST.name)
    shutil.copy(ROOT / "review.toml", tmp_path / "review.toml")
    shutil.copy(ROOT / "themes.toml", tmp_path / "themes.toml")
    shutil.copy(ROOT / "data" / "curation.toml", tmp_path / "data" / "curation.toml")
    copy_labels(tmp_path)
    return tmp_path


# The hand labels review.toml names: the evaluation's, and the learned signal's training ([themes.learned]).
LABEL_FILES = ["tests/data/seed_labels.csv", "tests/data/dev-tune"]
REVIEW_FILES = ["review.toml", "themes.toml", "data", "bib", "notebooks", *LABEL_FILES]


def copy_labels(target: Path) -> None:
    """The labelled files review.toml names, so that a copy of review.toml loads."""
    copy_review(target, LABEL_FILES, docs=False)


def copy_review(target: Path, files: Sequence[str] = REVIEW_FILES, docs: bool = True) -> Path:
    """A copy of the project's review (and its hand-written docs) in which a test may build."""
    for name in files:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / name)
    if docs:
        shutil.copytree(ROOT / "docs", target / "docs", ignore=shutil.ignore_patterns("_build", "_generated"))
    return target


def run_litreview(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "litreview", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="session", autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Kernels, IPython, matplotlib and litreview's compiled theme databases go into these folders; keep them out of the user's home.

    Temporary files too (TMPDIR, for this process and every process a test starts): Sphinx writes a
    crash report (sphinx-err-*.log) into the temporary folder when a build fails, as some tests make it."""
    home = tmp_path_factory.mktemp("home")
    for variable, folder in (("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib"), ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
                             ("LITREVIEW_CACHE_DIR", "litreview-cache"), ("TMPDIR", "tmp")):
        os.environ[variable] = str(home / folder)
    (home / "tmp").mkdir()
    tempfile.tempdir = str(home / "tmp")  # gettempdir() has read TMPDIR already, when pytest made its own folders


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """The seed review's real site, built once per test session: (review folder, the build's result)."""
    root = copy_review(tmp_path_factory.mktemp("seed-site"))
    return root, run_litreview("build", cwd=root)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """A review of hostile titles and abstracts (HTML, MyST, Jinja, LaTeX), built into a site."""
    root = tmp_path_factory.mktemp("hostile-site")
    (root / "data" / "digests").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "data" / "hostile-digest.txt", root / "data" / "digests" / "2025-03-12-hostile.txt")
    (root / "review.toml").write_text('[review]\ntitle = "Hostile <b>review</b> {{ x }}"\n'
                                      '[[digests]]\npath = "data/digests/2025-03-12-hostile.txt"\ndate = "2025-03-12"\n')
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("_build", "_generated"))
    return root, run_litreview("build", cwd=root)


# Tests stay in their folder: what `git status --porcelain --ignored` lists in the checkout is the same
# after the session as before it, apart from the caches of Python, pytest and Hypothesis and the venv.
# (A folder that existed before, such as a build/ of the developer's own, is not looked into.)
_OWN_CACHES = ("__pycache__", ".pytest_cache", ".hypothesis", ".venv")
_STATUS_BEFORE = pytest.StashKey[set[str] | None]()


def checkout_status() -> set[str] | None:
    """The checkout's changed, untracked and ignored paths, or None when it is not a git checkout."""
    try:
        result = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    entries = set()
    for line in result.stdout.splitlines():
        parts = Path(line[3:].strip('"').rstrip("/")).parts
        if not any(part in _OWN_CACHES or part.endswith(".egg-info") for part in parts):
            entries.add(line)
    return entries


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_STATUS_BEFORE] = checkout_status()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_STATUS_BEFORE, None)
    after = checkout_status()
    if before is None or after is None:
        return
    left = sorted(after - before)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "the tests left files in the checkout (git status --porcelain --ignored):\n" + "\n".join(f"  {line}" for line in left)
        if reporter:
            reporter.write_line(message, red=True)
        else:
            print(message, file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

