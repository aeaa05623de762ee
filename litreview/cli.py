"""The `litreview` command. It alone decides what the user sees; the library only returns data."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import DEFAULT_CONFIG, add_digest, load_config
from .errors import LitreviewError
from .fileio import write_tables
from .pipeline import load_review
from .records import Digest
from .sources.hf_digest import load_digest


def preview(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def format_report(path: str, digest: Digest) -> list[str]:
    """The reconciliation of one digest: every paragraph is in a paper or listed as skipped."""
    chrome, duplicates = len(digest.chrome), len(digest.duplicates)
    lines = [
        f"{path}: {digest.paragraphs} paragraphs: {len(digest.papers)} papers, "
        f"{len(digest.missing_abstracts)} without abstract, {duplicates} duplicates, "
        f"{chrome} page chrome, {len(digest.skipped) - chrome - duplicates} other skipped",
    ]
    lines += [f"  {path}:{p.line}: paper without an abstract: {preview(p.title)}" for p in digest.missing_abstracts]
    lines += [f"  {path}:{s.line}: skipped ({s.reason}): {preview(s.text)}" for s in digest.skipped]
    status = "ok" if digest.paragraphs == digest.accounted_paragraphs else "PARAGRAPHS UNACCOUNTED FOR"
    lines.append(f"  reconciliation: {digest.accounted_paragraphs} of {digest.paragraphs} paragraphs accounted for ({status})")
    return lines


def cmd_check(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.digests:
        try:
            digest = load_digest(path)
        except LitreviewError as exc:
            print(f"litreview: error: {exc}", file=sys.stderr)
            failed = 1
            continue
        print("\n".join(format_report(path, digest)))
    return failed


def cmd_tables(args: argparse.Namespace) -> int:
    review = load_review(args.config, args.digests)
    out = Path(args.out) if args.out else (review.config.tables_dir if review.config else Path("build/tables"))
    write_tables(review.tables, out)
    for name, frame in review.tables.items():
        print(f"{name}: {len(frame)} rows -> {out / name}.csv, .parquet")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    target = add_digest(config, args.digest, args.date)
    print(f"added {args.digest} as {target.relative_to(config.root)} (dated {args.date}) to {config.path.name}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .site import build_site, generate_pages

    review = load_review(args.config)
    write_tables(review.tables, review.config.tables_dir)
    docs = review.config.root / "docs"
    generate_pages(review, docs)
    out = docs / "_build" / "html"
    status = build_site(docs, out)
    if status == 0:
        print(f"site built: open {(out / 'index.html').resolve().as_uri()}")
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="litreview", description="Turn paper digests into a review: tables, themes, BibTeX and a site.")
    parser.add_argument("--version", action="version", version=f"litreview {__version__}")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="the review config (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="report how each digest parses; exit 1 if one is unusable")
    check.add_argument("digests", nargs="+", metavar="DIGEST", help="digest files to check")
    check.set_defaults(func=cmd_check)

    tables = commands.add_parser("tables", help="write the review's tables as CSV and Parquet")
    tables.add_argument("digests", nargs="*", metavar="DIGEST", help="digest files (default: the digests of the review config)")
    tables.add_argument("--out", metavar="DIR", help="output folder (default: outputs.tables of the config)")
    tables.set_defaults(func=cmd_tables)

    add = commands.add_parser("add", help="validate a digest and add it to the review")
    add.add_argument("digest", metavar="PATH", help="the digest file to add")
    add.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the date of the page it was copied from")
    add.set_defaults(func=cmd_add)
    build = commands.add_parser("build", help="run the pipeline and build the site into docs/_build/html")
    build.set_defaults(func=cmd_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LitreviewError as exc:
        print(f"litreview: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
