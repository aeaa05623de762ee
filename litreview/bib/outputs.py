"""`litreview bib` writes the bibliography that `pipeline.bibliography` computes; `--check`: is the
committed bibliography fresh and valid?

Validity is judged by real consumers: bibtexparser v2 (no failed blocks, no duplicate keys or
fields) and pybtex in strict mode.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import bibtexparser
import pybtex.errors
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock
from pybtex.database import parse_string as pybtex_parse_string
from pybtex.exceptions import PybtexError

from ..fileio import write_text_atomic
from ..pipeline import Review, bibliography
from .keys import PROVISIONAL, upgradable


def write_bib_outputs(review: Review, bib_dir: Path) -> list[Path]:
    """Write the review's bibliography (see `pipeline.bibliography`) into `bib_dir`; returns the files."""
    written = []
    for name, text in bibliography(review).items():
        write_text_atomic(bib_dir / name, text)
        written.append(bib_dir / name)
    return written


def consumer_problems(text: str, where: str) -> list[str]:
    """Problems that bibtexparser v2 or strict pybtex find in BibTeX text."""
    problems = []
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        kind = {DuplicateBlockKeyBlock: "duplicate key", DuplicateFieldKeyBlock: "duplicate field"}.get(type(block), "unparsable entry")
        problems.append(f"{where}:{block.start_line + 1}: bibtexparser: {kind}: {block.error}")
    saved = pybtex.errors.strict
    pybtex.errors.strict = True
    try:
        pybtex_parse_string(text, "bibtex")
    except PybtexError as exc:
        problems.append(f"{where}: pybtex: {exc}")
    finally:
        pybtex.errors.strict = saved
    return problems


def provisional_keys(review: Review) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(paper_id, key) of the provisional keys of the review's papers: those whose paper now has
    authors (upgradable by `bib --rekey`), and those whose paper still has none."""
    pins = review.pins
    authored = set(review["authors"]["paper_id"].tolist())
    ready = upgradable(pins, authored)
    key = dict(zip(pins["paper_id"].tolist(), pins["citekey"].tolist()))
    # Pins outlive papers dropped from the review; their keys are nobody's concern now.
    current = set(review["papers"]["paper_id"].tolist())
    waiting = [p for p in pins.loc[pins["status"] == PROVISIONAL, "paper_id"].tolist() if p in current and p not in authored]
    return [(p, key[p]) for p in ready], [(p, key[p]) for p in waiting]


def check_bib(review: Review, bib_dir: Path) -> list[str]:
    """Every problem with the committed bibliography, each naming its file; empty when all is well.

    A provisional key is not a problem while its paper has no authors (an offline review has such
    papers), but once the metadata has them it is: only `bib --rekey` upgrades it, so a check that
    passed would let the key stay provisional forever.
    """
    problems = [
        f"{bib_dir / 'citekeys.csv'}: {paper_id} has authors in the metadata now but its key {key} is still provisional; "
        "run 'litreview bib --rekey' to give it an author-year key"
        for paper_id, key in provisional_keys(review)[0]
    ]
    for name, expected in bibliography(review).items():
        path = bib_dir / name
        if not path.exists():
            problems.append(f"{path}: missing; run 'litreview bib' to write it")
            continue
        actual = path.read_text(encoding="utf-8")
        if name.endswith(".bib"):
            problems += consumer_problems(actual, str(path))
            keys = {entry.key for entry in bibtexparser.parse_string(actual).entries}
            if name == "review.bib":
                missing = sorted(set(review["papers"]["citekey"]) - keys)
                problems += [f"{path}: no entry for {key}" for key in missing]
        if actual != expected:
            diff = list(difflib.unified_diff(actual.splitlines(), expected.splitlines(), "committed", "regenerated", n=0, lineterm=""))
            changed = [line for line in diff[2:] if line[:1] in "+-"]
            problems.append(f"{path}: stale, regeneration would change {len(changed)} line(s), first: {changed[0][:120] if changed else '?'}")
    return problems
