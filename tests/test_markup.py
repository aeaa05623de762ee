"""Untrusted text in Markdown and HTML: the expected strings are written by hand, and a real CommonMark
parser (markdown-it, which MyST is built on) shows the escaped text renders as the text itself."""

from __future__ import annotations

import html
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from litreview.markup import escape_html, escape_markdown, fenced, link

HOSTILE = [
    ("a `b` c", r"a \`b\` c"),
    ("{cite:t}`du2024think`", r"\{cite\:t\}\`du2024think\`"),
    ("<b>bold</b>", r"\<b\>bold\<\/b\>"),
    ("costs $O(n^2)$", r"costs \$O\(n\^2\)\$"),
    ("{{ jinja }} and {% block %}", r"\{\{ jinja \}\} and \{\% block \%\}"),
    ("*not* _emphasis_ [link](x)", r"\*not\* \_emphasis\_ \[link\]\(x\)"),
    ("# not a heading", r"\# not a heading"),
    ("1. not a list", r"1\. not a list"),
    ("back\\slash", r"back\\slash"),
    ("two\n\n  lines\tand tabs", "two lines and tabs"),
    ("Łukasz 漢字", "Łukasz 漢字"),
]

COMMONMARK = MarkdownIt("commonmark")


def rendered_text(markdown: str) -> str:
    """The HTML of one paragraph of Markdown, as CommonMark renders it."""
    return COMMONMARK.render(markdown)


def paragraph(text: str) -> str:
    """The HTML that shows `text` literally (markdown-it escapes &, <, > and ")."""
    return "<p>" + html.escape(text, quote=False).replace('"', "&quot;") + "</p>\n"


@pytest.mark.parametrize(("text", "expected"), HOSTILE)
def test_escape_markdown(text: str, expected: str):
    assert escape_markdown(text) == expected


@pytest.mark.parametrize(("text", "expected"), HOSTILE)
def test_escaped_markdown_renders_as_the_text_itself(text: str, expected: str):
    assert rendered_text(escape_markdown(text)) == paragraph(" ".join(text.split()))


# ASCII punctuation (the characters that make Markdown), spaces, letters, digits and some beyond ASCII.
CHARACTERS = st.sampled_from(list(string.punctuation) + list(" \n\tab1Łé漢"))


@given(st.text(CHARACTERS, min_size=1, max_size=60).filter(str.strip))
@settings(max_examples=300, deadline=None)
def test_any_text_renders_as_itself(text: str):
    assert rendered_text(escape_markdown(text)) == paragraph(" ".join(text.split()))


def test_escape_html():
    text = "<script>alert('x')</script> `code` \"q\" &amp;\n  next"
    assert escape_html(text) == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &#96;code&#96; &quot;q&quot; &amp;amp; next"


@pytest.mark.parametrize(("text", "fence"), [("plain", "```"), ("a ``` b", "````"), ("```` and ``", "`````"), ("`", "```")])
def test_fenced_block_is_longer_than_any_backtick_run(text: str, fence: str):
    block = fenced(text, "text")
    assert block == f"{fence}text\n{text}\n{fence}\n"
    tokens = [t for t in COMMONMARK.parse(block) if t.type == "fence"]
    assert len(tokens) == 1 and tokens[0].content == text + "\n" and tokens[0].info == "text"


def test_fenced_directive_with_options():
    assert fenced("body\n\n", "{note} A title", {"class": "hostile", "name": "x"}) == "```{note} A title\n:class: hostile\n:name: x\n\nbody\n```\n"


def test_link_escapes_its_text_only():
    text = "A [nested](http://evil) `code` <i>title</i>"
    assert link(text, "papers/p1.md") == r"[A \[nested\]\(http\:\/\/evil\) \`code\` \<i\>title\<\/i\>](papers/p1.md)"
    assert rendered_text(link(text, "papers/p1.md")) == (
        '<p><a href="papers/p1.md">A [nested](http://evil) `code` &lt;i&gt;title&lt;/i&gt;</a></p>\n'
    )
