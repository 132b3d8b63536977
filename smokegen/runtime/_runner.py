"""Isolated imports, run inside the project's interpreter. Standard library only; never imported
by smokegen itself: smokegen starts it as ``python _runner.py --serve`` and talks JSON (see the protocol below). (The
generated smoke suite's ``smokegen.testing`` imports it in the project's own test process, to
judge a constructor the way the runner does.)

Input (stdin, one JSON ``Request`` per line, served one after another: see ``_serve_session``):
the modules by parent package, lookups (entry points, names imported under TYPE_CHECKING), the
set-up. Output: one JSON ``Record`` per line and module,
appended to the file the request names (``records``): ``{"module", "status", ...}`` where status
is ok | error | exit | signal | timeout | parent-failed | lost, plus ``"after_siblings": "ok"`` for
a failed module that imports fine once its passing siblings were imported first. With
``"loaded_from": [roots]`` in the request, an import lists the files it loaded from them
(``"loaded"``), for smokegen's verdict cache.

Isolation. A fresh ``import a.b.c`` runs ``a`` and ``a.b`` first. This clean process forks one
child per top-level module, then a *zygote* per package that imports just that package and
does the same one level down (see ``serve``): every child starts from exactly the state a fresh
interpreter reaches just before running the module, ancestor imports are paid once per package,
and whatever a module does (sys.exit, os._exit, poisoning sys.modules, monkeypatching, a
segfault, an endless loop) dies with its child. Where fork is unavailable, or the ancestors
started threads (fork would not copy them), each module runs in a fresh interpreter instead
(same verdicts, slower).

Containment. smokegen starts the runner in a session of its own; every child here gets a process
group of its own, every wait has a deadline, and a child's group is killed once its verdict is in,
so nothing the project's code starts outlives it. Records travel by file path, not through
descriptors the project could close; the runner's own calls are bound before any project code runs
(see ``_fork_process`` and the names beside it). A zygote whose package breaks its process costs
only its subtree, whose modules are then each imported in a fresh interpreter (``_recover``).
"""

from __future__ import annotations

import sys

# What the interpreter imported before this script ran: production has those before any project
# code too. Any other module of the runner's own that a project module shadows (a top-level
# ``json.py``) is forgotten before the project runs (see ``_unshadow``), so the project's is imported.
_STARTUP = frozenset(sys.modules)

import atexit
import builtins
import gc
import importlib
import inspect
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import traceback
import warnings
from typing import IO, TYPE_CHECKING, Any, Callable, Dict, List, Sequence, Set, Tuple

# --- the protocol ---------------------------------------------------------------------------------
# smokegen (``smokegen.runtime.imports``) writes one Request to this script's stdin and reads Records,
# one JSON object per line, from the file the request names. These declarations are the protocol's one definition;
# smokegen imports them under TYPE_CHECKING (so does this script: they cost nothing at run time and
# ask nothing of the project's Python). Inside the runner a record under construction is a plain
# ``Result`` dict.


if TYPE_CHECKING:
    from typing import TypedDict

    class BuildSpec(TypedDict):
        """One class to build (a ClassPlan as JSON, ``smokegen.runtime.imports.build_spec``)."""

        name: str  # the class's name in its module
        source: str  # how the arguments were chosen: "defaults", "synthesised", "factory"...
        arguments: List[List[Any]]  # [keyword or None, Python source of the value]
        imports: List[List[str]]  # [module, attribute or ""]: what the argument code needs
        factory: str  # "module:function" when source is "factory"
        forwards: bool  # the constructor passes *args/**kwargs on

    class Group(TypedDict, total=False):
        """Sibling modules under one parent package (``""`` for top-level modules)."""

        parent: str
        modules: List[str]
        passing: List[str]  # siblings known to pass (kept verdicts): a failure is retried after them too
        builds: Dict[str, List[BuildSpec]]  # module -> the classes to build once it imports

    class Lookup(TypedDict):
        """An attribute to resolve in a fresh child: an entry point, a name imported under TYPE_CHECKING."""

        key: str  # echoed back as the record's "lookup"
        value: str  # "module:attr.path"
        callable: bool  # the target must be callable (a console script)
        submodules: bool  # a missing attribute may be a submodule (``from m import sub``)

    class Request(TypedDict, total=False):
        sys_path: List[str]  # the project's source roots, put first on sys.path
        timeout: float  # seconds per import, and per build
        output_limit: int  # characters of a child's output kept
        groups: List[Group]
        lookups: List[Lookup]
        graph: Dict[str, List[str]]  # module -> what its fresh import imports for sure (shared imports)
        unshared: List[str]  # project modules in the graph never imported ahead (they may enter an import cycle)
        failing: List[str]  # modules that failed last time: imported from the clean state at once, not shared
        loaded_from: List[str]  # roots whose loaded files a passing import lists (the verdict cache)
        setup: Setup  # the framework set-up production runs before anything imports the project
        setup_only: bool  # run the set-up in a child and report it (a "setup" record); import nothing
        records: str  # the file every process of the runner appends its Records to (smokegen reads it)
        tops: List[str]  # the project's top-level module names (they may shadow the standard library)

    class Setup(TypedDict):
        kind: str  # "django": DJANGO_SETTINGS_MODULE set, then django.setup(); "call": module:function()
        target: str  # the settings module, or "module:function"

    class Record(TypedDict, total=False):
        """One line of output: a module's verdict, a retry's, a lookup's, or (nested) a build's."""

        module: str
        lookup: str  # instead of module: the Lookup's key
        setup: str  # instead of module: the set-up's kind (with setup_only)
        status: str  # ok | error | exit | signal | timeout | parent-failed | lost
        why: str  # lost: why the runner could not judge it
        type: str  # error: the exception's type (dotted unless a builtin)
        message: str
        frames: List[List[Any]]  # [file, line, function, source line], innermost last
        bases: List[str]  # error: the builtin bases of the exception's type
        missing: str  # the module a ModuleNotFoundError named, also behind a re-raise
        code: str  # exit: the exit code
        via: str  # exit: "sys.exit" or "os._exit"
        signal: str  # signal: its name
        seconds: float  # timeout: the limit
        parent: str  # parent-failed: the package whose import failed
        output: str  # what the child printed, truncated to output_limit
        loaded: List[str]  # ok or error, with loaded_from: the project files the import loaded (before failing)
        after_siblings: str  # a retry: the status of the import after its passing siblings
        builds: List[Dict[str, Any]]  # ok: one record per BuildSpec, with "build" (its name), "status", "skip"...
        warnings: List[List[Any]]  # ok: the deprecation warnings raised, [category, message, file, line]


Result = Dict[str, Any]
HAVE_FORK = hasattr(os, "fork")

