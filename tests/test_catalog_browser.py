"""The catalog and the links between pages, in Debian's Chromium on the seed review's built site:
what a reader clicks, and what the catalog shows after Back, reload, a shared link and without
JavaScript. Expected papers were looked up by hand in the seed digest and the metadata cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from .test_browser import browser, catalog_script_ran, serve  # noqa: F401 (browser is a fixture)

CATALOG = "_generated/catalog.html"
VISIBLE = "#catalog tbody tr:not([hidden])"


@pytest.fixture(scope="module")
def site(seed_site, browser) -> Iterator[tuple[object, str]]:  # noqa: F811
    root, result = seed_site
    assert result.returncode == 0, result.stderr
    server, origin = serve(root / "docs" / "_build" / "html")
    yield browser, origin
    server.shutdown()


@pytest.fixture
def page(site) -> Iterator[Page]:
    chromium, _ = site
    context = chromium.new_context()
    yield context.new_page()
    context.close()


def open_catalog(page: Page, url: str) -> Page:
    page.goto(url, wait_until="networkidle")
    return catalog_script_ran(page)


def visible_titles(page: Page) -> list[str]:
    return page.locator(f"{VISIBLE} td:first-child").all_inner_texts()


def controls(page: Page) -> dict[str, str]:
    form = "document.querySelector('form.catalog-filters')"
    return page.evaluate(f"() => Object.fromEntries(['theme', 'subtheme', 'year', 'text'].map(n => [n, {form}[n].value]))")


def test_text_filter_finds_any_author_with_or_without_accents(site, page):
    _, origin = site
    open_catalog(page, origin + CATALOG)
    looking_inward = "Looking Inward: Language Models Can Learn About Themselves by Introspection"  # Owain Evans is its 9th author
    page.fill("input[name=text]", "Owain Evans")
    assert visible_titles(page) == [looking_inward]
    page.fill("input[name=text]", "Vulic")  # Ivan Vulić, 4th author
    assert visible_titles(page) == ["Composable Sparse Fine-Tuning for Cross-Lingual Transfer"]
    page.fill("input[name=text]", "vulić SPARSE")
    assert len(visible_titles(page)) == 1
    assert page.locator("output[name=count]").inner_text() == "1 of 97 papers"


def test_unknown_year_and_subthemes_by_title_narrowed_by_theme(site, page):
    _, origin = site
    open_catalog(page, origin + CATALOG)
    page.select_option("select[name=year]", "unknown")
    assert sorted(visible_titles(page)) == ["Autonomous In-Situ Soundscape Augmentation via Joint Selection of Masker and Gain",
                                            "Illusory VQA: Benchmarking and Enhancing Multimodal Models on Visual Illusions"]
    page.select_option("select[name=year]", "")
    enabled = "() => [...document.querySelector('form.catalog-filters').subtheme.options].filter(o => !o.disabled && o.value).map(o => o.textContent)"
    assert "Detecting hallucinations" in page.evaluate(enabled) and "Continual and lifelong learning" in page.evaluate(enabled)
    page.select_option("select[name=subtheme]", label="Continual and lifelong learning")
    continual = visible_titles(page)
    assert continual and page.locator(f"{VISIBLE} td:nth-child(5)").all_inner_texts() == ["Continual and lifelong learning"] * len(continual)
    # Choosing another theme drops the sub-theme it does not have, and offers only its own.
    page.select_option("select[name=theme]", "hallucination")
    assert controls(page)["subtheme"] == ""
    offered = page.evaluate(enabled)
    assert "Detecting hallucinations" in offered and "Continual and lifelong learning" not in offered
    assert all("Hallucination" in themes for themes in page.locator(f"{VISIBLE} td:nth-child(4)").all_inner_texts())


def test_filters_survive_back_reload_and_a_shared_link(site, page):
    chromium, origin = site
    open_catalog(page, origin + CATALOG)
    page.select_option("select[name=theme]", "hallucination")
    page.fill("input[name=text]", "multimodal")
    shown = visible_titles(page)
    assert sorted(shown) == ["Evaluation and Mitigation of Agnosia in Multimodal Large Language Models",
                             "HaloQuest: A Visual Hallucination Dataset for Advancing Multimodal Reasoning",
                             "See What You Are Told: Visual Attention Sink in Large Multimodal Models"]
    assert page.url.endswith(f"{CATALOG}?theme=hallucination&text=multimodal")
    expected = {"theme": "hallucination", "subtheme": "", "year": "", "text": "multimodal"}

    page.locator(f"{VISIBLE} a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/_generated/papers/" in page.url
    page.go_back(wait_until="networkidle")
    catalog_script_ran(page)
    assert controls(page) == expected and visible_titles(page) == shown

    page.reload(wait_until="networkidle")
    catalog_script_ran(page)
    assert controls(page) == expected and visible_titles(page) == shown
    assert page.locator("output[name=count]").inner_text() == f"{len(shown)} of 97 papers"

    other = chromium.new_context()
    try:
        # The address a reader copies is the document's own, not the driver's record of it.
        address = page.evaluate("location.href")
        assert address.endswith(f"{CATALOG}?theme=hallucination&text=multimodal")
        shared = open_catalog(other.new_page(), address)
        assert controls(shared) == expected and visible_titles(shared) == shown, shared.evaluate("location.href")
        # A link naming a theme the review does not have shows every paper, and says so.
        open_catalog(shared, origin + CATALOG + "?theme=nonesuch")
        assert controls(shared)["theme"] == "" and len(visible_titles(shared)) == 97 and shared.url.endswith(CATALOG)
    finally:
        other.close()


def test_without_javascript_the_catalog_is_a_plain_table(site):
    chromium, origin = site
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(origin + CATALOG + "?theme=hallucination", wait_until="networkidle")
        assert len(visible_titles(page)) == 97
        assert not page.locator("form.catalog-filters").is_visible()
    finally:
        context.close()


def test_a_theme_page_title_opens_the_paper_and_the_paper_links_back_to_its_section(site, page):
    _, origin = site
    page.goto(origin + "_generated/notebooks/03-chain-of-thought.html", wait_until="networkidle")
    title = "Think Thrice Before You Act: Progressive Thought Refinement in Large Language Models"
    page.locator("#every-paper-of-the-theme").get_by_role("link", name=title, exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/_generated/papers/p75348b5ee1a3.html") and page.locator("h1").inner_text().strip() == title
    # Its sub-theme opens that sub-theme's section of the synthesis; its theme the theme's page.
    page.locator("#themes").get_by_role("link", name="Self-refinement and self-correction").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/_generated/notebooks/03-chain-of-thought.html#self-refinement-and-self-correction")
    assert page.locator("#self-refinement-and-self-correction h2").inner_text().startswith("Self-refinement and self-correction")
    page.go_back(wait_until="networkidle")
    page.locator("#themes").get_by_role("link", name="Chain-of-thought reasoning").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/_generated/notebooks/03-chain-of-thought.html")
