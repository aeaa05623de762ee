"""Author-year citation text, the same wherever a review is read: "Bengio, 2017", "Du and Han,
2024", "Aw et al., 2023", made with sphinxcontrib-bibtex's templates and default person style. Works
that share that text get letters, "Wang et al., 2024a" and "2024b", in the order of the
bibliography (pybtex's author-year-title sorting), as author-year styles do. The site's citations and
bibliography labels (site/citations.py) and the readable notebook exports use it.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

import pybtex.plugin
from pybtex.database import Entry
from pybtex.style.template import node
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.template import join, year


@node
def lettered_year(children: list, data: dict) -> Any:
    """The year of a citation ("n.d." without one) and the work's letter, from the `year_letters`
    of the style formatting it."""
    assert not children
    letters = getattr(data["style"], "year_letters", {})
    return join[year, letters.get(data["entry"].key, "")].format_data(data)


@functools.cache
def _text_template() -> tuple[PersonStyle, Any, Any]:
    # Made once: each PersonStyle and each backend lookup makes pybtex scan every installed package's
    # entry points (tens of milliseconds), which once per entry cost seconds per build.
    person = PersonStyle()
    template = join(sep=", ")[person.author_or_editor_or_title(full=False), lettered_year]
    return person, template, pybtex.plugin.find_plugin("pybtex.backends", "plaintext")()


def author_year_text(entry: Entry, letters: Mapping[str, str] | None = None) -> str:
    """"Bengio, 2017", "Du and Han, 2024", "Aw et al., 2023" (sphinxcontrib-bibtex's author-year
    text, default person style; the title for a work without authors), with the entry's letter."""
    person, template, plaintext = _text_template()
    style = SimpleNamespace(person=person, year_letters=letters or {})
    return template.format_data({"entry": entry, "style": style}).render(plaintext)


def year_letters(entries: Iterable[Entry]) -> dict[str, str]:
    """citation key -> its letter: "a", "b", ... for works that share an author-year text, in the
    order of pybtex's author-year-title sorting (the bibliography's); "" for the others."""
    groups: dict[str, list[str]] = {}
    for entry in pybtex.plugin.find_plugin("pybtex.style.sorting", "author_year_title")().sort(list(entries)):
        groups.setdefault(author_year_text(entry), []).append(entry.key)
    letters = {}
    for keys in groups.values():
        for index, key in enumerate(keys):
            letters[key] = "" if len(keys) == 1 else (string.ascii_lowercase[index] if index < 26 else str(index + 1))
    return letters
