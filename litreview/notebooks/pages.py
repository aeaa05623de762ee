"""Which notebooks make a review's pages, and the copies that are executed.

litreview ships two generic notebooks (`templates/notebooks/`): the overview, and one theme page
parameterised by theme id. A review's own `notebooks/` holds its curated syntheses: a notebook whose
parameters set `theme = "<id>"` is that theme's page; every other theme gets the generic page, so a
theme added to `themes.toml` has a page without any code. The review's other notebooks are pages of
their own, after the themes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..analysis.synthesis import Discussion, ProseSection, discuss, notebook_parameters, notebook_prose, prose_as_parameter
from ..errors import ConfigError
from ..markup import escape_markdown
from ..themes.rules import ThemeSet
from .execute import prepare_notebook

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "notebooks"
OVERVIEW = TEMPLATES / "00-overview.ipynb"
THEME_TEMPLATE = TEMPLATES / "theme.ipynb"


@dataclass(frozen=True)
class NotebookPage:
    """One notebook page: its source, the name of its page, the theme it is about (if any), whether
    the review curates it, the parameters litreview injects into its executed copy, and the prose of a
    theme page (its sections and the keys they cite; none on a generic page), read once here."""

    source: Path
    stem: str
    theme: str | None = None
    curated: bool = False
    parameters: Mapping[str, object] = field(default_factory=dict)
    title: str | None = None  # the Markdown of the first cell of a generic page
    prose: tuple[ProseSection, ...] = ()


def plan_notebook_pages(themes: ThemeSet, notebooks_dir: Path) -> list[NotebookPage]:
    """The overview, one page per theme (in the order of `themes.toml`), then the review's other notebooks."""
    curated: dict[str, Path] = {}
    prose: dict[str, tuple[ProseSection, ...]] = {}
    others = []
    for path in sorted(Path(notebooks_dir).glob("*.ipynb")) if Path(notebooks_dir).is_dir() else []:
        nb = nbformat.read(path, as_version=4)
        theme = notebook_parameters(nb).get("theme")
        if theme is None:
            others.append(path)
        elif theme not in themes.ids:
            raise ConfigError(f"{path}: its parameters set theme = {theme!r}, which is not a theme of the review "
                              f"(themes: {', '.join(themes.ids)})")
        elif theme in curated:
            raise ConfigError(f"{path}: theme {theme!r} already has its notebook, {curated[theme].name}; keep one")
        else:
            curated[theme], prose[theme] = path, tuple(notebook_prose(nb))
    pages = [NotebookPage(OVERVIEW, OVERVIEW.stem)]
    for theme in themes.themes:
        if theme.id in curated:
            pages.append(NotebookPage(curated[theme.id], curated[theme.id].stem, theme.id, curated=True, prose=prose[theme.id]))
        else:
            title = f"# {escape_markdown(theme.title)}\n\n{escape_markdown(theme.description)}"
            pages.append(NotebookPage(THEME_TEMPLATE, f"theme-{theme.id}", theme.id, parameters={"theme": theme.id}, title=title))
    if any(p.stem == OVERVIEW.stem for p in others):
        raise ConfigError(f"{notebooks_dir}: {OVERVIEW.name} is the name of litreview's overview page; rename the review's notebook")
    return pages + [NotebookPage(path, path.stem) for path in others]


def prepare_page(page: NotebookPage, target_dir: Path, fingerprint: str, parameters: Mapping[str, object] | None = None) -> Path:
    """Write the copy of the page that is executed: the theme pages get their prose injected (what
    their Markdown cites, section by section), the generic ones their theme and title."""
    nb = nbformat.read(page.source, as_version=4)
    injected = {**(parameters or {}), **page.parameters}
    if page.theme is not None:
        injected["prose"] = prose_as_parameter(page.prose)
    if page.title is not None:
        nb.cells[0].source = page.title
    # The prose is Markdown, which jupyter-cache does not hash: the injected code cell carries it,
    # so editing the prose re-executes the page.
    return prepare_notebook(nb, target_dir / f"{page.stem}.ipynb", injected, fingerprint)


def theme_discussions(tables: Mapping[str, object], themes: ThemeSet, pages: list[NotebookPage]) -> list[Discussion]:
    """Each theme's papers against the prose of its page (a generic page has none)."""
    return [discuss(tables, themes[page.theme], page.prose) for page in pages if page.theme is not None]
