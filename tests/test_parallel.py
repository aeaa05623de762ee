"""Theme scoring's second process (`litreview.parallel`): the part run in a forked child comes back
whole, in order, and the same as if it had run here; an error or a death of the child is not lost."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from litreview.parallel import can_fork, run_both
from litreview.themes.rules import load_themes, score_papers

from .conftest import ROOT


def test_this_machine_can_fork():
    # The suite runs on Linux with 2 cores: the tests below would not test the child otherwise.
    assert can_fork()


def test_the_second_part_runs_in_a_child_and_comes_back():
    parent = os.getpid()
    here, there = run_both(lambda: os.getpid(), lambda: (os.getpid(), [str(n) for n in range(50_000)]))
    assert here == parent and there[0] != parent
    assert there[1] == [str(n) for n in range(50_000)]  # larger than a pipe's buffer


def test_an_error_in_the_child_is_raised_here():
    def fails() -> None:
        raise ValueError(f"bad sentence in child {os.getpid()}")

    with pytest.raises(ValueError, match="bad sentence in child") as raised:
        run_both(lambda: None, fails)
    assert str(os.getpid()) not in str(raised.value)


def test_a_child_that_dies_without_an_answer_is_run_again_here():
    parent = os.getpid()

    def dies_in_the_child() -> str:
        if os.getpid() != parent:
            os._exit(9)
        return "computed here"

    assert run_both(lambda: "mine", dies_in_the_child) == ("mine", "computed here")


def test_scores_from_two_processes_equal_those_from_one(seed_papers):
    themes = load_themes(ROOT / "themes.toml")
    one = score_papers(seed_papers, themes, chunk=len(seed_papers))  # one chunk: no fork
    two = score_papers(seed_papers, themes, chunk=10)  # 49 papers here, 48 in the child, in chunks of 10
    assert len(one) == len(seed_papers) * len(themes.ids) and one["member"].sum() > 0
    pd.testing.assert_frame_equal(two, one)


def test_scoring_forks_inside_a_jupyter_kernel(seed_config):
    # A kernel has threads of its own (IOPub, heartbeat) and its own stdout: the child must neither hang nor print there.
    import nbformat
    from nbclient import NotebookClient

    code = f"""
import os
from litreview import load_review
from litreview.themes.rules import score_papers
review = load_review({str(seed_config)!r})
one = score_papers(review["papers"], review.themes, chunk=len(review["papers"]))
two = score_papers(review["papers"], review.themes, chunk=10)
print(len(two), two.equals(one), os.getpid())
"""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert [o.get("output_type") for o in outputs] == ["stream"], outputs
    rows, equal, _ = outputs[0]["text"].split()
    assert (int(rows), equal) == (97 * 3, "True")
