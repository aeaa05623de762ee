"""What a theme's curated prose discusses, and what it has not discussed yet.

A synthesis is a notebook whose Markdown cells cite papers (`{cite:p}` / `{cite:t}` roles). Its
`##` sections are read here: a section whose heading is a sub-theme's title (from `themes.toml`) is
that sub-theme's section. From that come the counts the prose may quote (the papers a section
cites), the theme's papers that no sentence cites yet, and the disagreements a curator must fix (a
paper discussed under one sub-theme but listed under another, a key that is not in the review).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

from ..markup import escape_markdown, link
from ..themes.rules import Theme

CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
SECTION_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
NOT_YET_DISCUSSED = "not-yet-discussed"


@dataclass(frozen=True)
class ProseSection:
    """One `##` section of a synthesis (title '' for the text before the first heading) and the
    keys it cites, distinct, in the order of their first citation."""

    title: str
    keys: tuple[str, ...]


def read_prose(markdown: Iterable[str]) -> list[ProseSection]:
    """The sections of these Markdown texts, in order, with the keys each cites."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for text in markdown:
        for line in text.splitlines():
            heading = SECTION_HEADING.match(line)
            if heading:
                sections.append((heading.group(1), []))
                continue
            keys = sections[-1][1]
            for role in CITE_ROLE.findall(line):
                keys.extend(k.strip() for k in role.split(",") if k.strip() and k.strip() not in keys)
    return [ProseSection(title, tuple(dict.fromkeys(keys))) for title, keys in sections if keys or title]


