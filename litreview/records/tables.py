"""Turn parsed digests into the tidy tables (papers, paper_digests, links) and say which texts a newer
digest revised.

Pure functions: digests (records) in, DataFrames out, columns and order as declared in `schema`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

import pandas as pd

from .model import Digest, Paper, Revision, make_paper_id
from .schema import TABLES, Table

URL = re.compile(r"https?://[^\s<>\"'`]+")
_TRAILING = ".,;:!?'\""
_PAIRS = {")": "(", "]": "[", "}": "{"}

CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net")
DATA_HOSTS = ("zenodo.org", "figshare.com", "kaggle.com", "dataverse.harvard.edu", "physionet.org")
PROJECT_HOST_SUFFIXES = (".github.io", ".gitlab.io", ".pages.dev", ".netlify.app", ".vercel.app")


def clean_url(url: str) -> str:
    """Drop sentence punctuation and closing brackets that the URL did not open."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _PAIRS and url.count(last) > url.count(_PAIRS[last]):
            url = url[:-1]
        else:
            break
    return url


def find_urls(text: str) -> list[str]:
    return [url for url in (clean_url(m) for m in URL.findall(text)) if urlsplit(url).netloc]


def classify_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.lower()
    if host == "huggingface.co":
        if path.startswith("/datasets/"):
            return "data"
        return "project page" if path.startswith("/spaces/") else "other"
    if host in CODE_HOSTS:
        return "code"
    if host in DATA_HOSTS:
        return "data"
    if host.endswith(PROJECT_HOST_SUFFIXES) or host == "sites.google.com":
        return "project page"
    return "other"


def ordered(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The declared columns present in `frame` (a stage may add the rest later), in the declared
    order and dtypes; rows sorted stably."""
    columns = [c for c in table.columns if c.name in frame.columns]
    frame = frame[[c.name for c in columns]].astype({c.name: c.dtype for c in columns})
    if table.sort_by and len(frame):
        frame = frame.sort_values(list(table.sort_by), kind="stable")
    return frame.reset_index(drop=True)


def _take_text(row: dict[str, str], field: str, paper: Paper, date: str) -> None:
    """Make `paper`'s title or abstract the row's, noting the digest (and date) it came from."""
    row[field], row[f"{field}_digest"], row[f"{field}_date"] = getattr(paper, field), paper.digest, date


def _revision(kind: str, row: dict[str, str], replaced: str, paper: Paper, date: str) -> Revision:
    """`paper` revises the row's text; `replaced` names the field whose source it replaces."""
    return Revision(row["paper_id"], kind, paper.title, paper.digest, date, paper.line, row[f"{replaced}_digest"], row[f"{replaced}_date"])


def _merge(digests: Sequence[tuple[Digest, str]]) -> tuple[list[dict[str, str]], list[tuple], list[Revision]]:
    """One row per paper (texts and where they came from), one per appearance, and every revision.

    Digests are taken oldest first: by date, then by their order in `digests` (the order of
    review.toml), so a later digest of the same date counts as the newer. A paper's row is placed
    by its first appearance; its title is the newest one, its abstract the newest one not empty.
    """
    order = sorted(range(len(digests)), key=lambda i: (digests[i][1], i))
    papers: dict[str, dict[str, str]] = {}
    appearances, revisions = [], []
    for digest, date in (digests[i] for i in order):
        for paper in digest.papers:
            paper_id = make_paper_id(paper.title)
            appearances.append((paper_id, digest.name, date, paper.position, paper.line))
            known = papers.get(paper_id)
            new = known is None
            if new:
                known = papers[paper_id] = {"paper_id": paper_id, "title": paper.title, "abstract": "", "abstract_digest": ""}
            if paper.abstract:  # a newer digest without the abstract does not remove it
                if not new and paper.abstract != known["abstract"]:
                    # a missing abstract was last seen in the digest the title comes from (so far)
                    kind, source = ("abstract", "abstract") if known["abstract"] else ("added abstract", "title")
                    revisions.append(_revision(kind, known, source, paper, date))
                _take_text(known, "abstract", paper, date)
            if paper.title != known["title"]:
                revisions.append(_revision("title", known, "title", paper, date))
            _take_text(known, "title", paper, date)  # the newest title, also when it is the same text
    return list(papers.values()), appearances, revisions


def find_revisions(digests: Sequence[tuple[Digest, str]]) -> tuple[Revision, ...]:
    """Each time a newer digest changes the title or abstract of a paper seen before, oldest first."""
    return tuple(_merge(digests)[2])


def build_tables(digests: Sequence[tuple[Digest, str]]) -> dict[str, pd.DataFrame]:
    """Tables from (digest, date) pairs. A paper seen in several digests is one row of `papers`, in
    the place of its first appearance, with the newest title and the newest non-empty abstract
    (see `_merge`); title_digest and abstract_digest name the digests they were taken from."""
    rows, appearances, _ = _merge(digests)
    papers_frame = pd.DataFrame(rows, columns=["paper_id", "title", "abstract", "title_digest", "abstract_digest"])
    links = [(row["paper_id"], url, classify_url(url)) for row in rows for url in dict.fromkeys(find_urls(row["abstract"]))]
    return {
        "papers": ordered(papers_frame, TABLES["papers"]),
        "paper_digests": ordered(pd.DataFrame(appearances, columns=TABLES["paper_digests"].column_names), TABLES["paper_digests"]),
        "links": ordered(pd.DataFrame(links, columns=TABLES["links"].column_names), TABLES["links"]),
    }
