"""A review of one's own: `litreview init` from a digest that is not the seed, to a site of its own."""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import pytest

from litreview import load_review

from .conftest import ROOT, run_litreview

OTHER_DIGEST = ROOT / "tests" / "data" / "other-review-digest.txt"
CITATION_TITLE = re.compile(r'href="[^"]*papers/[^"/]+\.html" title="([^"]*)"')  # a citation, with its entry as tooltip
FOURTH_THEME = '''
[[themes]]
id = "retrieval"
title = "Retrieval <b>augmented</b> generation"
description = "Models that retrieve text to answer."
threshold = 2
signals = [{ phrase = "retriev*", weight = 2 }]

[[themes.subthemes]]
id = "rag"
title = "Retrieval-augmented generation"
phrases = ["retrieval"]
'''


@pytest.fixture(scope="module")
def own_review(tmp_path_factory: pytest.TempPathFactory):
    """A review started with `litreview init` from the test digest, then built as the README says."""
    root = tmp_path_factory.mktemp("own") / "my-review"
    created = run_litreview("init", str(root), "--digest", str(OTHER_DIGEST), "--date", "2025-05-20", "--title", "My review", cwd=root.parent)
    assert created.returncode == 0, created.stderr
    return root, run_litreview("build", cwd=root)


def test_init_writes_only_what_people_edit(own_review):
    root, _ = own_review
    made = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] not in {"build", "bib"}
                  and "_build" not in p.parts and "_generated" not in p.parts)
    assert made == [".gitignore", "data/curation.toml", "data/digests/2025-05-20-other-review-digest.txt", "docs/bibliography.md",
                    "docs/conf.py", "docs/index.md", "docs/methods.md", "notebooks/01-forgetting.ipynb",
                    "notebooks/02-hallucination.ipynb", "notebooks/03-cot.ipynb", "review.toml", "themes.toml"]
    assert len((root / "docs" / "conf.py").read_text().splitlines()) <= 8  # the Sphinx settings live in the package
    assert (root / "data" / "digests" / "2025-05-20-other-review-digest.txt").read_bytes() == OTHER_DIGEST.read_bytes()


def test_its_site_builds_with_zero_warnings_and_cites_only_its_own_papers(own_review):
    root, result = own_review
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    review = load_review(root / "review.toml")
    own_titles = set(review["papers"]["title"])
    with open(ROOT / "bib" / "citekeys.csv", newline="") as f:
        seed_keys = {row["citekey"] for row in csv.DictReader(f)}
    html_dir = root / "docs" / "_build" / "html" / "_generated" / "notebooks"
    members = review["paper_themes"]
    assert set(members["theme"]) >= {"forgetting", "cot"}  # the test digest has papers in our default themes
    for theme_id, page in (("forgetting", "01-forgetting"), ("hallucination", "02-hallucination"), ("cot", "03-cot")):
        text = (html_dir / f"{page}.html").read_text(encoding="utf-8")
        cited = CITATION_TITLE.findall(text)
        # pybtex sets titles in sentence case: compare without case.
        assert cited and all(any(t.casefold() in html.unescape(c).casefold() for t in own_titles) for c in cited), page
        for paper_id in members.loc[members["theme"] == theme_id, "paper_id"]:
            assert f"papers/{paper_id}.html" in text, (page, paper_id)  # shown, with a link to its page
        source = (root / "docs" / "_generated" / "notebooks" / f"{page}.ipynb").read_text(encoding="utf-8")
        assert not any(key in source for key in seed_keys if len(key) > 8), page


def test_a_fourth_theme_gets_its_page_without_code(own_review, tmp_path: Path):
    root, _ = own_review
    grown = tmp_path / "grown"
    shutil.copytree(root, grown)
    with open(grown / "themes.toml", "a", encoding="utf-8") as f:
        f.write(FOURTH_THEME)
    result = run_litreview("build", cwd=grown)
    assert result.returncode == 0, result.stdout + result.stderr
    page = grown / "docs" / "_build" / "html" / "_generated" / "notebooks" / "theme-retrieval.html"
    text = page.read_text(encoding="utf-8")
    assert "Retrieval &lt;b&gt;augmented&lt;/b&gt; generation" in text and "<b>augmented" not in text
    review = load_review(grown / "review.toml")
    members = review["paper_themes"].loc[review["paper_themes"]["theme"] == "retrieval", "paper_id"].tolist()
    assert members and all(f"papers/{pid}.html" in text for pid in members)
    assert f"theme retrieval: {len(members)} papers, 0 discussed, {len(members)} not yet discussed" in result.stdout
    assert "theme-retrieval.html" in (grown / "docs" / "_build" / "html" / "index.html").read_text(encoding="utf-8")


def test_status_prints_a_line_per_theme_without_building(own_review, tmp_path: Path):
    root, _ = own_review
    fresh = tmp_path / "fresh"
    assert run_litreview("init", str(fresh), "--digest", str(OTHER_DIGEST), "--date", "2025-05-20", cwd=tmp_path).returncode == 0
    result = run_litreview("status", cwd=fresh)
    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["theme forgetting", "theme hallucination", "theme cot"]
    assert not (fresh / "docs" / "_build").exists() and not (fresh / "docs" / "_generated").exists()


@pytest.mark.parametrize("setup", ["file", "notempty"])
def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, setup: str):
    target = tmp_path / "review"
    if setup == "file":
        target.write_text("x")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    result = run_litreview("init", str(target), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"litreview: error: {target}: not an empty folder") and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review"]
    assert setup == "file" or [p.name for p in target.iterdir()] == ["notes.txt"]


def test_init_with_a_digest_that_does_not_parse_leaves_nothing(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_text("new\n\nOnly a title without abstract\n\n")
    result = run_litreview("init", str(tmp_path / "r"), "--digest", str(bad), "--date", "2025-05-20", cwd=tmp_path)
    assert result.returncode == 1 and "does not parse cleanly" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r").exists()


def test_build_outside_a_review_is_one_clear_line_and_writes_nothing(tmp_path: Path):
    (tmp_path / "review.toml").write_text('[review]\ntitle = "No site"\n')
    result = run_litreview("build", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no conf.py or index.md" in result.stderr and "litreview init" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.toml"]


def test_a_review_without_a_digest_yet_reports_empty_themes(tmp_path: Path):
    assert run_litreview("init", str(tmp_path / "empty"), cwd=tmp_path).returncode == 0
    result = run_litreview("status", cwd=tmp_path / "empty")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "theme forgetting: 0 papers, 0 discussed, 0 not yet discussed" in result.stdout
