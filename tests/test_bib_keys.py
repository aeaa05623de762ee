"""Citation keys through the command line: pinned across digests and metadata changes, changed only
on purpose (`bib --rekey`), provisional while a paper has no authors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import bibtexparser

from litreview.bib.outputs import consumer_problems

from .conftest import ROOT, digest_text, long_abstract
from .test_bib import run, run_bibtex


def test_keys_survive_a_second_digest_and_a_metadata_change(review_dir: Path):
    shutil.copytree(ROOT / "bib", review_dir / "bib")
    shutil.copy(ROOT / "data" / "arxiv-metadata.jsonl", review_dir / "data" / "arxiv-metadata.jsonl")
    before = (review_dir / "bib" / "citekeys.csv").read_text()
    # Metadata changes: the first paper's first author and year are different now.
    cache = review_dir / "data" / "arxiv-metadata.jsonl"
    lines = cache.read_text().splitlines()
    first = json.loads(lines[0])
    first.update(authors=["Someone Else"], published="2019-01-01")
    cache.write_text("\n".join([json.dumps(first)] + lines[1:]) + "\n")
    new = review_dir.parent / "second.txt"
    new.write_text(digest_text([("A Brand New Paper About Forgetting", long_abstract("forgetting"))]))
    assert run("add", str(new), "--date", "2025-04-01", cwd=review_dir).returncode == 0
    assert run("bib", cwd=review_dir).returncode == 0
    after = (review_dir / "bib" / "citekeys.csv").read_text()
    assert after.startswith(before)
    assert after[len(before):].startswith("p") and after.count("\n") == before.count("\n") + 1
    entries = {e.key: e for e in bibtexparser.parse_string((review_dir / "bib" / "review.bib").read_text()).entries}
    assert entries["du2024think"]["author"] == "Someone Else"  # the key stayed, the entry follows the facts


def test_rekey_changes_only_that_key(review_dir: Path):
    shutil.copytree(ROOT / "bib", review_dir / "bib")
    shutil.copy(ROOT / "data" / "arxiv-metadata.jsonl", review_dir / "data" / "arxiv-metadata.jsonl")
    pins = (review_dir / "bib" / "citekeys.csv").read_text().splitlines()
    paper_id = pins[1].split(",")[0]
    cache = review_dir / "data" / "arxiv-metadata.jsonl"
    lines = cache.read_text().splitlines()
    first = json.loads(lines[0])
    first.update(authors=["Ada Lovelace"])
    cache.write_text("\n".join([json.dumps(first)] + lines[1:]) + "\n")
    result = run("bib", "--rekey", paper_id, cwd=review_dir)
    assert result.returncode == 0, result.stderr
    assert f"{paper_id}: new citation key lovelace2024think" in result.stdout
    after = (review_dir / "bib" / "citekeys.csv").read_text().splitlines()
    assert after[:1] + after[1:-1] == pins[:1] + pins[2:]
    assert after[-1] == f"{paper_id},lovelace2024think,complete"


def provisional_review(review_dir: Path) -> tuple[Path, list[str]]:
    """The seed review with its committed bib and cache, plus a digest of two papers that no metadata knows."""
    shutil.copytree(ROOT / "bib", review_dir / "bib")
    shutil.copy(ROOT / "data" / "arxiv-metadata.jsonl", review_dir / "data" / "arxiv-metadata.jsonl")
    new = review_dir.parent / "april.txt"
    new.write_text(digest_text([("Semantic Entropy Probes for Forgetting", long_abstract("forgetting")),
                                ("Quiet Offline Paper", long_abstract("hallucination"))]))
    assert run("add", str(new), "--date", "2025-04-01", cwd=review_dir).returncode == 0
    return review_dir / "bib" / "citekeys.csv", (ROOT / "bib" / "citekeys.csv").read_text().splitlines()


def test_offline_papers_get_provisional_keys_that_only_rekey_upgrades(review_dir: Path):
    pins_path, seed_pins = provisional_review(review_dir)
    result = run("bib", cwd=review_dir)
    assert result.returncode == 0, result.stderr
    pins = pins_path.read_text().splitlines()
    semantic, quiet = pins[-2].split(",")[0], pins[-1].split(",")[0]
    assert pins == seed_pins + [f"{semantic},semanticentropy2025,provisional", f"{quiet},quietoffline2025,provisional"]
    ours = sum(line.endswith(",provisional") for line in seed_pins)  # our review's own papers without authors
    assert f"{ours + 2} provisional citation key(s)" in result.stdout and f"  {semantic}: semanticentropy2025" in result.stdout
    check = run("bib", "--check", cwd=review_dir)
    assert check.returncode == 0 and "0 problem(s)" in check.stdout, check.stderr  # offline, provisional keys are legitimate
    assert f"  {quiet}: quietoffline2025" in check.stdout

    # The metadata of one paper arrives: a plain `bib` keeps its key, and says it can be upgraded.
    record = {"title": "Semantic Entropy Probes for Forgetting", "arxiv_id": "2504.01234", "authors": ["Ada Lovelace", "Alan Turing"],
              "published": "2025-04-02", "primary_category": "cs.CL", "venue": None, "checked": False}
    with (review_dir / "data" / "arxiv-metadata.jsonl").open("a") as cache:
        cache.write(json.dumps(record) + "\n")
    before = pins_path.read_bytes()
    result = run("bib", cwd=review_dir)
    assert result.returncode == 0, result.stderr
    assert pins_path.read_bytes() == before
    assert "1 provisional citation key(s) can be upgraded" in result.stdout and "run 'litreview bib --rekey'" in result.stdout
    entries = {e.key: e for e in bibtexparser.parse_string((review_dir / "bib" / "review.bib").read_text()).entries}
    assert entries["semanticentropy2025"]["author"] == "Ada Lovelace and Alan Turing"  # the entry follows the facts
    check = run("bib", "--check", cwd=review_dir)
    assert check.returncode == 1
    assert f"{semantic} has authors in the metadata now but its key semanticentropy2025 is still provisional" in check.stderr
    assert "1 problem(s)" in check.stdout

    result = run("bib", "--rekey", cwd=review_dir)
    assert result.returncode == 0, result.stderr
    assert f"{semantic}: semanticentropy2025 -> lovelace2025semantic" in result.stdout
    assert f"{quiet}: quietoffline2025 stays provisional (no authors in the metadata)" in result.stdout
    # Complete keys are byte for byte as they were; the upgraded key is pinned again, as complete.
    assert pins_path.read_text().splitlines() == seed_pins + [f"{quiet},quietoffline2025,provisional", f"{semantic},lovelace2025semantic,complete"]
    check = run("bib", "--check", cwd=review_dir)
    assert check.returncode == 0 and "0 problem(s)" in check.stdout, check.stderr
    assert f"{ours + 1} provisional citation key(s)" in check.stdout
    # An explicit rekey of a paper still without authors gives it a provisional key again, and says so.
    result = run("bib", "--rekey", quiet, cwd=review_dir)
    assert f"{quiet}: new citation key quietoffline2025 (provisional: no authors in the metadata)" in result.stdout


def test_provisional_keys_pass_the_real_consumers(review_dir: Path, tmp_path: Path):
    provisional_review(review_dir)
    assert run("bib", cwd=review_dir).returncode == 0
    bib = review_dir / "bib" / "review.bib"
    text = bib.read_text(encoding="utf-8")
    assert "@misc{semanticentropy2025," in text and "@misc{quietoffline2025," in text
    assert consumer_problems(text, str(bib)) == []
    stdout, bbl = run_bibtex(bib, tmp_path)
    assert "Warning" not in stdout and "error" not in stdout.lower(), stdout
    assert "\\bibitem{semanticentropy2025}" in bbl and bbl.count("\\bibitem") == 99
