"""The cyclic garbage collector paused while big structures without cycles are built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (nested uses are fine). For work that allocates many
    objects and no cycles (decoded JSON, LibCST's trees): the collector would only walk them again and
    again as they grow, each full collection over everything alive. Reference counting still frees
    them."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