# --- what the runner keeps out of the project's reach --------------------------------------------
# Bound before any project code runs: a project that replaces ``os.fork`` (gevent's monkey-patching),
# rebinds a builtin, or sets ``sys.modules["os"] = None`` changes what its own code sees, not the
# runner's control flow. The runner's functions read builtins from a private copy, and make their
# system calls through these names.
globals()["__builtins__"] = dict(vars(builtins))
_fork_process: Any = getattr(os, "fork", None)
_gc_freeze: Any = getattr(gc, "freeze", None)
_gc_unfreeze: Any = getattr(gc, "unfreeze", None)
_setpgid: Any = getattr(os, "setpgid", None)
_killpg: Any = getattr(os, "killpg", None)
_waitid: Any = getattr(os, "waitid", None)
_pidfd_open: Any = getattr(os, "pidfd_open", None)
_open, _close, _read, _write, _dup2, _unlink = os.open, os.close, os.read, os.write, os.dup2, os.unlink
_waitpid, _kill, _exit, _getpid = os.waitpid, os.kill, os._exit, os.getpid
_monotonic, _sleep, _select = time.monotonic, time.sleep, select.select
_scan: Any = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # C: reads no builtins a project may rebind
_escape = json.encoder.encode_basestring_ascii  # C, reads no builtins
_INTERNAL = 70  # a child's exit status when the runner's own code failed there (EX_SOFTWARE)
_Popen = subprocess.Popen
_EXECUTABLE = sys.executable
_SCRIPT = os.path.abspath(__file__)
_DEVNULL = os.devnull
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT
_READ = os.O_RDONLY
_KILL = signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM
_exited_normally, _exit_status = os.WIFEXITED, os.WEXITSTATUS
_signalled, _signal_number = os.WIFSIGNALED, os.WTERMSIG


class RunnerState:
    """What this process knows beyond one call: set once from the request, read by every child."""

    def __init__(self) -> None:
        # The project's source roots when the parent caches verdicts: a passing import reports the
        # files it loaded from them (its verdict is stale when one of them changes).
        self.loaded_from: List[str] = []
        # Constructors run in an empty folder of their own (under this one), so that one that writes
        # files does not litter the project; and the project root, the runner's working directory.
        self.workdir: str | None = None
        self.root: str | None = None
        # What each module's fresh import imports for sure (None: imports are not shared).
        self.closures: Closures | None = None
        # Names this process imported (or found to be attributes) ahead of its modules.
        self.preloaded: Set[str] = set()
        # Modules that failed on the last run: most likely to fail again, so never tried after shared
        # imports first (a failure there costs a second import, from the clean state).
        self.failing: Set[str] = set()
        # The framework set-up, run in every fresh interpreter before its imports.
        self.setup: Setup | None = None
        # The file every process of the tree appends its verdicts to, and the folder (smokegen's) for
        # each child's own records; how many paths this process has named there.
        self.verdicts = ""
        self.scratch = ""
        self.serial = 0
        # The project's top-level names: the runner's own imports of such a name are forgotten.
        self.tops: List[str] = []


STATE = RunnerState()


def _error_result(exc: BaseException) -> Result:
    frames = [[f.filename, f.lineno, f.name, (f.line or "")[:200]] for f in traceback.extract_tb(exc.__traceback__)]
    if isinstance(exc, SyntaxError) and exc.filename:
        frames.append([exc.filename, exc.lineno or 1, "<module>", (exc.text or "").strip()[:200]])
    kind = type(exc)
    name = kind.__name__ if kind.__module__ == "builtins" else kind.__module__ + "." + kind.__qualname__
    message = str(exc)
    result: Result = {"status": "error", "type": name, "message": message[:2000], "frames": frames[-40:]}
    result["bases"] = [c.__name__ for c in kind.__mro__[1:] if c.__module__ == "builtins"]
    # The module that was not found, also behind "raise ImportError('x is required') from exc".
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, ModuleNotFoundError) and current.name:
            result["missing"] = current.name
            break
        current = current.__cause__ or current.__context__
        seen += 1
    return result


def attempt(module: str, preload: Sequence[str] = ()) -> Result:
    """Import ``module`` (after ``preload``) here; the verdict as a dict."""
    for other in preload:
        try:
            importlib.import_module(other)
        except BaseException:
            pass
    recorder = _Recorder()
    try:
        with recorder:
            importlib.import_module(module)
    except SystemExit as exc:
        frames = _error_result(exc)["frames"]
        return {"status": "exit", "code": repr(exc.code), "via": "sys.exit", "frames": frames}
    except BaseException as exc:
        failed = _error_result(exc)
        if STATE.loaded_from:  # what it loaded before it failed: a kept failure is stale when one changes
            failed["loaded"] = loaded_files(STATE.loaded_from)
        return failed
    result: Result = {"status": "ok"}
    if STATE.loaded_from:
        result["loaded"] = loaded_files(STATE.loaded_from)
    return recorder.attach(result)


_DEPRECATIONS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


class _Recorder:
    """The deprecation warnings raised while it is entered, each once, as [category, message, file,
    line] (where the warning points: a library's ``stacklevel`` points at its caller). Every one is
    recorded, not only the first per place; the project's own filters still decide first: one that
    makes them errors (``-W error``, a filter set at import) is not overridden."""

    def __init__(self) -> None:
        self.found: List[List[Any]] = []
        self._catcher = warnings.catch_warnings(record=True)
        self._caught: Any = None

    def __enter__(self) -> _Recorder:
        self._caught = self._catcher.__enter__()
        if not any(f[0] == "error" for f in warnings.filters):
            for category in _DEPRECATIONS:
                warnings.simplefilter("always", category)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._catcher.__exit__(*exc_info)
        seen: Set[Tuple[str, str, str, int]] = set()
        for caught in self._caught or ():
            try:
                if not issubclass(caught.category, _DEPRECATIONS):
                    continue
                key = (caught.category.__name__, str(caught.message)[:500], str(caught.filename), int(caught.lineno))
            except BaseException:
                continue  # a warning whose message cannot be shown
            if key not in seen and len(self.found) < 50:
                seen.add(key)
                self.found.append(list(key))

    def attach(self, result: Result) -> Result:
        if self.found:
            result["warnings"] = self.found
        return result


def loaded_files(roots: Sequence[str]) -> List[str]:
    """The files of the modules in ``sys.modules`` under ``roots``; not those under another folder of
    ``sys.path`` inside a root (a virtualenv in the project folder)."""
    wanted = {os.path.abspath(root) for root in roots}
    prefixes = tuple(os.path.join(root, "") for root in wanted)
    others = tuple(
        os.path.join(os.path.abspath(entry), "")
        for entry in sys.path
        if entry and os.path.abspath(entry) not in wanted and os.path.abspath(entry).startswith(prefixes)
    )
    found: Set[str] = set()
    for loaded in list(sys.modules.values()):
        path = getattr(loaded, "__file__", None)
        if isinstance(path, str) and path.startswith(prefixes) and not (others and path.startswith(others)):
            found.add(path)
    return sorted(found)


