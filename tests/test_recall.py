"""Theme recall on digests nobody curated: the tuning half of the development digest, the seed without
curation, and `litreview evaluate --labels CSV --digest FILE` on a digest outside the review."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from litreview import ConfigError, load_review
from litreview.pipeline import DEFAULT_THEMES, build_review, load_digests_from_paths
from litreview.themes.evaluate import evaluate, format_evaluation, load_labels, split_labels
from litreview.themes.rules import classify_papers, load_themes

from .conftest import ROOT, run_litreview

DEV = ROOT / "tests" / "data" / "dev-tune"
THEMES = ("forgetting", "hallucination", "cot")
# The goals (issue 17) are recall >= 0.92 and precision >= 0.95 per theme on the held-out half of the
# development digest, which is not in the repository. These floors guard the half tuned on, a little
# below the goals: they fail when a change to themes.toml loses what was found there.
DEV_FLOOR = {"precision": 0.93, "recall": 0.90}
# The seed without curation, rules alone (measured 1.00 precision; recall 1.00, 0.944, 0.950 on all 97 papers).
SEED_PRECISION_FLOOR = 0.95
SEED_RECALL_FLOOR = {"forgetting": 0.95, "hallucination": 0.90, "cot": 0.90}


@pytest.fixture(scope="module")
def dev():
    papers = build_review(None, load_digests_from_paths([DEV / "digest.txt"]), use_curation=False)["papers"]
    themes = load_themes(ROOT / "themes.toml")
    return {"papers": papers, "themes": themes, "labels": load_labels(DEV / "labels.csv", themes.ids),
            "table": classify_papers(papers, themes)}


def test_the_dev_labels_read_as_one_column_per_theme(dev):
    labels = dev["labels"]
    assert len(labels) == 42 and set(labels["paper_id"]) == set(dev["papers"]["paper_id"])
    # Counted by hand in labels.csv: 12 forgetting, 12 hallucination, 9 cot, 10 other; one paper has two themes.
    assert [int(labels[t].sum()) for t in THEMES] == [12, 12, 9]
    assert int((labels[list(THEMES)].sum(axis=1) == 0).sum()) == 10
    both = labels.set_index("n").loc["56"]
    assert (both["forgetting"], both["hallucination"], both["cot"]) == (0, 1, 1)


def test_the_copy_is_the_tune_half_of_its_own_split(dev):
    tune, holdout = split_labels(dev["labels"])
    assert len(tune) == 42 and holdout.empty


@pytest.mark.parametrize("theme", THEMES)
def test_dev_tune_half_without_curation(dev, theme: str):
    ev = evaluate(dev["table"], dev["labels"], dev["papers"], themes=dev["themes"].ids)
    row = ev.metrics.set_index("theme").loc[theme]
    assert ev.papers == 42 and not ev.missing
    assert row["precision"] >= DEV_FLOOR["precision"] and row["recall"] >= DEV_FLOOR["recall"], format_evaluation(ev)


@pytest.mark.parametrize("theme", THEMES)
def test_seed_without_curation(seed_config: Path, theme: str):
    review = load_review(seed_config)
    table = classify_papers(review["papers"], review.themes, None, review.scores)
    ev = evaluate(table, load_labels(ROOT / "tests" / "data" / "seed_labels.csv", review.themes.ids), review["papers"])
    row = ev.metrics.set_index("theme").loc[theme]
    assert ev.papers == 97
    assert row["precision"] >= SEED_PRECISION_FLOOR and row["recall"] >= SEED_RECALL_FLOOR[theme], format_evaluation(ev)


def test_every_assignment_names_its_sentence_and_signals(dev):
    papers = dev["papers"].set_index("paper_id")
    signals = {s.name for t in dev["themes"].themes for s in t.signals}
    table = dev["table"]
    assert len(table) >= 33 and set(table["source"]) == {"rule"}
    for row in table.itertuples():
        assert row.evidence and (row.evidence == papers.at[row.paper_id, "title"] or row.evidence in papers.at[row.paper_id, "abstract"])
        names = [part.rsplit(" (", 1)[0] for part in row.matched.split("; ")]
        assert names and set(names) <= signals, row.matched


def test_the_default_themes_are_the_reviews(dev):
    """Strangers get litreview's default themes: the same signals as ours, apart from the header comment."""
    ours, default = (ROOT / "themes.toml").read_text(encoding="utf-8"), DEFAULT_THEMES.read_text(encoding="utf-8")
    assert default.endswith(ours) and all(line.startswith("#") for line in default[: -len(ours)].splitlines())


