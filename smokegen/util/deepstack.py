"""Running deeply recursive work (LibCST's code generator, the import-cycle replay) safely."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_DEEP_STACK_BYTES = 512 * 1024 * 1024  # reserved address space; pages are used only as needed
_DEEP_RECURSION_LIMIT = 200_000


def on_deep_stack(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread with a large stack and recursion limit; its exception is re-raised here.

    LibCST's code generator recurses once per nesting level, so a file holding a very long
    implicitly concatenated string (``pydoc_data/topics.py``) exceeds the default limit; so can
    replaying imports through a long chain of modules.
    """
    box: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            box.append(work())
        except BaseException as exc:  # handed back to the caller's thread
            error.append(exc)

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size()
    try:
        threading.stack_size(_DEEP_STACK_BYTES)
        sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION_LIMIT))
        thread = threading.Thread(target=run, name="smokegen-deep")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if error:
        raise error[0]
    return box[0]
