"""Console scripts, run (``run_scripts``): breakage that only shows when the program starts.

Some releases break a program only once it runs: a CLI that calls ``entry_points().get(...)`` at
start-up, an argument parser a dependency changed. Loading the entry point cannot see that. Each
console script is run as the installer's wrapper runs it (``sys.argv[0]`` its name, then
``sys.exit(function())``) with the configured arguments, in the project's interpreter with its
source roots first on ``sys.path``, in an empty scratch folder, stdin closed, the runtime stage's
environment, a session of its own and a deadline; whatever it leaves running is killed.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from smokegen.model import EntryPoint, ProjectModel
from smokegen.runtime import processes
from smokegen.runtime.imports import RuntimeOptions, project_sys_path

# The installer's console-script wrapper, as pip writes it, with the project's sources first.
_WRAPPER = """
import sys
sys.path[:0] = {path!r}
sys.argv[:] = [{name!r}, *{args!r}]
from {module} import {head}
sys.exit({call}())
"""


@dataclass(frozen=True, slots=True)
class ScriptRun:
    """How one console script ended: its exit status (None: still running at the deadline)."""

    status: int | None
    output: str  # the end of what it printed, stdout and stderr together


def _wrapper(point: EntryPoint, path: list[str], args: tuple[str, ...]) -> str | None:
    module, _, attr = point.value.partition(":")
    attr = attr.split("[", 1)[0].strip()
    if not attr:
        return None
    head = attr.split(".", 1)[0]
    return _WRAPPER.format(path=path, name=point.name, args=list(args), module=module.strip(), head=head, call=attr)


def run_scripts(
    root: Path,
    model: ProjectModel,
    options: RuntimeOptions,
    args: tuple[str, ...],
    points: Iterable[EntryPoint],
    output_limit: int = 4000,
) -> dict[EntryPoint, ScriptRun]:
    """Run each console script among ``points`` with ``args``; how each ended."""
    runs: dict[EntryPoint, ScriptRun] = {}
    path = project_sys_path(root, model)
    for point in sorted(points):
        if point.group != "console_scripts":
            continue
        code = _wrapper(point, path, args)
        if code is None:
            continue
        runs[point] = _run(code, options, output_limit)
    return runs


def _run(code: str, options: RuntimeOptions, limit: int) -> ScriptRun:
    processes.begin()
    tag = processes.new_tag()
    with tempfile.TemporaryDirectory(prefix="smokegen-script-") as scratch, tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(
                [options.python, "-c", code],
                cwd=scratch,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**options.environment(), processes.TAG: tag, "PYTHONDONTWRITEBYTECODE": "1"},
                start_new_session=True,
            )
        except OSError as exc:
            return ScriptRun(-1, f"cannot start {options.python}: {exc}")
        processes.started(proc.pid, tag)
        try:
            status: int | None = proc.wait(options.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            status = None
        finally:
            processes.finished(proc.pid, tag)
        out.seek(0, os.SEEK_END)
        size = out.tell()
        out.seek(max(0, size - limit))
        text = out.read().decode("utf-8", "replace")
    return ScriptRun(status, text)
