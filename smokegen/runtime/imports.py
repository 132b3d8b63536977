"""Runs every module's import in isolation, in the project's interpreter (see ``_runner.py``).

This is one of the few modules that starts processes. smokegen never imports project code
itself: the runner script runs under ``--python`` with the project's source roots first on
``sys.path`` and the project root as its working directory.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from smokegen.graph.imports import import_graph, reaching, strongly_connected
from smokegen.graph.index import ProjectIndex, may_run_on_import, prefixes, runs_on_every_import
from smokegen.model import (
    BuildVerdict,
    ClassPlan,
    EntryPoint,
    GuardKind,
    ImportStatus,
    ImportVerdict,
    ProjectModel,
    SkipReason,
    TraceFrame,
    Warned,
)
from smokegen.runtime import processes

if TYPE_CHECKING:
    from smokegen.runtime._runner import BuildSpec, Group, Record, Request, Setup

RUNNER = Path(__file__).with_name("_runner.py")


class RunnerError(Exception):
    """The runner itself failed: smokegen could not run (exit code 3)."""


@dataclass(frozen=True, slots=True)
class RuntimeOptions:
    python: str
    timeout: float = 10.0
    jobs: int = 1
    output_limit: int = 4000
    env: tuple[tuple[str, str], ...] = ()  # set on top of smokegen's own environment
    # Import what sibling modules import anyway once, before them (failures are confirmed from the
    # clean state); False imports every module from its ancestors only.
    share_imports: bool = True
    # A passing import reports the project files it loaded (``ImportVerdict.loaded``), for the verdict cache.
    report_loaded: bool = False
    # The framework set-up run before the imports: ("django", settings module) or ("call", "module:function").
    setup: tuple[str, str] | None = None

    def setup_request(self) -> Setup | None:
        return {"kind": self.setup[0], "target": self.setup[1]} if self.setup is not None else None

    def environment(self) -> dict[str, str]:
        return {**os.environ, **dict(self.env)}


def importable_modules(model: ProjectModel) -> list[str]:
    """Every module a fresh import can be tried on: scanned fine, and not a ``__main__`` (that runs the program)."""
    return sorted(m.name for m in model.modules if m.kind.imported)


def project_sys_path(root: Path, model: ProjectModel) -> list[str]:
    """The project's source roots, absolute: what goes first on the child's ``sys.path``."""
    return [str(root) if r == "." else str((root / r).resolve()) for r in model.source_roots]


def _request(root: Path, model: ProjectModel, options: RuntimeOptions) -> Request:
    """What every request to the runner holds: where the project is, the limits, the set-up."""
    request: Request = {
        "sys_path": project_sys_path(root, model),
        "timeout": options.timeout,
        "output_limit": options.output_limit,
        "groups": [],
        "tops": sorted({m.name.partition(".")[0] for m in model.modules}),
    }
    setup = options.setup_request()
    if setup is not None:
        request["setup"] = setup
    return request


def build_spec(plan: ClassPlan) -> BuildSpec:
    """A plan as the runner reads it (``_runner.build``)."""
    return {
        "name": plan.name,
        "source": plan.source.value if plan.source is not None else "",
        "arguments": [[a.keyword, a.code] for a in plan.arguments],
        "imports": [list(pair) for pair in plan.imports],
        "factory": plan.factory,
        "forwards": plan.forwards,
    }


def _groups(
    modules: list[str], plans: Mapping[str, tuple[ClassPlan, ...]], passing: Collection[str] = ()
) -> list[Group]:
    by_parent: dict[str, list[str]] = {}
    for name in modules:
        by_parent.setdefault(name.rpartition(".")[0], []).append(name)
    known: dict[str, list[str]] = {}
    for name in passing:
        known.setdefault(name.rpartition(".")[0], []).append(name)
    groups: list[Group] = []
    for parent, names in sorted(by_parent.items()):
        builds = {name: [build_spec(p) for p in plans[name] if p.source is not None] for name in names if name in plans}
        groups.append(
            {
                "parent": parent,
                "modules": sorted(names),
                "builds": {k: v for k, v in builds.items() if v},
                "passing": sorted(known.get(parent, [])),
            }
        )
    return groups


def _split(groups: list[Group], workers: int) -> list[list[Group]]:
    """Contiguous runs of groups in package order, of about equal size: a package's subpackages mostly
    land in the same worker, which imports their common ancestors once."""

    def size_of(group: Group) -> int:
        return len(group["modules"]) + sum(len(b) for b in group["builds"].values()) // 4

    total = sum(size_of(g) for g in groups)
    target = max(1, -(-total // workers))
    shares: list[list[Group]] = [[]]
    size = 0
    for group in groups:  # already sorted by parent
        if size >= target and len(shares) < workers:
            shares.append([])
            size = 0
        shares[-1].append(group)
        size += size_of(group)
    return [share for share in shares if share]


def entering_cycles(index: ProjectIndex) -> set[str]:
    """Project modules whose import may enter an import cycle (they are in one, or import one,
    transitively, through any import that may run on import). Importing such a module ahead of
    another changes where the cycle is entered, and with it whether a partly initialised module is
    read: ``import a`` may fail alone and pass once ``b``, in the same cycle, was imported first."""
    graph = import_graph(index, may_run_on_import)
    cyclic = {
        name
        for component in strongly_connected(graph)
        if len(component) > 1 and not anchored(component, graph)
        for name in component
    }
    return reaching(cyclic, graph)


def anchored(component: set[str], graph: Mapping[str, Iterable[str]]) -> bool:
    """Whether an import cycle is always entered at the same module, whoever imports it: one of its
    modules is a package holding all the others (Python imports it before any of them) and every
    cycle passes through it (without it, the rest imports acyclically). ``sphinx`` importing
    ``sphinx.util._pathlib``, which imports ``sphinx.errors``, is such a cycle: it runs the same way
    whichever module is imported first, so it changes nothing to import it ahead."""
    for anchor in component:
        inside = anchor + "."
        if not all(name == anchor or name.startswith(inside) for name in component):
            continue
        rest = {name: {t for t in graph.get(name, ()) if t in component and t != anchor} for name in component}
        del rest[anchor]
        return all(len(part) == 1 for part in strongly_connected(rest)) and not any(n in rest[n] for n in rest)
    return False


def shared_import_graph(model: ProjectModel) -> tuple[dict[str, list[str]], list[str]]:
    """Module -> what importing it imports for sure (imports that run on every import, uncaught):
    project modules, parents included, and third-party modules as named; and the project modules
    never to import ahead: those that may enter an import cycle, and those inside such a package (see
    :func:`entering_cycles`). The runner imports what several modules share once, before them
    (``_runner.Closures``); what an unshared module imports may still be shared."""
    index = ProjectIndex(model)
    unsafe = entering_cycles(index)
    graph = {name: set(edges) for name, edges in import_graph(index, runs_on_every_import).items()}
    unshared = sorted(
        {name for name in graph if any(prefix in unsafe for prefix in prefixes(name))}
        | {edge for edges in graph.values() for edge in edges if any(prefix in unsafe for prefix in prefixes(edge))}
    )
    for info in model.modules:
        for imp in info.imports:
            if not imp.resolved or index.is_project(imp.module) or not runs_on_every_import(imp):
                continue
            if imp.module == "__future__":
                continue
            graph[info.name].add(imp.module)
            if imp.name is not None and imp.name != "*":
                graph[info.name].add(f"{imp.module}.{imp.name}")  # a submodule, or an attribute (then skipped)
    return {name: sorted(edges) for name, edges in sorted(graph.items()) if edges}, unshared


_DETAIL_KEYS = {
    ImportStatus.EXIT: "code",
    ImportStatus.SIGNAL: "signal",
    ImportStatus.TIMEOUT: "seconds",
    ImportStatus.PARENT_FAILED: "parent",
    ImportStatus.LOST: "why",
}


def _detail(status: ImportStatus, record: Mapping[str, Any], default: str = "") -> str:
    """The exit code, the signal name, the timeout or the parent package, as the runner reported it."""
    key = _DETAIL_KEYS.get(status)
    return str(record.get(key, "")) if key is not None else default


def _verdict(record: Record) -> ImportVerdict:
    status = ImportStatus(record["status"])
    detail = _detail(status, record)
    return ImportVerdict(
        module=record["module"],
        status=status,
        exc_type=str(record.get("type", record.get("via", ""))),
        message=str(record.get("message", "")),
        frames=_frames(record),
        detail=detail,
        output=str(record.get("output", "")),
        missing=str(record.get("missing", "")),
        builds=tuple(build_verdict(record["module"], b) for b in record.get("builds", ())),
        loaded=tuple(str(path) for path in record.get("loaded", ())),
        warnings=_warned(record),
    )


def _warned(record: Mapping[str, Any]) -> tuple[Warned, ...]:
    return tuple(Warned(str(w[0]), str(w[1]), str(w[2]), int(w[3] or 0)) for w in record.get("warnings", ()))


def _frames(record: Mapping[str, Any]) -> tuple[TraceFrame, ...]:
    return tuple(
        TraceFrame(str(f[0]), int(f[1] or 0), str(f[2]), str(f[3]) if len(f) > 3 else "")
        for f in record.get("frames", [])
    )


def build_verdict(module: str, record: dict[str, Any]) -> BuildVerdict:
    """A runner's build record (``_runner.build``) as a :class:`BuildVerdict`."""
    status = ImportStatus(record["status"])
    skip = SkipReason(record["skip"]) if record.get("skip") else None
    detail = _detail(status, record, str(record.get("detail", "")))
    return BuildVerdict(
        module=module,
        name=str(record["build"]),
        status=status,
        skip=skip,
        exc_type=str(record.get("type", record.get("via", ""))),
        message=str(record.get("message", "")),
        frames=_frames(record),
        detail=detail,
        bases=tuple(str(b) for b in record.get("bases", ())),
        open_signature=bool(record.get("open", False)),
        compiled=bool(record.get("compiled", False)),
        by_name=bool(record.get("by_name", False)),
        warnings=_warned(record),
    )


