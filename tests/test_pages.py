"""The generated pages (litreview.site.pages and .catalog) on tiny hand-made tables; expected text by hand."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest

from litreview import TABLES
from litreview.site.catalog import render_catalog
from litreview.site.pages import REVIEW_PAGES, render_data_dictionary, render_downloads, render_landing, render_methods, render_whats_new

HOSTILE_TITLE = "Hallucination in <b>LLMs</b>: {cite:t}`x` costs $O(n)$ {{ jinja }}"
ESCAPED_TITLE = r"Hallucination in \<b\>LLMs\<\/b\>\: \{cite\:t\}\`x\` costs \$O\(n\)\$ \{\{ jinja \}\}"


def papers(*rows: tuple[str, str, str, object]) -> pd.DataFrame:
    """(paper_id, title, arxiv_id, year) rows."""
    return pd.DataFrame(rows, columns=["paper_id", "title", "arxiv_id", "year"]).astype({"year": "Int64"})


def test_landing_counts_papers_themes_and_lists_the_pages():
    tables = {
        "papers": papers(("p1", "One", "2401.00001", 2024), ("p2", "Two", "", 2025), ("p3", "Three", "2402.00002", 2024)),
        "paper_themes": pd.DataFrame({"paper_id": ["p1", "p1", "p3"], "theme": ["cot", "hallucination", "cot"]}),
    }
    digests = [("2025-03-11-hf_papers.txt", "2025-03-11", 3)]
    themes = [("cot", "Chain *of* thought", "Reasoning in `steps`.", "/notebooks/cot"), ("hallucination", "Hallucination", "False content.", "")]
    text = render_landing("A <review> of {{ it }}", tables, digests, themes, ["/notebooks/cot"])
    assert text == "\n".join([
        r"# A \<review\> of \{\{ it \}\}",
        "",
        "This review covers **3 papers** from 1 digest(s), 2 of them matched to an arXiv record. 2 papers belong to at least one of its 2 themes; "
        "each paper has its own page, reached from the [catalog](/_generated/catalog.md), the theme pages and the search box.",
        "",
        "| Digest | Date | Papers |",
        "| --- | --- | --- |",
        r"| 2025\-03\-11\-hf\_papers\.txt | 2025\-03\-11 | 3 |",
        "",
        "## Themes",
        "",
        r"### [Chain \*of\* thought](/notebooks/cot) (2 papers)",
        "",
        r"Reasoning in \`steps\`\.",
        "",
        "### Hallucination (1 papers)",
        "",
        r"False content\.",
        "",
        "```{toctree}",
        ":caption: The review",
        ":maxdepth: 1",
        ":hidden:",
        "",
        "/notebooks/cot",
        "/methods", "/_generated/catalog", "/_generated/whats-new", "/bibliography", "/_generated/downloads", "/_generated/data-dictionary",
        "```",
        "",
    ])
    assert REVIEW_PAGES[0] == "/methods" and len(REVIEW_PAGES) == 6


def appearances(*rows: tuple[str, str, str, int]) -> pd.DataFrame:
    """(paper_id, digest, digest_date, position) rows."""
    return pd.DataFrame(rows, columns=["paper_id", "digest", "digest_date", "position"])


def test_whats_new_lists_the_papers_no_earlier_digest_had():
    tables = {
        "papers": papers(("pa", "Seen twice", "", 2024), ("pb", HOSTILE_TITLE, "", 2025), ("pc", "Only early", "", 2024), ("pd", "Also new", "", 2025)),
        # Given out of order: the latest digest is the one of the latest date, not the last row.
        "paper_digests": appearances(("pd", "april.txt", "2025-04-01", 3), ("pa", "march.txt", "2025-03-11", 1), ("pa", "april.txt", "2025-04-01", 1),
                                     ("pb", "april.txt", "2025-04-01", 2), ("pc", "march.txt", "2025-03-11", 2)),
    }
    assert render_whats_new(tables) == (
        "# What's new\n\n"
        r"Papers of the latest digest, april\.txt (2025\-04\-01), that no earlier digest had: **2**." "\n\n"
        f"- [{ESCAPED_TITLE}](papers/pb.md)\n"
        "- [Also new](papers/pd.md)\n"
    )


def test_whats_new_of_a_review_without_digests():
    tables = {"papers": papers(), "paper_digests": appearances()}
    assert render_whats_new(tables) == "# What's new\n\nThe review has no digest yet.\n"


def test_data_dictionary_has_every_table_and_column():
    text = render_data_dictionary()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## `papers`", "## `paper_digests`", "## `links`", "## `authors`", "## `paper_themes`", "## `extractions`"]
    assert list(TABLES) == ["papers", "paper_digests", "links", "authors", "paper_themes", "extractions"]
    assert r"| position | int64 | 1\-based position in the byline\. |" in text
    assert r"| year | Int64 | Year of the first version\; from the arXiv id\'s YYMM when the date is unknown\. |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith(("| column", "| ---"))]
    assert len(rows) == 13 + 5 + 3 + 3 + 7 + 7  # the columns of papers, paper_digests, links, authors, paper_themes, extractions


def test_downloads_link_each_file_and_escape_its_description():
    text = render_downloads([("../_static/downloads/papers.csv", "The papers, as <CSV>"), ("review.bib", "BibTeX {all}")])
    assert text == (
        "# Downloads\n\n| File | What it is |\n| --- | --- |\n"
        r"| {download}`papers.csv <../_static/downloads/papers.csv>` | The papers\, as \<CSV\> |" "\n"
        r"| {download}`review.bib <review.bib>` | BibTeX \{all\} |" "\n"
    )


def test_methods_flow_themes_and_evaluation():
    flow = pd.DataFrame({"step": ["paragraphs read", "papers | kept"], "count": [200, 97]})
    theme_rows = [("cot", "Chain <of> thought", "Steps $x$.", [("prompting", "Prompting"), ("training", "Training *models*")])]
    evaluation = pd.DataFrame({"theme": ["cot"], "f1": [0.5]})
    text = render_methods(flow, theme_rows, [("Holdout {half}", evaluation)])
    assert text == (
        "## The flow of papers\n\n"
        "| step | count |\n| --- | --- |\n| paragraphs read | 200 |\n" r"| papers \| kept | 97 |" "\n\n"
        "## Theme definitions\n\n"
        r"### Chain \<of\> thought (`cot`)" "\n\n" r"Steps \$x\$\." "\n\n" r"Sub-themes: Prompting, Training \*models\*." "\n\n"
        "## Evaluation of the classifier\n\n"
        r"**Holdout \{half\}**" "\n\n| theme | f1 |\n| --- | --- |\n| cot | 0\\.5 |\n\n"
    )


def test_methods_without_labels_says_so():
    text = render_methods(pd.DataFrame({"step": [], "count": []}), [], [])
    assert text.endswith("## Evaluation of the classifier\n\nNo hand labels are configured for this review, so the classifier is not evaluated here.\n")


class Cells(HTMLParser):
    """The rows of the catalog table as text, and the attributes of each row, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.attrs: list[dict[str, str]] = []
        self.links: list[str] = []
        self.options: list[tuple[str, str]] = []
        self._cell: list[str] | None = None
        self._option: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr" and dict(attrs).get("data-year") is not None:
            self.rows.append([])
            self.attrs.append(dict(attrs))
        elif tag == "td" and self.rows:
            self._cell = []
        elif tag == "a" and self._cell is not None:
            self.links.append(dict(attrs)["href"])
        elif tag == "option":
            self._option = dict(attrs)["value"]
            self.options.append((self._option, ""))

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._option is not None:
            self.options[-1] = (self._option, self.options[-1][1] + data)


