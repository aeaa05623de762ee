"""Numbers in the prose of the rendered theme pages come from the abstracts they cite, or are counts.

A *prose paragraph* is a `<p>` element of a theme page's article (`<article role="main">`) that
comes from a Markdown cell, that is, one that is not inside a code cell (`<div class="cell ...">`,
which holds code and every generated output: tables, lists and figures) and not inside a
`<table>`. Hand-written list items are paragraphs too (docutils renders `<li><p>`); headings are not.

In a prose paragraph:
- a *number* is a run of digits, with `.` or `,` between digits ("34.4", "3,15", "4" of "GPT-4o");
- numbers inside a rendered citation (`<span class="bibtex-citation">`, "Du et al., 2024") and inside a
  glued value (`<span class="pasted-text">`) are not read as prose;
- every other number must be one of the numbers of the abstract of a paper that the same paragraph
  cites (the abstract's numbers are read the same way, so "39\\%" gives 39 and "93.5" never gives 3);
- every glued value must be a count that matches its section: in a `##` section, the number of
  distinct theme papers that the section's prose paragraphs cite; before the first `##` section,
  the theme's papers or the number of them that the page's prose cites (`n_papers`, `n_discussed`).

A cited paper is found from the citation link's reference text (its `title` attribute, which
sphinxcontrib-bibtex fills with the formatted entry): the paper whose title it contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from litreview import load_review
from litreview.notebooks.pages import plan_notebook_pages

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col"}


@dataclass
class Paragraph:
    section: str  # the id of the `##` section it is in ('' before the first one)
    text: list[str] = field(default_factory=list)  # prose text, without citations and glued values
    references: list[str] = field(default_factory=list)  # the reference text of each citation link
    glued: list[str] = field(default_factory=list)

    @property
    def prose(self) -> str:
        return " ".join("".join(self.text).split())


class ProseParagraphs(HTMLParser):
    """The prose paragraphs of one rendered page, in order (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.paragraphs: list[Paragraph] = []
        self.section, self.current = "", None
        self.in_article = False

    def _inside(self, tag: str, cls: str | None = None) -> bool:
        return any(t == tag and (cls is None or cls in classes) for t, classes in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if tag == "article" and attributes.get("role") == "main":
            self.in_article = True
        if tag == "section" and self.in_article and self._section_depth() == 1:
            self.section = attributes.get("id") or ""
        if tag not in VOID:
            self.stack.append((tag, classes))
        if not self.in_article:
            return
        if tag == "p" and not self._inside("div", "cell") and not self._inside("table") and self.current is None:
            self.current = Paragraph(self.section)
            self.paragraphs.append(self.current)
        elif tag == "a" and self.current is not None and self._inside("span", "bibtex-citation"):
            self.current.references.append(attributes.get("title") or "")

    def _section_depth(self) -> int:
        return sum(1 for t, _ in self.stack if t == "section")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "p" and self.current is not None and not self._inside("p"):
            self.current = None
        if tag == "article":
            self.in_article = False

    def handle_data(self, data):
        if self.current is None:
            return
        if self._inside("span", "pasted-text"):
            self.current.glued.append(data.strip())
        elif not self._inside("span", "bibtex-citation") and not self._inside("a", "headerlink"):
            self.current.text.append(data)


def prose_paragraphs(page: Path) -> list[Paragraph]:
    parser = ProseParagraphs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.paragraphs


def _normal(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def cited_papers(paragraph: Paragraph, papers: pd.DataFrame) -> list[str]:
    """The paper ids the paragraph cites: for each reference text, the paper with the longest title in it."""
    titles = sorted(((_normal(t), pid) for pid, t in zip(papers["paper_id"], papers["title"])), key=lambda p: -len(p[0]))
    found = []
    for reference in paragraph.references:
        text = f" {_normal(reference)} "
        match = next((pid for title, pid in titles if f" {title} " in text), None)
        assert match is not None, f"a citation names no paper of the review: {reference!r}"
        found.append(match)
    return list(dict.fromkeys(found))


def number_problems(root: Path, html: Path | None = None) -> list[str]:
    """Every number of a theme page's prose that neither an abstract it cites nor its count supports.

    `root` is the review's folder; `html` the folder of its rendered notebook pages (by default, the
    site that `litreview build` made there)."""
    review = load_review(root / "review.toml")
    papers, paper_themes = review["papers"], review["paper_themes"]
    numbers = {pid: set(NUMBER.findall(abstract)) for pid, abstract in zip(papers["paper_id"], papers["abstract"])}
    html = html or root / "docs" / "_build" / "html" / "_generated" / "notebooks"
    problems = []
    pages = [p for p in plan_notebook_pages(review.themes, root / "notebooks") if p.theme]
    assert pages, "the review has no theme page"
    for page in pages:
        paragraphs = prose_paragraphs(html / f"{page.stem}.html")
        assert paragraphs, page.stem
        members = set(paper_themes.loc[paper_themes["theme"] == page.theme, "paper_id"])
        cited = [cited_papers(p, papers) for p in paragraphs]
        by_section: dict[str, set[str]] = {}
        for paragraph, ids in zip(paragraphs, cited):
            by_section.setdefault(paragraph.section, set()).update(set(ids) & members)
        discussed = set().union(*by_section.values()) if by_section else set()
        for n, (paragraph, ids) in enumerate(zip(paragraphs, cited), start=1):
            where = f"{page.stem}.html, section {paragraph.section or '(introduction)'}, paragraph {n}"
            supported = set().union(*(numbers[pid] for pid in ids)) if ids else set()
            for number in NUMBER.findall(paragraph.prose):
                if number not in supported:
                    problems.append(f"{where}: {number!r} is in no abstract the paragraph cites "
                                    f"({len(ids)} cited): ...{_around(paragraph.prose, number)}...")
            allowed = {len(by_section[paragraph.section])}
            if paragraph.section == "":
                allowed |= {len(members), len(discussed)}
            for value in paragraph.glued:
                if not value.isdigit() or int(value) not in allowed:
                    problems.append(f"{where}: the glued value {value!r} is not the section's count ({sorted(allowed)})")
    return problems


def _around(text: str, number: str) -> str:
    at = re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", text)
    start = at.start() if at else 0
    return text[max(0, start - 60): start + len(number) + 40]


def test_every_number_in_the_prose_of_theme_pages_is_in_a_cited_abstract_or_is_its_sections_count(seed_site):
    root, result = seed_site
    assert result.returncode == 0, result.stderr[-3000:]
    problems = number_problems(root)
    assert problems == [], "\n".join(problems)


def test_a_number_no_cited_abstract_has_and_a_wrong_count_are_reported(seed_site, tmp_path: Path):
    """The check can fail: one theme page, rendered, with a number added to its first cited paragraph
    and its first section count off by 1000."""
    root, _ = seed_site
    pages = root / "docs" / "_build" / "html" / "_generated" / "notebooks"
    copy = tmp_path / "notebooks"
    copy.mkdir()
    for page in pages.glob("*.html"):
        (copy / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    review = load_review(root / "review.toml")
    stem = next(p.stem for p in plan_notebook_pages(review.themes, root / "notebooks") if p.theme)
    html = (copy / f"{stem}.html").read_text(encoding="utf-8")
    cited = re.search(r'<p>[^\n]*?class="bibtex-citation".*?(?=</p>)', html)
    html = html[:cited.end()] + " It counts 987654 papers." + html[cited.end():]
    section = html.index("<h2")
    glued = re.compile(r'<span class="pasted-text">(\d+)</span>').search(html, section)
    html = html[:glued.start(1)] + str(int(glued.group(1)) + 1000) + html[glued.end(1):]
    (copy / f"{stem}.html").write_text(html, encoding="utf-8")
    problems = number_problems(root, copy)
    assert len(problems) == 2, "\n".join(problems)
    assert "'987654' is in no abstract" in problems[0] or "'987654' is in no abstract" in problems[1]
    assert any(f"glued value '{int(glued.group(1)) + 1000}'" in p for p in problems)
