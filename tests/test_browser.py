"""The built site in a real browser (Debian's Chromium driven by Playwright), served on 127.0.0.1."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from litreview import load_review

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def catalog_script_ran(page: Page) -> Page:
    """Wait until catalog.js has run on the page's current document: it shows the filter form last."""
    page.locator("form.catalog-filters").wait_for(state="visible")
    return page


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Watched:
    """A page that records console errors, dialogs and every request that leaves 127.0.0.1."""

    def __init__(self, browser, origin: str) -> None:
        self.context = browser.new_context()
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin.rstrip("/"))
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: None if r.url.startswith((origin, "data:", "blob:")) else self.outside.append(r.url))


@pytest.fixture(scope="module")
def seed(seed_site, browser) -> Iterator[tuple[Watched, str, int]]:
    root, result = seed_site
    assert result.returncode == 0, result.stderr
    server, origin = serve(root / "docs" / "_build" / "html")
    watched = Watched(browser, origin)
    yield watched, origin, len(load_review(root / "review.toml")["papers"])
    watched.context.close()
    server.shutdown()


PAGES = ["index.html", "_generated/notebooks/01-forgetting.html", "_generated/papers/p75348b5ee1a3.html", "_generated/catalog.html",
         "_generated/notebooks/00-overview.html"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_load_cleanly_and_stay_on_the_machine(seed, page: str):
    watched, origin, papers = seed
    watched.page.goto(origin + page, wait_until="networkidle")
    assert watched.page.locator("h1").first.inner_text().strip()
    assert watched.errors == [] and watched.outside == []


def test_catalog_filter_narrows_the_table(seed):
    watched, origin, papers = seed
    page = watched.page
    page.goto(origin + "_generated/catalog.html", wait_until="networkidle")
    catalog_script_ran(page)
    rows = page.locator("#catalog tbody tr")
    total = rows.count()
    assert total == papers
    page.select_option("select[name=theme]", "hallucination")
    hallucination = page.locator("#catalog tbody tr:not([hidden])").count()
    assert 0 < hallucination < total
    page.fill("input[name=text]", "HaloQuest")
    assert page.locator("#catalog tbody tr:not([hidden])").count() == 1
    assert page.locator("output[name=count]").inner_text() == f"1 of {total} papers"
    page.fill("input[name=text]", "")
    page.select_option("select[name=theme]", "")
    page.select_option("select[name=year]", "2023")
    in_2023 = page.locator("#catalog tbody tr:not([hidden])")
    assert 0 < in_2023.count() < total
    assert set(in_2023.evaluate_all("rows => rows.map(r => r.dataset.year)")) == {"2023"}


def test_search_finds_a_paper_by_a_word_of_its_title(seed):
    watched, origin, papers = seed
    watched.page.goto(origin + "search.html?q=HaloQuest", wait_until="networkidle")
    results = watched.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=10_000)
    assert any("HaloQuest" in text for text in results.all_inner_texts())
    # Served over HTTP (as `litreview build` advises), each result quotes its page.
    quotes = watched.page.locator("#search-results ul.search li p.context")
    quotes.first.wait_for(timeout=10_000)
    assert any("haloquest" in text.lower() for text in quotes.all_inner_texts())


def test_bibtex_copy_button_puts_the_entry_on_the_clipboard(seed):
    watched, origin, papers = seed
    page = watched.page
    page.goto(origin + "_generated/papers/p75348b5ee1a3.html", wait_until="networkidle")
    page.locator("div.highlight-bibtex").hover()
    page.locator("div.highlight-bibtex button.copybtn").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@misc{du2024think,") and "howpublished = {arXiv:2410.13413 [cs.CL]}" in copied
    # The short entry a person pastes: review.bib's, without the abstract.
    assert "abstract" not in copied and copied.rstrip().endswith("}")


def test_hostile_review_opens_no_dialog_and_injects_nothing(hostile_site, browser):
    root, result = hostile_site
    assert result.returncode == 0, result.stderr
    html_dir = root / "docs" / "_build" / "html"
    server, origin = serve(html_dir)
    watched = Watched(browser, origin)
    try:
        pages = ["index.html", "_generated/catalog.html", "_generated/notebooks/00-overview.html", "_generated/whats-new.html"]
        pages += [f"_generated/papers/{p.name}" for p in sorted((html_dir / "_generated" / "papers").glob("*.html"))]
        for page in pages:
            watched.page.goto(origin + page, wait_until="networkidle")
            injected = watched.page.evaluate(
                """document.querySelectorAll('iframe, img[onerror], script[src*="example"], link[href*="example"],'
                + ' .admonition.danger, .admonition.note').length
                + [...document.querySelectorAll('main b, article b')].filter(b => ['bold', 'raw', 'review'].includes(b.textContent)).length"""
            )
            assert injected == 0, page
        assert watched.dialogs == [] and watched.outside == [] and watched.errors == []
    finally:
        watched.context.close()
        server.shutdown()
