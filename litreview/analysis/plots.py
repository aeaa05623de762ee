"""Figures for the notebooks: thin wrappers that draw what `report` computes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd


def plot_flow(flow: pd.DataFrame) -> plt.Figure:
    """The PRISMA-style flow as a column of boxes, one per stage, with its count."""
    figure, axes = plt.subplots(figsize=(7, 0.62 * len(flow) + 0.4))
    axes.set_axis_off()
    n = len(flow)
    for i, row in enumerate(flow.itertuples()):
        y = 1 - (i + 0.5) / n
        label = f"{row.stage}: {row.count}" + (f"\n({row.note})" if row.note else "")
        axes.text(0.5, y, label, ha="center", va="center", fontsize=9, transform=axes.transAxes,
                  bbox={"boxstyle": "round,pad=0.4", "facecolor": "#eef3f8", "edgecolor": "#5b7a99"})
        if i < n - 1:
            axes.annotate("", xy=(0.5, 1 - (i + 1.5) / n + 0.028), xytext=(0.5, y - 0.028), xycoords="axes fraction",
                          arrowprops={"arrowstyle": "->", "color": "#5b7a99"})
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
