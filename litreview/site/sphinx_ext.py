"""litreview's Sphinx extension: accessible and valid HTML from Sphinx and the Furo theme, the
review's Atom feed advertised on every page, and MyST's attrs_block, which paper pages use.

No theme is clean out of the box (axe-core, html-validate): Sphinx writes toctree captions with
`role="heading"` but no `aria-level` and code blocks that scroll without being focusable; docutils
writes bibliography entries with a deprecated role and void elements in XML style (`<img/>`); Furo
writes two unlabelled `<aside>` landmarks, and gives a table's wrapper the table's ids. Each is fixed where it is made: the first ones in an HTML
translator, the asides (in Furo's page template, which has no block for them) as each page is
rendered, by Sphinx's template loader with one step more (or, under a conf's own template bridge,
once the pages are written). Page titles are kept to what a browser tab and a search result show.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from markupsafe import escape
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.jinja2glue import BuiltinTemplateLoader
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

from ..fileio import write_text_atomic

# Sphinx rewrites a page only when its source changes, or when a config value marked "html" does: this
# one changes with this module, so a fix of the markup reaches every page at the next build.
MARKUP_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
TITLE_LIMIT = 70  # characters of <title>: longer ones are cut by browsers and search engines
# Furo's page template writes these two landmarks without a name; two unnamed <aside> are ambiguous.
LANDMARKS = {
    '<aside class="sidebar-drawer">': '<aside class="sidebar-drawer" aria-label="Site navigation">',
    '<aside class="toc-drawer': '<aside aria-label="On this page" class="toc-drawer',
}


class AccessibleTranslator(HTML5Translator):
    """Sphinx's HTML5 translator with the attributes that ARIA and keyboard users need."""

    def emptytag(self, node: nodes.Element, tagname: str, suffix: str = "\n", **attributes: Any) -> str:
        # HTML5 void elements (<img>, <br>, <hr>) without docutils' XML-style "/>".
        return self.starttag(node, tagname, suffix, empty=False, **attributes)

    def visit_title(self, node: nodes.title) -> None:
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            # As Sphinx writes it, plus the aria-level that role="heading" requires.
            self.body.append(self.starttag(node, "p", "", CLASS="caption", ROLE="heading", **{"aria-level": "2"}))
            self.body.append('<span class="caption-text">')
            self.context.append("</span></p>\n")
        else:
            super().visit_title(node)

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        start = len(self.body)
        try:
            super().visit_literal_block(node)
        finally:
            # A wide code block scrolls: keyboard users can scroll it only if it can take focus.
            for index in range(start, len(self.body)):
                self.body[index] = self.body[index].replace("<pre>", '<pre tabindex="0">', 1)


    def visit_citation(self, node: nodes.citation) -> None:
        # docutils marks a bibliography entry with the deprecated role doc-biblioentry, which a
        # role="list" may not contain: it is a list item.
        start = len(self.body)
        super().visit_citation(node)
        for index in range(start, len(self.body)):
            self.body[index] = self.body[index].replace('role="doc-biblioentry"', 'role="listitem"')


class UniqueTableIds(SphinxPostTransform):
    """Furo wraps each table in a container that copies the table's attributes, ids included, so the
    page would hold each id twice (html-validate no-dup-id); the table keeps them, its wrapper not."""

    formats = ("html",)
    default_priority = 501  # after Furo's wrapping (500)

    def run(self, **kwargs: Any) -> None:
        for wrapper in self.document.findall(nodes.container):
            if "table-wrapper" in wrapper["classes"]:
                wrapper["ids"] = []


def short_title(title: str, suffix: str, limit: int = TITLE_LIMIT) -> str:
    """A page's title (HTML text) cut at a word, with an ellipsis, so that `title - suffix` fits in
    `limit` characters as the theme writes it (escaped: validators count `&#39;` as five); the page's
    heading keeps the whole title."""
    text = html.unescape(re.sub(r"<[^>]+>", "", title))

    def length(candidate: str) -> int:
        return len(escape(candidate)) + (len(escape(f" - {suffix}")) if suffix else 0)

    if length(text) <= limit:
        return title
    words = text.split()
    while len(words) > 1 and length(" ".join(words).rstrip(" ,;:.-–—") + "…") > limit:
        words.pop()
    cut = " ".join(words).rstrip(" ,;:.-–—")
    while length(cut + "…") > limit and len(cut) > 1:  # a single word longer than the limit
        cut = cut[:-1]
    return str(escape(cut + "…"))


def on_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if context.get("title"):
        context["title"] = short_title(str(context["title"]), str(context.get("docstitle") or ""))
    feed = app.config.litreview_feed
    if feed:
        link = (f'<link rel="alternate" type="application/atom+xml" title="{html.escape(str(app.config.project))} (Atom feed)" '
                f'href="{html.escape(context["pathto"](feed, 1))}">')
        context["metatags"] = context.get("metatags", "") + link + "\n"


def landmarks_labelled(page: str) -> str:
    """A page's HTML with Furo's asides named (a page named already stays as it is)."""
    for theirs, ours in LANDMARKS.items():
        page = page.replace(theirs, ours)
    return page


class LandmarkLabellingTemplates(BuiltinTemplateLoader):
    """Sphinx's own template loader (themes and all), naming Furo's asides in each page it renders:
    in the process that writes the page, instead of reading and writing every page again after the
    build, which a parallel build's main process did alone (about 4% of a build of 1,000 pages)."""

    def render(self, template: str, context: dict[str, Any]) -> str:
        return landmarks_labelled(super().render(template, context))


TEMPLATE_BRIDGE = f"{__name__}.{LandmarkLabellingTemplates.__name__}"


def use_landmark_labelling_templates(app: Sphinx, config: Any) -> None:
    if not config.template_bridge:  # a conf's own bridge is kept: the pages are named once written
        config.template_bridge = TEMPLATE_BRIDGE


def label_landmarks(folder: Path) -> None:
    """Name Furo's asides in every written page (idempotent: a page written by an earlier build is
    already named, and is left as it is)."""
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = landmarks_labelled(text)
        if fixed != text:
            write_text_atomic(page, fixed)


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html" and not isinstance(app.builder.templates, LandmarkLabellingTemplates):
        label_landmarks(Path(app.outdir))


def require_attrs_block(app: Sphinx, config: Any) -> None:
    """Paper pages give their lists classes with MyST's attrs_block (`{.paper-facts}`): it is turned
    on even when a review's conf sets its own list of MyST extensions."""
    if "myst_enable_extensions" in config and "attrs_block" not in config.myst_enable_extensions:
        config.myst_enable_extensions = [*config.myst_enable_extensions, "attrs_block"]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("litreview.site.search")  # the search index's stems, remembered across pages
    app.setup_extension("litreview.site.collector")  # the cycle collector during the build
    app.add_config_value("litreview_feed", "", "html", types=[str])
    app.add_config_value("litreview_markup_version", MARKUP_VERSION, "html", types=[str])
    app.set_translator("html", AccessibleTranslator, override=True)
    app.set_translator("dirhtml", AccessibleTranslator, override=True)
    app.add_post_transform(UniqueTableIds)
    app.connect("config-inited", require_attrs_block)
    app.connect("config-inited", use_landmark_labelling_templates)
    app.connect("html-page-context", on_page_context)
    app.connect("build-finished", on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
