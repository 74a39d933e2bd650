"""Pausing Python's cycle collector around bulk work.

A regional matching run allocates some hundred thousand objects (proposals, explanations,
cached terms) in a few seconds, none of them in reference cycles: they are freed by reference
counting as usual. Meanwhile each pass of the cycle collector walks every live object, the
engine's growing caches included, and costs a third of the run. Pausing it is safe for work
that makes no cycles; the collector runs again as soon as the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Generator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Generator[None]:
    """Run the block with the cycle collector off (it stays off if it was off before)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
