"""Pausing Python's cyclic garbage collector during bulk work.

A large import keeps hundreds of thousands of containers alive until it ends (prepared columns,
what the matcher learns). Every collection of the older generations scans them all and finds
nothing to free: at 100,000 papers that was 1.5 of the importer's 10 CPU-seconds. Reference
counting frees everything the work drops either way; only reference cycles wait for the end.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausers = 0  # pauses in progress, in any thread (the collector is process-wide)
_was_enabled = False  # the collector's state before the first of them


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Collect no reference cycles inside the block. Pauses may overlap (imports in two threads):
    the collector comes back when the last ends, and only if it was on before the first began."""
    global _pausers, _was_enabled
    with _lock:
        if _pausers == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausers += 1
    try:
        yield
    finally:
        with _lock:
            _pausers -= 1
            if _pausers == 0 and _was_enabled:
                gc.enable()
