"""Citations on the built site: a citation opens the paper's page, a bibliography entry links to it,
the bibliography's labels are the citations' author-year text, and a paper page's Cite block is the
short entry a person pastes. On the seed review's real site, and on a tiny review built here."""

from __future__ import annotations

from pathlib import Path

import pybtex.database
import pytest
from bs4 import BeautifulSoup

from litreview.bib.author_year import author_year_text, year_letters


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def bibliography_entries(html: Path) -> dict[str, tuple[str, str]]:
    """paper page (resolved path) -> (label, citation key) of each bibliography entry."""
    entries = {}
    for entry in page(html).select("div.citation"):
        links = [a for a in entry.select("a") if a.get_text() == "Paper page"]
        assert len(links) == 1, entry
        label = entry.select_one("span.label").get_text().strip("[]")
        target = (html.parent / links[0]["href"]).resolve()
        entries[str(target)] = (label, entry["id"])
    return entries


@pytest.fixture(scope="module")
def built(seed_site) -> Path:
    root, result = seed_site
    assert result.returncode == 0, result.stderr
    return root / "docs" / "_build" / "html"


def test_each_bibliography_entry_links_to_its_paper_page_under_a_unique_author_year_label(built: Path):
    entries = bibliography_entries(built / "bibliography.html")
    papers = len(list((built / "_generated" / "papers").glob("*.html")))
    assert papers >= 97 and len(entries) == papers  # other tests may add a digest to this site
    assert all(Path(target).is_file() for target in entries)
    labels = [label for label, _ in entries.values()]
    assert len(set(labels)) == len(labels)
    by_key = {key.removeprefix("cite-1-"): label for label, key in entries.values()}
    assert by_key["bengio2017consciousness"] == "Bengio, 2017"
    assert by_key["ansell2021composable"] == "Ansell et al., 2022"
    assert by_key["aw2023instructiontuning"] == "Aw et al., 2023"
    # Four works of "Wang et al., 2024", lettered in the bibliography's order.
    assert [by_key[k] for k in ("wang2024adapting", "wang2024mindbridge", "wang2024loss", "wang2024haloquest")] == [
        "Wang et al., 2024a", "Wang et al., 2024b", "Wang et al., 2024c", "Wang et al., 2024d"]
    # A landing page of the paper, not of arXiv: the paper page is where its title says it goes.
    bengio = next(t for t, (label, _) in entries.items() if label == "Bengio, 2017")
    assert page(Path(bengio)).h1.get_text().startswith("The Consciousness Prior")


def test_every_citation_on_a_theme_page_opens_the_papers_page_and_reads_as_its_label(built: Path):
    labels = {target: label for target, (label, _) in bibliography_entries(built / "bibliography.html").items()}
    notebooks = sorted((built / "_generated" / "notebooks").glob("0[1-9]-*.html"))
    assert len(notebooks) == 3
    for html in notebooks:
        cited = [(span, a) for span in page(html).select("span.bibtex-citation") for a in span.select("a")]
        assert len(cited) > 20, html.name
        textual = 0
        for span, link in cited:
            assert not link["href"].startswith("../../bibliography"), (html.name, link)
            target = str((html.parent / link["href"]).resolve())
            assert target in labels, (html.name, link["href"])
            if link.get_text() != labels[target]:
                # {cite:t}, "Lermen et al. (2023)": the year is the link, the authors lead up to it.
                authors, year = labels[target].rsplit(", ", 1)
                assert (link.get_text(), span.get_text()) == (year, f"{authors} ({year})"), (html.name, span.get_text())
                textual += 1
        assert textual < len(cited)
    wang = page(built / "_generated" / "notebooks" / "02-hallucination.html").find("a", string=None, title=lambda t: t and "HaloQuest" in t)
    assert wang is not None and wang.get_text() in ("Wang et al., 2024d", "2024d")


def test_the_cite_block_is_the_short_entry_and_the_bib_file_keeps_the_abstract(built: Path, seed_site):
    root, _ = seed_site
    papers = sorted((built / "_generated" / "papers").glob("*.html"))
    assert len(papers) >= 97
    for html in papers:
        block = page(html).select_one("div.highlight-bibtex pre").get_text()
        assert block.startswith("@") and "title = {" in block, html.name
        assert "abstract" not in block, html.name
    assert (root / "bib" / "review.bib").read_text(encoding="utf-8").count("\tabstract = {") == len(papers)


def entry(key: str, authors: list[str], year: str = "", title: str = "A title") -> pybtex.database.Entry:
    fields = {"title": title, **({"year": year} if year else {})}
    made = pybtex.database.Entry("misc", fields=fields, persons={"author": [pybtex.database.Person(name) for name in authors]} if authors else {})
    made.key = key
    return made


def test_author_year_text_as_written_by_hand():
    cases = {
        "one": (["Yoshua Bengio"], "2017", "Bengio, 2017"),
        "two": (["Chengyu Du", "Jinyi Han"], "2024", "Du and Han, 2024"),
        "three": (["Khai Loong Aw", "Syrielle Montariol", "Badr AlKhamissi"], "2023", "Aw et al., 2023"),
        "undated": (["Ada Lovelace"], "", "Lovelace, n.d."),
        "nobody": ([], "", "A title, n.d."),
    }
    for key, (authors, year, expected) in cases.items():
        assert author_year_text(entry(key, authors, year)) == expected
    assert author_year_text(entry("x", ["Xi Wang"], "2024"), {"x": "b"}) == "Wang, 2024b"


def test_works_sharing_an_author_year_text_get_letters_in_bibliography_order():
    works = []
    for key, authors, title in (("b", ["Xi Wang", "Al Bo", "Cy Do"], "Zebra"), ("a", ["Xi Wang", "Al Bo", "Cy Do"], "Apple"),
                                ("c", ["Yu Wang", "Ed Fu", "Gu He"], "Middle"), ("solo", ["Yu Wang"], "Alone")):
        works.append(entry(key, authors, "2024", title))
    # Sorted by authors, then year, then title: Xi Wang's "Apple", "Zebra", then Yu Wang's "Middle".
    assert year_letters(works) == {"a": "a", "b": "b", "c": "c", "solo": ""}
