"""Links a reader follows between theme pages and paper pages, on tiny hand-made tables (the same links
are clicked in Chromium in test_catalog_browser.py)."""

from __future__ import annotations

import pandas as pd

from litreview.analysis.summaries import render_theme_paper_list
from litreview.site.paper_pages import PaperContext, ThemeLink, describe_theme


def test_every_title_of_a_theme_paper_list_links_to_its_paper_page():
    tables = {
        "paper_themes": pd.DataFrame({"paper_id": ["p1", "p2", "p3"], "theme": ["cot", "cot", "other"], "subtheme": ["train", "prompt", "x"]}),
        "papers": pd.DataFrame({"paper_id": ["p1", "p2", "p3"], "title": ["Think [twice]", "Ask <b>", "Elsewhere"],
                                "citekey": ["du2024think", "li2023ask", "x2020"], "year": [2024, 2023, 2020]}),
    }
    assert render_theme_paper_list(tables, "cot", {"train": "Training to reason"}) == "\n".join([
        "(cot-prompt-papers)=",
        "**prompt** (1)",
        "",
        r"- [Ask \<b\>](/_generated/papers/p2.md) {cite:p}`li2023ask`",
        "",
        "(cot-train-papers)=",
        "**Training to reason** (1)",
        "",
        r"- [Think \[twice\]](/_generated/papers/p1.md) {cite:p}`du2024think`",
        "",
    ])


def test_a_paper_page_links_its_theme_and_sub_theme_where_the_site_has_them():
    links = {"cot": ThemeLink("Chain <of> thought", "/_generated/notebooks/03-cot.ipynb",
                              {"train": ("Training to reason", "/_generated/notebooks/03-cot.ipynb#training-to-reason")})}
    context = PaperContext({}, {}, {}, {}, {}, {}, {"cot": "Chain <of> thought", "gone": "Gone"}, {}, links)
    assert describe_theme("cot", "train", context) == (r"[Chain \<of\> thought](/_generated/notebooks/03-cot.ipynb)",
                                                       "[Training to reason](/_generated/notebooks/03-cot.ipynb#training-to-reason)")
    # A sub-theme without a section of its own opens the theme's page; a theme without a page is text.
    assert describe_theme("cot", "new-one", context)[1] == r"[new\-one](/_generated/notebooks/03-cot.ipynb)"
    assert describe_theme("gone", "x", context) == ("Gone", "x")
