"""Writing MyST Markdown and HTML that show untrusted text (titles, abstracts, names) literally.

Every ASCII punctuation mark is backslash-escaped (CommonMark allows it for all of them), so
Markdown, MyST roles and directives, HTML, math and substitutions in the text show as written.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_BACKTICKS = re.compile(r"`+")


def escape_markdown(text: str) -> str:
    """Untrusted text as inline Markdown that renders literally, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def escape_markdown_span(text: str) -> str:
    """Like escape_markdown, for a piece of a line: whitespace runs become one space, but leading and
    trailing spaces stay (pybtex renders the separators between the parts of an entry on their own)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


def escape_html(text: str) -> str:
    """Untrusted text for raw HTML inside a MyST directive: also hides backticks from fences."""
    return html.escape(" ".join(str(text).split()), quote=True).replace("`", "&#96;")


def fenced(text: str, info: str = "", options: dict[str, str] | None = None) -> str:
    """A fenced block (code, or a MyST directive when `info` is `{name} argument`) whose fence is
    longer than any run of backticks in `text`, so the text cannot close it."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    head = [f":{key}: {value}" for key, value in (options or {}).items()]
    return "\n".join([fence + info, *head, *([""] if head else []), text.rstrip(), fence]) + "\n"


def link(text: str, target: str) -> str:
    """A Markdown link to a page of ours or a URL we built (`target` is trusted)."""
    return f"[{escape_markdown(text)}]({target})"


def autolink(url: str) -> str:
    """A URL found in an abstract, as a CommonMark autolink (it has no spaces or angle brackets)."""
    return f"<{url}>"
