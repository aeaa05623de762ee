"""Benchmarks at scale: each litreview stage against a floor measured in the same run.

    python benchmarks/run.py                      # N = 100, 1,000, 10,000, 100,000 (what `make bench` runs)
    python benchmarks/run.py --sizes 100,1000     # choose the sizes
    python benchmarks/run.py --quick              # tiny sizes (20, 50), one run each: checks the scripts work
    python benchmarks/run.py -v                   # also log every run to stderr as it finishes

Stages (floor first, then what is compared with it):
- read+split (floor): read the digest, decode it, split it into paragraphs in plain Python.
- parse: litreview.sources.hf_digest.load_digest. Budget: within 3x of read+split.
- tables: the whole `litreview tables`: litreview.pipeline.load_review on a review folder (config,
  metadata cache data/arxiv-metadata.jsonl, themes.toml) around the digest, then fileio.write_tables
  (CSV + Parquet). Budgets: N=10,000 under 2 s and 1 GB peak; N=100,000 under 20 s; µs/paper at
  100,000 within 1.2x of 10,000.
- tables, rerun: the same again in the same folder with nothing changed (the first run, untimed,
  stores the theme scores in build/theme-scores.parquet). Compared with tables; no budget.
- bibtexparser write (floor): bibtexparser v2 builds Entry/Field objects with the same fields from the
  same papers and writes them, default_unparse_stack(allow_inplace_modification=True).
- bib: litreview.bib.entries.build_library + write_bibtex on the pipeline's papers. Budget: within 1.5x.
- related papers: litreview.analysis.related.compute_related_papers on the pipeline's papers (TF-IDF, the pruned
  candidate search, exact cosine), as the site computes them. No floor; budget: µs/paper at 100,000
  within 1.2x of 10,000 (the issue asks to check related papers for any quadratic step).
- bare sphinx (floor, N <= 1,000): sphinx.cmd.build.build_main -q -b html over N one-paragraph .rst
  pages, `:orphan:`, no toctree, no sidebar, default theme, no extensions.
- site paper pages (N <= 1,000): THE HOOK for the site stage (`site_page_function`, `site_call`):
  litreview's paper-page generator, if it exists, writes N pages into docs/_generated/papers and
  Sphinx builds them with the site's own conf (litreview.site.sphinx_conf.configure); otherwise
  the row reads "n/a (site stage not available)". Budgets: within 1.5x of bare sphinx at 1,000;
  µs/page at 1,000 within 1.5x of that at 100.

How it measures (these machines are noisy, 2 cores, so only ratios measured in one run mean much):
- Inputs are synthetic digests from `synth.py` (seed 0), written once per size.
- Every measurement is a fresh Python process (`run.py --child ...`). The child imports what the stage
  needs and prepares its inputs first, then times only the stage (time.perf_counter), so imports and
  preparation are excluded from the wall time.
- Peak memory is the child's peak resident set size, VmHWM from /proc/self/status (ru_maxrss where
  there is no /proc): the whole process, interpreter, imports and prepared inputs included, not
  tracemalloc. (VmHWM rather than ru_maxrss because ru_maxrss can carry over the high-water mark of
  the process that spawned it across exec.) A stage that forks (theme scoring, above 2,000 papers)
  adds its largest child's peak (ru_maxrss of RUSAGE_CHILDREN): an upper bound, shared pages twice.
- Median of 3 runs up to 10,000 papers (runs interleaved across stages, so drift hits floor and stage
  alike); above 10,000, 3 runs of the stages whose first run took under CHEAP_RUN_SECONDS (5 s) and 1
  run of the others. The peak memory shown is the largest of the runs.
- The ratio compares a stage with its floor at the same N, measured in the same invocation.
- --jobs 2 runs the stages of a round side by side: for checking the scripts only, not for numbers.
- Exit status 1 when a stage other than the site hook failed (its row says FAILED and why).

This process stays light (no pandas or litreview import here) so that it cannot skew the children.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (imports litreview only when it generates)
from report import BY_KEY, STAGES, Row, Stage, budgets, format_budgets, format_table  # noqa: E402,F401  (stdlib only)
from stages import child  # noqa: E402  (the measured side; imports litreview only inside the children)

DEFAULT_SIZES = (100, 1_000, 10_000, 100_000)
QUICK_SIZES = (20, 50)
MAX_SIZE_FOR_REPEATS = 10_000
CHEAP_RUN_SECONDS = 5.0  # above MAX_SIZE_FOR_REPEATS, a stage whose first run took less is still repeated
RESULT_MARK = "BENCH-RESULT "



def run_child(stage: Stage, n: int, digest: Path, scratch: Path, timeout: float) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"{stage.key}-{n}-", dir=scratch))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), PYTHONHASHSEED="0")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", stage.key, str(n), str(digest), str(workdir)]
    try:
        proc = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "failed", "note": f"timed out after {timeout:.0f} s"}
    finally:
        # Each run starts from an empty folder; the outputs (tables, HTML) are not kept.
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
    tail = [line for line in proc.stderr.strip().splitlines() if line.strip()][-1:] or ["no output"]
    return {"status": "failed", "note": f"exit {proc.returncode}: {tail[0][:200]}"}


def repeat(row: Row, round_: int) -> bool:
    """Every stage runs in the first round; later rounds repeat it up to 10,000 papers, and above that
    only when its first run was cheap (under CHEAP_RUN_SECONDS)."""
    return round_ == 0 or row.n <= MAX_SIZE_FOR_REPEATS or row.runs[0]["seconds"] < CHEAP_RUN_SECONDS


def measure(sizes: list[int], repeats_small: int, scratch: Path, timeout: float, log, jobs: int = 1) -> list[Row]:
    """Every (stage, N) measured `repeats` times, a round of all stages at a time. With jobs > 1 the
    stages of a round run side by side: only for checking that everything works (timings taken
    while other measurements run are not comparable)."""
    from concurrent.futures import ThreadPoolExecutor

    rows: list[Row] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for n in sizes:
            digest = scratch / f"digest-{n}.txt"
            started = time.perf_counter()
            synth.write_digest(n, digest, seed=0)
            log(f"N={n:,}: synthetic digest {digest.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
            stages = [s for s in STAGES if s.max_size is None or n <= s.max_size]
            size_rows = {s.key: Row(s, n) for s in stages}
            for round_ in range(repeats_small):
                todo = [stage for stage in stages if not size_rows[stage.key].problem and repeat(size_rows[stage.key], round_)]
                if not todo:
                    break
                results = pool.map(lambda stage, n=n, digest=digest: run_child(stage, n, digest, scratch, timeout), todo)
                for stage, result in zip(todo, results):
                    row = size_rows[stage.key]
                    row.runs.append(result)
                    if result["status"] != "ok":
                        row.problem = f"n/a ({result['note']})" if result["status"] == "n/a" else f"FAILED ({result['note']})"
                        log(f"  {stage.label} N={n:,}: {row.problem}")
                    else:
                        log(f"  {stage.label} N={n:,} run {round_ + 1}: {result['seconds']:.3f} s, {result['peak_mb']:.0f} MB")
            rows += size_rows.values()
            digest.unlink()
            digest.with_suffix(".review.pickle").unlink(missing_ok=True)
    return rows


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes must be comma-separated whole numbers, not {text!r}") from None
    if not sizes or any(n <= 0 for n in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        stage, n, digest, workdir = argv[1:5]
        result = child(stage, int(n), Path(digest), Path(workdir))
        print(RESULT_MARK + json.dumps(result), flush=True)
        return 0

    parser = argparse.ArgumentParser(description="Benchmark litreview's stages against floors measured in the same run.")
    parser.add_argument("--sizes", type=parse_sizes, help=f"comma-separated paper counts (default: {','.join(map(str, DEFAULT_SIZES))})")
    parser.add_argument("--quick", action="store_true", help=f"tiny sizes ({','.join(map(str, QUICK_SIZES))}) and one run each: do the scripts work?")
    parser.add_argument("--repeats", type=int, help=f"runs per measurement (default 3, 1 with --quick); above N={MAX_SIZE_FOR_REPEATS:,}, "
                        f"1 for a stage whose first run took {CHEAP_RUN_SECONDS:g} s or more")
    parser.add_argument("--jobs", type=int, default=1, help="measurements side by side (default 1); above 1 only to check that the scripts work, "
                        "the timings are then not comparable")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is abandoned (default: %(default)s)")
    parser.add_argument("--verbose", "-v", action="store_true", help="log each run to stderr as it finishes")
    args = parser.parse_args(argv)
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    repeats = args.repeats or (1 if args.quick else 3)

    def log(message: str) -> None:
        if args.verbose:
            print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="litreview-bench-") as scratch:
        rows = measure(sizes, repeats, Path(scratch), args.timeout, log, args.jobs)
    peak_how = next((r["peak_how"] for row in rows for r in row.runs if r.get("status") == "ok"), "VmHWM")

    lines = [
        f"litreview benchmarks: synthetic digests (benchmarks/synth.py, seed 0), sizes {', '.join(f'{n:,}' for n in sizes)}",
        f"wall = median of {repeats} fresh process(es) (above N={MAX_SIZE_FOR_REPEATS:,}: 1 when the first took "
        f"{CHEAP_RUN_SECONDS:g} s or more; see 'runs'); imports and input preparation excluded.",
        f"peak MB = peak RSS of the measuring process ({peak_how}, interpreter and imports included; largest of its runs),"
        " plus its largest child's where the stage forks one (theme scoring above 2,000 papers).",
        "ratio = wall / wall of the stage's floor at the same N, in this run. Sphinx rows only up to N=1,000.",
        "At small N, fixed costs (pandas/pyarrow modules imported on first use, regex compilation) dominate µs/paper.",
        *([f"--jobs {args.jobs}: measurements ran side by side, so these timings are NOT comparable (a check that the scripts work)."]
          if args.jobs > 1 else []),
        "",
        *format_table(rows),
        "",
        *format_budgets(budgets(rows)),
    ]
    notes = sorted({f"{row.stage.label}: {r['note']}" for row in rows for r in row.runs
                    if r.get("status") == "ok" and r.get("note") and "MB of BibTeX" not in r["note"]})
    if notes:
        lines += ["", *notes]
    lines += ["", f"total benchmark time {time.perf_counter() - started:.0f} s ({sys.executable}, Python {sys.version.split()[0]})"]
    print("\n".join(lines))
    # Exit 1 when a stage failed; the site hook measures code under construction, so its failure is
    # shown in the table but does not fail the run.
    failed = [row for row in rows if row.problem.startswith("FAILED") and row.stage.key != "site"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
