"""The digest parser: exact text, nothing lost, clear errors for unusable files."""

from __future__ import annotations

import codecs
import gc
from pathlib import Path

import pytest

from litreview import DigestError, load_digest, parse_digest
from litreview.sources.hf_digest import split_paragraphs

from .conftest import SEED_DIGEST, digest_text, long_abstract


def seed_paragraphs() -> list[tuple[int, str]]:
    return list(split_paragraphs(SEED_DIGEST.read_text(encoding="utf-8")))


def test_seed_gives_97_papers_byte_for_byte():
    digest = load_digest(SEED_DIGEST)
    raw = SEED_DIGEST.read_text(encoding="utf-8").split("\n")
    assert len(digest.papers) == 97
    for paper in digest.papers:
        # The title is the line the paper points at, and the abstract is the paragraph after it.
        assert raw[paper.line - 1] == paper.title
        assert raw[paper.line + 1] == paper.abstract
    assert [p.position for p in digest.papers] == list(range(1, 98))
    assert not digest.missing_abstracts and not digest.duplicates and not digest.problems


def test_seed_reconciles_every_paragraph():
    digest = load_digest(SEED_DIGEST)
    paragraphs = seed_paragraphs()
    assert digest.paragraphs == len(paragraphs) == digest.accounted_paragraphs
    used = {p.line for p in digest.papers} | {p.line + 2 for p in digest.papers} | {s.line for s in digest.skipped}
    assert used == {line for line, _ in paragraphs}
    assert [s.reason for s in digest.skipped] == ["page chrome"] * 4 + ["date line"]


def test_chrome_is_optional():
    pairs = [("A Title", long_abstract("forgetting")), ("Another Title", long_abstract("hallucination"))]
    with_chrome = parse_digest(digest_text(pairs), "d.txt")
    without = parse_digest(digest_text(pairs, chrome=False), "d.txt")
    assert [(p.title, p.abstract) for p in with_chrome.papers] == [(p.title, p.abstract) for p in without.papers] == pairs
    assert not without.skipped


def test_messy_whitespace_bom_crlf_nbsp_and_wrapped_lines(tmp_path: Path):
    text = (
        "\ufeffnew  \r\n\r\n\u00a0\r\n\r\n\r\nMar 11\r\n\r\nA Wrapped\r\n  Title   \r\n\r\n\r\n"
        "First line of the abstract.   \r\nSecond line of it, which says more.\r\n\r\n"
    )
    path = tmp_path / "messy.txt"
    path.write_bytes(text.encode("utf-8"))
    digest = load_digest(path)
    assert [(p.title, p.abstract) for p in digest.papers] == [
        ("A Wrapped Title", "First line of the abstract. Second line of it, which says more.")
    ]
    assert digest.papers[0].line == 8


def test_utf16_with_bom_is_decoded(tmp_path: Path):
    pairs = [("Ünïcode Title", long_abstract("ß and 漢字"))]
    path = tmp_path / "utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + digest_text(pairs).encode("utf-16-le"))
    assert [(p.title, p.abstract) for p in load_digest(path).papers] == pairs


def test_missing_abstract_keeps_the_paper_and_does_not_shift_the_rest():
    pairs = [("First Paper", long_abstract("one")), ("Second Paper Without Abstract", ""), ("Third Paper", long_abstract("three"))]
    digest = parse_digest(digest_text(pairs), "d.txt")
    assert [(p.title, p.abstract) for p in digest.papers] == pairs
    assert [p.title for p in digest.missing_abstracts] == ["Second Paper Without Abstract"]
    assert digest.accounted_paragraphs == digest.paragraphs


def test_duplicate_title_is_one_paper_and_reported():
    pairs = [("Same Paper", long_abstract("one")), ("Other", long_abstract("two")), ("  same   PAPER ", long_abstract("one"))]
    digest = parse_digest(digest_text(pairs), "d.txt")
    assert [p.title for p in digest.papers] == ["Same Paper", "Other"]
    first_line = digest.papers[0].line
    assert [s.reason for s in digest.duplicates] == [f"duplicate of the paper at line {first_line}"]
    assert digest.accounted_paragraphs == digest.paragraphs


def test_orphan_abstract_is_reported_not_lost():
    text = "new\n\n" + long_abstract("orphan") + "\n\nA Title\n\n" + long_abstract("real") + "\n"
    digest = parse_digest(text, "d.txt")
    assert [p.title for p in digest.papers] == ["A Title"]
    assert [(s.line, s.reason) for s in digest.problems] == [(3, "abstract without a title before it")]
    assert digest.accounted_paragraphs == digest.paragraphs


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n\n  \n", "is empty"),
        (b"new\n\nSubscribe\n\nMar 11\n", "has 3 paragraph(s) but no paper"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file"),
        ("Titre élégant\n\nRésumé.".encode("latin-1"), "is not UTF-8 text (byte 0xe9"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16"),
    ],
)
def test_unusable_files_give_one_clear_error(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DigestError) as caught:
        load_digest(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_wrong_encoding_error_names_the_line(tmp_path: Path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"A Title\n\nAbstract line one.\nCaf\xe9 on line four.\n")
    with pytest.raises(DigestError, match=rf"{path}:4: is not UTF-8"):
        load_digest(path)


def test_missing_file_and_directory(tmp_path: Path):
    with pytest.raises(DigestError, match="no such file"):
        load_digest(tmp_path / "nope.txt")
    with pytest.raises(DigestError, match="is a directory"):
        load_digest(tmp_path)


@pytest.mark.parametrize("enabled_before", [True, False])
def test_parsing_leaves_the_cycle_collector_as_it_found_it(enabled_before: bool):
    """Parsing pauses the collector (speed) and restores it, also when the digest is rejected."""
    (gc.enable if enabled_before else gc.disable)()
    try:
        parse_digest(digest_text([("A title", long_abstract("forgetting"))]), "ok.txt")
        assert gc.isenabled() is enabled_before
        with pytest.raises(DigestError):
            parse_digest("", "empty.txt")
        assert gc.isenabled() is enabled_before
    finally:
        gc.enable()


@pytest.mark.parametrize("line", ["Mar 11", "March 3, 2025", "Dec. 1 2024", "sept  30", "Mar \u0661\u0661"])
def test_date_lines_are_skipped_with_their_reason(line: str):
    pairs = [("A Title", long_abstract("forgetting"))]
    digest = parse_digest(f"{line}\n\n" + digest_text(pairs, chrome=False), "d.txt")
    assert [(s.line, s.text, s.reason) for s in digest.skipped] == [(1, line, "date line")]
    assert [p.title for p in digest.papers] == ["A Title"]


@pytest.mark.parametrize("title", ["Mar 11 papers", "March 2025 Report", "May 1st"])
def test_a_title_that_starts_like_a_date_is_a_title(title: str):
    digest = parse_digest(digest_text([(title, long_abstract("forgetting"))], chrome=False), "d.txt")
    assert [p.title for p in digest.papers] == [title] and not digest.skipped
