"""mypy, run in a child process: never in smokegen's own, where a mypy plugin the project names
would be project code running inside smokegen.

The project's own mypy runs it when the project's interpreter has one that writes JSON (1.11 and
later): its plugins and stubs are installed there, and its version is the one the project pins.
Otherwise smokegen's mypy runs, in a child of smokegen's interpreter, pointed at the project's
(``--python-executable``). Either way its cache is smokegen's (``--cache-dir``), never the
project's ``.mypy_cache``: a plain ``mypy`` before or after smokegen finds its own cache as it
left it. The child lives in a session of its own, under a deadline, and whatever it leaves
running is killed (:mod:`smokegen.runtime.processes`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from smokegen.runtime import processes

JSON_OUTPUT = Version("1.11")  # the first mypy with ``-O json``
DEADLINE = 1800.0  # seconds: mypy over a large project is slow, never this slow


@dataclass(frozen=True, slots=True)
class MypyRun:
    stdout: str
    stderr: str
    status: int  # mypy's exit status; -1 when it did not end in time or could not start
    command: str  # which mypy ran: "the project's mypy 1.13.0", "smokegen's mypy 1.15.0"


def mypy_command(python: str, project_mypy: str | None) -> tuple[list[str], str]:
    """How to start mypy: the project's (its interpreter has ``project_mypy``, a version that writes
    JSON) or smokegen's own, in a child of smokegen's interpreter."""
    if project_mypy is not None:
        try:
            usable = Version(project_mypy) >= JSON_OUTPUT
        except InvalidVersion:
            usable = False
        if usable:
            return [python, "-m", "mypy"], f"the project's mypy {project_mypy}"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return [sys.executable, "-m", "mypy"], f"smokegen's mypy {version('mypy')}"
    except PackageNotFoundError:
        from smokegen.project.config import ConfigError

        raise ConfigError(
            f"mypy is not installed in smokegen's environment ({sys.executable}): install it "
            "(pip install mypy), or turn the mypy stage off (--no-mypy, or mypy = false)"
        ) from None


def run_mypy_process(
    root: Path, arguments: list[str], python: str, project_mypy: str | None, cache: Path | None
) -> MypyRun:
    """Run mypy with ``arguments`` in ``root``; ``cache``: the folder for its cache (None: none kept)."""
    processes.begin()
    command, which = mypy_command(python, project_mypy)
    cache_dir = os.devnull
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            cache_dir = str(cache)
        except OSError:
            pass  # a read-only checkout: mypy keeps no cache
    tag = processes.new_tag()
    env = {k: v for k, v in os.environ.items() if k not in ("MYPY_CACHE_DIR", "PYTHONSTARTUP")}
    env[processes.TAG] = tag
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                [*command, "--cache-dir", cache_dir, *arguments],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            return MypyRun("", f"cannot start {command[0]}: {exc}", -1, which)
        processes.started(proc.pid, tag)
        try:
            status = proc.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            status = -1
            err.write(f"\nmypy did not finish within {DEADLINE:.0f} s".encode())
        finally:
            processes.finished(proc.pid, tag)
        out.seek(0)
        err.seek(0)
        return MypyRun(out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), status, which)