@pytest.fixture
def catalog() -> tuple[str, Cells]:
    table = papers(("p1", HOSTILE_TITLE, "2401.00001", 2024), ("p2", "Zeta <i>paper</i> & co", "", 2025), ("p3", "No year", "", None),
                   ("p4", "Alpha", "", 2024))
    authors = pd.DataFrame({"paper_id": ["p1", "p1", "p1", "p1", "p2"], "position": [1, 2, 3, 4, 1],
                            "name": ["Ada \"The\" Lovelace", "Alan Turing", "Grace Hopper", "Ivan Vulić", "Łukasz <x>"]})
    paper_themes = pd.DataFrame({"paper_id": ["p1", "p1", "p4"], "theme": ["cot", "hallucination", "cot"],
                                 "subtheme": ["prompting", "detection", "training"]})
    # p1 is in both digests: it was added by the earlier one.
    appearances = pd.DataFrame({"paper_id": ["p1", "p2", "p3", "p4", "p1"], "digest": ["a.txt", "a.txt", "a.txt", "b.txt", "b.txt"],
                                "digest_date": ["2025-03-11", "2025-03-11", "2025-03-11", "2025-03-18", "2025-03-18"], "position": [1, 2, 3, 1, 2]})
    subtheme_titles = {"cot": {"training": "Training <to> reason", "prompting": "Prompting"}, "hallucination": {"detection": "Detecting"}}
    text = render_catalog(table, authors, paper_themes, {"cot": "Chain <of> thought", "hallucination": "Hallucination"}, subtheme_titles, appearances)
    parsed = Cells()
    parsed.feed(text.split("```{raw} html\n", 1)[1])
    return text, parsed


