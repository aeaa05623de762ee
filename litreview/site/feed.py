"""The review's Atom feed (`feed.xml` at the site's root): one entry per paper, newest digest first,
so that people who follow the review are told when a digest adds papers.

Every date comes from the digests (the date of the digest that added the paper, and of the digest its
current title or abstract was taken from), never from the clock: the same review gives the same bytes.
An entry's id is derived from the paper id alone, so a rebuilt or regrown site never shows a feed
client a paper twice.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping

import pandas as pd

from ..enrich.metadata import authors_by_paper
from .pages import first_appearances

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"
# Ids are name-based UUIDs (RFC 4122 version 5) of the paper id: valid URIs that claim no domain (a tag:
# URI would need a domain the review owns), the same for a paper in every build.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "litreview:atom-feed")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


def entry_id(paper_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, 'paper:' + paper_id)}"


def feed_id(title: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, 'review:' + title)}"


def timestamp(date: str) -> str:
    """A digest's date (YYYY-MM-DD) as an Atom date: midnight UTC."""
    return f"{date}T00:00:00Z"


def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = _NOT_XML.sub("", " ".join(str(text).split()))
    return element


def compute_feed_entries(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per paper: paper_id, title, abstract, added (the date of the digest that added it),
    updated (the newest date of the digests its title and abstract come from, at least `added`),
    newest digest first, then in the digest's order."""
    papers = tables["papers"]
    appearances = tables["paper_digests"]
    first = first_appearances(appearances)[["paper_id", "digest", "digest_date", "position"]]
    dates = dict(zip(appearances["digest"], appearances["digest_date"]))
    entries = papers[["paper_id", "title", "abstract", "title_digest", "abstract_digest"]].merge(first, on="paper_id", how="inner")
    entries["added"] = entries["digest_date"]
    entries["updated"] = [max(filter(None, (added, dates.get(t, ""), dates.get(a, ""))))
                          for added, t, a in zip(entries["added"], entries["title_digest"], entries["abstract_digest"])]
    entries = entries.sort_values(["added", "digest", "position"], ascending=[False, False, True], kind="stable")
    return entries[["paper_id", "title", "abstract", "added", "updated"]].reset_index(drop=True)


def render_feed(title: str, tables: Mapping[str, pd.DataFrame], theme_titles: Mapping[str, str], paper_page: str = "_generated/papers/{}.html") -> bytes:
    """The Atom document. Links are relative to the feed (it sits at the site's root), since a review's
    site may be served from anywhere."""
    entries = compute_feed_entries(tables)
    names = authors_by_paper(tables["authors"])
    paper_themes = tables.get("paper_themes", pd.DataFrame(columns=["paper_id", "theme"]))
    themes = paper_themes.groupby("paper_id")["theme"].agg(lambda s: sorted(set(s))).to_dict() if len(paper_themes) else {}
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    add(feed, "id", feed_id(title))
    add(feed, "title", title)
    add(feed, "subtitle", "The papers of the review, newest digest first.")
    add(feed, "updated", timestamp(entries["updated"].max()) if len(entries) else "1970-01-01T00:00:00Z")
    add(add(feed, "author"), "name", "the review's authors")
    add(feed, "link", rel="self", type="application/atom+xml", href=FEED_FILE)
    add(feed, "link", rel="alternate", type="text/html", href="index.html")
    add(feed, "generator", "litreview")
    for row in entries.itertuples():
        entry = add(feed, "entry")
        add(entry, "id", entry_id(row.paper_id))
        add(entry, "title", row.title)
        add(entry, "link", rel="alternate", type="text/html", href=paper_page.format(row.paper_id))
        add(entry, "published", timestamp(row.added))
        add(entry, "updated", timestamp(row.updated))
        for name in names.get(row.paper_id, []):
            add(add(entry, "author"), "name", name)
        for theme in themes.get(row.paper_id, []):
            add(entry, "category", term=theme, label=theme_titles.get(theme, theme))
        if row.abstract:
            add(entry, "summary", row.abstract, type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
