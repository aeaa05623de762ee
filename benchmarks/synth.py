"""Synthetic digests of N papers in the real digest format, for benchmarks.

The seed digest (data/digests/2025-03-11-hf-papers.txt) gives the page chrome and the date line,
which are copied as they are, and the material that is recombined: every abstract is split into
sentences, every title into words. Each synthetic paper is a title made of seed title words and an
abstract made of seed sentences; titles are unique (by litreview's own `normalise_title`), and no
title has the shape of an abstract (by its parser's rule), so a digest of N papers parses back to
exactly N papers. The seed is read with litreview's parser: its chrome is every paragraph before the
first paper with an abstract, its material the titles and abstracts of the papers from there on. The
output depends only on N, the seed number and the seed digest: ``random.Random(seed)`` drives every
choice.

    python benchmarks/synth.py N OUT [--seed S]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# litreview is imported inside the functions that generate: run.py and every child of stages.py import
# this module, and a floor's child must not carry pandas (which importing litreview loads).

ROOT = Path(__file__).resolve().parent.parent
SEED_DIGEST = ROOT / "data" / "digests" / "2025-03-11-hf-papers.txt"

# A sentence ends at . ! or ? followed by space and an upper-case letter or an opening bracket/quote.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"`'])")

TITLE_WORDS = (5, 13)  # inclusive range of words in a synthetic title
ABSTRACT_SENTENCES = (4, 9)  # inclusive range of sentences in a synthetic abstract


@dataclass(frozen=True)
class Seed:
    chrome: tuple[str, ...]  # paragraphs before the first paper (page chrome, date line)
    title_words: tuple[str, ...]
    sentences: tuple[str, ...]


@lru_cache(maxsize=4)
def load_seed(path: str | Path = SEED_DIGEST) -> Seed:
    """Chrome, title words (no word with . ! or ?, so a title never looks like sentences) and sentences."""
    from litreview import load_digest
    from litreview.sources.hf_digest import split_paragraphs

    digest = load_digest(path)
    first = next((i for i, paper in enumerate(digest.papers) if paper.abstract), None)
    if first is None:
        raise ValueError(f"{path}: no paper (a title followed by an abstract) to learn from")
    start = digest.papers[first].line
    chrome = [paragraph for line, paragraph in split_paragraphs(Path(path).read_text(encoding="utf-8-sig")) if line < start]
    words: dict[str, None] = {}
    sentences: dict[str, None] = {}
    for paper in digest.papers[first:]:
        for word in paper.title.split():
            word = word.rstrip(":")  # the only colon in a synthetic title is the one make_title puts
            if word and not re.search(r"[.!?]", word):
                words[word] = None
        for sentence in _SENTENCE_SPLIT.split(paper.abstract):
            sentence = sentence.strip()
            if sentence:
                sentences[sentence] = None
    return Seed(chrome=tuple(chrome), title_words=tuple(words), sentences=tuple(sentences))


def make_title(rng: random.Random, words: tuple[str, ...]) -> str:
    count = rng.randint(*TITLE_WORDS)
    picked = rng.sample(words, count) if count <= len(words) else [rng.choice(words) for _ in range(count)]
    if count >= 6 and rng.random() < 0.5:
        # "Name: what it does", the commonest title shape on the seed page.
        cut = rng.randint(1, 3)
        picked[cut - 1] += ":"
    picked[0] = picked[0][:1].upper() + picked[0][1:]
    return " ".join(picked)


def make_abstract(rng: random.Random, sentences: tuple[str, ...]) -> str:
    from litreview.sources.hf_digest import looks_like_abstract

    chosen = [rng.choice(sentences) for _ in range(rng.randint(*ABSTRACT_SENTENCES))]
    abstract = " ".join(chosen)
    while not looks_like_abstract(abstract):  # never with the seed, but keep the shape rule true by construction
        abstract += " " + rng.choice(sentences)
    return abstract


def papers(n: int, seed: int = 0, seed_path: str | Path = SEED_DIGEST) -> list[tuple[str, str]]:
    """N (title, abstract) pairs with unique titles, the same for the same (n, seed, seed digest)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    from litreview import normalise_title
    from litreview.sources.hf_digest import looks_like_abstract

    material = load_seed(str(seed_path))
    rng = random.Random(seed)
    seen: set[str] = set()
    out = []
    while len(out) < n:
        title = make_title(rng, material.title_words)
        key = normalise_title(title)
        if key in seen or looks_like_abstract(title):
            continue
        seen.add(key)
        out.append((title, make_abstract(rng, material.sentences)))
    return out


def make_digest(n: int, seed: int = 0, seed_path: str | Path = SEED_DIGEST) -> str:
    """The text of a digest: the seed's chrome and date line, then a title and an abstract paragraph
    per paper, paragraphs separated by one blank line, ending with a newline."""
    chrome = load_seed(str(seed_path)).chrome
    paragraphs = list(chrome)
    for title, abstract in papers(n, seed, seed_path):
        paragraphs += [title, abstract]
    return "\n\n".join(paragraphs) + "\n"


def write_digest(n: int, out: str | Path, seed: int = 0, seed_path: str | Path = SEED_DIGEST) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(make_digest(n, seed, seed_path).encode("utf-8"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic digest of N papers recombined from the seed digest.")
    parser.add_argument("n", type=int, metavar="N", help="number of papers")
    parser.add_argument("out", metavar="OUT", help="the digest file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s); same seed, same bytes")
    parser.add_argument("--from", dest="seed_path", default=str(SEED_DIGEST), metavar="DIGEST", help="seed digest (default: the review's first digest)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be >= 0")
    path = write_digest(args.n, args.out, args.seed, args.seed_path)
    print(f"wrote {args.n} papers to {path} ({path.stat().st_size:,} bytes, seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
