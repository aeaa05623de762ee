"""A synthesis knows what it has not discussed: prose sections, counts and the not-yet-discussed list."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from litreview import load_review
from litreview.analysis.synthesis import discuss, read_prose, render_not_yet_discussed
from litreview.themes.rules import Subtheme, Theme

from .conftest import ROOT, copy_review, run_litreview

THEME_PAGES = {"forgetting": "01-forgetting", "hallucination": "02-hallucination", "cot": "03-chain-of-thought"}
OTHER_DIGEST = ROOT / "tests" / "data" / "other-review-digest.txt"
ROLE = re.compile(r"\{cite:[pt]\}`([^`]+)`")
H2_SECTION = re.compile(r'<section id="[^"]+">\s*<h2>(.*?)<a class="headerlink"', re.S)
# A citation opens the cited paper's page: the links inside sphinxcontrib-bibtex's citation spans.
CITATION_SPAN = re.compile(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', re.S)
CITED_PAGE = re.compile(r'<a class="reference internal" href="[^"]*papers/([^"/]+)\.html"')


def cited_pages(html_text: str) -> list[str]:
    return [page for span in CITATION_SPAN.findall(html_text) for page in CITED_PAGE.findall(span)]
QUOTED_COUNT = re.compile(r'The <span class="pasted-text">(\d+)</span> papers')
NOT_YET = re.compile(r'<p class="rubric" id="not-yet-discussed">.*?</ul>', re.S)
PAPER_LINK = re.compile(r'href="[^"]*papers/(p[0-9a-f]+)\.html"')


def theme(subthemes: list[tuple[str, str]]) -> Theme:
    return Theme(id="t", title="T", description="", threshold=1.0, signals=(), negatives=(),
                 subthemes=tuple(Subtheme(id=i, title=title, signals=()) for i, title in subthemes))


def tables(rows: list[tuple[str, str, str]]) -> dict[str, pd.DataFrame]:
    """(paper_id, citekey, subtheme) of theme t's papers, plus one paper outside the theme."""
    papers = pd.DataFrame([(pid, key, f"Title {key}") for pid, key, _ in rows] + [("pout", "outside2024", "Outside")],
                          columns=["paper_id", "citekey", "title"])
    paper_themes = pd.DataFrame([(pid, "t", sub, f"evidence of {key}") for pid, key, sub in rows],
                                columns=["paper_id", "theme", "subtheme", "evidence"])
    return {"papers": papers, "paper_themes": paper_themes}


def test_prose_is_read_section_by_section():
    prose = read_prose([
        "# Title\n\nIntro {cite:p}`a2024x,b2024y`.",
        "## First\n\n{cite:t}`a2024x` and again {cite:p}`c2024z, a2024x`.\n\n## Second ##\n\nNothing cited.",
        "## Third\n\n{cite:p}`b2024y`",
    ])
    assert [(s.title, s.keys) for s in prose] == [
        ("", ("a2024x", "b2024y")), ("First", ("a2024x", "c2024z")), ("Second", ()), ("Third", ("b2024y",)),
    ]


def test_counts_are_the_papers_a_section_cites_and_the_rest_is_not_yet_discussed():
    t = theme([("one", "Section one"), ("two", "Section two")])
    data = tables([("p1", "a2024", "one"), ("p2", "b2024", "one"), ("p3", "c2024", "two"), ("p4", "d2024", "two")])
    prose = read_prose(["Intro {cite:p}`c2024` and {cite:p}`outside2024`.\n\n## Section one\n\n{cite:p}`a2024,b2024`.\n\n## Section two\n\nNone yet."])
    discussion = discuss(data, t, prose)
    assert discussion.counts() == {"n_papers": 4, "n_discussed": 3, "n_not_yet_discussed": 1, "n_one": 2, "n_two": 0}
    assert discussion.not_yet_discussed["paper_id"].tolist() == ["p4"]
    assert discussion.problems == ()
    text = render_not_yet_discussed(discussion)
    assert text.startswith("(t-not-yet-discussed)=\n## Not yet discussed")
    assert "/_generated/papers/p4.md" in text and "p3" not in text and "evidence of d2024" in text


def test_a_paper_discussed_under_another_sub_theme_is_a_problem():
    t = theme([("one", "Section one"), ("two", "Section two")])
    data = tables([("p1", "a2024", "one"), ("p2", "b2024", "two")])
    prose = read_prose(["## Section one\n\n{cite:p}`a2024,b2024,nokey2024`\n\n## Section two\n\n{cite:p}`b2024,a2024,outside2024`"])
    problems = discuss(data, t, prose).problems
    assert any("'b2024', which is listed under sub-theme 'two'" in p for p in problems)
    assert any("'a2024' is discussed under two sub-theme sections" in p for p in problems)
    assert any("'nokey2024', which is not a citation key of this review" in p for p in problems)
    assert any("'outside2024', which is not in theme 't'" in p for p in problems)
    assert len(problems) == 6


