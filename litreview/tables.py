"""Turn parsed digests into the tidy tables: papers, paper_digests, links.

Pure functions: digests (records) in, DataFrames out, columns and order as declared in `schema`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

import pandas as pd

from .records import Digest, make_paper_id
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


def build_tables(digests: Sequence[tuple[Digest, str]]) -> dict[str, pd.DataFrame]:
    """Tables from (digest, date) pairs. A paper seen in several digests is one row of `papers`:
    its first appearance (by date, then digest name) gives title and abstract, unless that abstract
    is missing and a later one has it."""
    ordered_digests = sorted(digests, key=lambda pair: (pair[1], pair[0].name))
    papers: dict[str, dict[str, str]] = {}
    appearances = []
    for digest, date in ordered_digests:
        for paper in digest.papers:
            paper_id = make_paper_id(paper.title)
            appearances.append((paper_id, digest.name, date, paper.position, paper.line))
            known = papers.get(paper_id)
            if known is None:
                papers[paper_id] = {"paper_id": paper_id, "title": paper.title, "abstract": paper.abstract}
            elif not known["abstract"] and paper.abstract:
                known["abstract"] = paper.abstract
    papers_frame = pd.DataFrame(list(papers.values()), columns=["paper_id", "title", "abstract"])
    links = [
        (row["paper_id"], url, classify_url(url))
        for row in papers.values()
        for url in dict.fromkeys(find_urls(row["abstract"]))
    ]
    return {
        "papers": ordered(papers_frame, TABLES["papers"]),
        "paper_digests": ordered(pd.DataFrame(appearances, columns=TABLES["paper_digests"].column_names), TABLES["paper_digests"]),
        "links": ordered(pd.DataFrame(links, columns=TABLES["links"].column_names), TABLES["links"]),
    }
