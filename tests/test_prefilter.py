"""The Hyperscan pre-filter changes no score: the same tables as the code before it, and as `re` alone.

The expected files under tests/data/prefilter/expected/ were computed by the scoring code before the
pre-filter existed, and those that depend on themes.toml again by `re` alone when its signals changed
(tests/data/prefilter/make_expected.py says how); `re` alone is the same scoring code with every
pattern tried on every sentence.
"""

from __future__ import annotations

import difflib
import functools
import io
import re
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litreview.themes.prefilter import Prefilter, bytewise, engines_agree_on
from litreview.themes.rules import ThemeSet, classify_papers, load_themes, score_papers
from litreview.themes.sentences import SentenceIndex

from .conftest import ROOT

DATA = ROOT / "tests" / "data" / "prefilter"
sys.path.insert(0, str(DATA))
import make_expected  # noqa: E402  (the generator of the expected files: its inputs are the tests' inputs)

sys.path.remove(str(DATA))
# The one place where the old code was wrong: its pre-filter case-folded sentences ("İ" folds to
# "i" + a combining dot) and so hid the match of '\bmixing\b' in "mİxing" that `re` finds. The new
# scores are those of `re` alone (test_constructs_match_re_alone checks this very row).
OLD_PREFILTER_MISSED = {("t03", "syntax"): (12.2, "boundary at sentence start; non-ascii literal; not a word boundary; unicode escape; "
                                                  "big repeat; dotless i; end of sentence; kelvin and long s; can match empty")}


def expected(name: str) -> str:
    return (DATA / "expected" / name).read_text(encoding="utf-8")


def csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


re_alone = make_expected.re_alone  # the same themes, with every pattern tried by `re` on every sentence


def corrected(frame: pd.DataFrame, score_column: str = "score") -> pd.DataFrame:
    frame = frame.copy()
    for (paper, theme), (score, matched) in OLD_PREFILTER_MISSED.items():
        row = (frame["paper_id"] == paper) & (frame["theme"] == theme)
        frame.loc[row, score_column], frame.loc[row, "matched"] = score, matched
    return frame


@functools.cache
def review_themes() -> ThemeSet:
    return load_themes(ROOT / "themes.toml")


@pytest.fixture(scope="module")
def themes() -> ThemeSet:
    return review_themes()


@pytest.fixture(scope="module")
def constructs() -> ThemeSet:
    with pytest.warns(FutureWarning):  # '[[:alpha:]]' is a POSIX class to Hyperscan, a nested set to Python
        return load_themes(DATA / "constructs-themes.toml")


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    """Seed, hostile and hand-made tricky papers, as the generator combined them."""
    return pd.concat([make_expected.digest_papers(make_expected.SEED_DIGEST), make_expected.digest_papers(make_expected.HOSTILE_DIGEST),
                      make_expected.tricky_papers()], ignore_index=True)


def test_seed_scores_paper_themes_and_explanations_are_unchanged(themes, seed_config):
    from litreview import load_review

    review = load_review(seed_config)
    seed = review["papers"][["paper_id", "title", "abstract"]]
    assert csv(score_papers(seed, themes)) == expected("seed-scores.csv")
    assert csv(classify_papers(seed, themes, review.curation)) == expected("seed-paper-themes.csv")
    # Explanations name the curation file; the stored ones name it relative to the checkout.
    explained = make_expected.explain_all(seed, themes, review.curation).replace(f"{seed_config.parent}/", "")
    assert explained == expected("seed-explain.txt")


def test_hostile_scores_and_explanations_are_unchanged(themes):
    hostile = make_expected.digest_papers(make_expected.HOSTILE_DIGEST)
    assert csv(score_papers(hostile, themes)) == expected("hostile-scores.csv")
    assert make_expected.explain_all(hostile, themes) == expected("hostile-explain.txt")


def test_synthetic_digest_scores_are_unchanged(themes):
    papers = make_expected.synth_papers()
    scores = score_papers(papers, themes)
    assert len(scores) == len(papers) * len(themes.themes)
    zero = scores[scores["score"] == 0]
    assert not zero["member"].any() and set(zero["evidence"]) | set(zero["matched"]) | set(zero["subtheme"]) <= {""}
    assert csv(make_expected.evidence_digest(scores[scores["score"] > 0])) == expected("synth-scores.csv")


