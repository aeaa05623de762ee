"""The cycle collector in a site build (litreview/site/collector.py), watched from inside tiny real
Sphinx builds: a probe extension, set up after the collector's, records in every process what the
collector's state is when each event reaches it."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from litreview.site.collector import PAGES_PER_FULL_COLLECTION, PAGES_PER_YOUNG_COLLECTION, BuildCollector

PROBE = '''
import gc, json, os
from pathlib import Path

MAIN = os.getpid()
LOG = Path(__file__).parent.parent / "probe.jsonl"
COLLECTIONS = []


def record(event, **extra):
    line = {"event": event, "main": os.getpid() == MAIN, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count(), **extra}
    with LOG.open("a") as log:  # one short line per write: lines from several processes do not mix
        log.write(json.dumps(line) + "\\n")


def on_collection(phase, info):
    if phase == "start" and os.getpid() == MAIN:
        COLLECTIONS.append(info["generation"])


def before_read(app, env, docnames):
    gc.callbacks.append(on_collection)
    record("env-before-read-docs")


def updated(app, env):
    gc.callbacks.remove(on_collection)
    record("env-updated", full_collections=COLLECTIONS.count(2))


def finished(app, exception):
    record("build-finished")


def setup(app):
    app.connect("env-before-read-docs", before_read)
    app.connect("source-read", lambda app, docname, source: record("source-read"))
    app.connect("env-merge-info", lambda app, env, docnames, other: record("env-merge-info"))
    app.connect("env-updated", updated)
    app.connect("doctree-resolved", lambda app, doctree, docname: record("doctree-resolved"))
    app.connect("html-page-context", lambda app, pagename, templatename, context, doctree: record("html-page-context"))
    app.connect("build-finished", finished)
    if os.environ.get("PROBE_FAIL"):
        app.connect("doctree-read", lambda app, doctree: 1 / 0)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
'''


def probed_build(root: Path, jobs: int, pages: int = 30, fail: bool = False) -> tuple[subprocess.CompletedProcess, list[dict]]:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "gc_probe.py").write_text(PROBE)
    (docs / "conf.py").write_text('import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n'
                                  'extensions = ["litreview.site.collector", "gc_probe"]\n')
    (docs / "index.rst").write_text("Index\n=====\n")
    for i in range(pages):
        (docs / f"page{i:02d}.rst").write_text(f":orphan:\n\nPage {i}\n=======\n\nText of page {i}.\n")
    env = {"PROBE_FAIL": "1"} if fail else {}
    result = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-j", str(jobs), "-b", "html", str(docs), str(root / "html")],
                            capture_output=True, text=True, timeout=300, env={**os.environ, **env})
    log = root / "probe.jsonl"
    return result, [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def events(records: list[dict], name: str, main: bool | None = None) -> list[dict]:
    return [r for r in records if r["event"] == name and (main is None or r["main"] == main)]


def test_a_parallel_read_collects_merged_environments_in_batches(tmp_path):
    result, records = probed_build(tmp_path, jobs=2)
    assert result.returncode == 0, result.stderr
    merges = events(records, "env-merge-info", main=True)
    assert len(merges) >= 2  # 31 documents in chunks: several readers
    # The main process merges with its start-up objects frozen and the automatic collector paused...
    assert all(not r["enabled"] and r["frozen"] > 0 for r in merges)
    # ...and runs one full collection per two merges and one when all are merged, none of its own.
    (updated,) = events(records, "env-updated", main=True)
    assert updated["full_collections"] == len(merges) // 2 + 1
    # Readers collect as usual, with what they inherited frozen; the main process reads nothing itself.
    readers = events(records, "source-read")
    assert len(readers) == 31 and not any(r["main"] for r in readers) and all(r["enabled"] for r in readers)
    assert all(r["frozen"] > merges[0]["frozen"] for r in readers)
    # Once read, the environment is frozen too. Writing, the main process resolves pages with the
    # automatic collector paused; the writers it forks collect, with what they inherited frozen.
    assert updated["frozen"] > merges[0]["frozen"]
    resolved = events(records, "doctree-resolved", main=True)
    assert len(resolved) == 31 and not any(r["enabled"] for r in resolved)
    writers = events(records, "html-page-context", main=False)
    assert writers and all(r["enabled"] and r["frozen"] > updated["frozen"] for r in writers)
    (finished,) = events(records, "build-finished", main=True)
    assert finished["enabled"] and finished["frozen"] == 0


def test_a_serial_read_collects_as_usual_and_the_state_is_restored(tmp_path):
    result, records = probed_build(tmp_path, jobs=1)
    assert result.returncode == 0, result.stderr
    (before,) = events(records, "env-before-read-docs")
    assert not before["enabled"] and before["frozen"] > 0  # set up before the probe's own handler
    assert all(r["main"] and r["enabled"] for r in events(records, "source-read"))
    assert all(r["main"] and not r["enabled"] for r in events(records, "doctree-resolved"))
    (finished,) = events(records, "build-finished")
    assert finished["enabled"] and finished["frozen"] == 0


def test_a_failing_build_restores_the_collector(tmp_path):
    for jobs in (1, 2):
        result, records = probed_build(tmp_path / f"j{jobs}", jobs=jobs, fail=True)
        assert result.returncode == 2 and "error" in result.stderr, result.stderr
        finished = events(records, "build-finished", main=True)
        assert finished and all(r["enabled"] and r["frozen"] == 0 for r in finished)
    # Sphinx's crash reports went to the tests' own temporary folder (conftest's TMPDIR), not /tmp.
    assert len(list(Path(tempfile.gettempdir()).glob("sphinx-err-*.log"))) >= 2
    assert Path(tempfile.gettempdir()).is_relative_to(tmp_path.parent)


def test_writing_the_main_process_collects_young_objects_often_and_all_now_and_then():
    collector, generations = BuildCollector(), []

    def on_collection(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    collector.reading_starts()
    collector.reading_done()
    collector.writing_starts()
    gc.callbacks.append(on_collection)
    try:
        paused = not gc.isenabled()
        for _ in range(PAGES_PER_FULL_COLLECTION):
            collector.resolved_one()
    finally:
        gc.callbacks.remove(on_collection)
        collector.build_done()
    assert paused and gc.isenabled() and gc.get_freeze_count() == 0
    young = PAGES_PER_FULL_COLLECTION // PAGES_PER_YOUNG_COLLECTION - 1
    assert generations == [1] * young + [2]
