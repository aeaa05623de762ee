"""The measured side of the benchmarks: one function per stage, run in a fresh child process.

Each stage function does its imports and preparation, then returns the work to time; the work
returns the number of papers it handled, which the child checks against N. `run.py` schedules the
children and prints the table.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (imports litreview only when it generates)
from bare_sphinx import stage_sphinx  # noqa: E402  (the site's floor)

CACHE = ROOT / "data" / "arxiv-metadata.jsonl"
# litreview.site function names that would generate one page per paper (checked with hasattr at run time).
SITE_PAGE_FUNCTIONS = ("generate_paper_pages", "write_paper_pages", "render_paper_pages", "paper_pages")


class NotAvailable(Exception):
    """A stage that cannot be measured in this checkout (the row says why)."""


# ----------------------------------------------------------------------------------------------
# The children: each stage function does its imports and preparation, then returns the timed work.
# The work returns the number of papers it handled, which the child checks against N.
# ----------------------------------------------------------------------------------------------


def make_review_folder(digest: Path, workdir: Path) -> Path:
    """A review like the real one around one digest: its metadata cache and theme definitions.
    No curation file: the real one names the seed's papers, which a synthetic digest does not have."""
    import shutil

    review = workdir / "review"
    (review / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(CACHE, review / "data" / CACHE.name)
    themes = ""
    if (ROOT / "themes.toml").exists():
        shutil.copy(ROOT / "themes.toml", review / "themes.toml")
        themes = '[themes]\ndefinitions = "themes.toml"\ncuration = "data/curation.toml"\n\n'
    config = review / "review.toml"
    config.write_text(
        "[review]\ntitle = \"benchmark\"\n\n[outputs]\ntables = \"build/tables\"\nbib = \"bib\"\n\n"
        f"[enrich]\ncache = \"data/{CACHE.name}\"\n\n{themes}"
        f"[[digests]]\npath = {json.dumps(str(digest))}\ndate = \"2025-03-11\"\n",
        encoding="utf-8",
    )
    return config


def prepared_review(digest: Path, workdir: Path):
    """The pipeline's output for a digest: untimed preparation of the bib and site stages.

    Built once per digest and kept (pickled) beside it in the scratch folder, so that the children
    of the same N do not each rerun the whole pipeline; the first child to need it builds it."""
    import pickle

    from litreview.config import load_config
    from litreview.pipeline import build_review, load_digests_from_config

    stored = digest.with_suffix(".review.pickle")
    if stored.exists():
        try:
            return pickle.loads(stored.read_bytes())
        except Exception:  # half-written by a parallel child, or unreadable: build it here
            pass
    config = load_config(make_review_folder(digest, workdir))
    review = build_review(config, load_digests_from_config(config))
    partial = stored.with_name(f"{stored.name}.{os.getpid()}.tmp")
    try:
        partial.write_bytes(pickle.dumps(review, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, stored)
    except Exception:  # not picklable: every child builds its own
        partial.unlink(missing_ok=True)
    return review


def stage_read_split(n: int, digest: Path, workdir: Path):
    """The floor for parsing: read the file, decode it, split it into paragraphs, in plain Python."""
    chrome = len(synth.load_seed().chrome)

    def work() -> int:
        text = digest.read_bytes().decode("utf-8")
        paragraphs = [" ".join(block.split("\n")) for block in text.split("\n\n") if block.strip()]
        return (len(paragraphs) - chrome) // 2

    return work


def stage_parse(n: int, digest: Path, workdir: Path):
    from litreview.sources.hf_digest import load_digest

    return lambda: len(load_digest(digest).papers)


def stage_tables(n: int, digest: Path, workdir: Path):
    """`litreview tables`: parse, enrich from the metadata cache, (themes, if the pipeline has them),
    citation keys, the tables, CSV + Parquet."""
    import pyarrow.parquet  # noqa: F401  (imported before the clock starts)  (pandas imports it lazily on the first to_parquet)

    from litreview.fileio import write_tables
    from litreview.pipeline import load_review

    config_path = make_review_folder(digest, workdir)
    # Cold: the compiled theme database is not in the user's cache folder but in this run's empty one.
    os.environ["LITREVIEW_CACHE_DIR"] = str(workdir / "hyperscan-cache")

    def work() -> int:  # what `litreview tables` runs (cli: cmd_tables)
        review = load_review(config_path)
        write_tables(review.tables, review.config.tables_dir)
        work.note = "wrote " + ", ".join(review.tables)
        return len(review["papers"])

    return work


def stage_tables_rerun(n: int, digest: Path, workdir: Path):
    """`litreview tables` again with nothing changed: the theme scores come from the previous run's store."""
    work = stage_tables(n, digest, workdir)
    work()  # the first run, untimed: it fills build/theme-scores.parquet
    return work


def floor_records(review) -> list[dict]:
    """Plain Python records of the papers, as a library user would hand them to bibtexparser."""
    import pandas as pd

    papers, authors = review["papers"], review["authors"]
    names = authors.sort_values(["paper_id", "position"]).groupby("paper_id", sort=False)["name"].agg(list).to_dict()
    records = []
    for paper in papers.sort_values("citekey").to_dict("records"):
        records.append(
            {
                "key": paper["citekey"],
                "title": paper["title"],
                "authors": names.get(paper["paper_id"], []),
                "venue": paper["venue"],
                "year": None if pd.isna(paper["year"]) else int(paper["year"]),
                "month": None if pd.isna(paper["month"]) else int(paper["month"]),
                "arxiv_id": paper["arxiv_id"],
                "primary": paper["primary_category"],
                "abstract": paper["abstract"],
            }
        )
    return records


def stage_bibtexparser(n: int, digest: Path, workdir: Path):
    """The floor for `bib`: bibtexparser v2 alone builds entries with the same fields from the same
    papers (values as they are, no escaping) and writes them with its default unparse stack,
    in-place modification allowed."""
    import bibtexparser
    from bibtexparser.library import Library
    from bibtexparser.middlewares import default_unparse_stack
    from bibtexparser.model import Entry, Field

    records = floor_records(prepared_review(digest, workdir))
    note_text = "Listed in the Hugging Face papers digest; no arXiv record was found"

    def work() -> int:
        entries = []
        for r in records:
            fields = [Field("title", r["title"])]
            fields.append(Field("author", " and ".join(r["authors"])) if r["authors"] else Field("key", r["title"]))
            if r["venue"]:
                fields.append(Field("booktitle", r["venue"]))
            if r["year"] is not None:
                fields += [Field("year", r["year"]), Field("month", r["month"])]
            if r["arxiv_id"]:
                fields += [Field("eprint", r["arxiv_id"]), Field("archivePrefix", "arXiv"), Field("primaryClass", r["primary"])]
            else:
                fields.append(Field("note", note_text))
            if r["abstract"]:
                fields.append(Field("abstract", r["abstract"]))
            entries.append(Entry("inproceedings" if r["venue"] else "misc", r["key"], fields))
        library = Library(entries)
        text = bibtexparser.write_string(library, unparse_stack=default_unparse_stack(allow_inplace_modification=True))
        work.note = f"{len(text) / 1e6:.1f} MB of BibTeX"
        return len(library.entries)

    return work


def stage_bib(n: int, digest: Path, workdir: Path):
    """litreview's bibliography: build_library + write_bibtex on the pipeline's papers."""
    from litreview.bib.entries import build_library, write_bibtex

    review = prepared_review(digest, workdir)
    papers, authors, appearances = review["papers"], review["authors"], review["paper_digests"]

    def work() -> int:
        library = build_library(papers, authors, appearances)
        text = write_bibtex(library)
        work.note = f"{len(text) / 1e6:.1f} MB of BibTeX"
        return len(library.entries)

    return work


def stage_related(n: int, digest: Path, workdir: Path):
    """Related papers for the site (litreview.analysis.related): TF-IDF, then the pruned candidate search."""
    import sklearn.feature_extraction.text  # noqa: F401  (imported before the clock starts: it takes seconds)

    from litreview.analysis.related import compute_related_papers

    papers = prepared_review(digest, workdir)["papers"]

    def work() -> int:
        related = compute_related_papers(papers)
        work.note = f"{len(related):,} related-paper rows"
        return related["paper_id"].nunique()  # every paper got its related papers

    return work


def site_page_function():
    """THE HOOK for the site stage: litreview's function that writes one page per paper, if any.

    Looked up at run time, first in `litreview.site`, then in its `paper_pages` module, under the
    names in SITE_PAGE_FUNCTIONS. Returns (qualified name, function) or (None, None)."""
    import importlib

    for module_name in ("litreview.site", "litreview.site.paper_pages"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in SITE_PAGE_FUNCTIONS:
            if callable(getattr(module, name, None)):  # not the submodule litreview.site.paper_pages itself
                return f"{module_name}.{name}", getattr(module, name)
    return None, None


def site_call(fn, review, out_dir: Path):
    """Call the paper-page function with what its parameters ask for (by name): the review or its
    tables, an empty related-papers table (related papers are not part of this measurement), no
    theme titles, and the folder for the pages."""
    import inspect

    import pandas as pd

    offer = {
        "review": review,
        "tables": review.tables,
        "related": pd.DataFrame({"paper_id": pd.Series(dtype="string"), "rank": pd.Series(dtype="int64"), "related_id": pd.Series(dtype="string")}),
        "theme_titles": {},
        "out_dir": out_dir,
        "docs_dir": out_dir,
        "directory": out_dir,
        "out": out_dir,
    }
    arguments = {}
    for parameter in inspect.signature(fn).parameters.values():
        if parameter.name in offer:
            arguments[parameter.name] = offer[parameter.name]
        elif parameter.default is inspect.Parameter.empty and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise NotAvailable(f"site stage: do not know what to pass as {fn.__name__}({parameter.name}=...); adapt run.site_call")
    return fn(**arguments)


def write_site_conf(digest: Path, workdir: Path, review) -> Path:
    """A review's docs folder as `litreview build` configures it: the two-line conf.py that calls
    litreview.site.sphinx_conf.configure (myst_nb, sphinxcontrib-bibtex with the review's .bib, Furo,
    litreview's extension, the site's settings), a one-line index; returns the docs folder."""
    from litreview.bib.outputs import write_bib_outputs
    from litreview.config import load_config

    config = load_config(make_review_folder(digest, workdir))
    write_bib_outputs(review, config.bib_dir)  # the site's conf cites from it; untimed, as `litreview bib` is a stage of its own
    docs = config.root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "conf.py").write_text("from litreview.site.sphinx_conf import configure\n\nconfigure(globals())\n", encoding="utf-8")
    (docs / "index.md").write_text("# Benchmark\n\nPaper pages, reached by search, not by a toctree.\n", encoding="utf-8")
    return docs


def stage_site(n: int, digest: Path, workdir: Path):
    """litreview's site code writing N paper pages where `litreview build` writes them, then a Sphinx
    build of them with the site's configuration; compared with the bare Sphinx floor. Both the page
    generation and the build are timed."""
    name, fn = site_page_function()
    if fn is None:
        raise NotAvailable("site stage not available")
    from sphinx.cmd.build import build_main

    review = prepared_review(digest, workdir)
    docs, out = write_site_conf(digest, workdir, review), workdir / "html"
    # Imports excluded, as for the other stages (the floor imports Sphinx before the clock): the
    # extensions the site's conf names are imported here; Sphinx still sets them up in the build.
    import importlib

    from litreview.site.sphinx_conf import configure

    namespace: dict = {"__file__": str(docs / "conf.py")}
    configure(namespace)
    for extension in namespace["extensions"]:
        importlib.import_module(extension)
    # myst_nb imports its Sphinx module, and with it jupyter-cache and nbclient, only when Sphinx calls
    # its setup: about half a second, which an import of myst_nb does not take before the clock.
    importlib.import_module("myst_nb.sphinx_ext")

    from litreview.site.build import sphinx_arguments

    arguments = sphinx_arguments(docs, out)  # as `litreview build` passes them: warnings are errors, one process per core

    def work() -> int:
        written = site_call(fn, review, docs / "_generated" / "papers")
        status = build_main(arguments)
        if status:
            raise RuntimeError(f"sphinx-build exited with {status}")
        work.note = f"{name}: {len(written) if written is not None else '?'} pages + Sphinx (the site's conf: litreview.site.sphinx_conf)"
        return n

    return work


STAGE_FUNCTIONS = {
    "read_split": stage_read_split,
    "parse": stage_parse,
    "tables": stage_tables,
    "tables_rerun": stage_tables_rerun,
    "bibtexparser": stage_bibtexparser,
    "bib": stage_bib,
    "related": stage_related,
    "sphinx": stage_sphinx,
    "site": stage_site,
}


def peak_rss_mb() -> tuple[float, str]:
    """This process's peak resident set, plus the largest peak of the children it waited for (theme
    scoring forks one): an upper bound, since pages the two share are counted twice."""
    import resource

    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale / 2**20
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024 + children, "VmHWM"
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20 + children, "ru_maxrss"


def child(stage_key: str, n: int, digest: Path, workdir: Path) -> dict:
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # whatever a stage prints must not be taken for the result
    try:
        work = STAGE_FUNCTIONS[stage_key](n, digest, workdir)
        start = time.perf_counter()
        handled = work()
        seconds = time.perf_counter() - start
        if handled != n:
            raise RuntimeError(f"handled {handled} papers, expected {n}")
        peak, how = peak_rss_mb()
        result = {"status": "ok", "seconds": seconds, "peak_mb": peak, "peak_how": how, "note": getattr(work, "note", "")}
    except NotAvailable as exc:
        result = {"status": "n/a", "note": str(exc)}
    finally:
        sys.stdout = real_stdout
    return result
