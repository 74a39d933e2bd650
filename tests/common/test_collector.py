"""The cycle collector paused around bulk work: off inside, back on after, nothing kept for good
unless asked (``then_freeze``, for a process that ends after the block)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from kpdesk.common.collector import collector_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    """A pair of objects in a reference cycle, unreachable: only the cycle collector frees it."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture(autouse=True)
def _collector_as_found() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    if not enabled:
        gc.disable()


def test_off_inside_and_on_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block leaves it off
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_blocks_objects_join_the_oldest_generation_and_cycles_are_still_freed() -> None:
    with collector_paused():
        ref = _cycle()
    assert gc.get_freeze_count() == 0  # nothing hidden from the collector
    gc.collect(1)
    assert ref() is not None  # the cycle is old now: a young pass does not see it
    gc.collect()
    assert ref() is None  # a full pass frees it


def test_then_freeze_leaves_the_objects_out_of_the_collectors_sight() -> None:
    with collector_paused(then_freeze=True):
        ref = _cycle()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    gc.collect()
    assert ref() is not None  # for a process about to end: kept until it does
