"""Pausing Python's cycle collector around bulk work.

A regional matching run allocates some hundred thousand objects (proposals, explanations,
cached terms) in a few seconds, none of them in reference cycles: they are freed by reference
counting as usual. Meanwhile each pass of the cycle collector walks every live object, the
engine's growing caches included, and costs a third of the run. Pausing it is safe for work
that makes no cycles; the collector runs again as soon as the block ends.

The collector's first pass after such a block would walk every object the block made (they are
all in its youngest generation): half a second after a regional run, while the coordinator
waits. So the block's objects join the oldest generation unwalked (``gc.freeze`` then
``gc.unfreeze``); they are walked, and any cycles among them freed, by its next full pass, as
any long-lived object is. A process that ends after the block (``kpdesk match``) passes
``then_freeze``: the objects alive then stay where the collector never looks, and reference
counting frees them as usual. Not for the window: garbage in cycles would be kept for good.
"""

from __future__ import annotations

import gc
from collections.abc import Generator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, then_freeze: bool = False) -> Generator[None]:
    """Run the block with the cycle collector off (it stays off if it was off before); the objects
    it made join the oldest generation, or with ``then_freeze`` leave the collector's sight."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if then_freeze or enabled:
            gc.freeze()  # every tracked object out of the generations: no pass walks them now
        if enabled and not then_freeze:
            gc.unfreeze()  # back, all into the oldest generation
        if enabled:
            gc.enable()
