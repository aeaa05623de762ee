"""Per-paper theme decisions written by people (`data/curation.toml`); no code ever writes that file.

    [[include]]                      # the paper belongs to the theme, whatever the rules say
    paper = "p75348b5ee1a3"
    theme = "my-theme"
    subtheme = "my-subtheme"         # optional: the sub-theme to record
    reason = "Fine-tunes on chain-of-thought traces (abstract, sentence 3)."

    [[exclude]]                      # the paper does not belong to the theme
    paper = "p0123456789ab"
    theme = "other-theme"
    reason = "Mentions hallucination once as a side result."

Curation wins over the classifier. Every entry needs a reason; an entry that names an unknown paper
or theme, lacks a reason or repeats a paper and theme is a ConfigError with the file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..fileio import read_toml

ACTIONS = ("include", "exclude")
_KEYS = {"paper", "theme", "subtheme", "reason"}
_HEADER = re.compile(r"^\s*\[\[\s*(include|exclude)\s*\]\]\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=")


@dataclass(frozen=True)
class CurationEntry:
    """One decision: `action` is "include" or "exclude"; `line` is the line of its [[...]] header."""

    action: str
    paper: str
    theme: str
    reason: str
    line: int
    subtheme: str = ""


@dataclass(frozen=True)
class Curation:
    path: str
    entries: tuple[CurationEntry, ...] = ()

    def where(self, entry: CurationEntry) -> str:
        return f"{self.path}:{entry.line}"


def _entry_lines(text: str) -> dict[str, list[tuple[int, dict[str, int]]]]:
    """For each action, in file order: the header line of each block and the line of each of its keys."""
    blocks: dict[str, list[tuple[int, dict[str, int]]]] = {action: [] for action in ACTIONS}
    current: dict[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            current = {}
            blocks[header.group(1)].append((number, current))
        elif line.lstrip().startswith("["):
            current = None
        elif current is not None and _KEY.match(line):
            current.setdefault(_KEY.match(line).group(1), number)
    return blocks


def load_curation(path: str | Path, known_paper_ids: set[str], theme_ids: set[str]) -> Curation:
    """Read and check a curation file against the papers and themes of the review."""
    path = Path(path)
    data, text = read_toml(path, "no curation file here; create it (it may be empty) or pass its path")
    unknown = sorted(set(data) - set(ACTIONS))
    if unknown:
        raise ConfigError(f"{path}: unknown table {unknown[0]!r}; only [[include]] and [[exclude]] entries are allowed")
    lines = _entry_lines(text)
    entries, seen = [], {}
    for action in ACTIONS:
        tables = data.get(action, [])
        if not isinstance(tables, list) or len(tables) != len(lines[action]):
            raise ConfigError(f"{path}: write each {action} entry as its own [[{action}]] block (one key per line)")
        for table, (header, keys) in zip(tables, lines[action]):
            entry = _check_entry(path, action, table, header, keys, known_paper_ids, theme_ids)
            pair = (entry.paper, entry.theme)
            if pair in seen:
                raise ConfigError(f"{path}:{header}: paper {entry.paper} and theme {entry.theme!r} were already decided at line {seen[pair]}; keep one entry")
            seen[pair] = header
            entries.append(entry)
    return Curation(str(path), tuple(sorted(entries, key=lambda e: e.line)))


def _check_entry(path: Path, action: str, table: dict, header: int, keys: dict[str, int],
                 known_paper_ids: set[str], theme_ids: set[str]) -> CurationEntry:
    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}:{keys.get(key, header)}: [[{action}]] entry: {problem}")

    for key in sorted(set(table) - _KEYS):
        raise fail(key, f"unknown key {key!r}; use paper, theme, subtheme and reason")
    for key in ("paper", "theme", "reason"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise fail(key, f"needs a non-empty {key!r}" + (" saying why, from the abstract" if key == "reason" else ""))
    if table["paper"] not in known_paper_ids:
        raise fail("paper", f"unknown paper {table['paper']!r}; use a paper_id of the papers table")
    if table["theme"] not in theme_ids:
        raise fail("theme", f"unknown theme {table['theme']!r}; themes are {', '.join(sorted(theme_ids))}")
    subtheme = table.get("subtheme", "")
    if not isinstance(subtheme, str) or (subtheme and action == "exclude"):
        raise fail("subtheme", "'subtheme' is text, and only an include entry takes one")
    return CurationEntry(action, table["paper"], table["theme"], table["reason"].strip(), header, subtheme)
