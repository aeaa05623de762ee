"""Accessibility and validity of the built site, checked by the real tools: axe-core injected into
Debian's Chromium, and html-validate's CLI, both npm packages that `make test` installs (pinned) into
`.venv/npm`.

html-validate checks the markup litreview's sources make, not the theme's frame: each page is cut
down to its `<title>`, the feed link litreview adds to `<head>`, and the page's `<article>` (what
Sphinx renders from the review's Markdown, notebooks and generated pages), wrapped in a minimal
document. Left out, with why:
- everything outside `<article>`: Furo's frame (its `<head>` with `<link/>` and `<meta/>`, the
  `__navigation` checkbox ids, buttons without `type`, the sidebar's search form without a submit
  button) is the theme's markup;
- the HTML that notebook cells output (`div.output.text_html`: pandas' Styler and itables tables),
  written by those libraries;
- nbconvert's standalone exports (`_downloads/`), the pages of this repository's toolkit manual that
  autodoc and sphinx-argparse write (`api.html`, `cli.html`, `genindex.html`, `py-modindex.html`), and
  the search page (Furo's template, all of it);
- two rules: `attribute-empty-style` (Sphinx's download role writes `download=""`, as valid as
  `download`), and `prefer-native-element` for the roles `list`/`listitem` (docutils writes a
  bibliography as `<div role="list">` entries, which Furo styles as divs).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .test_browser import browser, serve  # noqa: F401 (browser is a fixture)

NPM = Path(sys.prefix) / "npm" / "node_modules"
AXE = NPM / "axe-core" / "axe.min.js"
HTML_VALIDATE = NPM / ".bin" / "html-validate"
PAGES = ["index.html", "_generated/notebooks/01-forgetting.html", "_generated/papers/p75348b5ee1a3.html", "_generated/catalog.html",
         "search.html?q=HaloQuest"]
NOT_PROJECT_MARKUP = {"api.html", "cli.html", "genindex.html", "py-modindex.html", "search.html"}
CONFIG = {
    "root": True,
    "extends": ["html-validate:recommended"],
    "rules": {"attribute-empty-style": "off", "prefer-native-element": ["error", {"exclude": ["list", "listitem"]}]},
}


def installed(path: Path) -> Path:
    assert path.exists(), f"{path} is missing: `make test` installs the site's checkers into {NPM.parent}"
    return path


@pytest.fixture(scope="module")
def served(seed_site, hostile_site) -> Iterator[tuple[str, str]]:
    servers = []
    for root, result in (seed_site, hostile_site):
        assert result.returncode == 0, result.stderr
        servers.append(serve(root / "docs" / "_build" / "html"))
    yield servers[0][1], servers[1][1]
    for server, _ in servers:
        server.shutdown()


def axe_violations(browser, url: str) -> list[tuple[str, str, int]]:  # noqa: F811
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        if "search.html" in url:  # the results are written by Sphinx's search script
            page.locator("#search-results ul.search li a").first.wait_for(timeout=10_000)
        page.add_script_tag(content=installed(AXE).read_text(encoding="utf-8"))
        found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                              ".map(v => [v.id, v.impact, v.nodes.length])")
        return [tuple(v) for v in found]
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious_or_critical(served, browser, path: str):  # noqa: F811
    seed, _ = served
    violations = axe_violations(browser, seed + path)
    assert [v for v in violations if v[1] in ("serious", "critical")] == []
    assert not any(rule in ("landmark-unique", "aria-required-attr", "scrollable-region-focusable") for rule, _, _ in violations)


def test_axe_on_the_hostile_review(served, browser):  # noqa: F811
    _, hostile = served
    for path in ("index.html", "_generated/catalog.html", "_generated/notebooks/theme-hallucination.html"):
        assert [v for v in axe_violations(browser, hostile + path) if v[1] in ("serious", "critical")] == [], path


class Cutter(HTMLParser):
    """The character spans of every `div.output.text_html` (and all it holds) in a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.spans: list[tuple[int, int]] = []
        self._depth = 0
        self._start = 0

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag != "div":
            return
        if self._depth:
            self._depth += 1
        elif {"output", "text_html"} <= set((dict(attrs).get("class") or "").split()):
            self._depth, self._start = 1, self.position()

    def handle_endtag(self, tag):
        if tag == "div" and self._depth:
            self._depth -= 1
            if not self._depth:
                self.spans.append((self._start, self.position() + len("</div>")))