def test_a_page_whose_prose_cites_every_paper_has_no_such_section():
    t = theme([("one", "Section one")])
    data = tables([("p1", "a2024", "one")])
    assert render_not_yet_discussed(discuss(data, t, read_prose(["## Section one\n\n{cite:t}`a2024`"]))) == ""


def test_hostile_titles_stay_text_in_the_list():
    t = theme([("one", "Section one")])
    data = tables([("p1", "a2024", "one")])
    data["papers"].loc[0, "title"] = "<script>x</script> {cite:p}`a2024` [link](http://evil)"
    text = render_not_yet_discussed(discuss(data, t, []))
    assert "<script>" not in text and "{cite:p}`" not in text and "](http" not in text


def cited_in_prose(name: str) -> set[str]:
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return {k.strip() for c in nb.cells if c.cell_type == "markdown" for m in ROLE.findall(c.source) for k in m.split(",")}


def sections(page: str) -> dict[str, str]:
    """Each h2 section of a rendered page: its title and its HTML (up to the next section)."""
    starts = [(m.start(), html.unescape(re.sub("<[^>]+>", "", m.group(1))).strip()) for m in H2_SECTION.finditer(page)]
    ends = [s for s, _ in starts[1:]] + [len(page)]
    return {title: page[start:end] for (start, title), end in zip(starts, ends)}


def assert_counts_match_citations(html_dir: Path, review) -> None:
    """Every 'The N papers' in a sub-theme's section is the number of distinct entries the section cites."""
    for theme_id, name in THEME_PAGES.items():
        page = (html_dir / "_generated" / "notebooks" / f"{name}.html").read_text(encoding="utf-8")
        subtheme_titles = {s.title for s in review.themes[theme_id].subthemes}
        checked = 0
        for title, chunk in sections(page).items():
            for quoted in QUOTED_COUNT.findall(chunk):
                assert title in subtheme_titles, (name, title)
                assert int(quoted) == len(set(cited_pages(chunk))), (name, title)
                checked += 1
        assert checked >= 3, name


def not_yet_listed(page: str) -> set[str]:
    match = NOT_YET.search(page)
    return set(PAPER_LINK.findall(match.group(0))) if match else set()


def test_the_seed_syntheses_discuss_every_paper_and_quote_true_counts(seed_site):
    root, result = seed_site
    assert result.returncode == 0, result.stdout + result.stderr
    html_dir = root / "docs" / "_build" / "html"
    for name in THEME_PAGES.values():
        assert not NOT_YET.search((html_dir / "_generated" / "notebooks" / f"{name}.html").read_text(encoding="utf-8"))
    assert_counts_match_citations(html_dir, load_review(root / "review.toml"))
    for theme_id in THEME_PAGES:
        assert f"theme {theme_id}: " in result.stdout and "0 not yet discussed" in result.stdout
    status = run_litreview("status", cwd=root)
    assert status.returncode == 0, status.stdout + status.stderr  # no prose problem in our review
    assert status.stdout.count("0 not yet discussed") == 3


@pytest.fixture(scope="module")
def grown_site(tmp_path_factory: pytest.TempPathFactory):
    """A copy of our review to which a digest of other papers was added, then built."""
    root = copy_review(tmp_path_factory.mktemp("grown"))
    digest = root.parent / "2025-05-20-more.txt"
    shutil.copy(OTHER_DIGEST, digest)
    added = run_litreview("add", str(digest), "--date", "2025-05-20", cwd=root)
    assert added.returncode == 0, added.stderr
    return root, run_litreview("build", cwd=root)


def test_a_growing_review_lists_exactly_the_papers_its_prose_does_not_discuss(grown_site):
    root, result = grown_site
    assert result.returncode == 0, result.stdout + result.stderr
    review = load_review(root / "review.toml")
    html_dir = root / "docs" / "_build" / "html"
    keys = review["papers"].set_index("paper_id")["citekey"]
    grew = 0
    for theme_id, name in THEME_PAGES.items():
        members = review["paper_themes"].loc[review["paper_themes"]["theme"] == theme_id, "paper_id"]
        expected = {pid for pid in members if keys[pid] not in cited_in_prose(name)}
        page = (html_dir / "_generated" / "notebooks" / f"{name}.html").read_text(encoding="utf-8")
        assert not_yet_listed(page) == expected, theme_id
        line = f"theme {theme_id}: {len(members)} papers, {len(members) - len(expected)} discussed, {len(expected)} not yet discussed"
        assert line in result.stdout
        grew += len(expected)
    assert grew >= 3  # the added digest brought theme papers that no sentence discusses yet
    assert_counts_match_citations(html_dir, review)