def test_catalog_rows_newest_first_with_literal_text(catalog):
    text, parsed = catalog
    assert text.startswith("# Catalog of papers\n") and text.endswith("</tbody></table>\n```\n")
    assert parsed.rows == [
        ["Zeta <i>paper</i> & co", "Łukasz <x>", "2025", "", "", "a.txt", "2025-03-11"],
        ["Alpha", "", "2024", "Chain <of> thought", "Training <to> reason", "b.txt", "2025-03-18"],
        [HOSTILE_TITLE, 'Ada "The" Lovelace, Alan Turing, Grace Hopper et al.', "2024", "Chain <of> thought, Hallucination", "Prompting, Detecting",
         "a.txt", "2025-03-11"],
        ["No year", "", "", "", "", "a.txt", "2025-03-11"],
    ]
    assert parsed.links == ["papers/p2.html", "papers/p4.html", "papers/p1.html", "papers/p3.html"]
    assert [(a["data-themes"], a["data-subthemes"], a["data-year"]) for a in parsed.attrs] == [
        ("", "", "2025"), ("cot", "cot/training", "2024"), ("cot hallucination", "cot/prompting hallucination/detection", "2024"), ("", "", ""),
    ]
    # The text filter searches the title and every author, also those the cell leaves out.
    assert parsed.attrs[2]["data-text"] == f'{HOSTILE_TITLE} Ada "The" Lovelace Alan Turing Grace Hopper Ivan Vulić'


def test_catalog_filters_offer_each_theme_subtheme_by_title_and_year(catalog):
    text, parsed = catalog
    assert parsed.options == [
        ("", "all"), ("-", "none"), ("cot", "Chain <of> thought"), ("hallucination", "Hallucination"),
        # in the order of the definitions (training before prompting), grouped by theme
        ("", "all"), ("cot/training", "Training <to> reason"), ("cot/prompting", "Prompting"), ("hallucination/detection", "Detecting"),
        ("", "all"), ("2025", "2025"), ("2024", "2024"), ("unknown", "unknown"),
    ]
    assert '<optgroup label="Chain &lt;of&gt; thought" data-theme="cot">' in text
    assert '<output name="count" aria-live="polite">4 of 4 papers</output>' in text
    # Without JavaScript the form does nothing, so it is hidden and the page is a plain table.
    assert '<form class="catalog-filters" autocomplete="off" hidden>' in text and '<button type="submit">' in text
    # Nothing of a title can close the raw block or open a MyST role: no backtick is left in the HTML.
    assert "`" not in text.split("```{raw} html\n", 1)[1].removesuffix("```\n")
