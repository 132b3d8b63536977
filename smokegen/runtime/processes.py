"""Ending what the project's code started: no process smokegen's runs start outlives the run.

Every runner starts in a session of its own, tagged in its environment (``SMOKEGEN_RUN``). When a
runner ends, or smokegen is interrupted (``end_all``), everything still in that session, and
anything carrying the tag that left it (``setsid``, a daemon), is killed. Linux finds them under
``/proc``; elsewhere the runner's session is ended as a process group.
"""

from __future__ import annotations

import os
import signal
import threading
import uuid
from pathlib import Path

TAG = "SMOKEGEN_RUN"
_PROC = Path("/proc")
_live: dict[int, str] = {}  # runner pid -> its tag
_lock = threading.Lock()
_stopping = threading.Event()  # smokegen is interrupted: a runner that starts now is ended at once


def new_tag() -> str:
    """A tag for one runner's environment: ``SMOKEGEN_RUN=<tag>``."""
    return uuid.uuid4().hex


def started(pid: int, tag: str) -> None:
    """A runner (a session leader) has started: it is ended by :func:`end_all` until :func:`finished`
    (at once when smokegen is already being interrupted)."""
    with _lock:
        _live[pid] = tag
    if _stopping.is_set():
        sweep(pid, tag)


def begin() -> None:
    """A new run starts (after an earlier one in this process was interrupted): called by each
    ``run_*`` function from the calling thread, never by the worker threads of an interrupted run."""
    _stopping.clear()


def stopping() -> bool:
    """smokegen is interrupted: start no more work."""
    return _stopping.is_set()


def finished(pid: int, tag: str) -> int:
    """The runner ``pid`` is done: kill what is left of its session and its tag; how many were killed."""
    with _lock:
        _live.pop(pid, None)
    return sweep(pid, tag)


def end_all() -> None:
    """Kill every live runner's processes, and any started from now on (smokegen is interrupted)."""
    _stopping.set()
    with _lock:
        live = list(_live.items())
        _live.clear()
    for pid, tag in live:
        sweep(pid, tag)


def _session_of(pid: str) -> int | None:
    """The session of a live process (None for a zombie, already dead, or gone)."""
    try:
        stat = (_PROC / pid / "stat").read_bytes()
    except OSError:
        return None
    fields = stat[stat.rfind(b")") + 2 :].split()  # after "pid (comm) ": state ppid pgrp session ...
    try:
        return None if fields[0] in (b"Z", b"X") else int(fields[3])
    except (IndexError, ValueError):
        return None


def _tagged(pid: str, marker: bytes) -> bool:
    try:
        return marker in (_PROC / pid / "environ").read_bytes().split(b"\0")
    except OSError:
        return False  # another user's, or gone


def sweep(session: int, tag: str) -> int:
    """SIGKILL every process in ``session`` or carrying ``SMOKEGEN_RUN=tag``; repeated while any are
    found (one may fork while it is swept). The number killed."""
    if not _PROC.is_dir():
        try:
            os.killpg(session, signal.SIGKILL)
        except OSError:
            pass
        return 0
    marker = f"{TAG}={tag}".encode()
    me = os.getpid()
    killed = 0
    for _ in range(5):
        found = 0
        for entry in os.scandir(_PROC):
            if not entry.name.isdigit() or int(entry.name) == me:
                continue
            alive = _session_of(entry.name)
            if alive is not None and (alive == session or _tagged(entry.name, marker)):
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                    found += 1
                except OSError:
                    pass
        killed += found
        if not found:
            break
    return killed


def descendants(pid: int) -> set[int]:
    """The live processes descended from ``pid`` (Linux: ``/proc``; elsewhere none are known)."""
    if not _PROC.is_dir():
        return set()
    children: dict[int, list[int]] = {}
    for entry in os.scandir(_PROC):
        if not entry.name.isdigit():
            continue
        try:
            stat = (_PROC / entry.name / "stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()  # state ppid ...
        if len(fields) > 1 and fields[0] not in (b"Z", b"X"):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def end_started_since(before: set[int]) -> None:
    """Kill this process's descendants that were not in ``before``: what code run here since started
    (a constructor built in the test process)."""
    for pid in descendants(os.getpid()) - before:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
