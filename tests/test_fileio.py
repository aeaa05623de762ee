"""Atomic writes: all or nothing, the usual file mode, and an unchanged file left alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from litreview.fileio import atomic_open, write_text_atomic


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path: Path):
    target = tmp_path / "deep" / "review.bib"
    write_text_atomic(target, "@misc{a,}\n")
    assert target.read_text(encoding="utf-8") == "@misc{a,}\n"
    assert mode(target) == 0o666 & ~current_umask()


def test_a_replaced_file_keeps_its_mode_and_an_unchanged_one_its_time(tmp_path: Path):
    target = tmp_path / "papers.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_text_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n" and mode(target) == 0o640
    modified = target.stat().st_mtime_ns
    write_text_atomic(target, "new\n")
    assert target.stat().st_mtime_ns == modified


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path):
    target = tmp_path / "citekeys.csv"
    target.write_text("paper_id,citekey\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half a file")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "paper_id,citekey\n"
    assert [p.name for p in tmp_path.iterdir()] == ["citekeys.csv"]
