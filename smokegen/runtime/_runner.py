"""Isolated imports, run inside the project's interpreter. Standard library only; never imported
by smokegen itself: smokegen starts it as ``python _runner.py`` and talks JSON over pipes. (The
generated smoke suite's ``smokegen.testing`` imports it in the project's own test process, to
judge a constructor the way the runner does.)

Input (stdin, one JSON object): ``{"sys_path": [...], "timeout": s, "output_limit": n,
"groups": [{"parent": "a.b", "modules": ["a.b.c", ...], "passing": [...]}], "lookups": [{"key", "value": "mod:attr",
"callable": bool, "submodules": bool}]}`` (lookups: entry points, names imported under TYPE_CHECKING).
Output (stdout): one JSON object per line and module: ``{"module", "status", ...}`` where status
is ok | error | exit | signal | timeout | parent-failed, plus ``"after_siblings": "ok"`` for a
failed module that imports fine once its passing siblings were imported first. With
``"loaded_from": [roots]`` in the request, a passing import lists the files it loaded from them
(``"loaded"``), for smokegen's verdict cache.

Isolation. A fresh ``import a.b.c`` runs ``a`` and ``a.b`` first. This clean process forks one
child per top-level module, then a *zygote* per package that imports just that package and
does the same one level down (see ``serve``): every child starts from exactly the state a fresh
interpreter reaches just before running the module, ancestor imports are paid once per package,
and whatever a module does (sys.exit, os._exit, poisoning sys.modules, monkeypatching, a
segfault, an endless loop) dies with its child. Where fork is unavailable, or the ancestors
started threads (fork would not copy them), each module runs in a fresh interpreter instead
(same verdicts, slower).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from typing import IO, TYPE_CHECKING, Any, Callable, Dict, List, Sequence, Set, Tuple

# --- the protocol ---------------------------------------------------------------------------------
# smokegen (``smokegen.runtime.imports``) writes one Request to this script's stdin and reads Records,
# one JSON object per line, from its stdout. These declarations are the protocol's one definition;
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
        loaded_from: List[str]  # roots whose loaded files a passing import lists (the verdict cache)
        setup: Setup  # the framework set-up production runs before anything imports the project
        setup_only: bool  # run the set-up in a child and report it (a "setup" record); import nothing

    class Setup(TypedDict):
        kind: str  # "django": DJANGO_SETTINGS_MODULE set, then django.setup(); "call": module:function()
        target: str  # the settings module, or "module:function"

    class Record(TypedDict, total=False):
        """One line of output: a module's verdict, a retry's, a lookup's, or (nested) a build's."""

        module: str
        lookup: str  # instead of module: the Lookup's key
        setup: str  # instead of module: the set-up's kind (with setup_only)
        status: str  # ok | error | exit | signal | timeout | parent-failed
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
        loaded: List[str]  # ok, with loaded_from: the project files the import loaded
        after_siblings: str  # a retry: the status of the import after its passing siblings
        builds: List[Dict[str, Any]]  # ok: one record per BuildSpec, with "build" (its name), "status", "skip"...


Result = Dict[str, Any]
HAVE_FORK = hasattr(os, "fork")


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
        # The framework set-up, run in every fresh interpreter before its imports.
        self.setup: Setup | None = None


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
    try:
        importlib.import_module(module)
    except SystemExit as exc:
        frames = _error_result(exc)["frames"]
        return {"status": "exit", "code": repr(exc.code), "via": "sys.exit", "frames": frames}
    except BaseException as exc:
        return _error_result(exc)
    if STATE.loaded_from:
        return {"status": "ok", "loaded": loaded_files(STATE.loaded_from)}
    return {"status": "ok"}


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


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data) :]


def _write_record(fd: int, record: Result) -> None:
    _write_all(fd, (json.dumps(record) + "\n").encode())


# --- children: every fork goes through _fork, every wait through _collect and _reap ----------------


def _fork(body: Callable[[int], int], output: IO[bytes] | None = None, failed: int = 1) -> Tuple[int, int]:
    """Fork a child that runs ``body(write_end)`` (its end of a pipe back to this process), with
    stdin from /dev/null and, given ``output``, stdout and stderr into that file; the child exits
    with what ``body`` returns (``failed`` if it raises) and never returns into the caller. Here:
    the child's pid and the read end of the pipe."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = failed
        try:
            os.close(read_end)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            if output is not None:
                os.dup2(output.fileno(), 1)
                os.dup2(output.fileno(), 2)
            code = body(write_end)
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _collect(read_end: int, timeout: float | None = None, then: float | None = None) -> Tuple[bytes, bool]:
    """What the child writes until it closes its end of the pipe (closed here after). With ``timeout``:
    stop after that many seconds, or ``then`` seconds after the first full record arrives, whichever
    was set last; True when the time ran out first."""
    chunks: List[bytes] = []
    deadline = None if timeout is None else time.monotonic() + timeout
    first_seen = False
    timed_out = False
    while True:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], min(left, 0.5))
            if not ready:
                continue
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
        if then is not None and not first_seen and b"\n" in chunk:
            first_seen = True
            deadline = time.monotonic() + then
    os.close(read_end)
    return b"".join(chunks), timed_out