def project_markup(page: str) -> str:
    """The page cut down to what litreview's sources make (see the module's docstring)."""
    article = re.search(r"<article\b[^>]*>(.*)</article>", page, re.S)
    assert article, "no <article> in the page"
    body = article.group(1)
    cutter = Cutter(body)
    cutter.feed(body)
    for start, end in reversed(cutter.spans):
        body = body[:start] + body[end:]
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    feed = "".join(re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', page))
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n{feed}\n</head>\n'
            f"<body>\n<main>{body}</main>\n</body>\n</html>\n")


def project_pages(folder: Path) -> dict[str, str]:
    """Every page of a built site whose markup litreview's sources make, cut down (path -> HTML)."""
    pages = {}
    for page in sorted(folder.rglob("*.html")):
        relative = page.relative_to(folder)
        if relative.parts[0] != "_downloads" and relative.as_posix() not in NOT_PROJECT_MARKUP:
            pages[relative.as_posix()] = project_markup(page.read_text(encoding="utf-8"))
    return pages


def html_validate(pages: dict[str, str], scratch: Path) -> dict[str, list[tuple[str, str]]]:
    """html-validate's errors (rule, message) for each of these pages (path -> HTML)."""
    for name, text in pages.items():
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / name).write_text(text, encoding="utf-8")
    (scratch / "config.json").write_text(json.dumps(CONFIG))
    report = scratch / "report.json"
    # The report goes to a file: Node may cut a long report short when stdout is a pipe.
    run = subprocess.run([str(installed(HTML_VALIDATE)), "--config", str(scratch / "config.json"), "--formatter", f"json={report}",
                          *(str(scratch / name) for name in pages)], capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1) and report.exists(), run.stderr  # 1: errors found; anything else: it did not run
    errors: dict[str, list[tuple[str, str]]] = {name: [] for name in pages}  # the report lists only pages with errors
    for result in json.loads(report.read_text()):
        errors[Path(result["filePath"]).relative_to(scratch).as_posix()] = [(m["ruleId"], m["message"]) for m in result["messages"]]
    assert set(errors) == set(pages)
    return errors


def test_html_validate_finds_no_error_in_the_project_markup(seed_site, hostile_site, tmp_path: Path):
    pages = {}
    for name, (root, result) in (("seed", seed_site), ("hostile", hostile_site)):
        assert result.returncode == 0, result.stderr
        pages.update({f"{name}/{path}": text for path, text in project_pages(root / "docs" / "_build" / "html").items()})
    assert len([name for name in pages if name.startswith("seed/_generated/papers/")]) == 97
    assert {"seed/index.html", "seed/_generated/catalog.html", "seed/_generated/notebooks/01-forgetting.html", "seed/bibliography.html"} <= set(pages)
    errors = html_validate(pages, tmp_path)
    assert {page: found for page, found in errors.items() if found} == {}


def test_html_validate_sees_what_the_issue_reported(tmp_path: Path):
    """The cut-down page still shows html-validate each error of the project's markup it found before."""
    frame = '<html><head><title>{title}</title></head><body><aside><form><input></form></aside><article role="main">{body}</article></body></html>'
    pages = {
        "long-title": frame.format(title="A" * 60 + " - litreview", body="<h1>A</h1>"),
        "void-style": frame.format(title="Paper", body="<h1>Paper</h1><p>Authors: A<br/>Year: 2024</p>"),
        "wcag/h32": frame.format(title="Catalog", body='<h1>Catalog</h1><form><label>Text <input type="search" name="text"></label></form>'),
        "prefer-native-element": frame.format(title="Review", body='<h1>Review</h1><p class="caption" role="heading" aria-level="2">The review</p>'),
        "fine": frame.format(title="Fine", body='<h1>Fine</h1><div class="output text_html"><table><tr><th>x</th></tr></table></div>'),
    }
    errors = html_validate({f"{rule}.html": project_markup(page) for rule, page in pages.items()}, tmp_path)
    assert {page: {rule for rule, _ in found} for page, found in errors.items()} == {
        "long-title.html": {"long-title"}, "void-style.html": {"void-style"}, "wcag/h32.html": {"wcag/h32"},
        "prefer-native-element.html": {"prefer-native-element"}, "fine.html": set(),
    }
