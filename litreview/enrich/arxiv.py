"""Opt-in online enrichment: ask the arXiv API for papers that the offline metadata cache lacks.

One request per title (a ``ti:"..."`` phrase query), paced at least ``min_interval`` seconds apart as
arXiv's terms of use ask, retried with exponential backoff on 5xx, 429, read timeouts and dropped
connections: problems of one title, reported per title. Not being able to connect at all (refused,
DNS, connect timeout) is a problem of the whole run: it stops at once, without retrying, when arXiv has
not answered yet in this run (no network: asking about each paper would only fail again, slowly), and
after the usual retries when it has. Each paper found becomes a record in the cache's JSON shape and is
handed to ``on_record`` at once, so an interrupted run keeps everything it already fetched. Nothing here runs unless called:
builds and tests stay offline (the tests use a local server).
"""

from __future__ import annotations

import json
import logging
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
from rapidfuzz import fuzz

from ..errors import ConfigError
from ..fileio import write_text_atomic
from ..records.model import normalise_title
from .metadata import CACHE_KEYS

logger = logging.getLogger(__name__)

ARXIV_API = "https://export.arxiv.org/api/query"
NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
MAX_RESULTS = 5
MIN_SIMILARITY = 90.0
_ABS_ID = re.compile(r"/abs/(?P<id>.+?)(?:v\d+)?$")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FetchResult:
    """What a run found (cache records), found nothing for, and could not ask about (with why).

    `unreachable` is empty, or why the run stopped because the API address could not be connected to
    at all (e.g. "cannot connect: [Errno 111] Connection refused"); `not_asked` are then the titles
    left, the one being asked first.
    """

    found: tuple[dict, ...] = ()
    not_found: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    unreachable: str = ""
    not_asked: tuple[str, ...] = ()


class _Failure(Exception):
    """A title that could not be looked up; its message is the reason reported in ``failed``."""


class _Unreachable(Exception):
    """No connection to the server at all; its message is the reason (the run stops)."""


# Errors before any byte reached the server: the address, not the title, is the problem.
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol)


def _connect_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out while connecting"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"unsupported address: {exc}"
    return f"cannot connect: {exc}" if str(exc) else f"cannot connect ({type(exc).__name__})"


class _Pacer:
    """Keeps requests at least ``min_interval`` apart, sleeping (through ``sleep``) only as needed."""

    def __init__(self, min_interval: float, sleep: Callable[[float], None]) -> None:
        self.min_interval, self.sleep = min_interval, sleep
        self._last: float | None = None

    def wait(self, at_least: float = 0.0) -> None:
        """Sleep for `at_least` seconds or until the interval since the last request has passed."""
        delay = at_least
        if self._last is not None:
            delay = max(delay, self._last + self.min_interval - time.monotonic())
        if delay > 0:
            self.sleep(delay)
        self._last = time.monotonic()


def _collapse(text: str | None) -> str:
    return _WHITESPACE.sub(" ", text or "").strip()


def _get_feed(
    client: httpx.Client, url: str, title: str, pacer: _Pacer, *, retries: int, backoff: float, timeout: httpx.Timeout,
    answered: bool,
) -> bytes:
    """GET the Atom feed for one title, retrying transient failures; raises `_Failure` when giving up
    on the title, `_Unreachable` when the server cannot be connected to (at once if it has not
    `answered` in this run, else once the retries are used up)."""
    phrase = _collapse(title.replace('"', " ").replace("\\", " "))
    params = {"search_query": f'ti:"{phrase}"', "start": "0", "max_results": str(MAX_RESULTS)}
    attempts = max(1, retries)
    delay, reason, connect_failed = 0.0, "", False
    for attempt in range(1, attempts + 1):
        pacer.wait(delay)
        delay = backoff * 2 ** (attempt - 1)
        connect_failed = False
        try:
            response = client.get(url, params=params, timeout=timeout, follow_redirects=True)
        except _CONNECT_ERRORS as exc:
            reason, connect_failed = _connect_reason(exc), True
            if not answered or isinstance(exc, httpx.UnsupportedProtocol):
                raise _Unreachable(reason) from None
        except httpx.TimeoutException:
            reason = "timed out"
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            reason = f"connection error ({type(exc).__name__})"
        except httpx.TransportError as exc:  # e.g. a proxy error: not transient
            raise _Failure(f"request failed: {type(exc).__name__}: {exc}") from None
        else:
            if response.status_code == 429 or response.is_server_error:
                reason = f"HTTP {response.status_code}"
            elif not response.is_success:
                raise _Failure(f"HTTP {response.status_code}")
            else:
                return response.content
        logger.debug("arXiv request for %r: %s (attempt %d of %d)", title, reason, attempt, attempts)
    if connect_failed:  # it answered earlier in the run but cannot be reached now: so for every title
        raise _Unreachable(f"{reason} (after {attempts} attempts)")
    raise _Failure(f"{reason} after {attempts} attempts")


