"""The arXiv client against a real local HTTP server that replays hand-written Atom responses.

Nothing here touches the internet: every request goes to 127.0.0.1, where a scripted server answers
by the phrase of the ``ti:"..."`` query (a recorded feed, an HTTP error, or a reply too slow).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from litreview.enrich import arxiv
from litreview.enrich.arxiv import CACHE_KEYS, append_to_cache, fetch_arxiv_records
from litreview.errors import ConfigError

DATA = Path(__file__).parent / "data" / "arxiv"
PTR = "Think Thrice Before You Act: Progressive Thought Refinement in Large Language Models"
RMT = "Regularized Mask Tuning: Uncovering Hidden Knowledge in Pre-trained Vision-Language Models"
ABSENT = "A Paper That Is Not On arXiv"
BROKEN = "On the Impact of Fine-Tuning on Chain-of-Thought Reasoning"
ROUTES = {PTR: "wrapped_two_authors.xml", RMT: "journal_ref.xml", ABSENT: "empty.xml", BROKEN: "malformed.xml"}
PTR_RECORD = {
    "title": PTR,
    "arxiv_id": "2410.13413",
    "authors": ["Chengyu Du", "Jinyi Han"],
    "published": "2024-10-17",
    "primary_category": "cs.CL",
    "venue": None,
    "checked": False,
}


@dataclass
class FakeArxiv:
    """What the local server answers (by query phrase) and what it was asked."""

    url: str
    routes: dict[str, str] = field(default_factory=lambda: dict(ROUTES))
    plans: dict[str, list] = field(default_factory=dict)  # phrase -> actions used up one per request
    requests: list[dict[str, str]] = field(default_factory=list)
    on_request: Callable[[], None] = lambda: None
    stop: Callable[[], None] = lambda: None  # stops the server and closes its port


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        state: FakeArxiv = self.server.state  # type: ignore[attr-defined]
        state.on_request()
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query, keep_blank_values=True).items()}
        state.requests.append(query)
        phrase = query.get("search_query", "").removeprefix('ti:"').removesuffix('"')
        plan = state.plans.get(phrase) or []
        action = plan.pop(0) if plan else "feed"
        if isinstance(action, float):  # answer too late for the client's timeout
            time.sleep(action)
            action = "feed"
        if isinstance(action, int):
            self._send(action, b"Service Unavailable", "text/plain")
        elif phrase in state.routes:
            self._send(200, (DATA / state.routes[phrase]).read_bytes(), "application/atom+xml; charset=utf-8")
        else:
            self._send(400, f"unexpected query {query!r}".encode(), "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[FakeArxiv]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = FakeArxiv(url=f"http://127.0.0.1:{httpd.server_port}/api/query")
    httpd.state = state  # type: ignore[attr-defined]
    state.stop = lambda: (httpd.shutdown(), httpd.server_close())
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as http:  # trust_env=False: no proxy from the environment
        yield http


def fetch(titles: list[str], client: httpx.Client, server: FakeArxiv, **options):
    """fetch_arxiv_records against the local server, no pacing and a recorded (not real) sleep."""
    sleeps: list[float] = []
    options = {"min_interval": 0.0, "sleep": sleeps.append, **options}
    return fetch_arxiv_records(titles, client, base_url=server.url, **options), sleeps


def test_found_record_has_the_cache_shape(server, client):
    result, sleeps = fetch([PTR], client, server)
    assert result.found == (PTR_RECORD,) and not result.not_found and not result.failed
    assert tuple(result.found[0]) == CACHE_KEYS
    assert server.requests == [{"search_query": f'ti:"{PTR}"', "start": "0", "max_results": "5"}]
    assert sleeps == []


def test_best_matching_entry_wins_and_journal_ref_is_the_venue(server, client):
    requested = "  regularized mask tuning: uncovering hidden knowledge in\npre-trained vision-language models"
    server.routes[arxiv._collapse(requested)] = "journal_ref.xml"
    result, _ = fetch([requested], client, server)
    assert result.found == (
        {
            "title": requested,  # the digest's title, as asked
            "arxiv_id": "2307.15049",
            "authors": ["Kecheng Zheng", "Wei Wu", "Ruili Feng"],
            "published": "2023-07-27",
            "primary_category": "cs.CV",
            "venue": "Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV), 2023",
            "checked": False,
        },
    )


@pytest.mark.parametrize("title, route", [(ABSENT, "empty.xml"), ("Regularized Mask Tuning", "journal_ref.xml")])
def test_no_result_or_no_similar_title_is_not_found(server, client, title, route):
    server.routes[title] = route
    result, _ = fetch([title], client, server)
    assert result.not_found == (title,) and not result.found and not result.failed


@pytest.mark.parametrize(
    "route, reason",
    [
        ("malformed.xml", "malformed Atom response: no element found: line 9, column 0"),
        ("error_entry.xml", "arXiv API error: max_results must be non-negative"),
    ],
)
def test_bad_feed_fails_with_its_reason_and_is_not_retried(server, client, route, reason):
    server.routes[BROKEN] = route
    result, sleeps = fetch([BROKEN], client, server)
    assert result.failed == ((BROKEN, reason),) and not result.found and not result.not_found
    assert len(server.requests) == 1 and sleeps == []


def test_transient_errors_are_retried_with_exponential_backoff(server, client):
    server.plans[PTR] = [503, 503]
    result, sleeps = fetch([PTR], client, server, backoff=2.0)
    assert result.found == (PTR_RECORD,)
    assert len(server.requests) == 3
    assert sleeps == [2.0, 4.0]


@pytest.mark.parametrize("status", [503, 429, 500, 501])
def test_persistent_server_error_fails_after_all_attempts(server, client, status):
    server.plans[PTR] = [status] * 10
    result, sleeps = fetch([PTR], client, server, retries=3, backoff=0.5)
    assert result.failed == ((PTR, f"HTTP {status} after 3 attempts"),)
    assert len(server.requests) == 3 and sleeps == [0.5, 1.0]


def test_client_error_is_not_retried(server, client):
    server.plans[PTR] = [404]
    result, sleeps = fetch([PTR, ABSENT], client, server)
    assert result.failed == ((PTR, "HTTP 404"),) and result.not_found == (ABSENT,)
    assert len(server.requests) == 2 and sleeps == []


def test_slow_answer_times_out_and_the_run_goes_on(server, client):
    server.plans[PTR] = [0.6, 0.6]
    result, sleeps = fetch([PTR, ABSENT], client, server, retries=2, backoff=0.01, timeout=0.2)
    assert result.failed == ((PTR, "timed out after 2 attempts"),) and result.not_found == (ABSENT,)
    assert sleeps == [0.01]


def closed_port() -> int:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def full_backlog() -> Iterator[int]:
    """A port whose listen queue is full: the kernel drops new connection attempts, which time out."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = [socket.socket() for _ in range(3)]
        for filler in fillers:
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
        time.sleep(0.1)
        try:
            yield port
        finally:
            for filler in fillers:
                filler.close()


