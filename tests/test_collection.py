"""litreview.collection: the collector paused while a stage makes its objects, and what it made
moved to the oldest generation when it resumes."""

from __future__ import annotations

import gc
import weakref

from litreview.collection import cycle_collection_paused


class Made:
    """An object the collector tracks (instances are), as entries and fields are."""


def in_generation(obj: object, generation: int) -> bool:
    return any(tracked is obj for tracked in gc.get_objects(generation=generation))


def test_what_the_pause_made_is_in_the_oldest_generation_after_it():
    with cycle_collection_paused():
        assert not gc.isenabled()
        made = Made()
    assert gc.isenabled()
    assert in_generation(made, 2) and not in_generation(made, 0)


def test_the_collector_stays_off_when_it_was_off():
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_garbage_made_in_the_pause_is_still_collected():
    with cycle_collection_paused():
        cycle = Made()
        cycle.itself = cycle
        watch = weakref.ref(cycle)
        del cycle
    gc.collect()
    assert watch() is None


def test_objects_frozen_by_the_process_stay_frozen():
    kept = Made()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with cycle_collection_paused():
            made = Made()
        assert gc.get_freeze_count() == frozen
        assert not in_generation(kept, 2) and not in_generation(made, 2)
    finally:
        gc.unfreeze()