def _read_output(handle: IO[bytes], limit: int) -> str:
    try:
        handle.flush()
        handle.seek(0)
        data = handle.read(limit + 1)
    except (OSError, ValueError):
        return ""
    text = data.decode("utf-8", "replace")
    return text[:limit] + ("\n[output truncated]" if len(data) > limit else "")


def _loads(text: str) -> Any:
    """The JSON value ``text`` starts with (a record line, a request)."""
    try:
        return _scan(text, 0)[0]
    except StopIteration:
        raise ValueError("not JSON") from None


def _dumps(value: Any) -> str:
    """JSON for a record (dicts, lists, strings, numbers, booleans, None), written here rather than by
    ``json.dumps``, whose Python code reads the builtins a project may have rebound (``isinstance``)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    kind = type(value)
    if kind is str:
        return _escape(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value) if value == value and value not in (float("inf"), float("-inf")) else "null"
    if kind is dict:
        return "{" + ", ".join(_escape(str(k)) + ": " + _dumps(v) for k, v in value.items()) + "}"
    if kind is list or kind is tuple:
        return "[" + ", ".join(_dumps(v) for v in value) + "]"
    return _escape(str(value))


def _run_exit_handlers() -> None:
    """What a fresh interpreter does as it exits: the ``atexit`` handlers this process registered (a
    temporary folder removed, a socket closed). Those inherited from the parent were cleared at the
    fork: they are the parent's to run."""
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[_write(fd, data) :]


def _append(path: str, record: Result) -> None:
    """Append one record to the file at ``path``, in one write. Records travel by path, never through
    a descriptor: the project's code may close descriptors (``os.closerange``) or reuse their numbers."""
    fd = _open(path, _APPEND, 0o600)
    try:
        _write_all(fd, (_dumps(record) + "\n").encode())
    finally:
        _close(fd)


def _read_file(path: str) -> bytes:
    try:
        fd = _open(path, _READ)
    except OSError:
        return b""
    chunks: List[bytes] = []
    try:
        while True:
            chunk = _read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        _close(fd)


def _take_records(path: str) -> List[Result]:
    """The records in the file at ``path`` (a child's), which is removed."""
    raw = _read_file(path)
    try:
        _unlink(path)
    except OSError:
        pass
    return _records(raw)


def _scratch() -> str:
    """A fresh path for a child's records, in this run's scratch folder."""
    STATE.serial += 1
    return os.path.join(STATE.scratch, "%d-%d" % (_getpid(), STATE.serial))


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass  # the project replaced or closed it: nothing of the runner's is in it


# --- children: every fork goes through _fork, every wait through _wait -------------------------------


def _fork(body: Callable[[], int], output: IO[bytes] | None = None, failed: int = 1) -> int:
    """Fork a child that runs ``body()`` in a process group of its own (so that what it starts ends
    with it, and a project's ``os.killpg(0, ...)`` reaches no further), with stdin from /dev/null
    and, given ``output``, stdout and stderr into that file. The child exits with what ``body``
    returns (``failed`` if it raises) and never returns into the caller. Here: the child's pid."""
    _flush()
    if _gc_freeze is not None:
        _gc_freeze()  # the child's collections skip what it inherits, so they do not copy every page of it
    pid: int = _fork_process()
    if pid != 0 and _gc_unfreeze is not None:
        _gc_unfreeze()
    if pid == 0:
        code = failed
        try:
            atexit._clear()  # the parent's handlers are the parent's to run
            _setpgid(0, 0)
            _dup2(_open(_DEVNULL, _READ), 0)
            if output is not None:
                _dup2(output.fileno(), 1)
                _dup2(output.fileno(), 2)
            code = body()
        finally:
            _exit(code)
    try:
        _setpgid(pid, pid)  # in both processes: whichever runs first, the group exists before a kill
    except OSError:
        pass
    return pid


def _ended_yet(pid: int) -> Tuple[bool, int | None]:
    """Whether the child has ended; with its wait status when that reaped it (no ``waitid``)."""
    if _waitid is not None:
        found = _waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        return found is not None and found.si_pid == pid, None
    done, status = _waitpid(pid, os.WNOHANG)
    return done == pid, (status if done == pid else None)


def _end_group(pid: int) -> None:
    """Kill whatever is left in the child's process group: what the project's code started there."""
    if _killpg is not None:
        try:
            _killpg(pid, _KILL)
        except OSError:
            pass


def _wait(pid: int, timeout: float, records: str | None = None, then: float | None = None) -> Tuple[int, bool]:
    """Wait for the child to end: at most ``timeout`` seconds, or ``then`` seconds from when its first
    record appears in the file ``records``. The wait status, and True when the time ran out (the
    child was killed). Anything left in the child's process group is killed before the child is
    reaped: nothing the project's code started outlives the verdict, and a grandchild that keeps
    the child's files open keeps nobody waiting."""
    deadline = _monotonic() + timeout
    watch = None
    if _pidfd_open is not None:
        try:
            watch = _pidfd_open(pid)
        except OSError:
            watch = None
    step = 0.001
    timed_out = False
    status: int | None = None
    try:
        while True:
            ended, status = _ended_yet(pid)
            if ended:
                break
            now = _monotonic()
            if then is not None and records is not None and b"\n" in _read_file(records):
                deadline = now + then
                then = None
            if now >= deadline:
                timed_out = True
                break
            pause = deadline - now if then is None else min(deadline - now, 0.05)
            if watch is not None:
                _select([watch], [], [], pause)
            else:
                _sleep(min(pause, step))
                step = min(step * 2, 0.02)
    finally:
        if watch is not None:
            _close(watch)
    if timed_out:
        try:
            _kill(pid, _KILL)  # also when it left its group
        except OSError:
            pass
    _end_group(pid)
    if status is None:
        _, status = _waitpid(pid, 0)
    return status, timed_out


def _quiet_import(load: Callable[[], Any]) -> Any:
    """``load()`` with stderr silenced (a zygote's own import: its failures are reported by the
    module's own child; the zygote's parent bounds how long it may take)."""
    try:
        _dup2(_open(_DEVNULL, os.O_RDWR), 2)
    except OSError:
        pass
    return load()


def _records(raw: bytes) -> List[Result]:
    out: List[Result] = []
    for line in raw.decode("utf-8", "replace").splitlines():
        if line.startswith("{"):
            try:
                record = _loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                out.append(record)
    return out


