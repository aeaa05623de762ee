"""Python's cycle collector in a site build: what lives through the build is set aside, and the
environments of parallel readers are collected in batches.

In a parallel read (`-j N`) each reader process sends its whole environment back to the main
process, which unpickles it, merges the reader's documents and drops it. Every unpickling makes as
many objects as the environment holds (it grows with the pages merged so far), and those objects
trigger the collector's full scans of everything the main process holds: at 1,000 paper pages
these scans were about a third of its time (py-spy, `gc.callbacks`), and the readers wait for it.
Writing, the main process unpickles every page's doctree and gets the same scans of the whole
environment. So, as the `gc` documentation advises around a fork:

- once the documents are about to be read, the objects made so far (modules, configuration, the
  parsed bibliography) are frozen: no scan of this build visits them again;
- in the main process of a parallel read the automatic collector is paused; the environments it
  has merged are garbage, collected after every second merge (so at most two are held at once);
- a process that reads documents itself (a reader, or the main process of a serial build)
  collects as usual from its first document on (a reader from its start, below);
- once every document is read, the environment, which lives until the end of the build, is frozen
  too;
- a process that Sphinx forks to read or write documents freezes what it inherited as it starts
  (`os.register_at_fork`), so that its collections scan only what it makes: before, each writer's
  first full collection scanned the main process's objects, copying the pages it touched (100 to
  370 ms a writer at 1,000 pages, growing as the build went on), and each reader's first young
  collection scanned the environment the main process had just unpickled;
- while writing, the main process collects young objects after every 50 pages it resolves, and
  everything after every 1,000, instead of automatically: its full scans visited the doctrees it
  had resolved and handed to writers, again and again (0.4-0.6 s at 1,000 pages, against 0.26 s).
  Those doctrees are garbage once their writer is done, and wait for the next full collection:
  at most 1,000 pages' worth (18 MB more at the peak of a build of 1,000 paper pages);
- when the build ends, collection is as it was before it.

A process that keeps objects frozen of its own (as `litreview.collection` also respects) gets the
paused and batched collections but no freezing: the build could not unfreeze its own objects alone.
The processes it forks freeze what they inherit all the same: they end with their documents.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from sphinx.application import Sphinx

MERGES_PER_COLLECTION = 2
PAGES_PER_YOUNG_COLLECTION = 50
PAGES_PER_FULL_COLLECTION = 1000
BUILDS: list[BuildCollector] = []  # the builds under way in this process (a forked process inherits them)


class BuildCollector:
    """The collector's state before the build, to restore at its end, and the merges since the last
    collection. `owner` is the process that started the build."""

    def __init__(self) -> None:
        self.owner: int | None = None
        self.was_enabled = True
        self.freezing = True  # False when the process had frozen objects of its own
        self.merges = 0
        self.resolved = 0

    @property
    def in_owner(self) -> bool:
        """True in the process that started the build (not in one Sphinx forked from it)."""
        return self.owner == os.getpid()

    def resume(self) -> None:
        """The automatic collector back on, if it was on before the build."""
        if self.was_enabled:
            gc.enable()

    def reading_starts(self) -> None:
        if self.owner is None:
            self.owner, self.was_enabled, self.freezing = os.getpid(), gc.isenabled(), not gc.get_freeze_count()
            self.merges = 0
            if self.freezing:
                gc.freeze()
            gc.disable()
            BUILDS.append(self)

    def reading_here(self) -> None:
        """The main process of a serial build reads documents, and makes garbage of its own: it
        collects as usual (a forked reader has resumed already, see `forked`)."""
        if self.in_owner:
            self.resume()

    def forked(self) -> None:
        """In a process forked during the build (it ends with its share of the documents)."""
        gc.freeze()
        self.resume()

    def merged(self) -> None:
        if self.in_owner:
            self.merges += 1
            if self.merges % MERGES_PER_COLLECTION == 0:
                gc.collect()

    def reading_done(self) -> None:
        if self.in_owner:
            gc.collect()
            if self.freezing:
                gc.freeze()
            self.resume()

    def writing_starts(self) -> None:
        if self.in_owner:
            self.resolved = 0
            gc.disable()

    def resolved_one(self) -> None:
        if self.in_owner:
            self.resolved += 1
            if self.resolved % PAGES_PER_FULL_COLLECTION == 0:
                gc.collect()
            elif self.resolved % PAGES_PER_YOUNG_COLLECTION == 0:
                gc.collect(1)

    def build_done(self) -> None:
        if self.in_owner:
            self.owner = None
            BUILDS.remove(self)
            if self.freezing:
                gc.unfreeze()
            gc.disable()
            self.resume()


def freeze_what_a_forked_process_inherits() -> None:
    for collector in BUILDS:
        collector.forked()


os.register_at_fork(after_in_child=freeze_what_a_forked_process_inherits)


def setup(app: Sphinx) -> dict[str, Any]:
    collector = BuildCollector()
    app.connect("env-before-read-docs", lambda app, env, docnames: collector.reading_starts())
    app.connect("source-read", lambda app, docname, source: collector.reading_here())
    app.connect("env-merge-info", lambda app, env, docnames, other: collector.merged())
    app.connect("env-updated", lambda app, env: collector.reading_done())
    app.connect("write-started", lambda app, builder: collector.writing_starts())
    app.connect("doctree-resolved", lambda app, doctree, docname: collector.resolved_one())
    app.connect("build-finished", lambda app, exception: collector.build_done())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