def _launch(
    root: Path, options: RuntimeOptions, request: Request, budget: float, on_record: Callable[[Record], None]
) -> str | None:
    """Run a runner of its own on ``request`` (a :class:`_Session` for one request), under
    ``options.python``, in the project root, in a session of its own, and hand each record it appends
    to its records file to ``on_record`` as it arrives; the runner enforces every timeout itself,
    and is killed after ``budget`` seconds as a backstop. Whatever it leaves running is killed when
    it ends (:mod:`smokegen.runtime.processes`). None when it served the request, else why not."""
    session = _Session(root, options)
    try:
        return session.serve(request, budget, on_record)
    finally:
        session.close()


class _Session:
    """One runner (``_runner.py --serve``) serving requests one after another, for one worker: the
    interpreter starts, and the framework set-up runs, once per worker instead of once per share.
    Each request is bounded by its own backstop ``budget``; a runner that ends or is killed mid-way
    is not reused (the next request starts a new one)."""

    def __init__(self, root: Path, options: RuntimeOptions) -> None:
        self.root = root
        self.options = options
        self.proc: subprocess.Popen[bytes] | None = None
        self.tag = ""
        self.scratch: tempfile.TemporaryDirectory[str] | None = None
        self.errors: BinaryIO | None = None
        self.served = 0

    def serve(self, request: Request, budget: float, on_record: Callable[[Record], None]) -> str | None:
        """Send ``request``, hand its records to ``on_record``: None when it was served, else why not."""
        if self.proc is None:
            started = self._start()
            if started is not None:
                return started
        assert self.proc is not None and self.proc.stdin is not None and self.scratch is not None
        self.served += 1
        records = Path(self.scratch.name) / f"records-{self.served}.jsonl"
        records.touch()
        with records.open("rb") as feed:
            try:
                self.proc.stdin.write(json.dumps({**request, "records": str(records)}).encode() + b"\n")
                self.proc.stdin.flush()
            except OSError:
                pass  # it died: its exit code says so
            code = _follow_until(self.proc, feed, budget, on_record, lambda record: record.get("done") is True)
        if code is None:
            return None
        return self._ended(code)

    def _start(self) -> str | None:
        self.scratch = tempfile.TemporaryDirectory(prefix="smokegen-run-")
        self.errors = (Path(self.scratch.name) / "stderr").open("w+b")
        self.tag = processes.new_tag()
        try:
            self.proc = subprocess.Popen(
                [self.options.python, str(RUNNER), "--serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self.errors,
                cwd=self.root,
                env={**self.options.environment(), processes.TAG: self.tag},
                start_new_session=True,
            )
        except OSError as exc:
            self.close()
            return f"cannot start {self.options.python}: {exc}"
        processes.started(self.proc.pid, self.tag)
        return None

    def _ended(self, code: int) -> str | None:
        """The runner ended mid-request (code): why; the session is closed."""
        why: str | None
        if code == 0:
            why = None  # it ended at its end of input, having served this request: nothing is lost
        elif code < 0:
            why = f"{KILLED} {_signal_name(-code)} (by the project's code, or a crash)"
        else:
            assert self.errors is not None
            self.errors.seek(0)
            why = f"the import runner exited with {code}: {_cause(self.errors.read().decode('utf-8', 'replace'))}"
        self.close()
        return why

    def close(self) -> None:
        """End the runner (its input closed, then killed if it does not end), and whatever it left."""
        if self.proc is not None:
            try:
                if self.proc.stdin is not None:
                    self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            processes.finished(self.proc.pid, self.tag)
            self.proc = None
        if self.errors is not None:
            self.errors.close()
            self.errors = None
        if self.scratch is not None:
            self.scratch.cleanup()
            self.scratch = None


def _follow_until(
    proc: subprocess.Popen[bytes],
    feed: BinaryIO,
    budget: float,
    on_record: Callable[[Record], None],
    last: Callable[[dict[str, Any]], bool],
) -> int | None:
    """Read records from ``feed`` as the runner appends them until one is ``last`` (None), or the
    runner ends (its exit code), or ``budget`` seconds pass (it is killed: its exit code)."""
    deadline = time.monotonic() + budget
    pending = b""
    while True:
        code = proc.poll()
        chunk = feed.read()
        if chunk:
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines:
                try:
                    record = json.loads(line) if line.startswith(b"{") else None
                except ValueError:
                    record = None  # not a record; a missing verdict is reported by the caller
                if isinstance(record, dict):
                    if last(record):
                        return None
                    on_record(record)  # type: ignore[arg-type]  # the runner writes Records
            continue
        if code is not None:
            return code
        if time.monotonic() > deadline:
            proc.kill()
            return proc.wait()
        time.sleep(0.02)


KILLED = "the import runner was killed by"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _cause(stderr: str) -> str:
    """What a runner that died said about why: an interpreter that could not start says it in its
    "Fatal Python error" line (a bad PYTHONHOME in env), anything else in its last line."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith("Fatal Python error")]
    if fatal:
        errors = [line for line in lines if line not in fatal and (line.endswith("Error") or "Error:" in line)]
        cause = "; ".join([fatal[0], *errors[:1]])
        return f"{cause} (the interpreter could not start: check --python and the env setting)"
    return lines[-1] if lines else "no output"


def cannot_start(options: RuntimeOptions) -> str | None:
    """Why the project's interpreter does not start under the configured ``env`` (a PYTHONHOME that
    does not exist...), asked before any long work; None when it starts, or ``env`` sets nothing."""
    if not options.env:
        return None
    try:
        run = subprocess.run(
            [options.python, "-c", "pass"],
            env=options.environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=False,
            start_new_session=True,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if run.returncode == 0:
        return None
    return _cause(run.stderr.decode("utf-8", "replace")).split(" (the interpreter could not start", 1)[0]


def run_imports(
    root: Path,
    model: ProjectModel,
    options: RuntimeOptions,
    progress: Callable[[int, int], None] | None = None,
    plans: Mapping[str, tuple[ClassPlan, ...]] | None = None,
    only: tuple[str, ...] | None = None,
    passing: Collection[str] = (),
    failing: Collection[str] = (),
) -> tuple[ImportVerdict, ...]:
    """One verdict per importable module (or per module of ``only``), identical whatever ``jobs`` is;
    a module that imports builds the classes ``plans`` plans for it (each in a child of its own).
    ``passing``: modules not imported here that are known to pass (kept verdicts); a failure is
    retried after them as after its other passing siblings. ``failing``: modules that failed last
    time (a hint, not a verdict): they are imported from the clean state at once, not first after
    shared imports, where a failure would have to be confirmed by a second import."""
    processes.begin()
    modules = sorted(only) if only is not None else importable_modules(model)
    if not modules:
        return ()
    sys_path = project_sys_path(root, model)
    graph, unshared = shared_import_graph(model)
    # More shares than workers, pulled from a queue: a worker that drew light packages takes more.
    shares = _split(_groups(modules, plans or {}, passing), 4 * max(1, options.jobs))
    queue = list(reversed(shares))
    verdicts: dict[str, ImportVerdict] = {}
    retries: dict[str, ImportStatus] = {}
    lock = threading.Lock()
    failures: list[str] = []

    def work(share: list[Group], session: _Session) -> None:
        request = _request(root, model, options)
        request["groups"] = share
        request["graph"] = graph if options.share_imports else {}
        request["unshared"] = unshared
        request["failing"] = sorted(set(failing) & {name for group in share for name in group["modules"]})
        request["loaded_from"] = sys_path if options.report_loaded else []

        seen: list[Record] = []

        def take(record: Record) -> None:
            seen.append(record)
            if "module" not in record:
                return
            with lock:
                if "after_siblings" in record:
                    retries[record["module"]] = ImportStatus(record["after_siblings"])
                else:
                    verdicts[record["module"]] = _verdict(record)
                    if progress is not None:
                        progress(len(verdicts), len(modules))

        builds = sum(len(b) for g in share for b in g["builds"].values())
        budget = (sum(len(g["modules"]) for g in share) * 2 + builds) * (options.timeout + 2) + 60
        failed = session.serve(request, budget, take)
        with lock:
            if failed is not None and not seen and not failed.startswith(KILLED):
                failures.append(failed)  # it could not run at all: the interpreter, not the project
                return
            left = [(group, name) for group in share for name in group["modules"] if name not in verdicts]
        for group, name in left:
            # The project's code took the runner down (a module that kills its parent): each module it
            # left unjudged is imported by a runner of its own, so only the one that does it is blamed.
            alone: Group = {
                "parent": group["parent"],
                "modules": [name],
                "builds": {name: group["builds"][name]} if name in group["builds"] else {},
                "passing": group.get("passing", []),
            }
            request["groups"] = [alone]
            again = _launch(root, options, request, (len(alone["builds"]) + 2) * (options.timeout + 2) + 60, take)
            with lock:
                if name not in verdicts:
                    why = (
                        f"importing it takes down the process that imports it ({again})"
                        if again
                        else "the runner reported no verdict for it"
                    )
                    verdicts[name] = ImportVerdict(name, ImportStatus.LOST, detail=why)

    def pull() -> None:
        session = _Session(root, options)
        try:
            while not processes.stopping():
                with lock:
                    if not queue:
                        return
                    share = queue.pop()
                work(share, session)
        finally:
            session.close()

    threads = [threading.Thread(target=pull) for _ in range(min(max(1, options.jobs), len(shares)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RunnerError(f"the isolated import runner failed ({'; '.join(failures)})")
    out = []
    for name in modules:
        verdict = verdicts[name]
        if name in retries:
            verdict = dataclasses.replace(verdict, after_siblings=retries[name])
        out.append(verdict)
    return tuple(out)


def run_setup(root: Path, model: ProjectModel, options: RuntimeOptions) -> ImportVerdict | None:
    """The framework set-up (``options.setup``), run alone in a fresh child: its verdict as that of a
    module named by its kind ("django"); None when there is no set-up."""
    setup = options.setup_request()
    if setup is None:
        return None
    processes.begin()
    request = _request(root, model, options)
    request["setup_only"] = True
    found: list[ImportVerdict] = []

    def take(record: Record) -> None:
        if "setup" in record:
            record["module"] = record.pop("setup")
            found.append(_verdict(record))

    failed = _launch(root, options, request, options.timeout * 2 + 60, take)
    if not found:
        raise RunnerError(f"the runner stopped early ({failed or 'no verdict for the set-up'})")
    return found[0]


LOOKUP_NAME_ABSENT = "smokegen.MissingName"  # the exc_type of a lookup whose module imports but lacks the name


@dataclass(frozen=True, slots=True)
class Lookup:
    """``module:attr.path`` to resolve in a fresh child."""

    key: str
    value: str
    callable: bool = False
    submodules: bool = False  # import ``module.attr`` for a missing attribute, as ``from m import x`` does


def run_lookups(
    root: Path, model: ProjectModel, options: RuntimeOptions, lookups: list[Lookup]
) -> dict[str, ImportVerdict]:
    """Resolve each lookup in a fresh child of a clean runner; a verdict per key."""
    if not lookups:
        return {}
    processes.begin()
    request = _request(root, model, options)
    request["lookups"] = [
        {"key": item.key, "value": item.value, "callable": item.callable, "submodules": item.submodules}
        for item in lookups
    ]
    found: dict[str, ImportVerdict] = {}

    def take(record: Record) -> None:
        if "lookup" in record:
            key = record.pop("lookup")
            record["module"] = key
            found[key] = _verdict(record)

    failed = _launch(root, options, request, len(lookups) * (options.timeout + 2) + 60, take)
    missing = [item.key for item in lookups if item.key not in found]
    if missing:
        raise RunnerError(f"the runner stopped early ({failed or 'no verdict for ' + missing[0]})")
    return found


def entry_point_lookups(model: ProjectModel) -> dict[EntryPoint, Lookup]:
    """Each declared entry point, loaded as the installer's script wrapper would."""
    return {
        # submodules: a script wrapper's `from module import attr` imports a submodule it names, too
        e: Lookup(f"entry-point {e.group}:{e.name}", e.value, e.group in ("console_scripts", "gui_scripts"), True)
        for e in model.entry_points
    }


def type_checking_lookups(model: ProjectModel, unknown: Callable[[str, str], bool]) -> list[Lookup]:
    """``from pkg.mod import Name`` under TYPE_CHECKING from the project's own modules, where
    ``unknown(module, name)``: the static check could not tell (``__getattr__``, star imports from
    elsewhere...). Names the module binds under TYPE_CHECKING itself are fine and never looked up;
    modules with a ``.pyi`` stub are what the type checker reads, and are not looked up either."""
    stubs = set(model.stub_modules)
    seen: dict[str, Lookup] = {}
    for info in model.modules:
        for imp in info.imports:
            if not imp.resolved or imp.name is None or imp.name == "*" or imp.module in stubs:
                continue
            if any(g.kind is GuardKind.TYPE_CHECKING for g in imp.guards) and unknown(imp.module, imp.name):
                value = f"{imp.module}:{imp.name}"
                seen.setdefault(value, Lookup(value, value, submodules=True))
    return sorted(seen.values(), key=lambda item: item.key)
