"""The `litreview` command. It alone decides what the user sees (`reports` builds the lines); the
library only returns data."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..bib.keys import PROVISIONAL
from ..config import DEFAULT_CONFIG, add_digest, load_config, parse_date
from ..errors import LitreviewError
from ..fileio import write_tables
from ..pipeline import DEFAULT_THEMES, load_digests_from_config, load_review
from ..sources.hf_digest import load_digest
from .reports import compare_with_review, format_report, preview, print_theme_status, report_matches, report_provisional, report_upgrades, revisions_of


def cmd_check(args: argparse.Namespace) -> int:
    failed = 0
    date = parse_date(args.date, "--date") if args.date else None
    config, review = None, []
    if Path(args.config).exists():  # inside a review: also say what each digest would revise
        try:
            config = load_config(args.config)
            review = load_digests_from_config(config)
        except LitreviewError as exc:
            print(f"litreview: error: {exc} (so the digests are not compared with the review)", file=sys.stderr)
            config, failed = None, 1
    for path in args.digests:
        try:
            digest = load_digest(path)
        except LitreviewError as exc:
            print(f"litreview: error: {exc}", file=sys.stderr)
            failed = 1
            continue
        print("\n".join(format_report(path, digest)))
        if config is not None:
            print("\n".join(compare_with_review(path, digest, date, config, review)))
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
    try:
        config = load_config(args.config)  # as it is now, with this digest (and any added meanwhile)
        lines = revisions_of(load_digests_from_config(config), target.name, {source.name: source.path for source in config.digests})
    except LitreviewError as exc:  # the digest is in; only the comparison with the others failed
        print(f"litreview: warning: could not compare it with the review's digests: {exc}", file=sys.stderr)
        return 0
    if lines:
        print(f"it revises {len(lines)} text(s) of papers already in the review:", *lines, sep="\n")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from ..init_review import init_review

    written = init_review(args.dir, args.digest, args.date, args.title, args.themes)
    print(f"created the review {args.dir} ({len(written)} files); next: cd {args.dir} && litreview build")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    review = load_review(args.config)
    return 1 if print_theme_status(review) else 0


def cmd_build(args: argparse.Namespace) -> int:
    from ..site.build import SitePaths, build_site, check_site_sources

    check_site_sources(SitePaths(load_config(args.config).root))  # before anything is written
    review = load_review(args.config)
    status, results = build_site(review, quiet=not args.verbose)
    for result in results:
        print(f"notebook {result.describe()}")
    print_theme_status(review)
    html = SitePaths(review.config.root).html.resolve()
    if status == 0:
        print(f"site built: open {(html / 'index.html').as_uri()}")
        # From file:// browsers block the fetches Sphinx's search makes to quote each result
        # (sphinx-doc/sphinx#10407); served over HTTP they work.
        print(f"  or serve it, so search results quote each page: python -m http.server -d {html}")
    else:
        print("the Sphinx build reported warnings or errors (see above); the site is incomplete", file=sys.stderr)
    return status


def cmd_extract(args: argparse.Namespace) -> int:
    from ..analysis.extractions import compute_extraction_coverage, describe_coverage
    from ..analysis.prefill import plan_prefill, write_prefill
    from ..config import review_locked
    from ..pipeline import build_review

    config = load_config(args.config)
    # Under the review's lock: the files are read and appended to with nobody appending meanwhile.
    with review_locked(config.root):
        review = build_review(config, load_digests_from_config(config), keep_results=not args.check)
        for problem in review.extraction_problems:
            print(problem, file=sys.stderr)
        if args.check:
            coverage = compute_extraction_coverage(review["paper_themes"], review["extractions"], review.themes.ids)
            print(*(f"theme {row.theme}: {row.papers} papers, extractions: {describe_coverage(row)}" for _, row in coverage.iterrows()), sep="\n")
            print(f"extractions check: {len(review['extractions'])} rows, {len(review.extraction_problems)} problem(s)")
            return 1 if review.extraction_problems else 0
        if review.extraction_problems:
            raise LitreviewError(f"{len(review.extraction_problems)} problem(s) in the extraction files (above), so nothing was pre-filled; "
                                 "fix them and run 'litreview extract' again")
        written = write_prefill(config.extractions_dir, plan_prefill(review.tables, review.themes.ids))
    for path, rows in written:
        print(f"appended {rows} prefilled row(s) to {path.relative_to(config.root)}: check each against its source and set its status to checked")
    if not written:
        print("every theme paper has extraction rows: nothing to pre-fill")
    return 0


def cmd_bib(args: argparse.Namespace) -> int:
    from ..bib.outputs import check_bib, write_bib_outputs
    from ..pipeline import build_review, pins_to_keep

    config = load_config(args.config)
    upgrade = args.rekey == []  # `--rekey` without ids: every provisional key that can be upgraded
    pinned = pins_to_keep(config, args.rekey or ())
    review = build_review(config, load_digests_from_config(config), pinned=pinned, upgrade_provisional=upgrade,
                          keep_results=not args.check)
    if args.check:
        problems = check_bib(review, config.bib_dir)
        for problem in problems:
            print(problem, file=sys.stderr)
        report_provisional(review, upgradable_too=False)
        print(f"bib check: {len(review['papers'])} papers, {len(problems)} problem(s)")
        return 1 if problems else 0
    for path in write_bib_outputs(review, config.bib_dir):
        print(f"wrote {path.relative_to(config.root)}")
    keys = review.pins.set_index("paper_id")
    if args.rekey:
        for paper_id in args.rekey:
            provisional = " (provisional: no authors in the metadata)" if keys.at[paper_id, "status"] == PROVISIONAL else ""
            print(f"{paper_id}: new citation key {keys.at[paper_id, 'citekey']}{provisional}")
    if upgrade:
        report_upgrades(pinned, keys)
    report_provisional(review, upgradable_too=not upgrade)
    report_matches(review)
    return 0


def cmd_enrich(args: argparse.Namespace) -> int:
    review = load_review(args.config)
    if not args.online:
        report_matches(review)
        matched = len(review["papers"]) - len(review.enrichment.unmatched)
        print(f"{matched} of {len(review['papers'])} papers matched in {review.config.metadata_cache.name}")
        return 0
    import httpx

    from ..enrich.arxiv import append_to_cache, fetch_arxiv_records

    cache = review.config.metadata_cache
    titles = list(review.enrichment.unmatched["title"])
    with httpx.Client(headers={"User-Agent": f"litreview/{__version__}"}) as client:
        result = fetch_arxiv_records(titles, client, base_url=args.api, on_record=lambda record: append_to_cache(cache, [record]))
    if result.unreachable:
        saved = f"the {len(result.found)} record(s) found before were saved to {cache.name}" if result.found else f"{cache.name} was not changed"
        print(
            f"litreview: error: arXiv could not be reached at {args.api} ({result.unreachable}); {saved} and "
            f"{len(result.not_asked)} of {len(titles)} paper(s) were not asked about; "
            "check the network (or --api) and run 'litreview enrich --online' again",
            file=sys.stderr,
        )
        return 1
    print(f"asked arXiv about {len(titles)} paper(s): {len(result.found)} found and saved to {cache.name}, "
          f"{len(result.not_found)} not found, {len(result.failed)} failed")
    for title, reason in result.failed:
        print(f"  failed: {preview(title)}: {reason}")
    return 1 if result.failed else 0


def cmd_themes(args: argparse.Namespace) -> int:
    from ..themes.rules import explain_paper

    review = load_review(args.config)
    if args.explain:
        print(explain_paper(args.explain, review["papers"], review.themes, review.curation))
        return 0
    counts = review["paper_themes"].groupby(["theme", "source"]).size()
    for (theme, source), count in counts.items():
        print(f"{theme}: {count} paper(s) by {source}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from ..analysis.summaries import compute_evaluation
    from ..themes.evaluate import format_evaluation

    if args.digest and not args.labels:
        raise LitreviewError("--digest needs --labels CSV: the hand labels of that digest's papers")
    # A digest of one's own is measured without curation (curation.toml is about the review's papers).
    review = load_review(args.config, args.digest)
    labels = args.labels or review.config.labels_file
    if labels is None:
        raise LitreviewError("no labels: pass --labels CSV or set [themes] labels in the review config")
    curated = not (args.no_curation or args.digest)
    evaluation = compute_evaluation(review, labels, use_curation=curated, split=args.split)
    if evaluation.missing:
        print(f"litreview: warning: {len(evaluation.missing)} labelled paper(s) not in the digests, not counted: "
              + "; ".join(map(repr, evaluation.missing)), file=sys.stderr)
    on = f" on {', '.join(Path(d).name for d in args.digest)}" if args.digest else ""
    what = "with curation" if curated else "without curation"
    themes = "litreview's default themes" if Path(review.themes.path) == DEFAULT_THEMES else Path(review.themes.path).name
    print(format_evaluation(evaluation, f"{Path(labels).name}{on}, {args.split} split, classifier {what} ({themes})"))
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    from ..notebooks.execute import export_notebooks, run_notebooks
    from ..notebooks.pages import plan_notebook_pages, prepare_page

    review = load_review(args.config)
    config = review.config
    notebooks_dir = Path(args.notebooks) if args.notebooks else config.root / "notebooks"
    if args.notebooks and not notebooks_dir.is_dir():
        raise LitreviewError(f"{notebooks_dir}: no such folder of notebooks")
    pages = plan_notebook_pages(review.themes, notebooks_dir)
    out = Path(args.out) if args.out else config.root / "build" / "notebooks"
    prepared = [prepare_page(page, out / "source", "", {"config": str(config.path)}) for page in pages]
    cache = config.root / "build" / "jupyter_cache"
    results = run_notebooks(prepared, cache)
    for result in results:
        print(result.describe())
    problems = print_theme_status(review)
    if any(r.status == "failed" for r in results):
        return 1
    if problems:
        print(f"{problems} problem(s) in the notebooks' prose (see above)", file=sys.stderr)
    if args.action == "export":
        for path in export_notebooks(prepared, cache, out, config.bib_dir / "review.bib"):
            print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="litreview", description="Turn paper digests into a review: tables, themes, BibTeX and a site.")
    parser.add_argument("--version", action="version", version=f"litreview {__version__}")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="the review config (default: %(default)s)")
    # --config is taken before or after the command: `litreview --config R notebooks run` and
    # `litreview notebooks run --config R` mean the same.
    config_option = argparse.ArgumentParser(add_help=False)
    config_option.add_argument("--config", default=argparse.SUPPRESS, help="the review config (default: review.toml)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parser = commands.add_parser

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        return add_parser(name, parents=[config_option], **kwargs)

    init = command("init", help="start a review of your own in a new folder (its config, themes, notebooks and site pages)")
    init.add_argument("dir", metavar="DIR", help="the folder to create (missing or empty)")
    init.add_argument("--digest", metavar="FILE", help="a first digest to add (with --date)")
    init.add_argument("--date", metavar="YYYY-MM-DD", help="the date of the page the digest was copied from")
    init.add_argument("--title", help="the review's title (default: the folder's name)")
    init.add_argument("--themes", metavar="FILE", help="a themes.toml to start from (default: litreview's default themes)")
    init.set_defaults(func=cmd_init)

    check = command("check", help="report how each digest parses and, in a review, which texts it revises; exit 1 if one is unusable")
    check.add_argument("digests", nargs="+", metavar="DIGEST", help="digest files to check")
    check.add_argument("--date", metavar="YYYY-MM-DD", help="the date to compare a digest at (default: from a YYYY-MM-DD name, else the newest)")
    check.set_defaults(func=cmd_check)

    tables = command("tables", help="write the review's tables as CSV and Parquet")
    tables.add_argument("digests", nargs="*", metavar="DIGEST", help="digest files (default: the digests of the review config)")
    tables.add_argument("--out", metavar="DIR", help="output folder (default: outputs.tables of the config)")
    tables.set_defaults(func=cmd_tables)

    add = command("add", help="validate a digest and add it to the review")
    add.add_argument("digest", metavar="PATH", help="the digest file to add")
    add.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the date of the page it was copied from")
    add.set_defaults(func=cmd_add)
    bib = command("bib", help="write bib/review.bib, bib/review.json and pin citation keys in bib/citekeys.csv")
    bib.add_argument("--check", action="store_true", help="exit 1, naming each problem, if the committed bibliography is stale or invalid")
    bib.add_argument("--rekey", nargs="*", metavar="PAPER_ID",
                     help="give these papers fresh citation keys (on purpose); without ids, upgrade every provisional key whose paper now has authors")
    bib.set_defaults(func=cmd_bib)

    enrich = command("enrich", help="report metadata matches; with --online, ask arXiv for the papers missing from the cache")
    enrich.add_argument("--online", action="store_true", help="query the arXiv API (rate-limited, with retries) and save results to the cache")
    enrich.add_argument("--api", default="https://export.arxiv.org/api/query", help="arXiv API address (default: %(default)s)")
    enrich.set_defaults(func=cmd_enrich)

    themes = command("themes", help="count the papers per theme, or explain one paper's scores and evidence")
    themes.add_argument("--explain", metavar="PAPER_ID", help="print the scores, signals and evidence for one paper")
    themes.set_defaults(func=cmd_themes)

    evaluate = command("evaluate", help="per-theme precision, recall and F1 against hand labels, with every error")
    evaluate.add_argument("--labels", metavar="CSV", help="hand labels (default: [themes] labels of the config)")
    evaluate.add_argument("--digest", metavar="FILE", action="append", help="measure on this digest (repeatable) instead of the review's, "
                          "without curation; needs --labels")
    evaluate.add_argument("--no-curation", action="store_true", help="measure the classifier alone, without data/curation.toml")
    evaluate.add_argument("--split", choices=["all", "tune", "holdout"], default="all", help="which labelled papers to count (default: %(default)s)")
    evaluate.set_defaults(func=cmd_evaluate)

    notebooks = command("notebooks", help="run the notebooks on a review (--config), or run and export them")
    notebooks.add_argument("action", choices=["run", "export"], help="run: execute and report each notebook; export: also write .ipynb, HTML and .py")
    notebooks.add_argument("--notebooks", metavar="DIR", help="the notebooks to run (default: the review's notebooks/, else litreview's)")
    notebooks.add_argument("--out", metavar="DIR", help="build folder (default: build/notebooks of the review)")
    notebooks.set_defaults(func=cmd_notebooks)

    build = command("build", help="run the pipeline and build the site into docs/_build/html")
    build.add_argument("--verbose", action="store_true", help="show Sphinx's progress, not only its warnings")
    build.set_defaults(func=cmd_build)

    extract = command("extract", help="append prefilled extraction rows, guessed from the abstracts, for theme papers that have none")
    extract.add_argument("--check", action="store_true", help="write nothing: check the extraction files, report coverage per theme, exit 1 on problems")
    extract.set_defaults(func=cmd_extract)

    status = command("status", help="per theme: papers, discussed by its synthesis, not yet discussed; and what disagrees")
    status.set_defaults(func=cmd_status)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LitreviewError as exc:
        print(f"litreview: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the output was piped into a command that stopped reading (e.g. head)
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
