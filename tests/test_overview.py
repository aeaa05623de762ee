"""The overview page: the flow ends in two boxes, the themes are overlapping sets, missing values are
"not known" and last, every sub-theme is counted, and the classifier's quality is shown or its absence said."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from litreview import load_review
from litreview.analysis import overview, plots, summaries

from .conftest import digest_text, long_abstract, run_litreview

matplotlib.use("Agg")

# Five papers, two themes: p1 and p5 in a only, p2 in a and b, p3 in b only, p4 in none.
MEMBERS = pd.DataFrame({"paper_id": ["p1", "p2", "p2", "p3", "p5"], "theme": ["a", "a", "b", "b", "a"],
                        "subtheme": ["a1", "a1", "b2", "b2", "a1"]})
PAPER_IDS = ["p1", "p2", "p3", "p4", "p5"]


def test_theme_sets_count_every_paper_once_in_its_exact_combination():
    sets = overview.compute_theme_sets(MEMBERS, ["a", "b"], PAPER_IDS)
    assert sets[["themes", "papers"]].values.tolist() == [["a", 2], ["b", 1], ["a + b", 1], ["no theme", 1]]
    assert sets[["a", "b"]].values.tolist() == [[True, False], [False, True], [True, True], [False, False]]
    figure = plots.plot_theme_sets(sets, ["a", "b"])
    bars = figure.axes[0].patches
    assert [round(bar.get_height()) for bar in bars] == [2, 1, 1, 1]


def test_every_subtheme_is_counted_with_0_where_it_has_none():
    counts = summaries.compute_theme_counts(MEMBERS, [("a", ["a1", "a2"]), ("b", ["b1", "b2"])])
    assert counts.values.tolist() == [["a", "a1", 3], ["a", "a2", 0], ["b", "b1", 0], ["b", "b2", 2]]


def test_missing_categories_are_not_known_and_last_even_when_most_common():
    papers = pd.DataFrame({"primary_category": ["", "cs.CL", "", "cs.LG", "cs.CL", None, ""]})
    assert summaries.compute_categories(papers).values.tolist() == [["cs.CL", 2], ["cs.LG", 1], ["not known", 4]]


def test_distinctive_words_of_the_papers_in_no_theme():
    titles = ["Protein folding with neural networks", "Neural networks for protein design", "A study of models"]
    others = ["Forgetting in language models", "Hallucination in language models"]
    words = overview.compute_distinctive_words(titles, others)
    # in two titles here and none there, alphabetically; "models" (once here, twice there) and words in one title are not listed
    assert words.values.tolist() == [["networks", 2, 0], ["neural", 2, 0], ["protein", 2, 0]]


def test_the_flow_ends_in_a_theme_or_none_and_names_no_theme(seed_config: Path):
    review = load_review(seed_config)
    flow = summaries.compute_prisma_flow(review.digests, review.tables, review.themes.ids)
    counts = flow.set_index("stage")["count"]
    assert list(flow["stage"][-2:]) == ["papers in at least one theme", "papers in no theme"]
    assert counts["papers"] == 97 and counts["papers in at least one theme"] + counts["papers in no theme"] == 97
    assert not any(theme in stage for stage in flow["stage"] for theme in review.themes.ids)
    figure = plots.plot_flow(flow)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert any(t.startswith("papers in no theme: ") for t in texts) and any(t.startswith("papers in at least one theme: ") for t in texts)


def _table_rows(html: str, after: str) -> list[list[str]]:
    """The body rows of the first table after the heading `after`, as cell texts."""
    table = html[html.index(after):]
    return _rows(table[table.index("<table"): table.index("</table>")])


def _rows(table: str) -> list[list[str]]:
    body = table[table.index("<tbody"):]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_the_seed_overview_page(seed_site):
    root, result = seed_site
    assert result.returncode == 0, result.stderr[-2000:]
    html = (root / "docs" / "_build" / "html" / "_generated" / "notebooks" / "00-overview.html").read_text(encoding="utf-8")
    review = load_review(root / "review.toml")
    categories = _table_rows(html, 'id="primary-categories"')
    assert categories[-1][0] == "not known" and all(row[0] != "not known" for row in categories[:-1])
    subthemes = _table_rows(html, 'id="papers-per-theme-and-sub-theme"')
    assert [(row[0], row[1]) for row in subthemes] == [(t.id, s.id) for t in review.themes.themes for s in t.subthemes]
    sets = _table_rows(html, 'id="the-themes-as-overlapping-sets"')
    assert sets[-1][-2:] == ["no theme", str(len(overview.unthemed_papers(review["papers"], review["paper_themes"], review.themes.ids)))]
    assert sum(int(row[-1]) for row in sets) == len(review["papers"])
    quality = html[html.index('id="how-well-the-classifier-sorts-papers"'):]
    assert "Without curation, on the held-out half of the labels" in quality and "precision" in quality
    assert "no hand labels" not in quality


@pytest.fixture(scope="module")
def unlabelled_overview(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The overview notebook, executed for a review made by `litreview init` (no labels, default themes)."""
    root = tmp_path_factory.mktemp("unlabelled")
    digest = root / "digest.txt"
    digest.write_text(digest_text([("Catastrophic Forgetting in Continual Fine-Tuning", long_abstract("catastrophic forgetting during continual learning")),
                                   ("A Paper About Protein Folding", long_abstract("protein structures"))]))
    review = root / "review"
    created = run_litreview("init", str(review), "--digest", str(digest), "--date", "2025-05-01", "--title", "Small", cwd=root)
    assert created.returncode == 0, created.stdout + created.stderr
    result = run_litreview("notebooks", "export", cwd=review)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((review / "build" / "notebooks" / "00-overview.ipynb").read_text())


def test_an_overview_without_labels_says_so_and_lists_empty_subthemes(unlabelled_overview: dict):
    outputs = [o for cell in unlabelled_overview["cells"] if cell["cell_type"] == "code" for o in cell.get("outputs", [])]
    text = json.dumps(outputs)
    assert "no hand labels" in text and "error" not in [o["output_type"] for o in outputs]
    tables = ["".join(o.get("data", {}).get("text/html", "")) for o in outputs]
    rows = _rows(next(t for t in tables if ">subtheme</th>" in t))
    assert len(rows) > 2 and any(row[-1] == "0" for row in rows)
