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
  collects as usual from its first document on;
- once every document is read, the environment, which lives until the end of the build, is frozen
  too, and the collector runs as usual;
- when the build ends, collection is as it was before it.

A process that keeps objects frozen of its own (as `litreview.collection` also respects) gets the
paused and batched collections but no freezing: the build could not unfreeze its own objects alone.
"""

from __future__ import annotations

import gc
import os
from typing import Any

from sphinx.application import Sphinx

MERGES_PER_COLLECTION = 2


class BuildCollector:
    """The collector's state before the build, to restore at its end, and the merges since the last
    collection. `owner` is the process that started the build."""

    def __init__(self) -> None:
        self.owner: int | None = None
        self.was_enabled = True
        self.freezing = True  # False when the process had frozen objects of its own
        self.merges = 0

    def reading_starts(self) -> None:
        if self.owner is None:
            self.owner, self.was_enabled, self.freezing = os.getpid(), gc.isenabled(), not gc.get_freeze_count()
            self.merges = 0
            if self.freezing:
                gc.freeze()
            gc.disable()

    def reading_here(self) -> None:
        """This process reads documents, and makes garbage of its own: it collects as usual."""
        if self.owner is not None and self.was_enabled:
            gc.enable()

    def merged(self) -> None:
        if self.owner == os.getpid():
            self.merges += 1
            if self.merges % MERGES_PER_COLLECTION == 0:
                gc.collect()

    def reading_done(self) -> None:
        if self.owner == os.getpid():
            gc.collect()
            if self.freezing:
                gc.freeze()
            if self.was_enabled:
                gc.enable()

    def build_done(self) -> None:
        if self.owner == os.getpid():
            self.owner = None
            if self.freezing:
                gc.unfreeze()
            if self.was_enabled:
                gc.enable()
            else:
                gc.disable()


def setup(app: Sphinx) -> dict[str, Any]:
    collector = BuildCollector()
    app.connect("env-before-read-docs", lambda app, env, docnames: collector.reading_starts())
    app.connect("source-read", lambda app, docname, source: collector.reading_here())
    app.connect("env-merge-info", lambda app, env, docnames, other: collector.merged())
    app.connect("env-updated", lambda app, env: collector.reading_done())
    app.connect("build-finished", lambda app, exception: collector.build_done())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
