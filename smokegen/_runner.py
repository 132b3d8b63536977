"""Isolated imports, run inside the project's interpreter. Standard library only; never imported
by smokegen itself: smokegen starts it as ``python _runner.py`` and talks JSON over pipes.

Input (stdin, one JSON object): ``{"sys_path": [...], "timeout": s, "output_limit": n,
"groups": [{"parent": "a.b", "modules": ["a.b.c", ...]}]}``.
Output (stdout): one JSON object per line and module: ``{"module", "status", ...}`` where status
is ok | error | exit | signal | timeout | parent-failed, plus ``"after_siblings": "ok"`` for a
failed module that imports fine once its passing siblings were imported first.

Isolation. A fresh ``import a.b.c`` runs ``a`` and ``a.b`` first, so for each group of modules
sharing a parent package a *zygote* is forked from this clean process, imports only the
ancestors, and forks one child per module: every child starts from exactly the state a fresh
interpreter reaches just before running the module, and whatever the module does (sys.exit,
os._exit, poisoning sys.modules, monkeypatching, a segfault, an endless loop) dies with its child.
Where fork is unavailable, or the ancestors started threads (fork would not copy them), each
module runs in a fresh interpreter instead (same verdicts, slower).
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from typing import IO, Any, Callable, Dict, List, Sequence

Result = Dict[str, Any]
HAVE_FORK = hasattr(os, "fork")


def _error_result(exc: BaseException) -> Result:
    frames = [[f.filename, f.lineno, f.name] for f in traceback.extract_tb(exc.__traceback__)]
    if isinstance(exc, SyntaxError) and exc.filename:
        frames.append([exc.filename, exc.lineno or 1, "<module>"])
    kind = type(exc)
    name = kind.__name__ if kind.__module__ == "builtins" else kind.__module__ + "." + kind.__qualname__
    message = str(exc)
    return {"status": "error", "type": name, "message": message[:2000], "frames": frames[-40:]}


def attempt(module: str, preload: Sequence[str] = ()) -> Result:
    """Import ``module`` (after ``preload``) here; the verdict as a dict."""
    for other in preload:
        try:
            importlib.import_module(other)
        except BaseException:
            pass
    try:
        importlib.import_module(module)
    except SystemExit as exc:
        frames = _error_result(exc)["frames"]
        return {"status": "exit", "code": repr(exc.code), "via": "sys.exit", "frames": frames}
    except BaseException as exc:
        return _error_result(exc)
    return {"status": "ok"}


def _read_output(handle: IO[bytes], limit: int) -> str:
    try:
        handle.flush()
        handle.seek(0)
        data = handle.read(limit + 1)
    except (OSError, ValueError):
        return ""
    text = data.decode("utf-8", "replace")
    return text[:limit] + ("\n[output truncated]" if len(data) > limit else "")


def run_forked(module: str, timeout: float, limit: int, preload: Sequence[str] = ()) -> Result:
    """Fork a child that imports ``module``; never lets it outlive ``timeout``."""
    read_end, write_end = os.pipe()
    output = tempfile.TemporaryFile()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_end)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(output.fileno(), 1)
            os.dup2(output.fileno(), 2)
            verdict = attempt(module, preload)
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except BaseException:
                pass
            data = json.dumps(verdict).encode()
            while data:
                data = data[os.write(write_end, data) :]
        finally:
            os._exit(0)
    os.close(write_end)
    chunks: List[bytes] = []
    deadline = time.monotonic() + timeout
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([read_end], [], [], min(left, 0.5))
        if ready:
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    os.close(read_end)
    if timed_out:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    text = _read_output(output, limit)
    output.close()
    if timed_out:
        return {"status": "timeout", "seconds": timeout, "output": text}
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "signal %d" % number
        return {"status": "signal", "signal": name, "output": text}
    raw = b"".join(chunks)
    if not raw:
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
        return {"status": "exit", "code": str(code), "via": "os._exit", "output": text}
    result: Result = json.loads(raw.decode())
    result["output"] = text
    return result


def run_spawned(module: str, timeout: float, limit: int, sys_path: List[str], preload: Sequence[str] = ()) -> Result:
    """A fresh interpreter for ``module``: the fallback when forking is unavailable or unsafe."""
    request = json.dumps({"module": module, "preload": list(preload), "sys_path": sys_path})
    with tempfile.TemporaryFile() as output:
        try:
            proc = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--single", request],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=output,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"status": "timeout", "seconds": timeout, "output": _read_output(output, limit)}
        text = _read_output(output, limit)
    if proc.returncode < 0:
        try:
            name = signal.Signals(-proc.returncode).name
        except ValueError:
            name = "signal %d" % -proc.returncode
        return {"status": "signal", "signal": name, "output": text}
    lines = [line for line in proc.stdout.decode("utf-8", "replace").splitlines() if line.startswith("{")]
    if not lines:
        return {"status": "exit", "code": str(proc.returncode), "via": "os._exit", "output": text}
    result: Result = json.loads(lines[-1])
    result["output"] = text
    return result


def _single(request: str) -> None:
    """``--single``: import one module in this fresh interpreter, output to stderr, verdict to stdout."""
    data = json.loads(request)
    sys.path[:0] = data["sys_path"]
    real_stdout = os.dup(1)
    os.dup2(2, 1)
    result = attempt(data["module"], data["preload"])
    sys.stdout.flush()
    os.write(real_stdout, (json.dumps(result) + "\n").encode())
    os._exit(0)


# Failures a sibling's import can plausibly cure (a submodule attribute, a registry entry, a
# half-initialised module); retrying others after all the siblings would only cost time.
ORDER_SENSITIVE = ("AttributeError", "ImportError", "NameError", "KeyError", "LookupError")


def _worth_retrying(verdict: Result) -> bool:
    if verdict.get("status") != "error" or verdict.get("type") not in ORDER_SENSITIVE:
        return False
    frames = verdict.get("frames") or []
    last = os.path.basename(frames[-1][0]) if frames else ""
    return not (verdict.get("type") == "KeyError" and last in ("<frozen os>", "os.py"))  # an unset variable


def _ancestors(parent: str) -> List[str]:
    parts = parent.split(".") if parent else []
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def run_group(group: Result, timeout: float, limit: int, sys_path: List[str], emit: Callable[[Result], None]) -> None:
    """Import each module of a group from a zygote that ran only the group's ancestor packages."""
    modules = group["modules"]
    if not HAVE_FORK:
        return _run_group_spawned(group, timeout, limit, sys_path, emit)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:  # the zygote
        os.close(read_end)
        writer = os.fdopen(write_end, "w")
        code = 0
        try:
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            failed = None
            for ancestor in _ancestors(group["parent"]):
                verdict = attempt(ancestor)
                if verdict["status"] != "ok":
                    failed = ancestor
                    break
            if failed is not None:
                for module in modules:
                    writer.write(json.dumps({"module": module, "status": "parent-failed", "parent": failed}) + "\n")
                return
            writer.write(json.dumps({"ready": True, "threads": threading.active_count()}) + "\n")
            writer.flush()
            unsafe = threading.active_count() > 1
            verdicts: Dict[str, Result] = {}
            for module in modules:
                if unsafe:
                    verdict = run_spawned(module, timeout, limit, sys_path)
                else:
                    verdict = run_forked(module, timeout, limit)
                verdicts[module] = verdict
                verdict["module"] = module
                writer.write(json.dumps(verdict) + "\n")
                writer.flush()
            passing = [m for m in modules if verdicts[m]["status"] == "ok"]
            for module in modules:
                if not passing or not _worth_retrying(verdicts[module]):
                    continue
                siblings = [m for m in passing if m != module]
                if unsafe:
                    again = run_spawned(module, timeout, limit, sys_path, siblings)
                else:
                    again = run_forked(module, timeout, limit, siblings)
                writer.write(json.dumps({"module": module, "after_siblings": again["status"]}) + "\n")
                writer.flush()
        except BaseException:
            code = 1
        finally:
            try:
                writer.flush()
            except BaseException:
                pass
            os._exit(code)
    os.close(write_end)
    reader = os.fdopen(read_end, "r")
    # The zygote's ancestor imports get the module timeout, and so does each child after them: a
    # line must arrive within that (plus slack), or the zygote is stuck and is killed.
    budget = timeout + 5
    deadline = time.monotonic() + budget
    seen = set()
    buffer = ""
    timed_out = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([reader], [], [], min(left, 0.5))
        if not ready:
            continue
        chunk = os.read(read_end, 65536).decode()
        if not chunk:
            break
        buffer += chunk
        while "\n" in buffer:
            line, buffer = buffer.split("\n", 1)
            record = json.loads(line)
            deadline = time.monotonic() + budget
            if "ready" in record:
                continue
            if "status" in record:
                seen.add(record["module"])
            emit(record)
    if timed_out:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os.waitpid(pid, 0)
    reader.close()
    for module in modules:
        if module not in seen:
            emit({"module": module, "status": "parent-failed", "parent": group["parent"] or module})


def _run_group_spawned(
    group: Result, timeout: float, limit: int, sys_path: List[str], emit: Callable[[Result], None]
) -> None:
    verdicts: Dict[str, Result] = {}
    for module in group["modules"]:
        verdict = run_spawned(module, timeout, limit, sys_path)
        verdict["module"] = module
        verdicts[module] = verdict
        emit(verdict)
    passing = [m for m, v in verdicts.items() if v["status"] == "ok"]
    for module, verdict in verdicts.items():
        if passing and _worth_retrying(verdict):
            again = run_spawned(module, timeout, limit, sys_path, [m for m in passing if m != module])
            emit({"module": module, "after_siblings": again["status"]})


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--single":
        if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
            del sys.path[0]
        _single(sys.argv[2])
        return
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # the folder of this script is not the project's
    request = json.loads(sys.stdin.read())
    sys.path[:0] = request["sys_path"]
    out = sys.stdout

    def emit(record: Result) -> None:
        out.write(json.dumps(record) + "\n")
        out.flush()

    for group in request["groups"]:
        run_group(group, request["timeout"], request["output_limit"], request["sys_path"], emit)


if __name__ == "__main__":
    main()
