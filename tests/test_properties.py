"""Property tests: whatever the text of titles and abstracts, the digest format round-trips."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litreview import DigestError, load_digest, normalise_title, parse_digest
from litreview.sources.hf_digest import chrome_reason, looks_like_abstract

from .conftest import digest_text

FRAGMENTS = [
    r"\textit{x}", r"\(^2\)", r"39\%", "``quoted''", "{cite}`key`", "```{danger}", "<script>alert(1)</script>",
    "<b>bold</b>", "**bold**", "[link](http://x)", "$x^2$", "{{ jinja }}", "@misc{key,", "}", "{", "%", "&", "#",
    "_", "~", "^", "\\", "|a|b|", "-->", "<!--", "&amp;", "é", "漢字", "🙂", "\u00a0x",
]
# Words: any characters except whitespace, control characters and line/paragraph separators, which
# the format itself uses; the BOM is excluded because at the very start of a file it is an encoding mark.
WORD = st.one_of(
    st.sampled_from(FRAGMENTS).map(str.strip).filter(bool),
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="\ufeff"), min_size=1, max_size=12),
)
TITLE = st.lists(WORD, min_size=1, max_size=15).map(" ".join).filter(lambda t: not looks_like_abstract(t) and chrome_reason(t) is None)
ABSTRACT = st.lists(WORD, min_size=25, max_size=60).map(" ".join)
PAIRS = st.lists(st.tuples(TITLE, ABSTRACT), min_size=1, max_size=6, unique_by=lambda pair: normalise_title(pair[0]))


@given(PAIRS, st.booleans())
@settings(max_examples=150, deadline=None)
def test_pairs_written_in_the_digest_format_parse_back(pairs, chrome):
    digest = parse_digest(digest_text(pairs, chrome=chrome), "prop.txt")
    assert [(p.title, p.abstract) for p in digest.papers] == pairs
    assert digest.accounted_paragraphs == digest.paragraphs
    assert not digest.problems


@given(st.binary(max_size=400))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_bytes_parse_or_give_the_clear_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.txt"
        path.write_bytes(data)
        try:
            digest = load_digest(path)
        except DigestError as exc:
            assert str(exc).startswith(str(path))
        else:
            assert digest.papers and digest.accounted_paragraphs == digest.paragraphs
