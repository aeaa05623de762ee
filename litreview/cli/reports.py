"""What the `litreview` command prints about digests, keys, metadata matches and themes: lines
built from the library's data, so that the commands in `litreview.cli` stay short."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ..analysis.synthesis import describe_status
from ..bib.keys import PROVISIONAL
from ..config import ReviewConfig
from ..pipeline import Review, date_from_name
from ..records.model import DatedDigest, Digest, Revision
from ..records.tables import find_revisions


def preview(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def format_report(path: str, digest: Digest) -> list[str]:
    """The reconciliation of one digest: every paragraph is in a paper or listed as skipped."""
    lines = [
        f"{path}: {digest.paragraphs} paragraphs: {len(digest.papers)} papers, "
        f"{len(digest.missing_abstracts)} without abstract, {len(digest.duplicates)} duplicates, "
        f"{len(digest.chrome)} page chrome, {len(digest.problems)} other skipped",
    ]
    lines += [f"  {path}:{p.line}: paper without an abstract: {preview(p.title)}" for p in digest.missing_abstracts]
    lines += [f"  {path}:{s.line}: skipped ({s.reason}): {preview(s.text)}" for s in digest.skipped]
    status = "ok" if digest.paragraphs == digest.accounted_paragraphs else "PARAGRAPHS UNACCOUNTED FOR"
    lines.append(f"  reconciliation: {digest.accounted_paragraphs} of {digest.paragraphs} paragraphs accounted for ({status})")
    return lines


def format_revision(revision: Revision, where: str) -> str:
    """One line saying which text of a paper seen again a newer digest changed, and what it replaces."""
    said = f"  {where}:{revision.line}: paper {revision.paper_id} {preview(revision.title)}"
    replaced = f"{revision.replaced_digest} ({revision.replaced_date or 'undated'})"
    if revision.kind == "added abstract":
        return f"{said} has an abstract now: the listing in {replaced} had none"
    return f"{said} has a revised {revision.kind}: the newer text replaces the one from {replaced}"


def revisions_of(digests: Sequence[DatedDigest], name: str, shown: dict[str, str]) -> list[str]:
    """The revisions that digest `name` brings or undergoes, each with the path of the digest revising."""
    return [format_revision(r, shown.get(r.digest, r.digest)) for r in find_revisions(digests) if name in (r.digest, r.replaced_digest)]


def compare_with_review(path: str, digest: Digest, date: str | None, config: ReviewConfig, review: Sequence[DatedDigest]) -> list[str]:
    """What `digest` would change in the review's papers (or, if it is one of the review's, changes)."""
    shown = {source.name: source.path for source in config.digests}
    own = [source.name for source in config.digests if config.digest_path(source).resolve() == Path(path).resolve()]
    if own:
        lines = revisions_of(review, own[0], shown)
    else:
        # Not given a date, the digest counts as the newest: it is being checked before it is added.
        date = date or date_from_name(Path(path)) or max((dated.date for dated in review), default="")
        name = digest.name if digest.name not in shown else path
        shown[name] = path
        lines = revisions_of([*review, DatedDigest(replace(digest, name=name), date)], name, shown)
    return [f"  compared with the {len(review)} digest(s) of {config.path.name}: {len(lines)} revised text(s)", *lines]


def report_upgrades(before: pd.DataFrame, after: pd.DataFrame) -> None:
    """Each provisional key before `bib --rekey`, and what became of it."""
    provisional = before[before["status"] == PROVISIONAL]
    if not len(provisional):
        print("no provisional citation keys: nothing to upgrade")
    for paper_id, old in zip(provisional["paper_id"].tolist(), provisional["citekey"].tolist()):
        if after.at[paper_id, "status"] == PROVISIONAL:
            print(f"{paper_id}: {old} stays provisional (no authors in the metadata)")
        else:
            print(f"{paper_id}: {old} -> {after.at[paper_id, 'citekey']}")


def report_provisional(review: Review, upgradable_too: bool) -> None:
    """Provisional keys are said, never silent: those waiting for authors, and (unless the caller
    reports them as problems) those whose authors have arrived."""
    from ..bib.outputs import provisional_keys

    ready, waiting = provisional_keys(review)
    if waiting:
        print(f"{len(waiting)} provisional citation key(s), of papers without authors in the metadata "
              "('litreview enrich --online' may find them; then 'litreview bib --rekey' upgrades the keys):")
        print("\n".join(f"  {paper_id}: {key}" for paper_id, key in waiting))
    if ready and upgradable_too:
        print(f"{len(ready)} provisional citation key(s) can be upgraded now that the metadata has their authors: run 'litreview bib --rekey':")
        print("\n".join(f"  {paper_id}: {key}" for paper_id, key in ready))


def report_matches(review: Review) -> None:
    """Every fuzzy or missing metadata match is said, never silent."""
    for row in review.enrichment.fuzzy.itertuples():
        print(f"fuzzy match ({row.score:.0f}): {preview(row.title)} ~ {preview(row.cache_title)}")
    unmatched = review.enrichment.unmatched
    if len(unmatched):
        print(f"{len(unmatched)} paper(s) not in the metadata cache (run 'litreview enrich --online' where there is a network):")
        for row in unmatched.itertuples():
            print(f"  {row.paper_id}: {preview(row.title)}")


def print_theme_status(review: Review) -> int:
    """A line per theme (papers, discussed, not yet discussed) and what the curator should fix."""
    from ..notebooks.pages import plan_notebook_pages, theme_discussions

    pages = plan_notebook_pages(review.themes, review.config.root / "notebooks")
    coverage = extraction_coverage(review)
    problems = 0
    for discussion in theme_discussions(review.tables, review.themes, pages):
        print(f"{describe_status(discussion)}; {coverage[discussion.theme.id]}")
        for problem in discussion.problems:
            print(f"  {discussion.theme.id}: {problem}")
        problems += len(discussion.problems)
    for problem in review.extraction_problems:
        print(f"  {problem}")
    return problems + len(review.extraction_problems)


def extraction_coverage(review: Review) -> dict[str, str]:
    """Theme id -> what it says of the theme's extractions: extracted, not yet, prefilled-unchecked."""
    from ..analysis.extractions import compute_extraction_coverage, describe_coverage

    coverage = compute_extraction_coverage(review["paper_themes"], review["extractions"], review.themes.ids)
    return {row["theme"]: f"extractions: {describe_coverage(row)}" for _, row in coverage.iterrows()}
