"""The review's Atom feed, read by feedparser as feed readers read it: on the built seed site, and on
a copy of the review before and after `litreview add` (new papers first, old ids unchanged)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import feedparser

from litreview import load_review
from litreview.site.feed import render_feed

from .conftest import copy_review, digest_text, long_abstract, run_litreview

THINK_THRICE = "Think Thrice Before You Act: Progressive Thought Refinement in Large Language Models"


def expected_id(paper_id: str) -> str:
    """RFC 4122 name-based UUID of the paper id, in the namespace the feed's docstring names."""
    return f"urn:uuid:{uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, 'litreview:atom-feed'), 'paper:' + paper_id)}"


def parse(data: bytes) -> feedparser.FeedParserDict:
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_built_site_has_a_valid_feed_of_every_paper_advertised_on_every_page(seed_site):
    root, result = seed_site
    assert result.returncode == 0, result.stderr
    html = root / "docs" / "_build" / "html"
    feed = parse((html / "feed.xml").read_bytes())
    assert len(feed.entries) == 97
    assert feed.feed.title == "Forgetting, hallucination and chain-of-thought: a review of a Hugging Face papers digest"
    assert len({entry.id for entry in feed.entries}) == 97
    for entry in feed.entries:
        assert (html / entry.link).is_file(), entry.link  # relative to the feed, at the site's root
        assert entry.published == entry.updated == "2025-03-11T00:00:00Z"  # the digest's date, not the build's
    # The digest's first paper is the feed's first entry, with its authors, themes and abstract.
    first = feed.entries[0]
    assert first.title == THINK_THRICE and first.link == "_generated/papers/p75348b5ee1a3.html" and first.id == expected_id("p75348b5ee1a3")
    assert [a.name for a in first.authors][:2] == ["Chengyu Du", "Jinyi Han"] and [t.term for t in first.tags] == ["cot"]
    assert first.summary.startswith("Recent advancements in large language models (LLMs) have demonstrated that progressive refinement")
    for page in ("index.html", "search.html", "_generated/catalog.html", "_generated/papers/p75348b5ee1a3.html", "_generated/notebooks/01-forgetting.html"):
        text = (html / page).read_text(encoding="utf-8")
        link = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">', text)
        assert link and (html / page).parent.joinpath(link.group(1)).resolve() == (html / "feed.xml").resolve(), page


def test_a_digest_added_puts_its_new_papers_first_and_keeps_the_old_ids(tmp_path: Path):
    root = copy_review(tmp_path / "review", docs=False)
    review = load_review(root / "review.toml")
    theme_titles = {t.id: t.title for t in review.themes.themes}
    before = parse(render_feed("R", review.tables, theme_titles))
    assert render_feed("R", review.tables, theme_titles) == render_feed("R", load_review(root / "review.toml").tables, theme_titles)

    new = tmp_path / "next.txt"
    new.write_text(digest_text([
        ("A Study of Protein Folding Kinetics", long_abstract("protein folding kinetics in cells")),
        (THINK_THRICE, long_abstract("progressive thought refinement, revised")),
        ("Graph Neural Networks for Weather", long_abstract("weather forecasting with graphs")),
    ]))
    added = run_litreview("add", str(new), "--date", "2025-03-18", cwd=root)
    assert added.returncode == 0, added.stderr
    after = parse(render_feed("R", load_review(root / "review.toml").tables, theme_titles))

    assert len(after.entries) == 99
    assert [e.title for e in after.entries[:2]] == ["A Study of Protein Folding Kinetics", "Graph Neural Networks for Weather"]
    assert [e.published for e in after.entries[:2]] == ["2025-03-18T00:00:00Z"] * 2 and after.feed.updated == "2025-03-18T00:00:00Z"
    old = {e.link: e.id for e in before.entries}
    assert {e.link: e.id for e in after.entries[2:]} == old  # the same papers, in the same order, with the same ids
    assert [e.link for e in after.entries[2:]] == [e.link for e in before.entries]
    # The paper listed again keeps its id and the date it was added; its new text makes it updated.
    again = next(e for e in after.entries if e.title == THINK_THRICE)
    assert again.id == expected_id("p75348b5ee1a3") and again.published == "2025-03-11T00:00:00Z" and again.updated == "2025-03-18T00:00:00Z"
    assert again.summary == long_abstract("progressive thought refinement, revised")
