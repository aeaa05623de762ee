"""Write the expected theme scores that tests/test_prefilter.py compares against.

These files were produced ONCE by the scoring code as it was before the Hyperscan pre-filter
(commit 015ecd8: required strings found with `re._parser`, an Aho-Corasick index of sentences),
by running, from the repository root:

    .venv/bin/python tests/data/prefilter/make_expected.py

Do not regenerate them with newer code: they are the reference the new pre-filter must reproduce
exactly. When themes.toml itself changes (new signals), the files that depend on it (seed-*,
hostile-*, synth-*) are recomputed with `re` alone, Hyperscan left out (`re_alone`), by

    .venv/bin/python tests/data/prefilter/make_expected.py --themes-changed

which leaves the constructs-* files, the old code's reference for the pre-filter's hard cases, alone.
Each file: `score_papers` (every paper and theme; the synthetic digest's rows with a zero
score are left out, the test knows they are zero and empty, and its evidence sentences are given
by `evidence_digest`, to keep the file small), `classify_papers` with the review's
curation, and `explain_paper` for every paper.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SEED_DIGEST = ROOT / "data" / "digests" / "2025-03-11-hf-papers.txt"
HOSTILE_DIGEST = ROOT / "tests" / "data" / "hostile-digest.txt"
SYNTH_PAPERS, SYNTH_SEED = 3000, 15


def synth_papers(n: int = SYNTH_PAPERS, seed: int = SYNTH_SEED) -> pd.DataFrame:
    """The synthetic digest of benchmarks/synth.py, as a papers table (id, title, abstract)."""
    from litreview import make_paper_id

    spec = importlib.util.spec_from_file_location("bench_synth", ROOT / "benchmarks" / "synth.py")
    synth = sys.modules["bench_synth"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    pairs = synth.papers(n, seed)
    return pd.DataFrame([(make_paper_id(t), t, a) for t, a in pairs], columns=["paper_id", "title", "abstract"])


def evidence_digest(frame: pd.DataFrame) -> pd.DataFrame:
    """The evidence column replaced by the first 12 hex digits of the sentence's SHA-1."""
    return frame.assign(evidence=[hashlib.sha1(e.encode("utf-8")).hexdigest()[:12] for e in frame["evidence"]])


def tricky_papers() -> pd.DataFrame:
    pairs = json.loads((HERE / "tricky-papers.json").read_text(encoding="utf-8"))
    return pd.DataFrame([(f"t{n:02d}", t, a) for n, (t, a) in enumerate(pairs)], columns=["paper_id", "title", "abstract"])


def digest_papers(path: Path) -> pd.DataFrame:
    from litreview.pipeline import build_review, load_digests_from_paths

    # Without a review config: nothing is cached into the checkout's build/ folder.
    return build_review(None, load_digests_from_paths([path]))["papers"][["paper_id", "title", "abstract"]]


def re_alone(themes):
    """The same themes, with no pattern left to Hyperscan: `re` tries each on every sentence."""
    import dataclasses

    from litreview.themes.prefilter import Prefilter

    plain = dataclasses.replace(themes)
    ids = themes.prefilter.ids
    plain.__dict__["prefilter"] = Prefilter(ids, frozenset(ids.values()), None)
    return plain


def explain_all(papers: pd.DataFrame, themes, curation=None) -> str:
    from litreview.themes.rules import explain_paper

    return "\n\n".join(explain_paper(pid, papers, themes, curation) for pid in papers["paper_id"]) + "\n"


def cases(themes_changed: bool = False) -> dict[str, str]:
    """name -> text of every expected file, computed by the code installed now; with `themes_changed`,
    only the files that depend on themes.toml, scored by `re` alone."""
    from litreview import load_review
    from litreview.themes.rules import classify_papers, load_themes, score_papers

    review = load_review(ROOT / "review.toml")
    themes, constructs = load_themes(ROOT / "themes.toml"), load_themes(HERE / "constructs-themes.toml")
    if themes_changed:
        themes = re_alone(themes)
    seed = review["papers"][["paper_id", "title", "abstract"]]
    hostile = digest_papers(HOSTILE_DIGEST)
    mixed = pd.concat([seed, hostile, tricky_papers()], ignore_index=True)
    synth = score_papers(synth_papers(), themes)
    def csv(frame: pd.DataFrame) -> str:
        return frame.to_csv(index=False, lineterminator="\n")

    files = {
        "seed-scores.csv": csv(score_papers(seed, themes)),
        "seed-paper-themes.csv": csv(classify_papers(seed, themes, review.curation)),
        "seed-explain.txt": explain_all(seed, themes, review.curation).replace(f"{ROOT}/", ""),
        "hostile-scores.csv": csv(score_papers(hostile, themes)),
        "hostile-explain.txt": explain_all(hostile, themes),
        "synth-scores.csv": csv(evidence_digest(synth[synth["score"] > 0])),
        "constructs-scores.csv": csv(score_papers(mixed, constructs)),
        "constructs-paper-themes.csv": csv(classify_papers(mixed, constructs)),
        "constructs-explain.txt": explain_all(mixed, constructs),
    }
    return {name: text for name, text in files.items() if not (themes_changed and name.startswith("constructs-"))}


def main() -> int:
    for name, text in cases("--themes-changed" in sys.argv[1:]).items():
        (HERE / "expected" / name).parent.mkdir(exist_ok=True)
        (HERE / "expected" / name).write_text(text, encoding="utf-8")
        print(f"{name}: {len(text.encode())} bytes, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
