"""The review's configuration (`review.toml`): its title, its digests with their dates, its outputs.

People edit this file by hand; the only command that changes it is `litreview add`, which appends a
`[[digests]]` block as text so that comments and layout are kept.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError, LitreviewError
from .fileio import read_toml, write_bytes_atomic, write_text_atomic
from .records.model import DigestSource
from .sources.hf_digest import load_digest
from .themes.learned import LearnedSettings

DEFAULT_CONFIG = "review.toml"


@dataclass(frozen=True)
class ReviewConfig:
    path: Path
    title: str
    digests: tuple[DigestSource, ...]
    tables_dir: Path
    bib_dir: Path
    metadata_cache: Path
    themes_file: Path | None
    curation_file: Path
    labels_file: Path | None
    extractions_dir: Path  # the curated extraction CSVs ([themes] extractions)
    learned: LearnedSettings | None = None  # [themes.learned]: the optional learned signal, off without it

    @property
    def root(self) -> Path:
        return self.path.parent

    def digest_path(self, source: DigestSource) -> Path:
        return self.root / source.path


def parse_date(value: object, where: str) -> str:
    """Validate a YYYY-MM-DD date and return it as text."""
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ConfigError(f"{where}: date {value!r} is not a date in the form YYYY-MM-DD") from None


def themes_file(root: Path, named: str | None) -> Path | None:
    """The theme definitions: the file the config names, else themes.toml beside it, else None
    (the pipeline then uses the definitions shipped with litreview)."""
    if named:
        return root / named
    return root / "themes.toml" if (root / "themes.toml").exists() else None


def load_config(path: str | Path = DEFAULT_CONFIG) -> ReviewConfig:
    path = Path(path).resolve()
    data, _ = read_toml(path, "no review config here; run litreview from the review's folder or pass --config")
    review = data.get("review", {})
    outputs = data.get("outputs", {})
    themes = data.get("themes", {})
    digests = []
    for index, entry in enumerate(data.get("digests", []), start=1):
        where = f"{path}: [[digests]] entry {index}"
        if not isinstance(entry, dict) or "path" not in entry or "date" not in entry:
            raise ConfigError(f"{where} needs both 'path' and 'date'")
        digests.append(DigestSource(path=str(entry["path"]), date=parse_date(entry["date"], where), name=Path(entry["path"]).name))
    names = [d.name for d in digests]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: two digests share a file name; each digest needs its own name")
    return ReviewConfig(
        path=path,
        title=str(review.get("title", "Literature review")),
        digests=tuple(digests),
        tables_dir=path.parent / outputs.get("tables", "build/tables"),
        bib_dir=path.parent / outputs.get("bib", "bib"),
        metadata_cache=path.parent / data.get("enrich", {}).get("cache", "data/arxiv-metadata.jsonl"),
        themes_file=themes_file(path.parent, themes.get("definitions")),
        curation_file=path.parent / themes.get("curation", "data/curation.toml"),
        labels_file=path.parent / themes["labels"] if themes.get("labels") else None,
        extractions_dir=path.parent / themes.get("extractions", "data/extractions"),
        learned=learned_settings(path, themes.get("learned")),
    )


def learned_settings(path: Path, table: object) -> LearnedSettings | None:
    """`[themes.learned]`: `training` (a list of {digest, labels} pairs, paths relative to the config),
    `probability`, `floor` and `c` (see litreview.themes.learned); None when the table is absent."""
    if table is None:
        return None
    where = f"{path}: [themes.learned]"
    if not isinstance(table, dict) or set(table) - {"training", "probability", "floor", "c"}:
        raise ConfigError(f"{where} takes only training, probability, floor and c")
    training = table.get("training")
    if not isinstance(training, list) or not training or not all(isinstance(t, dict) and set(t) == {"digest", "labels"} for t in training):
        raise ConfigError(f"{where}: 'training' must list {{digest = \"...\", labels = \"...\"}} pairs, at least one")
    numbers = {k: table.get(k, getattr(LearnedSettings, k)) for k in ("probability", "floor", "c")}
    if not all(isinstance(v, (int, float)) and v > 0 for v in numbers.values()) or numbers["probability"] >= 1:
        raise ConfigError(f"{where}: probability must be in (0, 1); floor and c positive numbers")
    pairs = tuple((path.parent / t["digest"], path.parent / t["labels"]) for t in training)
    return LearnedSettings(pairs, float(numbers["probability"]), float(numbers["floor"]), float(numbers["c"]))


@contextmanager
def review_locked(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the review's folder while its digests and config are changed.

    The lock is flock(2) on a descriptor of the folder itself: Linux lets a directory be locked, so no
    lock file is left behind (or forgotten in git), and the kernel drops the lock when the process
    ends, however it ends, so a crashed `add` never leaves the review locked. Not review.toml itself:
    it is replaced by an atomic rename, and a lock on the old file would not hold the new one.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def add_digest(config: ReviewConfig, source: str | Path, date: str) -> Path:
    """Validate a digest, copy it into the review under a dated name, and list it in the config.

    Refuses a digest that does not parse cleanly or that is already in the review byte for byte.
    Two `add`s at once both land: the check, the copy and the append happen under `review_locked`,
    against the config as re-read under the lock (not as it was when `config` was loaded).
    Returns the path of the copy.
    """
    source = Path(source)
    date = parse_date(date, str(source))
    digest = load_digest(source)
    problems = [f"line {s.line}: {s.reason}" for s in digest.problems]
    problems += [f"line {p.line}: paper without an abstract" for p in digest.missing_abstracts]
    if problems:
        raise LitreviewError(
            f"{source}: does not parse cleanly, so it was not added ({'; '.join(problems)}); "
            f"run 'litreview check {source}' for details, fix the file and add it again"
        )
    data = source.read_bytes()
    fingerprint = hashlib.sha256(data).hexdigest()
    safe_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", source.stem).strip("-.") or "digest"
    relative = Path("data/digests") / f"{date}-{safe_stem}.txt"
    with review_locked(config.root):
        config = load_config(config.path)
        for existing in config.digests:
            existing_path = config.digest_path(existing)
            if existing_path.exists() and hashlib.sha256(existing_path.read_bytes()).hexdigest() == fingerprint:
                raise LitreviewError(f"{source}: this digest is already in the review, byte for byte, as {existing.path}; nothing was added")
        target = config.root / relative
        if target.exists() or any(d.name == target.name for d in config.digests):
            raise LitreviewError(f"{source}: the review already has a different digest named {relative}; rename the file and add it again")
        write_bytes_atomic(target, data)
        text = config.path.read_text(encoding="utf-8")
        block = f'\n[[digests]]\npath = "{relative.as_posix()}"\ndate = "{date}"\n'
        write_text_atomic(config.path, text.rstrip("\n") + "\n" + block)
    return target
