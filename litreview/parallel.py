"""Two parts of one computation at once, the second in a forked child process, on a second core.

Forking shares what the parent already built (theme scoring's compiled Hyperscan database, which
takes about a second to compile and cannot be pickled) without copying or rebuilding it. The child
runs only the pure computation it is given and sends its result back through a pipe; it touches no
file, socket or lock of the parent's. Where there is no fork (Windows, macOS's default) or one core,
both parts run here, one after the other: the results are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")


def usable_cores() -> int:
    """The cores this process may run on (its affinity, where the platform tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and usable_cores() >= 2


def run_both(here: Callable[[], T], there: Callable[[], U]) -> tuple[T, U]:
    """`here()` in this process while `there()` runs in a forked child; `there()` here too when
    forking is not possible or the child dies without an answer. An exception of the child's is
    raised here, as if `there()` had run here."""
    if not can_fork():
        return here(), there()
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_answer, args=(there, writer), name="litreview-part", daemon=True)
    with warnings.catch_warnings():
        # Python 3.12+ warns on any fork of a process with threads (Arrow's and jemalloc's, here), since a
        # child that takes a lock another thread held deadlocks; this child takes none (see the docstring).
        warnings.filterwarnings("ignore", r"This process .* is multi-threaded", DeprecationWarning)
        child.start()
    writer.close()
    try:
        mine = here()
        try:
            answered, theirs = reader.recv()
        except EOFError:  # killed (out of memory, say) before it answered
            answered, theirs = True, there()
    except BaseException:
        child.terminate()
        raise
    finally:
        reader.close()
        child.join()
    if not answered:
        raise theirs
    return mine, theirs


def _answer(work: Callable[[], U], writer: Connection) -> None:
    try:
        answer = (True, work())
    except Exception as error:  # sent back, to be raised in the parent
        answer = (False, error)
    writer.send(answer)
    writer.close()