def _parse_entries(content: bytes) -> list[dict]:
    """The entries of an arXiv Atom feed, their titles on one line; raises `_Failure` if malformed."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise _Failure(f"malformed Atom response: {exc}") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise _Failure(f"malformed Atom response: root element is {root.tag!r}, not an Atom feed")
    entries = []
    for entry in root.findall("atom:entry", NS):
        entry_id = _collapse(entry.findtext("atom:id", namespaces=NS))
        if "/api/errors" in entry_id:  # arXiv reports a bad query as HTTP 200 with an entry titled Error
            raise _Failure(f"arXiv API error: {_collapse(entry.findtext('atom:summary', namespaces=NS))}")
        match = _ABS_ID.search(entry_id)
        title = _collapse(entry.findtext("atom:title", namespaces=NS))
        published = _collapse(entry.findtext("atom:published", namespaces=NS))[:10]
        category = entry.find("arxiv:primary_category", NS)
        try:
            date.fromisoformat(published)
        except ValueError:
            raise _Failure(f"malformed Atom response: entry {entry_id!r} has no valid <published> date") from None
        if match is None or not title or category is None or not category.get("term"):
            raise _Failure(f"malformed Atom response: entry {entry_id!r} lacks an arXiv id, title or primary category")
        journal_ref = _collapse(entry.findtext("arxiv:journal_ref", namespaces=NS))
        authors = [_collapse(a.findtext("atom:name", namespaces=NS)) for a in entry.findall("atom:author", NS)]
        entries.append(
            {
                "feed_title": title,
                "arxiv_id": match["id"],
                "authors": authors,
                "published": published,
                "primary_category": category.get("term"),
                "venue": journal_ref or None,
            }
        )
    return entries


def _best_match(title: str, entries: list[dict]) -> dict | None:
    """The cache record for the entry whose title is most like `title` (>= MIN_SIMILARITY), else None."""
    wanted = normalise_title(title)
    scored = [(fuzz.ratio(wanted, normalise_title(e["feed_title"])), -i, e) for i, e in enumerate(entries)]
    if not scored:
        return None
    score, _, entry = max(scored, key=lambda item: item[:2])
    if score < MIN_SIMILARITY:
        logger.info("arXiv: no title similar enough to %r (best %.0f: %r)", title, score, entry["feed_title"])
        return None
    fields = {key: entry[key] for key in CACHE_KEYS[1:-1]}
    return {"title": title, **fields, "checked": False}


def fetch_arxiv_records(
    titles: Sequence[str],
    client: httpx.Client,
    *,
    base_url: str = ARXIV_API,
    min_interval: float = 3.0,
    retries: int = 3,
    backoff: float = 2.0,
    timeout: float = 20.0,
    connect_timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
    on_record: Callable[[dict], None] | None = None,
) -> FetchResult:
    """Look each title up on arXiv (one request each) and return what was found, not found and failed.

    `retries` is the number of attempts per title; the n-th retry waits ``backoff * 2**(n-1)`` seconds
    (or longer if `min_interval` demands). A connection that cannot be made stops the run (see the
    module docstring); the result then says why in `unreachable` and lists the titles `not_asked`.
    `connect_timeout` bounds how long one connection attempt may take (within `timeout`). A title
    repeated (after normalising) is asked about once. `on_record` is called with each record as soon
    as it is found; an exception it raises stops the run and propagates, so records it already saved
    stay saved.
    """
    pacer = _Pacer(min_interval, sleep)
    limits = httpx.Timeout(timeout, connect=min(timeout, connect_timeout))
    found: list[dict] = []
    not_found: list[str] = []
    failed: list[tuple[str, str]] = []
    first_spelling: dict[str, str] = {}
    for title in titles:
        first_spelling.setdefault(normalise_title(title), title)
    unique = list(first_spelling.values())
    for index, title in enumerate(unique):
        # Every title done so far got through to the server at least once: before that, a failed
        # connection ends the run, it is not counted as a failed title.
        answered = bool(found or not_found or failed)
        try:
            content = _get_feed(client, base_url, title, pacer, retries=retries, backoff=backoff, timeout=limits, answered=answered)
            record = _best_match(title, _parse_entries(content))
        except _Unreachable as exc:
            logger.info("arXiv could not be reached at %s: %s", base_url, exc)
            return FetchResult(tuple(found), tuple(not_found), tuple(failed), unreachable=str(exc), not_asked=tuple(unique[index:]))
        except _Failure as exc:
            logger.info("arXiv lookup failed for %r: %s", title, exc)
            failed.append((title, str(exc)))
            continue
        if record is None:
            not_found.append(title)
            continue
        found.append(record)
        if on_record is not None:
            on_record(record)
    return FetchResult(tuple(found), tuple(not_found), tuple(failed))


def append_to_cache(cache_path: Path, records: Iterable[dict]) -> int:
    """Add the records whose title is not yet in the JSON-lines cache; returns how many were added.

    Existing lines are kept byte for byte; the file is rewritten atomically (temp file, then rename),
    so a failed write leaves the old cache whole. Titles are compared in normalised form.
    """
    cache_path = Path(cache_path)
    existing = cache_path.read_bytes().decode("utf-8") if cache_path.exists() else ""
    known: set[str] = set()
    for number, line in enumerate(existing.split("\n"), start=1):  # not splitlines: JSON may hold U+2028
        if not line.strip():
            continue
        try:
            known.add(normalise_title(json.loads(line)["title"]))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{cache_path}:{number}: not a cache record with a title ({exc}); fix or remove that line and retry"
            ) from None
    new_lines = []
    for record in records:
        if set(record) != set(CACHE_KEYS):
            raise ValueError(f"a cache record has exactly the keys {CACHE_KEYS}, not {tuple(record)}")
        if normalise_title(record["title"]) in known:
            continue
        known.add(normalise_title(record["title"]))
        ordered = {key: record[key] for key in CACHE_KEYS}
        new_lines.append(json.dumps(ordered, ensure_ascii=False, sort_keys=False) + "\n")
    if new_lines:
        if existing and not existing.endswith("\n"):
            existing += "\n"
        write_text_atomic(cache_path, existing + "".join(new_lines))
    return len(new_lines)
