"""Notebooks that read outside Sphinx: glued values pasted in, citations written out, a reference list.

The review's notebooks are MyST notebooks: their prose uses myst-nb's glue roles and
sphinxcontrib-bibtex's cite roles, and some outputs are Markdown that cites. Only a Sphinx build
resolves those, so an exported notebook (standalone HTML, .py, .ipynb opened in Jupyter) would show
them raw. `readable_notebook` replaces them with what the site shows: the glued text, author-year
citations made with sphinxcontrib-bibtex's templates, and a "References" section formatted by
pybtex's plain style, as the site's bibliography is.

Names and titles come from untrusted digests: in Markdown every piece of them is escaped, so a
title with `<script>` or a role in it stays text.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pybtex.database
import pybtex.plugin
from pybtex.backends import markdown as markdown_backend
from pybtex.backends import plaintext as plaintext_backend
from pybtex.richtext import Text
from pybtex.style.template import FieldIsMissing
from sphinxcontrib.bibtex.style.referencing import BaseReferenceStyle, BracketStyle, PersonStyle, format_references
from sphinxcontrib.bibtex.style.template import join

from ..bib.author_year import lettered_year, year_letters
from ..markup import escape_markdown, escape_markdown_span

GLUE_PREFIX = "application/papermill.record/"  # where myst_nb.glue(..., display=False) puts a value
# A MyST role: {name}`content`, with any number of backticks; a backslash before the brace escapes it.
_ROLE = re.compile(r"(?<!\\)\{(?P<name>[A-Za-z][\w:+.-]*)\}(?P<ticks>`+)(?P<content>.+?)(?P=ticks)", re.S)
# MyST-only lines: targets such as `(label)=` and `%` comments; neither shows on the site.
_MYST_LINE = re.compile(r"^(?:\([^()\s]+\)=|%.*)[ \t]*(?:\n|$)", re.M)
_TITLED = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)  # {ref}`text <target>`
_SAFE_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+$")
_NUMBER = re.compile(r"^[+-]?[0-9][0-9,_]*(?:\.[0-9]+)?%?$")
TEXT_ROLES = {"ref", "doc", "numref", "term", "any", "download"}
# A MyST `table` directive around a pipe table (a caption and options for the site): outside Sphinx, the pipe table alone.
_TABLE_DIRECTIVE = re.compile(r"^(?P<fence>`{3,})\{table\}[^\n]*\n(?::[^\n]*\n)*\n?(?P<table>.*?)^(?P=fence)[ \t]*$", re.M | re.S)


@dataclass
class AuthorYearStyle(BaseReferenceStyle):
    """Author-year references as text, from sphinxcontrib-bibtex's templates (the site uses them
    too), without the link node that only a Sphinx build can resolve: "(Du et al., 2024; Li, 2023)"
    for cite:p, "Du et al. (2024)" for cite:t; the "s" variants list every author."""

    bracket: BracketStyle = field(default_factory=lambda: BracketStyle(left="(", right=")", sep="; "))
    person: PersonStyle = field(default_factory=PersonStyle)
    year_letters: dict[str, str] = field(default_factory=dict)  # "2024a", "2024b", as on the site

    def role_names(self) -> Iterable[str]:
        return ["p", "ps", "t", "ts"]

    def outer(self, role_name: str, children: list) -> object:
        return self.bracket.outer(children, brackets=role_name.startswith("p"))

    def inner(self, role_name: str) -> object:
        authors = self.person.author_or_editor_or_title(full=role_name.endswith("s"))
        if role_name.startswith("p"):
            return join(sep=", ")[authors, lettered_year]
        return join(sep=" ")[authors, join["(", lettered_year, ")"]]


class MarkdownBackend(markdown_backend.Backend):
    """pybtex's Markdown, with every piece of text escaped as in our pages, one line per entry, and
    links only to plain http(s) addresses (an odd URL would end the link and start markup)."""

    symbols = {**markdown_backend.Backend.symbols, "newblock": " "}

    def format_str(self, text: str) -> str:
        return escape_markdown_span(text)

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        return f"[{text}](<{url}>)" if text and _SAFE_URL.match(url) else text


class PlainBackend(plaintext_backend.Backend):
    """pybtex's plain text on one line: for the comments of a .py export, which nothing renders."""

    def format_str(self, text: str) -> str:
        return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class Readable:
    """A notebook made readable, and what it referred to that could not be resolved."""

    notebook: nbformat.NotebookNode
    cited: tuple[str, ...]
    unknown_keys: tuple[str, ...]
    unknown_glue: tuple[str, ...]


def load_bibliography(path: Path) -> pybtex.database.BibliographyData:
    """The review's BibTeX as pybtex reads it (the same reader as the site's)."""
    return pybtex.database.parse_file(str(path), bib_format="bibtex")