def _ended(status: int, text: str) -> Result:
    """How a child that wrote no (further) verdict ended."""
    if _signalled(status):
        number = _signal_number(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "signal %d" % number
        return {"status": "signal", "signal": name, "output": text}
    code = _exit_status(status) if _exited_normally(status) else -1
    if code == _INTERNAL:
        why = "the module broke what smokegen's runner needs in that process (a builtin, the descriptors), so it could not report"
        return {"status": "lost", "why": why, "output": text}
    return {"status": "exit", "code": str(code), "via": "os._exit", "output": text}


def _with_builds(first: Result, records: List[Result], builds: Sequence[BuildSpec], ending: Result | None) -> Result:
    """Attach one result per planned build: what the child reported, what ended it during the build it
    had started (``ending``), or not attempted after that."""
    done = {r["build"]: r for r in records if "build" in r}
    started = [r["start"] for r in records if "start" in r]
    results = []
    cut = False
    for spec in builds:
        name = spec["name"]
        if name in done:
            result = done[name]
        elif not cut and ending is not None and name in started:
            result = dict(ending)
            cut = True
        else:
            result = {"status": "ok", "skip": "not-attempted", "detail": "an earlier constructor ended the process"}
            cut = True
        result["build"] = name
        results.append(result)
    first["builds"] = results
    return first


def set_up(spec: Setup) -> None:
    """Run the framework set-up here, as production does before anything imports the project: for
    Django, ``DJANGO_SETTINGS_MODULE`` (unless the environment sets it) and ``django.setup()``;
    otherwise the project's own ``module:function``, called without arguments."""
    if spec["kind"] == "django":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", spec["target"])
        importlib.import_module("django").setup()
    else:
        module, _, function = spec["target"].partition(":")
        target: Any = importlib.import_module(module)
        for part in function.split("."):
            target = getattr(target, part)
        target()


def attempt_setup(spec: Setup) -> Result:
    """The set-up, run here: its verdict, as for an import (with the files it loaded)."""
    try:
        set_up(spec)
    except SystemExit as exc:
        return {"status": "exit", "code": repr(exc.code), "via": "sys.exit", "frames": _error_result(exc)["frames"]}
    except BaseException as exc:
        return _error_result(exc)
    return {"status": "ok"}


def _verdict(
    records: List[Result], status: int, timed_out: bool, timeout: float, text: str, builds: Sequence[BuildSpec]
) -> Result:
    """A child's verdict from the records it wrote and how it ended."""
    ending: Result | None = {"status": "timeout", "seconds": timeout, "output": text} if timed_out else None
    if not records:
        return ending or _ended(status, text)
    first = records[0]
    first["output"] = text
    if not builds or first.get("status") != "ok":
        return first
    if ending is None and not all(any(r.get("build") == b["name"] for r in records) for b in builds):
        ending = _ended(status, text)
    return _with_builds(first, records[1:], builds, ending)


def _build_time(builds: Sequence[BuildSpec], timeout: float, isolated: bool) -> float:
    """How long a child may take for its builds once its import is done."""
    return len(builds) * ((2 * timeout + 3) if isolated else (timeout + 1)) + 1


def _lost(exc: BaseException) -> Result:
    """The record of a child whose runner code failed (the project broke what the runner needs)."""
    return {"status": "lost", "why": "the runner failed in that process: %s: %s" % (type(exc).__name__, exc)}


def run_forked(
    module: str,
    timeout: float,
    limit: int,
    preload: Sequence[str] = (),
    action: Callable[[], Result] | None = None,
    builds: Sequence[BuildSpec] = (),
    isolate_builds: bool = True,
) -> Result:
    """Fork a child that imports ``module`` (or runs ``action``), then builds the classes in ``builds``;
    never lets it outlive ``timeout`` for the import, and ``timeout`` per build after it."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (the child writes to it; the parent closes it)
    path = _scratch()
    stack = path + ".stack" if action is not None and not builds else None  # where a build was when it hung

    def child() -> int:
        try:
            if stack is not None:
                _dump_later(stack, timeout)
            verdict = action() if action is not None else attempt(module, preload)
            _flush()
            _append(path, verdict)
            if builds and verdict.get("status") == "ok":
                run_builds(module, builds, timeout, limit, lambda record: _append(path, record), isolate_builds)
        except BaseException as exc:
            try:
                _append(path, _lost(exc))
            except BaseException:
                pass
            return _INTERNAL
        _run_exit_handlers()
        return 0

    pid = _fork(child, output, failed=_INTERNAL)
    # once imported, each build has its own time: in a batch, and again alone when it failed there
    status, timed_out = _wait(pid, timeout, path, then=_build_time(builds, timeout, isolate_builds))
    text = _read_output(output, limit)
    output.close()
    verdict = _verdict(_take_records(path), status, timed_out, timeout, text, builds)
    if stack is not None:
        if timed_out and verdict.get("status") == "timeout":
            verdict["frames"] = _hung_at(stack)
        try:
            os.unlink(stack)
        except OSError:
            pass
    return verdict


def _dump_later(path: str, timeout: float) -> None:
    """Just before the parent ends this child for running out of time, write where every thread
    is (the main thread's id first): what a hung constructor was waiting for."""
    import faulthandler

    out = open(path, "w")  # noqa: SIM115 (open until the child ends)
    out.write("main %d\n" % threading.get_ident())
    out.flush()
    faulthandler.dump_traceback_later(max(timeout * 0.8, timeout - 0.5), file=out)


_STACK_THREAD = re.compile(r"^(?:Current thread|Thread) (0x[0-9a-fA-F]+)")
_STACK_FRAME = re.compile(r'^\s+File "(.*)", line (\d+) in (.+)$')


def _hung_at(path: str) -> List[Any]:
    """The main thread's frames, outermost first, from what :func:`_dump_later` wrote."""
    import linecache

    try:
        with open(path) as dump:
            lines = dump.read().splitlines()
    except OSError:
        return []
    main = int(lines[0].split()[1]) if lines and lines[0].startswith("main ") else None
    frames: List[Any] = []
    current = None
    for line in lines[1:]:
        thread = _STACK_THREAD.match(line)
        if thread is not None:
            current = int(thread.group(1), 16)
            continue
        frame = _STACK_FRAME.match(line)
        if frame is not None and current == main:
            name, number = frame.group(1), int(frame.group(2))
            frames.append([name, number, frame.group(3), linecache.getline(name, number).strip()[:200]])
    return frames[::-1][-40:]


def run_spawned(
    module: str,
    timeout: float,
    limit: int,
    sys_path: List[str],
    preload: Sequence[str] = (),
    builds: Sequence[BuildSpec] = (),
) -> Result:
    """A fresh interpreter for ``module``, in a session of its own: the fallback when forking is
    unavailable or unsafe."""
    path = _scratch()
    request = _dumps(
        {
            "module": module,
            "preload": list(preload),
            "sys_path": sys_path,
            "builds": list(builds),
            "timeout": timeout,
            "output_limit": limit,
            "loaded_from": STATE.loaded_from,
            "setup": STATE.setup,
            "records": path,
            "tops": STATE.tops,
        }
    )
    with tempfile.TemporaryFile() as output:
        try:
            proc = _Popen(
                [_EXECUTABLE, _SCRIPT, "--single", request],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                start_new_session=True,
            )
        except OSError as exc:
            return {"status": "lost", "why": "cannot start %s: %s" % (_EXECUTABLE, exc)}
        status, timed_out = _wait(proc.pid, timeout, path, then=_build_time(builds, timeout, True))
        proc.returncode = status  # reaped by _wait
        text = _read_output(output, limit)
    return _verdict(_take_records(path), status, timed_out, timeout, text, builds)


def _single(request: str) -> None:
    """``--single``: import one module in this fresh interpreter (its output to the parent's file)
    and append its records to the file the request names."""
    data = _loads(request)
    sys.path[:0] = data["sys_path"]
    _unshadow(data.get("tops", []))
    STATE.loaded_from = list(data.get("loaded_from", []))
    STATE.tops = list(data.get("tops", []))
    path = data["records"]
    # inside the parent's scratch folder, which smokegen removes whatever happens to this process
    STATE.scratch = tempfile.mkdtemp(prefix="single-", dir=os.path.dirname(path))
    if data.get("setup"):
        try:
            set_up(data["setup"])
        except BaseException:
            pass  # judged on its own (a "setup" record); the module is then imported without it
    result = attempt(data["module"], data["preload"])
    _flush()
    _append(path, result)
    if data.get("builds") and result.get("status") == "ok":
        STATE.root = os.getcwd()
        STATE.workdir = tempfile.mkdtemp(prefix="build-", dir=STATE.scratch)
        run_builds(data["module"], data["builds"], data["timeout"], data["output_limit"], lambda r: _append(path, r))
        os.chdir(os.path.dirname(STATE.workdir))
        shutil.rmtree(STATE.workdir, ignore_errors=True)
    shutil.rmtree(STATE.scratch, ignore_errors=True)
    _run_exit_handlers()
    _exit(0)


def _unshadow(tops: Sequence[str]) -> None:
    """Forget the runner's own imports that a project module shadows (a top-level ``json.py``,
    ``inspect.py``): production imports the project's, so it must be the one imported and judged.
    The runner keeps its references. What the interpreter imported at start-up stays: production
    has that before any project code runs too."""
    names = set(tops)
    for name in list(sys.modules):
        if name.partition(".")[0] in names and name not in _STARTUP:
            del sys.modules[name]


# A TypeError raised when the constructor passes ``*args, **kwargs`` on to one that needs arguments:
# the class needs arguments its own signature does not show; not a failure of the class.
_ARGUMENT_ERROR = re.compile(
    r"missing \d+ required (positional|keyword-only) arguments?|missing required argument"
    r"|takes (exactly |at least |at most |from \d+ to )?(\d+|one|no) (positional )?arguments?( but| \(|$)"
    r"|expected at least \d+ arguments?, got \d+|got an unexpected keyword argument"
    r"|required (positional|keyword) argument|takes no arguments"
)


def _skip(reason: str, detail: str) -> Result:
    return {"status": "ok", "skip": reason, "detail": detail}


def _failed(result: Result, open_signature: bool, compiled: bool) -> Result:
    result["open"] = open_signature  # it takes *args/**kwargs (or its signature is unknown): called with none
    result["compiled"] = compiled  # its module is compiled (mypyc, Cython): the source smokegen read is not what runs
    return result


def preflight(target: Any, name: str, factory: bool) -> Result | None:
    """A skip verdict when ``target`` is not a class smokegen builds (decided on the live object)."""
    if not isinstance(target, type):
        return _skip("not-a-class", "'%s' is a %s at run time" % (name, type(target).__name__))
    if factory:
        return None
    if inspect.isabstract(target):
        methods = ", ".join(sorted(getattr(target, "__abstractmethods__", ())))
        return _skip("abstract", "abstract methods: " + methods)
    if getattr(target, "_is_protocol", False):
        return _skip("protocol", "a Protocol describes a type; it is not built")
    if issubclass(target, type):
        return _skip("metaclass", "a metaclass is built by class statements")
    enum_module = sys.modules.get("enum")
    if enum_module is not None and isinstance(target, enum_module.EnumMeta):
        return _skip("enum", "an enum's members exist once the module imports")
    return None


def signature_of(target: Any, factory: bool) -> Tuple[Any, bool]:
    """The constructor's signature (None when unknown) and whether it is open (``*args``/``**kwargs``)."""
    try:
        signature: Any = inspect.signature(target)
    except (TypeError, ValueError):
        signature = None
    kinds = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    open_signature = not factory and (signature is None or any(p.kind in kinds for p in signature.parameters.values()))
    return signature, open_signature


def call_failure(
    exc: BaseException, raised_by_call: bool, factory: bool, forwards: bool, open_signature: bool, compiled: bool
) -> Result:
    """The verdict of a constructor call that raised ``exc``; ``raised_by_call``: the innermost frame is
    the caller's own (the call itself was refused, as a constructor in C refuses missing arguments)."""
    if isinstance(exc, SystemExit):
        frames = _error_result(exc)["frames"]
        result = {"status": "exit", "code": repr(exc.code), "via": "sys.exit", "frames": frames}
        return _failed(result, open_signature, compiled)
    if isinstance(exc, NotImplementedError):
        return _skip(
            "not-implemented", "the constructor raises NotImplementedError%s" % (": %s" % exc if str(exc) else "")
        )
    if isinstance(exc, TypeError):
        if not factory and raised_by_call:
            return _skip("required-args", "its constructor, in compiled code, refused the call: %s" % exc)
        if (forwards or open_signature) and _ARGUMENT_ERROR.search(str(exc)):
            return _skip("required-args", "it passes its arguments on to a constructor that needs some: %s" % exc)
    return _failed(_error_result(exc), open_signature, compiled)


def build(module: str, spec: BuildSpec) -> Result:
    """Build one class of the imported ``module`` as ``spec`` (a ClassPlan as JSON) says; the verdict."""
    if STATE.workdir:
        os.chdir(tempfile.mkdtemp(dir=STATE.workdir))
    target: Any = sys.modules.get(module)
    compiled = not str(getattr(target, "__file__", "") or "").endswith(".py")
    try:  # as ``from module import Name`` does: a module ``__getattr__`` that raises fails it there
        __import__(module, fromlist=[spec["name"].partition(".")[0]])
    except BaseException as exc:
        failed = _failed(_error_result(exc), False, compiled)
        failed["by_name"] = True
        return failed
    for part in spec["name"].split("."):
        target = getattr(target, part, None)
    factory = spec["source"] == "factory"
    skipped = preflight(target, spec["name"], factory)
    if skipped is not None:
        return skipped
    signature, open_signature = signature_of(target, factory)
    recorder = _Recorder()
    if factory and STATE.root:
        sys.path.append(STATE.root)  # factories may live beside the code, in the project's tests
    try:
        namespace: Dict[str, Any] = {}
        for name, attr in spec["imports"]:
            imported = importlib.import_module(name)
            if attr:
                namespace[attr] = getattr(imported, attr)
            else:
                top = name.split(".")[0]
                namespace[top] = sys.modules[top]
        namespace[spec["name"]] = target
        if factory:
            namespace[spec["factory"].partition(":")[2]]()
            return {"status": "ok"}
        positional = [eval(code, namespace) for keyword, code in spec["arguments"] if keyword is None]
        keywords = {keyword: eval(code, namespace) for keyword, code in spec["arguments"] if keyword is not None}
        if signature is not None:
            try:
                signature.bind(*positional, **keywords)
            except TypeError as exc:
                return _skip("required-args", "its signature at run time is %s%s: %s" % (spec["name"], signature, exc))
        with recorder:
            target(*positional, **keywords)
    except BaseException as exc:
        inner = traceback.extract_tb(exc.__traceback__)[-1:]
        by_call = bool(inner) and inner[0].filename == __file__ and inner[0].name == "build"
        return call_failure(exc, by_call, factory, bool(spec["forwards"]), open_signature, compiled)
    return recorder.attach({"status": "ok"})


def run_builds(
    module: str,
    specs: Sequence[BuildSpec],
    timeout: float,
    limit: int,
    write: Callable[[Result], None],
    isolate: bool = True,
) -> None:
    """Build the module's classes. Forking is safe: one child builds them all in turn (cheap: most
    constructors pass), and each class that failed there, or was not reached, is built again in a
    child of its own, from the freshly imported module, for its verdict. Otherwise (the import
    started threads, or ``isolate`` is off): in this process, in turn, each under an alarm."""
    if isolate and HAVE_FORK and threading.active_count() == 1:
        batch = run_forked(module, timeout, limit, action=lambda: {"status": "ok"}, builds=specs, isolate_builds=False)
        done = {b["build"]: b for b in batch.get("builds", ())}
        for spec in specs:
            result = done.get(spec["name"])
            if result is None or result.get("status") != "ok" or result.get("skip") == "not-attempted":

                def action(item: BuildSpec = spec) -> Result:
                    return build(module, item)

                write({"start": spec["name"]})  # should this process be ended meanwhile, the build says how
                result = run_forked(spec["name"], timeout, limit, action=action)
            result.pop("output", None)
            result["build"] = spec["name"]
            write(result)
        return
    for spec in specs:
        write({"start": spec["name"]})
        if isolate:
            result = build(module, spec)
        else:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)  # a hang ends this batch; the class is retried alone
            signal.alarm(max(1, int(timeout + 0.999)))
            result = build(module, spec)
            signal.alarm(0)
        result["build"] = spec["name"]
        write(result)


# Failures a sibling's import can plausibly cure (a submodule attribute, a registry entry, a
# half-initialised module); retrying others after all the siblings would only cost time.
ORDER_SENSITIVE = ("AttributeError", "ImportError", "NameError", "KeyError", "LookupError")


def _worth_retrying(verdict: Result) -> bool:
    if verdict.get("status") != "error" or verdict.get("type") not in ORDER_SENSITIVE:
        return False
    frames = verdict.get("frames") or []
    last = os.path.basename(frames[-1][0]) if frames else ""
    return not (verdict.get("type") == "KeyError" and last in ("<frozen os>", "os.py"))  # an unset variable


class Plan:
    """The modules to import, grouped by parent package, as a tree of packages."""

    def __init__(self, groups: List[Group]) -> None:
        self.groups: Dict[str, List[str]] = {g["parent"]: list(g["modules"]) for g in groups}
        # Siblings known to pass (their verdicts kept from an earlier run): a failure's retry imports them too.
        self.passing: Dict[str, List[str]] = {g["parent"]: list(g.get("passing", [])) for g in groups}
        self.builds: Dict[str, List[BuildSpec]] = {}
        for group in groups:
            self.builds.update(group.get("builds", {}))
        self.children: Dict[str, List[str]] = {}
        for parent in self.groups:
            parts = parent.split(".") if parent else []
            for depth in range(len(parts)):
                above = ".".join(parts[:depth])
                below = ".".join(parts[: depth + 1])
                kids = self.children.setdefault(above, [])
                if below not in kids:
                    kids.append(below)
        for kids in self.children.values():
            kids.sort()

    def under(self, package: str) -> List[str]:
        """Every planned module inside ``package`` (not ``package`` itself)."""
        prefix = package + "."
        return sorted(
            m for parent, mods in self.groups.items() if parent == package or parent.startswith(prefix) for m in mods
        )


class Closures:
    """What a fresh import of each project module imports for sure, from the static import graph
    (imports that run on every import, uncaught; parents included, as Python loads them)."""

    def __init__(self, graph: Dict[str, List[str]], unshared: Sequence[str] = ()) -> None:
        self.graph = graph
        self.unshared = frozenset(unshared)
        self.memo: Dict[str, Set[str]] = {}

    def of(self, module: str) -> Set[str]:
        found = self.memo.get(module)
        if found is not None:
            return found
        seen: Set[str] = set()
        stack = [module]
        while stack:
            for dep in self.graph.get(stack.pop(), ()):
                parts = dep.split(".")
                for depth in range(1, len(parts) + 1):
                    name = ".".join(parts[:depth])
                    if name not in seen:
                        seen.add(name)
                        stack.append(name)
        seen.discard(module)
        self.memo[module] = seen
        return seen

    def shared(self, module: str) -> List[str]:
        """What may be imported before ``module`` without changing what its fresh import does: what it
        imports anyway, less anything whose own import would reach ``module`` (a cycle, a submodule)."""
        return sorted(s for s in self.of(module) if s not in self.unshared and module not in self.of(s))


# A zygote whose first modules all fail stops after this many: each failure is imported again from
# the clean state, so a group that fails through what it shares would cost every module twice.
GIVE_UP_AFTER = 2


def _cost(name: str, closures: Closures) -> int:
    """About how many modules importing ``name`` here would load, from the project's static import graph
    (a third-party module counts one: what it imports in turn is not in the graph)."""
    if name in sys.modules:
        return 0
    return 1 + sum(1 for x in closures.of(name) if x not in sys.modules)


def _is_project(name: str) -> bool:
    return name.partition(".")[0] in STATE.tops


def _preload(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        parent = name.rpartition(".")[0]
        return exc.name == name and bool(parent) and parent in sys.modules  # ``from x import y``: y is no module
    except BaseException:
        return False
    return True


def _preload_all(names: List[str]) -> str:
    """Import ``names`` here; the first that failed, or that is a third-party module whose import loaded
    a module of the project (a plugin registry importing the project back: its import would not be
    the same ahead of the project's), else ""."""
    for name in names:
        if name in sys.modules:
            continue
        ours = None if _is_project(name) else _project_modules()
        if not _preload(name) or (ours is not None and _project_modules() != ours):
            return name
    return ""


def _project_modules() -> int:
    return sum(1 for name in list(sys.modules) if _is_project(name))


def _with_shared_imports(
    modules: List[str], timeout: float, limit: int, emit: Callable[[Result], None], builds: Dict[str, List[BuildSpec]]
) -> Tuple[Set[str], Set[str]]:
    """Import modules from zygotes that first import what several of them import anyway (a module
    imported by many siblings, such as ``sphinx.application``, is then imported once, not once per
    module). Only passing verdicts are emitted: a module that fails here is imported again by the
    caller from the clean state, so a failure is always the fresh interpreter's. Returns the modules
    whose verdict was emitted, and those tried here (each passed, or failed after shared imports)."""
    closures = STATE.closures
    if closures is None or len(modules) < 2:
        return set(), set()
    passed: Set[str] = set()
    tried: Set[str] = set()
    remaining = [m for m in modules if m not in STATE.failing]
    while len(remaining) >= 2:
        loaded = sys.modules
        pending = {
            m: [s for s in closures.shared(m) if s not in loaded and s not in STATE.preloaded] for m in remaining
        }
        counts: Dict[str, int] = {}
        for names in pending.values():
            for name in names:
                counts[name] = counts.get(name, 0) + 1
        scored = [((count - 1) * _cost(name, closures), name) for name, count in counts.items() if count >= 2]
        scored = [pair for pair in scored if pair[0] > 0]  # not a name already here (``typing.Any``)
        if not scored:
            break
        best = max(scored)[1]
        group = [m for m in remaining if best in pending[m]]
        remaining = [m for m in remaining if best not in pending[m]]
        common = set(pending[group[0]])
        for module in group[1:]:
            common &= set(pending[module])
        # the widest first: importing it imports much of the rest in its own order
        names = sorted(common, key=lambda n: (-len(closures.of(n)), n))
        done, refused = _fork_with(names, group, timeout, limit, emit, builds)
        passed |= done
        if not refused:
            tried.update(group)
        STATE.preloaded.update(refused)  # fails or hangs here: never shared again (these run from the clean state)
    return passed, tried


def _budget(modules: Sequence[str], builds: Dict[str, List[BuildSpec]], timeout: float) -> float:
    """How long a zygote may take to serve ``modules``: each import, its retry and its builds in time
    (a backstop: every child inside has its own deadline)."""
    return sum(2 + 2 * len(builds.get(m, ())) for m in modules) * (timeout + 2) + 10


def _fork_with(
    names: List[str],
    group: List[str],
    timeout: float,
    limit: int,
    emit: Callable[[Result], None],
    builds: Dict[str, List[BuildSpec]],
) -> Tuple[Set[str], List[str]]:
    """A zygote that imports ``names``, then imports ``group`` (sharing further); the modules it passed,
    and the names not to share again: the one whose import failed, or all of them when the zygote's
    import did not end in time (nothing was imported from that zygote then)."""
    path = _scratch()

    def zygote() -> int:
        STATE.preloaded.update(names)
        refused = _quiet_import(lambda: _preload_all(names))
        _append(path, {"refused": refused})
        if refused or threading.active_count() != 1:
            return 0

        def passed(module: str) -> None:
            _append(path, {"passed": module})

        shared, tried = _with_shared_imports(group, timeout, limit, emit, builds)
        for module in sorted(shared):
            passed(module)
        failed = 0
        for module in group:
            if module in tried:
                continue  # passed, or failed after shared imports: imported from the clean state next
            if failed >= GIVE_UP_AFTER and not shared:
                break  # what they share fails them (Django without settings): the rest go to the clean state at once
            verdict = run_forked(module, timeout, limit, builds=builds.get(module, ()))
            if verdict["status"] == "ok":
                verdict["module"] = module
                emit(verdict)
                passed(module)
                shared.add(module)
            else:
                failed += 1
        _run_exit_handlers()
        return 0

    pid = _fork(zygote)
    _wait(pid, timeout + 2, path, then=_budget(group, builds, timeout))
    records = _take_records(path)
    if not records:
        return set(), list(names)  # its own import did not end in time
    refused = str(records[0].get("refused", ""))
    return {str(r["passed"]) for r in records[1:] if "passed" in r}, [refused] if refused else []


def _run_modules(
    modules: List[str],
    timeout: float,
    limit: int,
    sys_path: List[str],
    emit: Callable[[Result], None],
    builds: Dict[str, List[BuildSpec]],
    known_passing: Sequence[str] = (),
) -> Dict[str, Result]:
    """Import each module in its own child of this process (which then builds the module's classes),
    sharing common imports where that changes no verdict; then retry failures after their passing
    siblings (those imported here, and ``known_passing``)."""
    unsafe = not HAVE_FORK or threading.active_count() > 1  # fork would not copy the other threads
    shared = set() if unsafe else _with_shared_imports(modules, timeout, limit, emit, builds)[0]
    verdicts: Dict[str, Result] = {}
    for module in modules:
        if module in shared:
            continue
        wanted = builds.get(module, ())
        if unsafe:
            verdict = run_spawned(module, timeout, limit, sys_path, builds=wanted)
        else:
            verdict = run_forked(module, timeout, limit, builds=wanted)
        verdict["module"] = module
        verdicts[module] = verdict
        emit(verdict)
    passing = sorted([m for m in modules if m in shared or verdicts[m]["status"] == "ok"] + list(known_passing))
    for module in modules:
        if module in shared or not passing or not _worth_retrying(verdicts[module]):
            continue
        siblings = [m for m in passing if m != module]
        if unsafe:
            again = run_spawned(module, timeout, limit, sys_path, siblings)
        else:
            again = run_forked(module, timeout, limit, siblings)
        emit({"module": module, "after_siblings": again["status"]})
    return verdicts


def serve(
    package: str, plan: Plan, timeout: float, limit: int, sys_path: List[str], emit: Callable[[Result], None]
) -> None:
    """In a process that has imported ``package`` and its ancestors (and nothing else of the
    project): import the modules directly in it, each in a child, then serve each subpackage from
    a forked *zygote* that imports just that subpackage. A fresh ``import a.b.c`` runs ``a`` and
    ``a.b`` first anyway, so every child starts exactly where a fresh interpreter would. A zygote
    that does not end in time, or ends badly (the package broke the process), costs only its own
    subtree's verdicts: each module it left without one is imported again in a fresh interpreter."""
    verdicts = _run_modules(
        plan.groups.get(package, []), timeout, limit, sys_path, emit, plan.builds, plan.passing.get(package, [])
    )
    for sub in plan.children.get(package, []):
        known = verdicts.get(sub)
        if known is not None and known["status"] != "ok":
            for module in plan.under(sub):
                emit({"module": module, "status": "parent-failed", "parent": sub})
            continue
        if not HAVE_FORK:
            _serve_spawned(sub, plan, timeout, limit, sys_path, emit)
            continue
        path = _scratch()

        def zygote(sub: str = sub, path: str = path) -> int:  # the zygote for ``sub``
            verdict = _quiet_import(lambda: attempt(sub))  # a failure here is reported by sub's own child
            _append(path, {"imported": verdict["status"]})
            if verdict["status"] != "ok":
                for module in plan.under(sub):
                    emit({"module": module, "status": "parent-failed", "parent": sub})
            else:
                serve(sub, plan, timeout, limit, sys_path, emit)
            _run_exit_handlers()
            return 0

        pid = _fork(zygote)
        status, timed_out = _wait(pid, timeout + 2, path, then=_budget(plan.under(sub), plan.builds, timeout))
        imported = bool(_take_records(path))
        if timed_out or not (_exited_normally(status) and _exit_status(status) == 0):
            _recover(plan.under(sub), sub, imported, plan, timeout, limit, sys_path, emit)


def _recover(
    modules: List[str],
    package: str,
    imported: bool,
    plan: Plan,
    timeout: float,
    limit: int,
    sys_path: List[str],
    emit: Callable[[Result], None],
) -> None:
    """The verdicts a failed zygote for ``package`` left out: each module in a fresh interpreter (the
    package broke the zygote's process: replaced what forking needs, closed descriptors, killed its
    parent), or, when the zygote's own import of the package did not end in time, that timeout."""
    judged = {r.get("module") for r in _records(_read_file(STATE.verdicts)) if r.get("status")}
    for module in modules:
        if module in judged:
            continue
        if not imported:
            emit({"module": module, "status": "timeout", "seconds": timeout, "output": "(importing %s)" % package})
            continue
        verdict = run_spawned(module, timeout, limit, sys_path, builds=plan.builds.get(module, ()))
        verdict["module"] = module
        emit(verdict)


def _serve_spawned(
    package: str, plan: Plan, timeout: float, limit: int, sys_path: List[str], emit: Callable[[Result], None]
) -> None:
    _run_modules(
        plan.groups.get(package, []), timeout, limit, sys_path, emit, plan.builds, plan.passing.get(package, [])
    )
    for sub in plan.children.get(package, []):
        _serve_spawned(sub, plan, timeout, limit, sys_path, emit)


LOOKUP_NAME_ABSENT = "smokegen.MissingName"


def attempt_lookup(value: str, need_callable: bool, submodules: bool) -> Result:
    """Resolve ``module:attr.path`` here: import the module, walk the attributes (importing a submodule
    for a missing one when ``submodules``, as ``from m import sub`` does); optionally require a callable."""
    module, _, attr = value.partition(":")
    module = module.strip()
    attr = attr.split("[", 1)[0].strip()
    verdict = attempt(module)
    if verdict["status"] != "ok":
        return verdict
    target: Any = sys.modules[module]
    path = module
    for part in attr.split(".") if attr else []:
        path = path + "." + part
        if not hasattr(target, part) and submodules and isinstance(target, type(sys)):
            try:
                importlib.import_module(path)
            except ModuleNotFoundError as exc:
                if exc.name != path:  # the submodule exists but needs something missing
                    return _error_result(exc)
            except BaseException as exc:
                return _error_result(exc)
        try:
            target = getattr(target, part)
        except AttributeError:
            message = "module %r has no attribute %r" % (module, attr)
            return {"status": "error", "type": LOOKUP_NAME_ABSENT, "message": message, "frames": []}
    if need_callable and not callable(target):
        message = "%r is a %s, not a callable" % (value, type(target).__name__)
        return {"status": "error", "type": "TypeError", "message": message, "frames": []}
    return {"status": "ok"}


def run_lookups(lookups: List[Lookup], timeout: float, limit: int, emit: Callable[[Result], None]) -> None:
    """Each lookup in a fresh child of this clean process."""
    for lookup in lookups:
        if HAVE_FORK:

            def action(item: Lookup = lookup) -> Result:
                return attempt_lookup(item["value"], item["callable"], item["submodules"])

            verdict = run_forked(lookup["value"], timeout, limit, action=action)
        else:
            verdict = {"status": "ok"}  # no fork: left unchecked rather than guessed
        verdict["lookup"] = lookup["key"]
        emit(verdict)


def main() -> None:
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(_SCRIPT):
        del sys.path[0]  # the folder of this script is not the project's
    if len(sys.argv) == 3 and sys.argv[1] == "--single":
        _single(sys.argv[2])
        return
    _serve_session(os.fdopen(os.dup(0), "rb"))


def _emit(record: Result) -> None:
    _append(STATE.verdicts, record)


def _serve_session(requests: IO[bytes]) -> None:
    """One request per line of stdin, served one after another by this one process (the
    framework set-up runs once, for the first), each ended by a ``{"done": true}`` record in its
    records file; the process ends with its input. This process imports no project module itself
    (only the set-up's): every module is imported in a child, so each request starts from the state
    the first did. smokegen feeds a worker's shares to one such process instead of starting an
    interpreter, and running the set-up, for each."""
    started = False
    try:
        for line in iter(requests.readline, b""):
            request: Request = _loads(line.decode("utf-8"))
            if not started:
                _start(request)
                started = True
            STATE.verdicts = request["records"]
            try:
                _serve_request(request, _emit)
            finally:
                _append(STATE.verdicts, {"done": True})
    finally:
        if STATE.workdir:
            shutil.rmtree(STATE.workdir, ignore_errors=True)


def _start(request: Request) -> None:
    """What every request to this process shares: sys.path, the project's names, the scratch folders."""
    sys.path[:0] = request["sys_path"]
    STATE.tops = list(request.get("tops", []))
    _unshadow(STATE.tops)
    STATE.loaded_from = list(request.get("loaded_from", []))
    STATE.verdicts = request["records"]
    STATE.scratch = os.path.dirname(STATE.verdicts)  # smokegen's, removed by smokegen whatever happens here
    STATE.workdir = tempfile.mkdtemp(prefix="build-", dir=STATE.scratch)  # gone with it, even if this is killed
    STATE.root = os.getcwd()
    _dup2(_open(_DEVNULL, os.O_WRONLY), 1)  # what the root's own imports print goes nowhere


def _serve_request(request: Request, emit: Callable[[Result], None]) -> None:
    setup = request.get("setup")
    if setup and request.get("setup_only"):
        if HAVE_FORK:
            verdict = run_forked(
                setup["kind"], request["timeout"], request["output_limit"], action=lambda: attempt_setup(setup)
            )
        else:
            verdict = attempt_setup(setup)
        verdict["setup"] = setup["kind"]
        emit(verdict)
        return
    if setup and STATE.setup is None:
        STATE.setup = setup
        try:
            set_up(setup)  # it passed in a child of its own (setup_only): every child starts after it
        except BaseException:
            pass  # it did not, this time: the modules are judged without it

    run_lookups(request.get("lookups", []), request["timeout"], request["output_limit"], emit)
    plan = Plan(request["groups"])
    if request.get("graph"):
        STATE.closures = Closures(request["graph"], request.get("unshared", []))
        STATE.failing = set(request.get("failing", []))
    serve("", plan, request["timeout"], request["output_limit"], request["sys_path"], emit)


if __name__ == "__main__":
    main()