def test_refused_connection_stops_the_run_at_once(client):
    sleeps: list[float] = []
    url = f"http://127.0.0.1:{closed_port()}/api/query"
    result = fetch_arxiv_records([PTR, RMT, PTR.upper()], client, base_url=url, min_interval=0, sleep=sleeps.append)
    assert result.unreachable == "cannot connect: [Errno 111] Connection refused"
    assert result.not_asked == (PTR, RMT) and not result.found and not result.not_found and not result.failed
    assert sleeps == []  # no retry, no backoff: without a network every title would fail the same way


def test_connect_timeout_stops_the_run_at_once(client):
    with full_backlog() as port:
        sleeps: list[float] = []
        result = fetch_arxiv_records(
            [PTR, RMT], client, base_url=f"http://127.0.0.1:{port}/", min_interval=0, sleep=sleeps.append, connect_timeout=0.3
        )
    assert result.unreachable == "timed out while connecting" and result.not_asked == (PTR, RMT)
    assert sleeps == [] and not result.failed


def test_an_address_that_cannot_be_asked_stops_the_run(client):
    result = fetch_arxiv_records([PTR, RMT], client, base_url="ftp://127.0.0.1/api", min_interval=0, sleep=lambda s: None)
    assert result.unreachable.startswith("unsupported address: ") and result.not_asked == (PTR, RMT)


def test_server_gone_mid_run_is_retried_then_stops_the_run(server, client):
    result, sleeps = fetch([PTR, RMT, ABSENT], client, server, on_record=lambda record: server.stop(), backoff=0.5)
    assert result.found == (PTR_RECORD,) and not result.failed
    assert result.unreachable == "cannot connect: [Errno 111] Connection refused (after 3 attempts)"
    assert result.not_asked == (RMT, ABSENT) and sleeps == [0.5, 1.0]
    assert len(server.requests) == 1


class FakeClock:
    """A monotonic clock that moves only when the client sleeps or the server takes time to answer."""

    def __init__(self, latency: float) -> None:
        self.now, self.latency, self.sleeps, self.sent = 100.0, latency, [], []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def answer(self) -> None:
        self.sent.append(self.now)
        self.now += self.latency