def test_constructs_are_unchanged_except_where_the_old_prefilter_missed_a_match(constructs, mixed):
    old = pd.read_csv(io.StringIO(expected("constructs-scores.csv")), dtype=str, keep_default_na=False)
    new = pd.read_csv(io.StringIO(csv(score_papers(mixed, constructs))), dtype=str, keep_default_na=False)
    assert csv(new) == csv(corrected(old.astype({"score": "float64"})).astype(str))
    old_table = pd.read_csv(io.StringIO(expected("constructs-paper-themes.csv")), dtype=str, keep_default_na=False)
    new_table = pd.read_csv(io.StringIO(csv(classify_papers(mixed, constructs))), dtype=str, keep_default_na=False)
    assert csv(new_table) == csv(corrected(old_table.astype({"score": "float64"})).astype(str))
    old_lines, new_lines = expected("constructs-explain.txt").splitlines(), make_expected.explain_all(mixed, constructs).splitlines()
    changes = [line for line in difflib.unified_diff(old_lines, new_lines, lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changes == ["-syntax: score 11.20 (threshold 1.00) -> member (rule), sub-theme ",
                       "+syntax: score 12.20 (threshold 1.00) -> member (rule), sub-theme ",
                       "+  +1.00  dotless i  [abstract sentence 3]"]


def test_constructs_match_re_alone(constructs, mixed):
    """Every construct, including those left to `re` (rejected by Hyperscan or read differently by it)."""
    assert constructs.prefilter.everywhere  # some patterns are not Hyperscan's: they still score
    assert csv(score_papers(mixed, constructs)) == csv(score_papers(mixed, re_alone(constructs)))
    assert make_expected.explain_all(mixed, constructs) == make_expected.explain_all(mixed, re_alone(constructs))


def test_left_to_re(constructs):
    names = {s.name: s.pattern for t in constructs.themes for s in (*t.signals, *t.negatives)}
    everywhere = {name for name, p in names.items() if constructs.prefilter.ids[p] in constructs.prefilter.everywhere}
    # read differently by Hyperscan, or not ASCII (as seen in the pattern's text):
    assert {"open lower bound", "posix-looking class", "verbose", "unicode escape", "non-ascii literal", "unicode word"} <= everywhere
    assert "ascii flag" in everywhere  # rejected by Hyperscan 0.9.1 itself
    assert not {"forgetting", "lookbehind", "backreference", "reasoning not followed by 'rule'", "big repeat", "end of sentence",
                "can match empty", "atomic and possessive"} & everywhere


def test_hyperscan_reports_every_sentence_re_matches_in(themes, seed_papers: pd.DataFrame):
    sentences = SentenceIndex.of(seed_papers["title"].tolist(), seed_papers["abstract"].tolist(), themes.prefilter)
    assert not sentences.unscanned and not themes.prefilter.everywhere  # the seed is all Hyperscan's
    for pattern in themes.prefilter.ids:
        candidates = set(sentences.candidates(pattern))
        matching = {k for k, (text, span) in enumerate(zip(sentences.text, sentences.span)) if pattern.search(text, *span)}
        assert matching <= candidates, pattern.pattern
        assert len(candidates) < len(sentences.key) / 2, pattern.pattern  # and it does filter


@pytest.mark.parametrize(("char", "agree"), [
    ("a", True), (" ", True), ("\t", True), ("—", True), ("\u201c", True), ("🙂", True),
    ("é", False), ("漢", False), ("\u00a0", False), ("١", False), ("\x1c", False),  # \w, \s or \d to Python only
    ("\u212a", False), ("\u017f", False), ("\u0131", False), ("\u0130", False),  # IGNORECASE folds them into ASCII
    ("\ud800", False),
])
def test_engines_agree_on(char: str, agree: bool):
    assert engines_agree_on(char) is agree


WORDS = ["forgetting", "forget", "catastrophic", "continual", "learning", "hallucination", "chain-of-thought", "reasoning",
         "GPU", "memory", "fine-tuning", "safety", "the", "model", "unlearning", "super-resolution", "prior", "knowledge",
         "é", "İ", "K", "ſ", "\u00a0", "\x1c", "—", "(", ")", ".", ",", "'", "\u200b", "over-forgetting", "Forgetting."]


@given(st.lists(st.tuples(st.lists(st.sampled_from(WORDS), max_size=8), st.lists(st.sampled_from(WORDS + [". ", "! "]), max_size=40)),
                min_size=1, max_size=5))
@settings(max_examples=60, deadline=None)
def test_any_text_scores_as_with_re_alone(pairs):
    themes = review_themes()
    papers = pd.DataFrame([(f"p{n}", " ".join(t), " ".join(a).replace(" . ", ". ").replace(" ! ", "! ")) for n, (t, a) in enumerate(pairs)],
                          columns=["paper_id", "title", "abstract"])
    assert csv(score_papers(papers, themes)) == csv(score_papers(papers, re_alone(themes)))


@pytest.mark.parametrize(("pattern", "rewritten"), [
    (r"a\Wb", r"a\W+b"),  # one non-word character of text may be several bytes
    (r"x.{2,5}?y", r"x.{2,}?y"),
    (r"x[^ab]?y", r"x[^ab]*y"),
    (r"[\W_]{1,3}", r"[\W_]+"),
    (r"(?>ab)c++", r"(?:ab)c+"),  # atomic and possessive: plain (they match wherever those do)
    (r"\bforget\w*|\.\S|\\W", r"\bforget\w*|\.\S+|\\W"),  # an escaped dot or backslash is a literal
    (r"(?:[\w-]+\W+){0,4}?z", r"(?:[\w-]+\W+){0,4}?z"),
    (r"(?P<w>\w+)\s+(?P=w)", r"(?P<w>\w+)\s+(?P=w)"),
])
def test_bytewise_lets_what_matches_any_character_match_its_bytes(pattern: str, rewritten: str):
    assert bytewise(pattern) == rewritten


# Characters Hyperscan is given (the engines agree on them), each two to four bytes in UTF-8.
MULTIBYTE = ["\u2014", "\u201c", "\u2026", "\U0001f642", "\u00a9"]


@given(st.lists(st.sampled_from(["a", "b", " ", "-", ".", *MULTIBYTE]), min_size=1, max_size=12))
@settings(max_examples=200, deadline=None)
def test_the_byte_database_reports_every_pattern_re_matches_around_multibyte_characters(chars):
    patterns = [re.compile(p) for p in (r"a\Wb", r"a.b", r"a.{2}b", r"a[^b ]b", r"a\S{1,2}b", r"\ba\W+b\b", r"a(?:\W\w){1,2}",
                                        r"a[\W_]b", r"(?>a.)b", r"a.?b$", r"^.a")]
    assert all(engines_agree_on(c) for c in MULTIBYTE)
    text = "".join(chars)
    sentences = SentenceIndex.of([text], [""], Prefilter.of(patterns))
    for pattern in patterns:
        if pattern.search(text):
            assert 0 in sentences.candidates(pattern), (pattern.pattern, text)
