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


def cmd_bib(args: argparse.Namespace) -> int:
    from .bibcheck import check_bib, write_bib_outputs
    from .citekeys import load_pinned, unpin
    from .pipeline import build_review, load_digests_from_config

    config = load_config(args.config)
    pinned = load_pinned(config.bib_dir / "citekeys.csv")
    if args.rekey:
        pinned = unpin(pinned, args.rekey)
    review = build_review(config, load_digests_from_config(config), pinned=pinned)
    if args.check:
        problems = check_bib(review, config.bib_dir)
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"bib check: {len(review['papers'])} papers, {len(problems)} problem(s)")
        return 1 if problems else 0
    for path in write_bib_outputs(review, config.bib_dir):
        print(f"wrote {path.relative_to(config.root)}")
    if args.rekey:
        keys = review.pins.set_index("paper_id")["citekey"]
        for paper_id in args.rekey:
            print(f"{paper_id}: new citation key {keys[paper_id]}")
    report_matches(review)
    return 0


def report_matches(review) -> None:
    """Every fuzzy or missing metadata match is said, never silent."""
    for row in review.enrichment.fuzzy.itertuples():
        print(f"fuzzy match ({row.score:.0f}): {preview(row.title)} ~ {preview(row.cache_title)}")
    unmatched = review.enrichment.unmatched
    if len(unmatched):
        print(f"{len(unmatched)} paper(s) not in the metadata cache (run 'litreview enrich --online' where there is a network):")
        for row in unmatched.itertuples():
            print(f"  {row.paper_id}: {preview(row.title)}")


def cmd_enrich(args: argparse.Namespace) -> int:
    review = load_review(args.config)
    if not args.online:
        report_matches(review)
        matched = len(review["papers"]) - len(review.enrichment.unmatched)
        print(f"{matched} of {len(review['papers'])} papers matched in {review.config.metadata_cache.name}")
        return 0
    import httpx

    from .sources.arxiv import append_to_cache, fetch_arxiv_records

    cache = review.config.metadata_cache
    titles = list(review.enrichment.unmatched["title"])
    with httpx.Client(headers={"User-Agent": f"litreview/{__version__}"}) as client:
        result = fetch_arxiv_records(titles, client, base_url=args.api, on_record=lambda record: append_to_cache(cache, [record]))
    print(f"asked arXiv about {len(titles)} paper(s): {len(result.found)} found and saved to {cache.name}, {len(result.not_found)} not found, {len(result.failed)} failed")
    for title, reason in result.failed:
        print(f"  failed: {preview(title)}: {reason}")
    return 1 if result.failed else 0


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
    bib = commands.add_parser("bib", help="write bib/review.bib, bib/review.json and pin citation keys in bib/citekeys.csv")
    bib.add_argument("--check", action="store_true", help="exit 1, naming each problem, if the committed bibliography is stale or invalid")
    bib.add_argument("--rekey", nargs="+", metavar="PAPER_ID", help="give these papers fresh citation keys (on purpose)")
    bib.set_defaults(func=cmd_bib)

    enrich = commands.add_parser("enrich", help="report metadata matches; with --online, ask arXiv for the papers missing from the cache")
    enrich.add_argument("--online", action="store_true", help="query the arXiv API (rate-limited, with retries) and save results to the cache")
    enrich.add_argument("--api", default="https://export.arxiv.org/api/query", help="arXiv API address (default: %(default)s)")
    enrich.set_defaults(func=cmd_enrich)

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
