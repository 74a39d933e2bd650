"""Pausing Python's cycle collector around bulk work.

A regional matching run allocates some hundred thousand objects (proposals, explanations,
cached terms) in a few seconds, none of them in reference cycles: they are freed by reference
counting as usual. Meanwhile each pass of the cycle collector walks every live object, the
engine's growing caches included, and costs a third of the run. Pausing it is safe for work
that makes no cycles; the collector runs again as soon as the block ends.

Its first pass after the block walks every object the block made (all are young): half a second
after a regional run. A process that ends after the block (``kpdesk match``) spares it with
``then_freeze``: the objects alive at the end are moved where the collector never looks
(``gc.freeze``); reference counting still frees them. Not for the window: whatever garbage in
cycles exists then would be kept for good.
"""

from __future__ import annotations

import gc
from collections.abc import Generator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, then_freeze: bool = False) -> Generator[None]:
    """Run the block with the cycle collector off (it stays off if it was off before); with
    ``then_freeze``, the objects alive when the block ends are left out of its later passes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if then_freeze:
            gc.freeze()
        if enabled:
            gc.enable()
