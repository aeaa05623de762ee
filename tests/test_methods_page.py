"""The methods page of the built seed site: it says what the evidence is, how papers were assigned to
themes, and shows the classifier's quality as `litreview evaluate` computes it at this build."""

from __future__ import annotations

import re

from litreview import load_review
from litreview.pipeline import evaluations


def test_the_methods_page_states_the_evidence_and_shows_the_computed_quality(seed_site):
    root, result = seed_site
    assert result.returncode == 0, result.stderr[-2000:]
    html = (root / "docs" / "_build" / "html" / "methods.html").read_text(encoding="utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "reads the titles and abstracts of the digests, and nothing else" in text
    assert "Curation wins over the classifier" in text and "reaches the threshold" in text
    measured = evaluations(load_review(root / "review.toml"))
    assert measured
    quality = text[text.index("Evaluation of the classifier ¶"):]
    for caption, evaluation in measured:
        rows = quality[quality.index(caption):]
        for row in evaluation.metrics.itertuples():
            assert f"{row.theme} {round(row.precision, 3)} {round(row.recall, 3)} {round(row.f1, 3)} {row.support}" in rows, (caption, row.theme)
