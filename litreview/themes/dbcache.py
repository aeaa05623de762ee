"""Compiling Hyperscan databases, and keeping them compiled between runs.

Compiling a theme file's patterns takes about half a second (one pattern with long alternations
inside bounded repeats takes most of it); loading the serialized database takes milliseconds. A
database is kept in the user's cache folder (`LITREVIEW_CACHE_DIR`, else `$XDG_CACHE_HOME/litreview`,
else `~/.cache/litreview`), keyed by the Hyperscan version and every expression, id and flag
compiled, so a stale one is never read; a cache that cannot be read or written is skipped.
Within a process each database is compiled or read once, behind a lock: the pipeline asks for it in
a thread (Hyperscan releases the GIL while it compiles) and parses meanwhile; a second caller waits.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import hyperscan

from ..fileio import write_bytes_atomic

Compiled = tuple[frozenset[int], "hyperscan.Database | None"]
_done: dict[str, Compiled] = {}  # key -> what was compiled or read in this process
_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def cache_dir() -> Path:
    """Where compiled databases are kept (the environment decides, so a test suite can point it at a temporary folder)."""
    if folder := os.environ.get("LITREVIEW_CACHE_DIR"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "litreview"


def _compile(patterns: list[tuple[int, bytes, int]]) -> Compiled:
    """The ids of the patterns Hyperscan accepts, and their database (one compile when all are accepted)."""
    if not patterns:
        return frozenset(), None
    database = hyperscan.Database()
    try:
        database.compile(expressions=[p for _, p, _ in patterns], ids=[i for i, _, _ in patterns],
                         elements=len(patterns), flags=[f for _, _, f in patterns])
        return frozenset(i for i, _, _ in patterns), database
    except hyperscan.error:  # the error does not say which pattern: halve until each is found
        if len(patterns) == 1:
            return frozenset(), None
        accepted = _compile(patterns[: len(patterns) // 2])[0] | _compile(patterns[len(patterns) // 2 :])[0]
        return _compile([p for p in patterns if p[0] in accepted]) if accepted else (frozenset(), None)


def compile_cached(patterns: list[tuple[int, bytes, int]]) -> Compiled:
    """`_compile`, read from the cache folder when these very patterns were compiled before (once per process)."""
    if not patterns:
        return frozenset(), None
    key = hashlib.sha256(json.dumps([hyperscan.__version__, [(i, p.hex(), f) for i, p, f in patterns]]).encode()).hexdigest()[:32]
    with _locks_lock:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:  # a second caller waits for the first (the pipeline's compiling thread)
        if key not in _done:
            _done[key] = _read(cache_dir() / f"hyperscan-{key}.db") or _compile_and_keep(patterns, cache_dir() / f"hyperscan-{key}.db")
        return _done[key]


def _read(path: Path) -> Compiled | None:
    try:
        header, _, body = path.read_bytes().partition(b"\n")
        accepted = frozenset(json.loads(header))
        database = hyperscan.loadb(body, hyperscan.HS_MODE_BLOCK) if body else None
        if database is not None:
            database.scratch = hyperscan.Scratch(database)  # a loaded database has no scratch space of its own
        return accepted, database
    except (OSError, ValueError, hyperscan.error):  # not there yet, or unreadable: compile it again
        return None


def _compile_and_keep(patterns: list[tuple[int, bytes, int]], path: Path) -> Compiled:
    accepted, database = _compile(patterns)
    try:
        write_bytes_atomic(path, json.dumps(sorted(accepted)).encode() + b"\n" + (hyperscan.dumpb(database) if database is not None else b""))
    except OSError:  # a read-only home: compile every time
        pass
    return accepted, database
