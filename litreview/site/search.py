"""The English search index with a stemmer that remembers its stems for the whole build.

Sphinx stems every word of every page with the pure-Python Snowball stemmer and remembers the stems
only within one page, so a site of many paper pages stems the same few thousand words again on
every page: at 1,000 paper pages that was a third of the build. The stems are those of Sphinx's own
English stemmer, so the search index is byte for byte what Sphinx writes without this extension.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish


class RememberingEnglish(SearchEnglish):
    """Sphinx's English search language; each distinct word is stemmed once per build."""

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        # One index builder, hence one of these, per build: the vocabulary bounds its size.
        self.stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        stemmed = self.stems.get(word)
        if stemmed is None:
            stemmed = self.stems[word] = super().stem(word)
        return stemmed


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(RememberingEnglish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