def _reap(pid: int, kill: bool = False) -> int:
    """Wait for the child (killed first when ``kill``); its wait status."""
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    return status


def _quiet_import(timeout: float, load: Callable[[], Any]) -> Any:
    """``load()`` with stderr silenced, under an alarm that kills this process after ``timeout``
    seconds (a zygote's own import: a hang there is reported by the module's own child)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    saved = os.dup(2)
    os.dup2(devnull, 2)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(int(timeout) + 1)
    result = load()
    signal.alarm(0)
    os.dup2(saved, 2)
    return result


def _records(raw: bytes) -> List[Result]:
    out: List[Result] = []
    for line in raw.decode("utf-8", "replace").splitlines():
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                out.append(record)
    return out


def _ended(status: int, text: str) -> Result:
    """How a child that wrote no (further) verdict ended."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "signal %d" % number
        return {"status": "signal", "signal": name, "output": text}
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
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

    def child(write_end: int) -> int:
        verdict = action() if action is not None else attempt(module, preload)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            pass
        _write_record(write_end, verdict)
        if builds and verdict.get("status") == "ok":
            run_builds(module, builds, timeout, limit, lambda record: _write_record(write_end, record), isolate_builds)
        return 0

    pid, read_end = _fork(child, output, failed=0)
    # once imported, each build has its own time
    raw, timed_out = _collect(read_end, timeout, then=len(builds) * (timeout + 1) + 1)
    status = _reap(pid, kill=timed_out)
    text = _read_output(output, limit)
    output.close()
    records = _records(raw)
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


def run_spawned(
    module: str,
    timeout: float,
    limit: int,
    sys_path: List[str],
    preload: Sequence[str] = (),
    builds: Sequence[BuildSpec] = (),
) -> Result:
    """A fresh interpreter for ``module``: the fallback when forking is unavailable or unsafe."""
    request = json.dumps(
        {
            "module": module,
            "preload": list(preload),
            "sys_path": sys_path,
            "builds": list(builds),
            "timeout": timeout,
            "output_limit": limit,
            "loaded_from": STATE.loaded_from,
            "setup": STATE.setup,
        }
    )
    with tempfile.TemporaryFile() as output:
        try:
            proc = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--single", request],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=output,
                timeout=timeout + len(builds) * (timeout + 1),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            text = _read_output(output, limit)
            records = _records(exc.stdout or b"")
            timed_out: Result = {"status": "timeout", "seconds": timeout, "output": text}
            if records and records[0].get("status") == "ok" and builds:
                return _with_builds(records[0], records[1:], builds, timed_out)
            return timed_out
        text = _read_output(output, limit)
    records = _records(proc.stdout)
    if proc.returncode < 0:
        try:
            name = signal.Signals(-proc.returncode).name
        except ValueError:
            name = "signal %d" % -proc.returncode
        ending: Result = {"status": "signal", "signal": name, "output": text}
    else:
        ending = {"status": "exit", "code": str(proc.returncode), "via": "os._exit", "output": text}
    if not records:
        return ending
    first = records[0]
    first["output"] = text
    if not builds or first.get("status") != "ok":
        return first
    finished = all(any(r.get("build") == b["name"] for r in records) for b in builds)
    return _with_builds(first, records[1:], builds, None if finished else ending)


def _single(request: str) -> None:
    """``--single``: import one module in this fresh interpreter, output to stderr, verdict to stdout."""
    data = json.loads(request)
    sys.path[:0] = data["sys_path"]
    STATE.loaded_from = list(data.get("loaded_from", []))
    real_stdout = os.dup(1)
    os.dup2(2, 1)
    if data.get("setup"):
        try:
            set_up(data["setup"])
        except BaseException:
            pass  # judged on its own (a "setup" record); the module is then imported without it
    result = attempt(data["module"], data["preload"])
    sys.stdout.flush()
    _write_record(real_stdout, result)
    if data.get("builds") and result.get("status") == "ok":
        STATE.root = os.getcwd()
        STATE.workdir = tempfile.mkdtemp(prefix="smokegen-build-")
        run_builds(
            data["module"],
            data["builds"],
            data["timeout"],
            data["output_limit"],
            lambda record: _write_record(real_stdout, record),
        )
        os.chdir(os.path.dirname(STATE.workdir))
        shutil.rmtree(STATE.workdir, ignore_errors=True)
    os._exit(0)


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
    import inspect

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
    import inspect

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
    for part in spec["name"].split("."):
        target = getattr(target, part, None)
    factory = spec["source"] == "factory"
    skipped = preflight(target, spec["name"], factory)
    if skipped is not None:
        return skipped
    signature, open_signature = signature_of(target, factory)
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
        target(*positional, **keywords)
    except BaseException as exc:
        inner = traceback.extract_tb(exc.__traceback__)[-1:]
        by_call = bool(inner) and inner[0].filename == __file__ and inner[0].name == "build"
        return call_failure(exc, by_call, factory, bool(spec["forwards"]), open_signature, compiled)
    return {"status": "ok"}


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

    def __init__(self, graph: Dict[str, List[str]]) -> None:
        self.graph = graph
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
        return sorted(s for s in self.of(module) if module not in self.of(s))