def glue_values(nb: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """name -> {mime type: value} of every value the notebook glued without displaying it."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = output.get("data", {})
                values[name] = {k.removeprefix(GLUE_PREFIX): "".join(v) if isinstance(v, list) else v for k, v in data.items()}
    return values


def format_glue_text(text: str, spec: str) -> str:
    """As myst-nb's {glue:text} shows a text/plain value: its literal value (a string loses its
    quotes), formatted by `spec` whose last letter gives the type."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if not spec:
        return str(value)
    kind = spec[-1]
    if kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    elif kind == "s":
        value = str(value)
    return format(value, spec)


class _Converter:
    """The state of one conversion: the bibliography, the glued values, what was cited."""

    def __init__(self, nb: nbformat.NotebookNode, bibliography: pybtex.database.BibliographyData, plain: bool):
        self.entries = bibliography.entries
        self.glue = glue_values(nb)
        self.plain = plain
        self.backend = PlainBackend() if plain else MarkdownBackend()
        self.escape: Callable[[str], str] = (lambda text: " ".join(str(text).split())) if plain else escape_markdown
        self.style = AuthorYearStyle(year_letters=year_letters(bibliography.entries.values()))
        self.cited: dict[str, None] = {}  # in order of first citation
        self.unknown_keys: dict[str, None] = {}
        self.unknown_glue: dict[str, None] = {}

    def convert(self, text: str) -> str:
        return _ROLE.sub(self.role, _TABLE_DIRECTIVE.sub(r"\g<table>", _MYST_LINE.sub("", text)))

    def role(self, match: re.Match) -> str:
        name, content = match["name"], match["content"].strip()
        if name == "cite" or name.startswith("cite:"):
            return self.cite(name.partition(":")[2] or "p", [k.strip() for k in content.split(",") if k.strip()])
        if name == "glue" or name.startswith("glue:"):
            return self.paste(name.partition(":")[2] or "any", content)
        if name in TEXT_ROLES:
            titled = _TITLED.match(content)
            return self.escape(titled["text"] if titled else content)
        return match[0]

    def cite(self, variant: str, keys: list[str]) -> str:
        """Known keys in one author-year citation; an unknown key shown as itself, and reported."""
        role = ("t" if variant.lstrip("c").startswith("t") else "p") + ("s" if variant.endswith("s") else "")
        known = [k for k in keys if k in self.entries]
        self.cited.update(dict.fromkeys(known))
        self.unknown_keys.update(dict.fromkeys(k for k in keys if k not in self.entries))
        parts = [format_references(self.style, role, [(self.entries[k], None, None) for k in known]).render(self.backend)] if known else []
        parts += [self.escape(f"[unknown: {k}]") for k in keys if k not in self.entries]
        return "; ".join(parts)

    def paste(self, kind: str, content: str) -> str:
        """A glued value as text: text/plain (formatted for glue:text), or text/markdown for glue:md."""
        key, _, spec = content.rpartition(":") if kind in {"text", "md"} and ":" in content else (content, "", "")
        data = self.glue.get(key)
        if data is None or "::" in key:  # a value glued in another notebook is not in this one
            self.unknown_glue[key] = None
            return self.escape(f"[unknown: {key}]")
        if kind == "md" and "text/markdown" in data:
            return self.convert(data["text/markdown"])  # Markdown we generated: its roles need converting too
        text = format_glue_text(data.get("text/plain", ""), spec if kind == "text" else "")
        return text if _NUMBER.match(text) else self.escape(text)

    def references(self) -> str:
        """A References section: every cited entry, sorted and formatted by pybtex's plain style."""
        style = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")()
        lines = ["## References", ""]
        for entry in style.sort([self.entries[k] for k in self.cited]):
            try:
                text = style.format_entry("", entry).text
            except FieldIsMissing as exc:
                text = Text(f"{entry.key}: {exc}")
            lines.append("- " + text.render(self.backend))
        return "\n".join(lines) + "\n"


def readable_notebook(nb: nbformat.NotebookNode, bibliography: pybtex.database.BibliographyData, plain: bool = False) -> Readable:
    """A copy of an executed MyST notebook whose Markdown cells and Markdown outputs read without
    Sphinx, with a References section at the end.

    `plain` writes citations and pasted values as plain text instead of escaped Markdown: for a
    .py export, whose Markdown shows only as comments. The glue records are left in the outputs.
    """
    nb = copy.deepcopy(nb)
    converter = _Converter(nb, bibliography, plain)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = converter.convert(cell.source)
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if "text/markdown" in output.get("data", {}):
                output.data["text/markdown"] = converter.convert("".join(output.data["text/markdown"]))
    if converter.cited:
        nb.cells.append(nbformat.v4.new_markdown_cell(converter.references(), id="litreview-references"))
    return Readable(nb, tuple(converter.cited), tuple(converter.unknown_keys), tuple(converter.unknown_glue))
