"""The site stage: generated Markdown pages for Sphinx, then the Sphinx build itself.

Untrusted text (titles, abstracts, digest names) goes through `escape_markdown`, so Markdown, MyST
roles and directives, HTML and math in it show literally.
"""

from __future__ import annotations

import re
from pathlib import Path

from .fileio import write_text_atomic
from .pipeline import Review

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$~^&:=\"'@%])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every ASCII punctuation mark CommonMark lets us escape, and flatten lines."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_summary(review: Review) -> str:
    papers, appearances, links = review["papers"], review["paper_digests"], review["links"]
    lines = [
        "# The review in numbers",
        "",
        f"{len(papers)} papers from {appearances['digest'].nunique()} digest(s); "
        f"{int((papers['abstract'] == '').sum())} without an abstract; {len(links)} links found in abstracts.",
        "",
        "| Digest | Date | Papers |",
        "| --- | --- | --- |",
    ]
    counts = appearances.groupby(["digest", "digest_date"], sort=True).size()
    for (digest, date), count in counts.items():
        lines.append(f"| {escape_markdown(digest)} | {escape_markdown(date)} | {count} |")
    return "\n".join(lines) + "\n"


def generate_pages(review: Review, docs_dir: Path) -> list[Path]:
    """Write the generated pages into `docs/_generated/` (ignored by git) and return their paths."""
    out = docs_dir / "_generated"
    summary = out / "summary.md"
    write_text_atomic(summary, render_summary(review))
    return [summary]


def build_site(docs_dir: Path, out_dir: Path) -> int:
    """Run Sphinx with warnings as errors and nitpicky references; returns its exit status."""
    from sphinx.cmd.build import build_main

    return build_main(["-W", "--keep-going", "-n", "-q", "-b", "html", str(docs_dir), str(out_dir)])