def _preload(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        parent = name.rpartition(".")[0]
        return exc.name == name and bool(parent) and parent in sys.modules  # ``from x import y``: y is no module
    except BaseException:
        return False
    return True


def _with_shared_imports(
    modules: List[str], timeout: float, limit: int, emit: Callable[[Result], None], builds: Dict[str, List[BuildSpec]]
) -> Set[str]:
    """Import modules from zygotes that first import what several of them import anyway (a module
    imported by many siblings, such as ``sphinx.application``, is then imported once, not once per
    module). Only passing verdicts are emitted: a module that fails here is imported again by the
    caller from the clean state, so a failure is always the fresh interpreter's. Returns the modules
    whose verdict was emitted."""
    closures = STATE.closures
    if closures is None or len(modules) < 2:
        return set()
    passed: Set[str] = set()
    remaining = list(modules)
    while len(remaining) >= 2:
        loaded = sys.modules
        pending = {
            m: [s for s in closures.shared(m) if s not in loaded and s not in STATE.preloaded] for m in remaining
        }
        counts: Dict[str, int] = {}
        for names in pending.values():
            for name in names:
                counts[name] = counts.get(name, 0) + 1
        scored = [
            (count * (1 + sum(1 for x in closures.of(name) if x not in loaded)), name)
            for name, count in counts.items()
            if count >= 2
        ]
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
        if refused:  # that import fails here: never share it again (these modules run from the clean state)
            STATE.preloaded.add(refused)
    return passed


def _fork_with(
    names: List[str],
    group: List[str],
    timeout: float,
    limit: int,
    emit: Callable[[Result], None],
    builds: Dict[str, List[BuildSpec]],
) -> Tuple[Set[str], str]:
    """A zygote that imports ``names``, then imports ``group`` (sharing further); the modules it passed,
    and the name whose import failed (nothing was imported from that zygote then)."""

    def zygote(write_end: int) -> int:
        STATE.preloaded.update(names)
        refused = _quiet_import(
            timeout, lambda: next((name for name in names if name not in sys.modules and not _preload(name)), "")
        )
        passed: Set[str] = set()
        if refused:
            _write_all(write_end, ("!" + refused).encode())
        elif threading.active_count() == 1:
            passed = _with_shared_imports(group, timeout, limit, emit, builds)
            for module in group:
                if module in passed:
                    continue
                verdict = run_forked(module, timeout, limit, builds=builds.get(module, ()))
                if verdict["status"] == "ok":
                    verdict["module"] = module
                    emit(verdict)
                    passed.add(module)
        _write_all(write_end, "\n".join(sorted(passed)).encode())
        return 0

    pid, read_end = _fork(zygote)
    raw, _ = _collect(read_end)
    status = _reap(pid)
    words = raw.decode().split()
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return set(), ""  # its modules are imported again from the clean state (their new verdicts win)
    if words and words[0].startswith("!"):
        return set(), words[0][1:]
    return set(words), ""


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
    shared = set() if unsafe else _with_shared_imports(modules, timeout, limit, emit, builds)
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
    ``a.b`` first anyway, so every child starts exactly where a fresh interpreter would."""
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

        def zygote(write_end: int, sub: str = sub) -> int:  # the zygote for ``sub``
            os.close(write_end)
            verdict = _quiet_import(timeout, lambda: attempt(sub))  # a hang here is reported by sub's own child
            if verdict["status"] != "ok":
                for module in plan.under(sub):
                    emit({"module": module, "status": "parent-failed", "parent": sub})
            else:
                serve(sub, plan, timeout, limit, sys_path, emit)
            return 0

        pid, read_end = _fork(zygote)
        os.close(read_end)
        _reap(pid)


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
    if len(sys.argv) == 3 and sys.argv[1] == "--single":
        if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
            del sys.path[0]
        _single(sys.argv[2])
        return
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # the folder of this script is not the project's
    request: Request = json.loads(sys.stdin.read())
    sys.path[:0] = request["sys_path"]
    STATE.loaded_from = list(request.get("loaded_from", []))
    STATE.workdir = tempfile.mkdtemp(prefix="smokegen-build-")
    STATE.root = os.getcwd()
    out = os.dup(1)  # verdicts go here, whichever process of the tree writes them
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)  # what imports print in the zygotes is not mixed into the verdicts

    def emit(record: Result) -> None:
        _write_record(out, record)

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
    if setup:
        STATE.setup = setup
        try:
            set_up(setup)  # it passed in a child of its own (setup_only): every child starts after it
        except BaseException:
            pass  # it did not, this time: the modules are judged without it

    run_lookups(request.get("lookups", []), request["timeout"], request["output_limit"], emit)
    plan = Plan(request["groups"])
    if request.get("graph"):
        STATE.closures = Closures(request["graph"])
    try:
        serve("", plan, request["timeout"], request["output_limit"], request["sys_path"], emit)
    finally:
        shutil.rmtree(STATE.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
