"""The floor of the site stage: a bare Sphinx build of one-paragraph .rst pages, as a user of plain
Sphinx would run it (no extensions, no toctree, no sidebar). `stages.py` runs it like any stage."""

from __future__ import annotations

from pathlib import Path

import synth


def rst_escape(text: str) -> str:
    import re

    return re.sub(r"([\\`*_|\[\]<>:])", r"\\\1", text)


def write_rst_pages(digest: Path, src: Path) -> int:
    """One page per paper: its title as the heading, its abstract as the one paragraph, `:orphan:`
    so that no toctree is needed (and none is built)."""
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(
        'project = "bench"\n'
        "# Sphinx's default theme (alabaster) without any sidebar: no global navigation, no toctree.\n"
        'html_sidebars = {"**": []}\n',
        encoding="utf-8",
    )
    (src / "index.rst").write_text("Benchmark\n=========\n\nPaper pages, not linked from here.\n", encoding="utf-8")
    from litreview.sources.hf_digest import split_paragraphs

    paragraphs = [text for _, text in split_paragraphs(digest.read_text(encoding="utf-8"))][len(synth.load_seed().chrome):]
    count = 0
    for i in range(0, len(paragraphs) - 1, 2):
        title, abstract = rst_escape(paragraphs[i]), rst_escape(paragraphs[i + 1])
        count += 1
        (src / f"paper{count:06d}.rst").write_text(f":orphan:\n\n{title}\n{'=' * (len(title) + 2)}\n\n{abstract}\n", encoding="utf-8")
    return count


def stage_sphinx(n: int, digest: Path, workdir: Path):
    """The floor for the site: a bare Sphinx html build of N one-paragraph .rst pages (no extensions)."""
    from sphinx.cmd.build import build_main

    src, out = workdir / "src", workdir / "html"
    pages = write_rst_pages(digest, src)

    def work() -> int:
        status = build_main(["-q", "-b", "html", str(src), str(out)])
        if status:
            raise RuntimeError(f"sphinx-build exited with {status}")
        built = sum(1 for _ in out.glob("paper*.html"))
        if built != pages:
            raise RuntimeError(f"sphinx built {built} paper pages, expected {pages}")
        return pages

    return work
