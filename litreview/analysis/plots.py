"""Figures for the notebooks: thin wrappers that draw what `summaries` and `overview` compute."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd

from .overview import NO_THEME
from .summaries import FLOW_THEMED, FLOW_UNTHEMED

_BOX = {"boxstyle": "round,pad=0.4", "facecolor": "#eef3f8", "edgecolor": "#5b7a99"}
_SIDE = {"boxstyle": "round,pad=0.3", "facecolor": "#f6f6f6", "edgecolor": "#999999"}
_ARROW = {"arrowstyle": "->", "color": "#5b7a99"}
# The flow's main column; every other row before the split is set aside beside it (PRISMA's exclusions).
_MAIN = ("paragraphs read", "paper appearances", "papers")


def plot_flow(flow: pd.DataFrame) -> plt.Figure:
    """The PRISMA-style flow: paragraphs read -> paper appearances -> papers, with what was set aside
    beside each step, then papers split into two boxes, in at least one theme and in none."""
    rows = {row.stage: row for row in flow.itertuples()}
    label = lambda row: f"{row.stage}: {row.count}" + (f"\n({row.note})" if row.note else "")  # noqa: E731
    figure, axes = plt.subplots(figsize=(8, 4.6))
    axes.set_axis_off()
    main_y = {stage: 0.92 - 0.27 * i for i, stage in enumerate(_MAIN)}
    for stage, y in main_y.items():
        if stage in rows:
            axes.text(0.3, y, label(rows[stage]), ha="center", va="center", fontsize=9, transform=axes.transAxes, bbox=_BOX)
    for upper, lower in zip(_MAIN, _MAIN[1:]):
        axes.annotate("", xy=(0.3, main_y[lower] + 0.07), xytext=(0.3, main_y[upper] - 0.07), xycoords="axes fraction", arrowprops=_ARROW)
    side = [row for stage, row in rows.items() if stage not in (*_MAIN, FLOW_THEMED, FLOW_UNTHEMED)]
    for i, row in enumerate(side):
        y = 0.92 - (i + 0.5) * (0.54 / max(len(side), 1))
        axes.text(0.62, y, label(row), ha="left", va="center", fontsize=8, transform=axes.transAxes, bbox=_SIDE)
    for x, stage in ((0.15, FLOW_THEMED), (0.55, FLOW_UNTHEMED)):
        if stage in rows:
            axes.text(x, 0.1, label(rows[stage]), ha="center", va="center", fontsize=9, transform=axes.transAxes, bbox=_BOX)
            axes.annotate("", xy=(x, 0.17), xytext=(0.3, main_y["papers"] - 0.07), xycoords="axes fraction", arrowprops=_ARROW)
    figure.tight_layout()
    return figure


def plot_theme_sets(sets: pd.DataFrame, theme_ids: Sequence[str]) -> plt.Figure:
    """An UpSet figure of the themes: a bar per combination of themes (papers in exactly those), and
    under it a dot for each theme of the combination; the papers in no theme are the last bar."""
    themes = list(theme_ids)
    figure, (bars, dots) = plt.subplots(2, 1, figsize=(7, 2.6 + 0.35 * len(themes)), sharex=True,
                                        gridspec_kw={"height_ratios": [3, max(len(themes), 1)]})
    x = range(len(sets))
    bars.bar(x, sets["papers"], color="#5b7a99")
    for i, count in zip(x, sets["papers"]):
        bars.text(i, count, str(count), ha="center", va="bottom", fontsize=8)
    bars.set_ylabel("papers")
    bars.set_title("Papers in exactly these themes")
    for spine in ("top", "right"):
        bars.spines[spine].set_visible(False)
    for j, theme in enumerate(themes):
        members = [i for i, inside in zip(x, sets[theme].astype(bool)) if inside]
        dots.scatter(list(x), [j] * len(sets), color="#dddddd", s=40)
        dots.scatter(members, [j] * len(members), color="#2c4a66", s=40)
    for i, flags in zip(x, sets[themes].to_numpy(dtype=bool)):
        inside = [j for j, flag in enumerate(flags) if flag]
        if len(inside) > 1:
            dots.plot([i, i], [min(inside), max(inside)], color="#2c4a66")
    dots.set_yticks(range(len(themes)), themes)
    dots.set_ylim(-0.5, len(themes) - 0.5)
    dots.invert_yaxis()
    dots.set_xticks(list(x), ["none" if label == NO_THEME else "" for label in sets["themes"]])
    for spine in ("top", "right", "bottom"):
        dots.spines[spine].set_visible(False)
    figure.tight_layout()
    return figure


def plot_bars(counts: pd.DataFrame, label: str, value: str, title: str) -> plt.Figure:
    """A horizontal bar chart of one count column against one label column."""
    figure, axes = plt.subplots(figsize=(7, 0.3 * len(counts) + 1.2))
    axes.barh(counts[label].astype(str)[::-1], counts[value][::-1], color="#5b7a99")
    axes.set_xlabel(value)
    axes.set_title(title)
    figure.tight_layout()
    return figure
