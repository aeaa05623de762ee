"""Citations on the site as readers use them: a citation in the text opens the cited paper's page,
each bibliography entry links to its paper page too, and the bibliography's labels are the
author-year text that the citations print ("Bengio, 2017"), not numbers.

Two works with the same author-year text get letters, "Wang et al., 2024a" and "2024b", in the
citations and the labels alike, as author-year styles do, lettered in the bibliography's order.

Paper pages are listed, citation key -> page name, in the `citekeys.json` beside them
(site/paper_pages.py), and this extension marks them as orphans. A key with no page (a review may
cite works from elsewhere) keeps sphinxcontrib-bibtex's link to the bibliography.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from docutils import nodes
from pybtex.database import Entry
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join, join2, post_text, pre_text, reference

from ..bib.author_year import author_year_text, lettered_year, year_letters

PAPER_INDEX = "citekeys.json"  # beside generated paper pages: citation key -> page name
# Ids of bibliography entries (sphinxcontrib-bibtex's `bibtex_cite_id`): the key can be read back.
CITE_ID = "cite-{bibliography_count}-{key}"
_CITE_FRAGMENT = re.compile(r"#cite-\d+-(?P<key>.+)$")
STYLE = "litreview"  # pybtex formatting style of the bibliography
REFERENCE_STYLE = "litreview-author-year"  # sphinxcontrib-bibtex referencing style of the citations
PAPER_PAGE_TEXT = "Paper page"
LOGGER = logging.getLogger(__name__)


class AuthorYearLabelStyle(BaseLabelStyle):
    """Bibliography labels equal to the entries' author-year citations."""

    year_letters: Mapping[str, str] = {}

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        for entry in sorted_entries:
            yield author_year_text(entry, self.year_letters)


def author_year_style(letters: Mapping[str, str]) -> type:
    """pybtex's `plain` formatting style with author-year labels lettered by `letters`."""
    labels = type("LetteredLabelStyle", (AuthorYearLabelStyle,), {"year_letters": dict(letters)})
    plain = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")
    return type("AuthorYearStyle", (plain,), {"default_label_style": labels})


@dataclasses.dataclass
class LetteredParenthetical(BasicAuthorYearParentheticalReferenceStyle):
    def inner(self, role_name: str) -> Any:
        author = self.person.author_or_editor_or_title(full="s" in role_name)
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text, reference[join(sep=self.author_year_sep)[author, lettered_year]], post_text]


@dataclasses.dataclass
class LetteredTextual(BasicAuthorYearTextualReferenceStyle):
    def inner(self, role_name: str) -> Any:
        around = join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[pre_text, reference[lettered_year], post_text]
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name), join[self.bracket.left, around, self.bracket.right]]


@dataclasses.dataclass
class LetteredYear(ExtraYearReferenceStyle):
    def inner(self, role_name: str) -> Any:
        return reference[lettered_year]


LETTERED = {BasicAuthorYearParentheticalReferenceStyle: LetteredParenthetical,
            BasicAuthorYearTextualReferenceStyle: LetteredTextual, ExtraYearReferenceStyle: LetteredYear}


def round_brackets() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclasses.dataclass
class LetteredAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author-year citations in round brackets, "(Bengio, 2017; Du and Han,
    2024)" and "Bengio (2017)", with the letters of `year_letters`."""

    bracket_textual: BracketStyle = dataclasses.field(default_factory=round_brackets)
    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=round_brackets)
    bracket_year: BracketStyle = dataclasses.field(default_factory=round_brackets)
    year_letters: dict[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.styles = [
            LETTERED[type(style)](**{f.name: getattr(style, f.name) for f in dataclasses.fields(style) if f.init})
            if type(style) in LETTERED else style
            for style in self.styles
        ]
        self.role_style = {role: style for style in self.styles for role in style.role_names()}


def on_builder_inited(app: Sphinx) -> None:
    """Letter the works of the review's bibliography for its citations and its labels alike; after
    sphinxcontrib-bibtex's own handler (priority 500), which reads the files and makes the style."""
    domain = app.env.get_domain("cite")
    letters = year_letters(domain.bibdata.data.entries.values())
    if isinstance(domain.reference_style, LetteredAuthorYearReferenceStyle):
        domain.reference_style.year_letters = letters
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE, author_year_style(letters), force=True)


def paper_pages(env: Any) -> dict[str, str]:
    """citation key -> docname of each paper page listed in a PAPER_INDEX beside it (and found by Sphinx)."""
    pages: dict[str, str] = {}
    for folder in sorted({posixpath.dirname(docname) for docname in env.found_docs}):
        index = Path(env.srcdir, folder, PAPER_INDEX)
        if not index.is_file():
            continue
        try:
            listed = json.loads(index.read_text(encoding="utf-8"))
            pages.update({str(key): docname for key, name in listed.items() if (docname := posixpath.join(folder, str(name))) in env.found_docs})
        except (ValueError, AttributeError) as exc:
            LOGGER.warning(f"{index}: not an index of paper pages (citation key -> page name): {exc}; "
                           "`litreview build` writes it again with the pages", type="litreview", subtype="paper_index")
    return pages


def on_env_updated(app: Sphinx, env: Any) -> list[str]:
    """Once every page is read: the paper pages are orphans (reached from the catalog and citations,
    in no toctree), and the paper page of each citation id (asked by every page written, so made
    once per build, not once per page: that was quadratic in the pages)."""
    pages = paper_pages(env)
    for docname in pages.values():
        env.metadata[docname]["orphan"] = True
    env.litreview_paper_pages = {nodes.make_id(key): docname for key, docname in pages.items()}
    return []


def link_citations_to_paper_pages(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Point citations at paper pages and give each bibliography entry a link to its paper page,
    once Sphinx has resolved the citations (doctree-resolved follows every post-transform)."""
    if app.builder.format != "html":
        return
    pages = app.env.litreview_paper_pages  # set once the pages are read (on_env_updated), before any is written
    builder = app.builder
    for citation in doctree.findall(nodes.inline):
        if "bibtex-citation" not in citation["classes"]:
            continue
        for cited in citation.findall(nodes.reference):
            match = _CITE_FRAGMENT.search(cited.get("refuri", ""))
            if match and match["key"] in pages:
                cited["refuri"] = builder.get_relative_uri(docname, pages[match["key"]])
    for entry in doctree.findall(nodes.citation):
        keys = [m["key"] for m in map(_CITE_FRAGMENT.search, (f"#{i}" for i in entry["ids"])) if m]
        page = next((pages[key] for key in keys if key in pages), None)
        paragraphs = list(entry.findall(nodes.paragraph))
        if page is None or not paragraphs:
            continue
        link = nodes.reference("", PAPER_PAGE_TEXT, refuri=builder.get_relative_uri(docname, page), internal=True)
        paragraphs[-1] += [nodes.Text(" "), link]


def setup(app: Sphinx) -> dict[str, Any]:
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE, author_year_style({}))
    sphinxcontrib.bibtex.plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE,
                                                LetteredAuthorYearReferenceStyle, force=True)
    app.connect("builder-inited", on_builder_inited, priority=600)
    app.connect("env-updated", on_env_updated)
    app.connect("doctree-resolved", link_citations_to_paper_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