def notebook_prose(nb: nbformat.NotebookNode) -> list[ProseSection]:
    """The prose of a notebook: its Markdown cells (generated outputs are not prose)."""
    return read_prose(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def notebook_parameters(nb: nbformat.NotebookNode) -> dict[str, object]:
    """The literal values assigned in the notebook's cell tagged `parameters` (papermill's convention)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            values = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    try:
                        values[node.targets[0].id] = ast.literal_eval(node.value)
                    except ValueError:
                        continue
            return values
    return {}


def prose_as_parameter(sections: Sequence[ProseSection]) -> list[list]:
    """The sections as plain lists, to inject into the notebook that the prose belongs to."""
    return [[s.title, list(s.keys)] for s in sections]


def prose_from_parameter(value: Sequence[Sequence]) -> list[ProseSection]:
    return [ProseSection(str(title), tuple(keys)) for title, keys in value]


def find_theme_notebook(notebooks_dir: Path, theme: str) -> Path | None:
    """The review's curated notebook of this theme: the one whose parameters set `theme` to it."""
    for path in sorted(Path(notebooks_dir).glob("*.ipynb")):
        if notebook_parameters(nbformat.read(path, as_version=4)).get("theme") == theme:
            return path
    return None


def load_prose(notebooks_dir: Path, theme: str) -> list[ProseSection]:
    """The prose of the review's curated notebook of this theme (none: no prose yet)."""
    path = find_theme_notebook(notebooks_dir, theme)
    return notebook_prose(nbformat.read(path, as_version=4)) if path else []


@dataclass(frozen=True)
class Discussion:
    """A theme's papers against its prose.

    `papers`: one row per theme paper (paper_id, citekey, title, subtheme, evidence, discussed);
    `sections`: the prose sections with the theme papers each cites; `subtheme_sections`: sub-theme
    id -> the title of its section in the prose; `problems`: what a curator should fix."""

    theme: Theme
    papers: pd.DataFrame
    sections: tuple[ProseSection, ...]
    subtheme_sections: Mapping[str, str]
    problems: tuple[str, ...]

    @property
    def not_yet_discussed(self) -> pd.DataFrame:
        return self.papers[~self.papers["discussed"]].reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """Numbers the prose may quote: `n_papers`, `n_discussed`, `n_not_yet_discussed`, and for
        each sub-theme `n_<sub_theme>` (hyphens as underscores): the theme papers its section cites."""
        counts = {
            "n_papers": len(self.papers),
            "n_discussed": int(self.papers["discussed"].sum()),
            "n_not_yet_discussed": int((~self.papers["discussed"]).sum()),
        }
        by_title = {s.title: s for s in self.sections}
        for subtheme in self.theme.subthemes:
            section = by_title.get(self.subtheme_sections.get(subtheme.id, ""))
            counts["n_" + subtheme.id.replace("-", "_")] = len(section.keys) if section else 0
        return counts


def discuss(tables: Mapping[str, pd.DataFrame], theme: Theme, prose: Sequence[ProseSection]) -> Discussion:
    """Which of the theme's papers the prose cites, section by section, and what disagrees."""
    rows = tables["paper_themes"][tables["paper_themes"]["theme"] == theme.id]
    papers = rows[["paper_id", "subtheme", "evidence"]].merge(tables["papers"][["paper_id", "citekey", "title"]], on="paper_id", how="left")
    papers = papers.sort_values(["subtheme", "citekey"], kind="stable").reset_index(drop=True)
    review_keys = set(tables["papers"]["citekey"].tolist())
    theme_keys = dict(zip(papers["citekey"].tolist(), papers["subtheme"].tolist()))
    cited = {key for section in prose for key in section.keys}
    papers["discussed"] = papers["citekey"].isin(cited)

    subtheme_by_title = {s.title.casefold(): s.id for s in theme.subthemes}
    subtheme_sections = {subtheme_by_title[s.title.casefold()]: s.title for s in prose if s.title.casefold() in subtheme_by_title}
    sections, problems, home = [], [], {}
    for section in prose:
        sections.append(ProseSection(section.title, tuple(k for k in section.keys if k in theme_keys)))
        subtheme = subtheme_by_title.get(section.title.casefold())
        for key in section.keys:
            if key not in review_keys:
                problems.append(f"section {section.title or '(introduction)'!r} cites {key!r}, which is not a citation key of this review")
            elif subtheme and key not in theme_keys:
                problems.append(f"section {section.title!r} discusses {key!r}, which is not in theme {theme.id!r}; "
                                "cite it outside the sub-theme sections, or include it in the theme in the curation file")
            elif subtheme:
                if theme_keys[key] != subtheme:
                    problems.append(f"section {section.title!r} discusses {key!r}, which is listed under sub-theme "
                                    f"{theme_keys[key]!r}; set its sub-theme in the curation file (with a reason) or discuss it in that section")
                if key in home and home[key] != section.title:
                    problems.append(f"{key!r} is discussed under two sub-theme sections, {home[key]!r} and {section.title!r}; "
                                    "a paper is listed under one sub-theme, so cite it in one of them")
                home.setdefault(key, section.title)
    return Discussion(theme, papers, tuple(sections), subtheme_sections, tuple(problems))


def render_not_yet_discussed(discussion: Discussion) -> str:
    """Markdown: the theme papers no sentence of the prose cites (title, evidence, link to the paper's
    page), under a section labelled `<theme>-not-yet-discussed` (labels are site-wide, so each theme's
    is its own) whose anchor on the page is `#not-yet-discussed`. Empty when the prose cites them all."""
    missing = discussion.not_yet_discussed
    if missing.empty:
        return ""
    lines = [
        f"({discussion.theme.id}-{NOT_YET_DISCUSSED})=",
        "## Not yet discussed",
        "",
        f"No sentence of this page's synthesis cites these {len(missing)} of the theme's {len(discussion.papers)} papers yet. "
        "Each is in the theme for the sentence quoted with it.",
        "",
    ]
    for row in missing.itertuples():
        evidence = f": “{escape_markdown(row.evidence)}”" if row.evidence else ""
        lines.append(f"- {link(row.title, f'/_generated/papers/{row.paper_id}.md')}{evidence}")
    return "\n".join(lines) + "\n"


def describe_status(discussion: Discussion) -> str:
    """One line for `litreview build` and `litreview status`."""
    counts = discussion.counts()
    papers = counts["n_papers"]
    return (f"theme {discussion.theme.id}: {papers} paper{'' if papers == 1 else 's'}, {counts['n_discussed']} discussed, "
            f"{counts['n_not_yet_discussed']} not yet discussed")



def theme_prose(review, theme: str, injected: Sequence[Sequence] | None = None) -> list[ProseSection]:
    """The prose a theme notebook runs with: what litreview injected (the notebook's own Markdown),
    else, opened by hand, the review's curated notebook of the theme (none: no prose yet)."""
    if injected is not None:
        return prose_from_parameter(injected)
    return load_prose(review.config.root / "notebooks", theme) if review.config else []
