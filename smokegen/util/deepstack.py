"""Running deeply recursive work (LibCST's parser and code generator, the import-cycle replay) safely."""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_DEEP_STACK_BYTES = 512 * 1024 * 1024  # reserved address space; pages are used only as needed
_DEEP_RECURSION_LIMIT = 200_000


class _DeepThread:
    """One long-lived thread with a large stack, per process. A new thread for every piece of work
    would fault its stack pages in again each time: about a millisecond per file scanned, a tenth
    of the scan of a package like Django."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        old_size = threading.stack_size()
        try:
            threading.stack_size(_DEEP_STACK_BYTES)
            self.thread = threading.Thread(target=self._serve, name="smokegen-deep", daemon=True)
            self.thread.start()
        finally:
            threading.stack_size(old_size)
        self.pid = os.getpid()

    def _serve(self) -> None:
        while True:
            self.jobs.get()()


_lock = threading.Lock()
_deep: _DeepThread | None = None


def on_deep_stack(work: Callable[[], T]) -> T:
    """Run ``work`` on a thread with a large stack and recursion limit; its exception is re-raised here.

    LibCST's native parser recurses on the thread's stack once per nesting level, and its code
    generator on Python's, so a file holding a very long implicitly concatenated string
    (``pydoc_data/topics.py``) exceeds the default limit; so can replaying imports through a long
    chain of modules.
    """
    global _deep
    box: list[Any] = []
    done = threading.Event()

    def run() -> None:
        try:
            box.append(("ok", work()))
        except BaseException as exc:  # handed back to the caller's thread
            box.append(("error", exc))
        finally:
            done.set()

    with _lock:  # one piece of work at a time: the recursion limit is the whole process's
        if _deep is None or _deep.pid != os.getpid() or not _deep.thread.is_alive():
            _deep = _DeepThread()  # first use, or a forked child (threads do not survive a fork)
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION_LIMIT))
        try:
            _deep.jobs.put(run)
            done.wait()
        finally:
            sys.setrecursionlimit(old_limit)
    kind, value = box[0]
    if kind == "error":
        raise value
    result: T = value
    return result