@pytest.mark.parametrize("latency, expected", [(0.25, [0.75, 0.75]), (1.5, [])])
def test_requests_are_paced_min_interval_apart(server, client, monkeypatch, latency, expected):
    clock = FakeClock(latency)
    monkeypatch.setattr(arxiv, "time", SimpleNamespace(monotonic=clock.monotonic))
    server.on_request = clock.answer
    result, _ = fetch([PTR, RMT, ABSENT], client, server, min_interval=1.0, sleep=clock.sleep)
    assert len(result.found) == 2 and result.not_found == (ABSENT,)
    assert clock.sleeps == pytest.approx(expected)
    assert all(later - earlier >= 1.0 for earlier, later in zip(clock.sent, clock.sent[1:]))


def test_pacing_also_holds_between_retries(server, client, monkeypatch):
    clock = FakeClock(0.25)
    monkeypatch.setattr(arxiv, "time", SimpleNamespace(monotonic=clock.monotonic))
    server.on_request, server.plans[PTR] = clock.answer, [503]
    result, _ = fetch([PTR, ABSENT], client, server, min_interval=3.0, backoff=2.0, sleep=clock.sleep)
    assert result.found == (PTR_RECORD,)
    assert clock.sleeps == pytest.approx([2.75, 2.75])  # the backoff (2 s) is less than the interval left


def test_on_record_is_called_as_soon_as_each_record_is_found(server, client):
    calls = []
    result, _ = fetch([PTR, ABSENT, RMT], client, server, on_record=lambda r: calls.append((r, len(server.requests))))
    assert [record for record, _ in calls] == list(result.found)
    assert [requests_so_far for _, requests_so_far in calls] == [1, 3]


def test_special_characters_reach_the_server_intact_and_repeats_are_asked_once(server, client):
    title = 'Q&A: "Why?" #1 + 100% C++ / ti:x'
    server.routes['Q&A: Why? #1 + 100% C++ / ti:x'] = "empty.xml"
    result, _ = fetch([title, title.upper()], client, server)
    assert result.not_found == (title,)
    assert [r["search_query"] for r in server.requests] == ['ti:"Q&A: Why? #1 + 100% C++ / ti:x"']


def record(title: str, arxiv_id: str = "2501.00001") -> dict:
    return dict(PTR_RECORD, title=title, arxiv_id=arxiv_id)


def test_append_to_cache_adds_only_new_titles_and_keeps_existing_bytes(tmp_path):
    cache = tmp_path / "arxiv.jsonl"
    old = '{"title": "Café Paper", "arxiv_id": "1", "checked": true}\r\n{"title":"Second"}'.encode()
    cache.write_bytes(old)
    shuffled = dict(reversed(record("New One").items()))
    added = append_to_cache(cache, [record("café  PAPER"), shuffled, record("new one"), record("Second")])
    assert added == 1
    data = cache.read_bytes()
    assert data.startswith(old)
    assert data[len(old) :].decode() == "\n" + json.dumps(record("New One"), ensure_ascii=False) + "\n"
    assert list(json.loads(data.decode().splitlines()[-1])) == list(CACHE_KEYS)
    assert os.listdir(tmp_path) == ["arxiv.jsonl"]
    assert append_to_cache(cache, [record("New One")]) == 0 and cache.read_bytes() == data


def test_append_to_cache_creates_the_file_with_one_line_per_record(tmp_path):
    cache = tmp_path / "new" / "arxiv.jsonl"
    assert append_to_cache(cache, [record("Ünïcode — title"), record("B")]) == 2
    lines = cache.read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith('{"title": "Ünïcode — title", "arxiv_id"') and lines[2] == ""
    assert [json.loads(line)["title"] for line in lines[:2]] == ["Ünïcode — title", "B"]


def test_failed_write_mid_run_keeps_what_was_saved_and_leaves_no_temp_file(server, client, tmp_path, monkeypatch):
    cache = tmp_path / "arxiv.jsonl"
    real_replace, saves = os.replace, []

    def replace_failing_on_second_save(src, dst):
        saves.append(dst)
        if len(saves) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_failing_on_second_save)
    with pytest.raises(OSError, match="No space left"):
        fetch([PTR, RMT, ABSENT], client, server, on_record=lambda r: append_to_cache(cache, [r]))
    assert [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()] == [PTR_RECORD]
    assert os.listdir(tmp_path) == ["arxiv.jsonl"]
    assert len(server.requests) == 2  # the run stopped at the failure


def test_append_to_cache_refuses_a_broken_cache_line(tmp_path):
    cache = tmp_path / "arxiv.jsonl"
    cache.write_text('{"title": "A"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"arxiv\.jsonl:2: not a cache record"):
        append_to_cache(cache, [record("B")])
    assert cache.read_text(encoding="utf-8") == '{"title": "A"}\nnot json\n'


def test_append_to_cache_refuses_a_record_of_another_shape(tmp_path):
    with pytest.raises(ValueError, match="exactly the keys"):
        append_to_cache(tmp_path / "arxiv.jsonl", [{"title": "A", "doi": "10.1/x"}])
    assert not (tmp_path / "arxiv.jsonl").exists()