def test_evaluate_a_digest_outside_the_review(tmp_path: Path):
    for name in ("digest.txt", "labels.csv"):
        shutil.copy(DEV / name, tmp_path / name)
    done = run_litreview("evaluate", "--labels", "labels.csv", "--digest", "digest.txt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "labels.csv on digest.txt, all split, classifier without curation (litreview's default themes)"
    assert lines[1] == "42 labelled papers"
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:6]}
    assert set(rows) == set(THEMES) and [rows[t][3] for t in THEMES] == ["12", "12", "9"]  # support, as counted by hand
    assert all(float(rows[t][0]) >= DEV_FLOOR["precision"] and float(rows[t][1]) >= DEV_FLOOR["recall"] for t in THEMES), done.stdout
    assert done.stderr == ""


def test_evaluate_a_digest_inside_a_review_uses_its_themes_not_its_curation(tmp_path: Path):
    from .conftest import copy_review

    root = copy_review(tmp_path / "review", docs=False)
    (root / "themes.toml").write_text((ROOT / "themes.toml").read_text(encoding="utf-8").replace("threshold = 4.0", "threshold = 400.0"),
                                      encoding="utf-8")
    done = run_litreview("evaluate", "--labels", str(DEV / "labels.csv"), "--digest", str(DEV / "digest.txt"), "--split", "tune", cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "labels.csv on digest.txt, tune split, classifier without curation (themes.toml)"
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()[3:6]}
    # The review's themes.toml now sets hallucination and cot out of reach: nothing is found there.
    assert rows["hallucination"][:3] == rows["cot"][:3] == ["0.000", "0.000", "0.000"]
    assert float(rows["forgetting"][1]) >= DEV_FLOOR["recall"]


def test_labelled_papers_missing_from_the_digest_are_named(tmp_path: Path):
    text = (DEV / "labels.csv").read_text(encoding="utf-8")
    (tmp_path / "labels.csv").write_text(text + '99,A Paper That Is Not In The Digest,0000.00000,cot,"made up"\n', encoding="utf-8")
    done = run_litreview("evaluate", "--labels", "labels.csv", "--digest", str(DEV / "digest.txt"), cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr == ("litreview: warning: 1 labelled paper(s) not in the digests, not counted: "
                           "'A Paper That Is Not In The Digest'\n")
    assert done.stdout.splitlines()[1] == "42 labelled papers"


@pytest.mark.parametrize(("text", "message"), [
    ("n,title,themes\n1,A,cot\n2,B,forgeting\n", r"labels\.csv:3: unknown theme 'forgeting' in the themes column; the themes are "
                                                 r"forgetting, hallucination, cot \(or 'other' for none\)"),
    ("title,cot\nA,1\nB,yes\n", r"labels\.csv:3: column 'cot' must be 0 or 1 \(got 'yes'\)"),
    ("title,cot\nA,1\n\nA,0\n", r"labels\.csv:4: the same paper is labelled twice \(first on line 2\): 'A'"),
    ("title,cot\nA,1\nB,0,extra\n", r"labels\.csv:3: 3 fields, but the header has 2"),
    ('title,rationale,cot\nA,"first line\nsecond line",1\n,x,0\n', r"labels\.csv:4: no title"),
    ("name,cot\nA,1\n", r"labels\.csv:1: the labels need a 'title' column \(the header has name, cot\)"),
    ("title,themes,cot\nA,cot,1\n", r"labels\.csv:1: both a 'themes' column and theme columns \(cot\); keep one form"),
    ("title,rationale\nA,x\n", r"labels\.csv:1: no theme labels; add a 'themes' column"),
    ("", r"labels\.csv: empty"),
    ('title,cot\n"A,1\n', r"labels\.csv:2: not valid CSV"),
])
def test_a_bad_labels_file_is_one_line_naming_file_and_line(tmp_path: Path, text: str, message: str):
    path = tmp_path / "labels.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_labels(path, list(THEMES))
    assert "\n" not in str(caught.value)


def test_labels_separated_by_commas_and_in_any_case_of_other(tmp_path: Path):
    path = tmp_path / "labels.csv"
    path.write_text('title,themes\nA,"cot, hallucination"\nB,Other\nC,\n', encoding="utf-8")
    labels = load_labels(path, list(THEMES))
    assert labels[list(THEMES)].values.tolist() == [[0, 1, 1], [0, 0, 0], [0, 0, 0]]


def test_evaluate_with_a_bad_labels_file_or_without_labels_fails_with_one_line(tmp_path: Path):
    (tmp_path / "labels.csv").write_text("title,themes\nA,cot\nB,forgetting;halucination\n", encoding="utf-8")
    done = run_litreview("evaluate", "--labels", "labels.csv", "--digest", str(DEV / "digest.txt"), cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == ("litreview: error: labels.csv:3: unknown theme 'halucination' in the themes column; the themes are "
                           "forgetting, hallucination, cot (or 'other' for none)\n")
    done = run_litreview("evaluate", "--digest", str(DEV / "digest.txt"), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == "litreview: error: --digest needs --labels CSV: the hand labels of that digest's papers\n"
