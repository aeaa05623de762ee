"""What the benchmarks measure (stages, and a row of runs per stage and size) and how a run is
reported: the table, with each stage's ratio to its floor, and the budgets it is judged by.

Standard library only, like run.py, so that the parent process stays light.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

SPHINX_MAX_SIZE = 1_000  # a Sphinx build of many pages is too slow beyond this


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    floor: str | None = None  # key of the floor stage this one is compared with
    max_size: int | None = None


STAGES = (
    Stage("read_split", "read+split"),
    Stage("parse", "parse", floor="read_split"),
    Stage("tables", "tables", floor="read_split"),
    Stage("tables_rerun", "tables, rerun", floor="tables"),
    Stage("bibtexparser", "bibtexparser write"),
    Stage("bib", "bib", floor="bibtexparser"),
    Stage("related", "related papers"),
    Stage("sphinx", "bare sphinx", max_size=SPHINX_MAX_SIZE),
    Stage("site", "site paper pages", floor="sphinx", max_size=SPHINX_MAX_SIZE),
)
BY_KEY = {stage.key: stage for stage in STAGES}
FLOORS = {stage.floor for stage in STAGES if stage.floor}


@dataclass
class Row:
    stage: Stage
    n: int
    runs: list[dict] = field(default_factory=list)
    problem: str = ""  # n/a or failure text

    @property
    def seconds(self) -> float | None:
        times = [r["seconds"] for r in self.runs if r.get("status") == "ok"]
        return statistics.median(times) if times and not self.problem else None

    @property
    def peak_mb(self) -> float | None:
        peaks = [r["peak_mb"] for r in self.runs if r.get("status") == "ok"]
        return max(peaks) if peaks and not self.problem else None

    @property
    def us_per_paper(self) -> float | None:
        return None if self.seconds is None else self.seconds / self.n * 1e6


def floor_row(rows: list[Row], row: Row) -> Row | None:
    if row.stage.floor is None:
        return None
    return next((r for r in rows if r.stage.key == row.stage.floor and r.n == row.n), None)


def ratio(rows: list[Row], row: Row) -> float | None:
    floor = floor_row(rows, row)
    if floor is None or row.seconds is None or floor.seconds in (None, 0):
        return None
    return row.seconds / floor.seconds


HEADER = ("stage", "N", "runs", "wall (s)", "peak MB", "µs/paper", "ratio to floor")


def format_seconds(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.2f}"


def format_table(rows: list[Row]) -> list[str]:
    cells: list[tuple[str, ...] | tuple[str, str, str]] = []
    for row in rows:
        if row.problem:
            cells.append((row.stage.label, f"{row.n:,}", row.problem))
            continue
        value = ratio(rows, row)
        if row.stage.floor is None:
            ratio_text = "(floor)" if row.stage.key in FLOORS else "-"  # "-": judged by how its time per paper grows
        elif value is None:
            ratio_text = "n/a"
        else:
            ratio_text = f"{value:.2f}x {BY_KEY[row.stage.floor].label}"
        cells.append(
            (
                row.stage.label,
                f"{row.n:,}",
                str(len(row.runs)),
                format_seconds(row.seconds),
                f"{row.peak_mb:.0f}",
                f"{row.us_per_paper:.1f}",
                ratio_text,
            )
        )
    full = [c for c in cells if len(c) == len(HEADER)]
    widths = [max(len(str(c[i])) for c in [HEADER, *full]) for i in range(len(HEADER))]
    right = {1, 2, 3, 4, 5}

    def line(values) -> str:
        parts = []
        for i, value in enumerate(values):
            parts.append(value.rjust(widths[i]) if i in right and len(values) == len(HEADER) else value.ljust(widths[i]))
        return "  ".join(parts).rstrip()

    out = [line(HEADER), "  ".join("-" * w for w in widths)]
    for c in cells:
        if len(c) == len(HEADER):
            out.append(line(c))
        else:  # a stage that could not be measured: its reason spans the measurement columns
            out.append(f"{c[0].ljust(widths[0])}  {c[1].rjust(widths[1])}  {c[2]}")
    return out


@dataclass
class Budget:
    text: str
    measured: str
    gap: str | None  # None: met; "": not measured; else the gap

    no_budget: bool = False

    def verdict(self) -> str:
        if self.no_budget:
            return "measured (no budget yet)" if self.gap is None else "not measured"
        if self.gap is None:
            return "met"
        return "not measured" if self.gap == "" else f"MISSED ({self.gap})"


def find(rows: list[Row], key: str, n: int) -> Row | None:
    return next((r for r in rows if r.stage.key == key and r.n == n and r.seconds is not None), None)


def ratio_sizes(rows: list[Row], key: str) -> list[int]:
    """Ratio budgets are judged at every measured N of at least 1,000 (the largest N if none is)."""
    sizes = sorted({r.n for r in rows if r.stage.key == key and r.seconds is not None})
    big = [n for n in sizes if n >= 1_000]
    return big or sizes[-1:]


def ratio_budget(rows: list[Row], key: str, limit: float) -> list[Budget]:
    stage = BY_KEY[key]
    floor = BY_KEY[stage.floor].label
    out = []
    for n in ratio_sizes(rows, key):
        value = ratio(rows, find(rows, key, n))
        text = f"{stage.label} within {limit:g}x of {floor} at N={n:,}"
        if value is None:
            out.append(Budget(text, "-", ""))
        else:
            out.append(Budget(text, f"{value:.2f}x", None if value <= limit else f"{value - limit:.2f}x over, {value / limit:.2f}x the budget"))
    if not out:
        reason = next((r.problem for r in rows if r.stage.key == key and r.problem), "")
        out.append(Budget(f"{stage.label} within {limit:g}x of {floor}", reason or "-", ""))
    return out


def growth_budget(rows: list[Row], key: str, text: str, small: int, large: int, limit: float) -> Budget:
    """Time per paper at `large` within `limit` times that at `small`: no step grows faster than linearly."""
    a, b = find(rows, key, small), find(rows, key, large)
    if not (a and b):
        return Budget(text, "-", "")
    growth = b.us_per_paper / a.us_per_paper
    return Budget(text, f"{growth:.2f}x ({b.us_per_paper:.0f} vs {a.us_per_paper:.0f} µs)", None if growth <= limit else f"{growth - limit:.2f}x over")


def budgets(rows: list[Row]) -> list[Budget]:
    out = ratio_budget(rows, "parse", 3.0)

    t10, t100 = find(rows, "tables", 10_000), find(rows, "tables", 100_000)
    if t10:
        out.append(Budget("tables at N=10,000 under 2 s", f"{t10.seconds:.2f} s", None if t10.seconds < 2 else f"+{t10.seconds - 2:.2f} s"))
        out.append(Budget("tables at N=10,000 under 1 GB peak", f"{t10.peak_mb:.0f} MB", None if t10.peak_mb < 1024 else f"+{t10.peak_mb - 1024:.0f} MB"))
    else:
        out += [Budget("tables at N=10,000 under 2 s", "-", ""), Budget("tables at N=10,000 under 1 GB peak", "-", "")]
    if t100:
        out.append(Budget("tables at N=100,000 under 20 s", f"{t100.seconds:.2f} s", None if t100.seconds < 20 else f"+{t100.seconds - 20:.2f} s"))
    else:
        out.append(Budget("tables at N=100,000 under 20 s", "-", ""))
    out.append(growth_budget(rows, "tables", "tables µs/paper at 100,000 within 1.2x of 10,000", 10_000, 100_000, 1.2))

    out += ratio_budget(rows, "bib", 1.5)
    out.append(growth_budget(rows, "related", "related papers µs/paper at 100,000 within 1.2x of 10,000", 10_000, 100_000, 1.2))
    out += ratio_budget(rows, "site", 1.5)
    out.append(growth_budget(rows, "site", "site µs/page at 1,000 within 1.5x of 100", 100, 1_000, 1.5))
    return out


def format_budgets(items: list[Budget]) -> list[str]:
    w0 = max(len(b.text) for b in items)
    w1 = max(len(b.measured) for b in items)
    lines = ["budgets", "-" * 7]
    for b in items:
        lines.append(f"{b.text.ljust(w0)}  {b.measured.ljust(w1)}  {b.verdict()}".rstrip())
    return lines
