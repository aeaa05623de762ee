"""Profile one benchmark stage with cProfile, with the same preparation as benchmarks/run.py.

    python benchmarks/profile_stage.py tables 100000            # top functions by cumulative time
    python benchmarks/profile_stage.py bib 100000 --sort tottime --limit 40
    python benchmarks/profile_stage.py parse 10000 --out parse.prof   # for snakeviz/pstats later

Stages: the keys of run.STAGES (read_split, parse, tables, bibtexparser, bib, sphinx, site).
The profiler slows pure-Python code more than C code, so read it for where the time goes, and take
the wall times from run.py.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stages  # noqa: E402
import synth  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=sorted(stages.STAGE_FUNCTIONS))
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--out", help="also save the raw profile here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="litreview-profile-") as scratch:
        scratch = Path(scratch)
        digest = synth.write_digest(args.n, scratch / f"digest-{args.n}.txt", seed=args.seed)
        work = stages.STAGE_FUNCTIONS[args.stage](args.n, digest, scratch)
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        handled = work()
        profiler.disable()
        print(f"{args.stage} N={args.n:,}: {handled:,} papers in {time.perf_counter() - start:.2f} s under cProfile")
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    stats.print_stats(args.limit)
    if args.out:
        stats.dump_stats(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
