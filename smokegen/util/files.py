"""Writing files safely: atomically, so no reader ever sees half a file."""

from __future__ import annotations

import fnmatch
import os
import re
import secrets
import stat
import time
from pathlib import Path

# A temporary file of :func:`write_atomic`: ``.{name}.{random}.tmp`` beside its target ``name``.
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{3,16}\.tmp")
# A temporary file older than this was left by a run that died (``kill -9``) mid-write: no write
# takes this long, so a concurrent run's file in progress is never touched.
STALE_SECONDS = 60.0


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half of one.
    A new file gets the usual mode (``0o666`` less the umask), a replaced one keeps its own."""
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    for attempt in range(100):
        tmp = _temporary(path)
        try:  # as open(path, "x") would, so the umask applies (mkstemp's files are 0o600)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            if attempt == 99:
                raise
            continue
        break
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if mode is not None:
                os.chmod(tmp, mode)  # exactly the old mode, whatever the umask
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def remove_leftovers(folder: Path, names: str, now: float | None = None) -> list[str]:
    """Delete the temporary files that :func:`write_atomic` left in ``folder`` when its run was killed
    mid-write, for the targets whose names match the glob ``names`` (``test_smoke_*.py``), once they are
    older than :data:`STALE_SECONDS`; anything else is left alone. The names deleted."""
    removed: list[str] = []
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _TEMPORARY.fullmatch(entry.name)
        if found is None or not fnmatch.fnmatchcase(found.group("name"), names):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_SECONDS:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(entry.name)
    return sorted(removed)


def cannot_write_in(folder: Path) -> str | None:
    """Why files cannot be written in ``folder`` (created as needed); None when they can. Asked
    before the work, so a read-only checkout is a one-line error, not a failure halfway."""
    current = folder
    while not os.path.lexists(current):
        if current.parent == current:
            break
        current = current.parent
    if not current.is_dir():
        broken = os.path.islink(current) and not current.exists()
        return f"{current} is {'a dangling symbolic link' if broken else 'not a folder'}"
    if not os.access(current, os.W_OK | os.X_OK):
        return f"{current} is not writable"
    return None
