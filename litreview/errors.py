"""Errors that a caller (the CLI, a notebook) may handle.

Every message says which file (and line, where there is one) is concerned and what to do next.
Bugs of ours are never wrapped in these: they surface as ordinary exceptions.
"""

from __future__ import annotations

from pathlib import Path


class LitreviewError(Exception):
    """A problem with the user's input or configuration, reported as one line without a traceback."""


class DigestError(LitreviewError):
    """A digest file that cannot be used at all (empty, binary, wrong encoding, no papers)."""

    def __init__(self, path: str | Path, problem: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class ConfigError(LitreviewError):
    """A review config (review.toml) or curation file that is missing or malformed."""
