"""Every litreview command that the README and the guide show runs as shown.

The commands are read from the documents' ```bash blocks, not copied here: a command added to the
docs is run by this test. Each block starts in the clone's root (a copy of our review); `cd` moves
within a block. Placeholders name files that exist in the copy: `path/to/digest.txt` and
`my-digest.txt` are a digest of papers that are not the seed's. `make` lines and front ends (JupyterLab)
are not litreview commands and are left to CI and to people.
"""

from __future__ import annotations

import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, copy_review

DOCUMENTS = [ROOT / "README.md", ROOT / "docs" / "guide.md"]
BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
OTHER_DIGEST = ROOT / "tests" / "data" / "other-review-digest.txt"


def documented_blocks(path: Path) -> list[list[str]]:
    """The shell lines of each bash block, without comments."""
    blocks = []
    for block in BASH_BLOCK.findall(path.read_text(encoding="utf-8")):
        lines = [line.split("  #")[0].strip() for line in block.splitlines()]
        blocks.append([line for line in lines if line and not line.startswith("#")])
    return blocks


def litreview_args(line: str) -> list[str] | None:
    words = shlex.split(line)
    if words and words[0] in ("litreview", ".venv/bin/litreview"):
        return words[1:]
    return None


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_documented(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    if args[:2] == ["enrich", "--online"]:
        # There is no internet here: the command runs against a closed local port instead of arXiv.
        args = [*args, "--api", f"http://127.0.0.1:{closed_port()}/api/query"]
    return subprocess.run([sys.executable, "-m", "litreview", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def make_clone(workspace: Path) -> Path:
    clone = copy_review(workspace / "litreview")
    for placeholder in ("path/to/digest.txt", "my-digest.txt"):
        (clone / placeholder).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(OTHER_DIGEST, clone / placeholder)
    return clone


def test_every_documented_command_runs_as_shown(tmp_path: Path):
    """Each document in a clone of its own (both start a review in ../my-review); a command the guide
    repeats from the README, in the same folder, runs once."""
    seen: set[tuple[str, ...]] = set()
    ran = 0
    for document in DOCUMENTS:
        workspace = tmp_path / document.stem
        clone = make_clone(workspace)
        for block in documented_blocks(document):
            cwd = clone
            for line in block:
                if line.startswith("cd "):
                    cwd = (cwd / line[3:].strip()).resolve()
                    continue
                args = litreview_args(line)
                if args is None:
                    assert line.split()[0] in {"make", "source", ".venv/bin/jupyter"}, f"{document.name}: unknown command {line!r}"
                    continue
                key = (cwd.relative_to(workspace).as_posix(), *args)
                if key in seen:
                    continue
                seen.add(key)
                result = run_documented(args, cwd)
                where = f"{document.name}: {line}\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
                assert "Traceback" not in result.stderr, where
                if args[:2] == ["enrich", "--online"]:
                    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, where
                    assert "arXiv" in result.stderr, where
                else:
                    assert result.returncode == 0, where
                ran += 1
    assert ran >= 15  # 19 today: a docs parser that finds no commands must not pass
