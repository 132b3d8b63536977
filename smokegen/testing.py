"""smokegen's runtime for the generated smoke suite: small, documented, stable.

The files ``smokegen generate`` writes call only this module (besides pytest and the standard
library). Every check here is the one ``smokegen check`` runs, judged by the same rules, so the
suite and the command agree:

``project(__file__, root)``
    The project the suite belongs to, ``root`` relative to the test file's folder. Puts the
    project's source roots first on ``sys.path`` (and its root last, for factories in its tests),
    as the isolated runner does.
``assert_imports(project, module)``
    Imports ``module`` in a fresh child of the project's interpreter (this one), isolated exactly
    as ``smokegen check`` isolates it. Fails with smokegen's finding and the child's traceback;
    skips when the failure is a warning (needs configuration, an optional dependency).
``require_import(project, module)``
    Skips the calling test when ``module`` does not import in a fresh interpreter (its own import
    test fails for it), so a broken module fails one test, not every test of its classes, and
    no test depends on what other tests imported before it.
``constructing(project, "module:Class")``
    Context manager around a constructor call written out in the test. Skips a class that turns
    out not to be buildable (abstract at run time, a C constructor refusing the call, a deliberate
    ``raise ValueError``); skips with the finding for SG211/SG212 (warnings); re-raises the real
    exception for SG210, with smokegen's message attached as a note. The call runs in an empty
    scratch working folder and, on POSIX in the main thread, under the project's ``timeout``.
``assert_entry_point(project, "group:name")``
    Loads a declared entry point in a fresh child, as the installer's script wrapper would.
``assert_mypy(project)``
    The mypy stage of ``smokegen check``; fails with its report.

Importing this module is cheap: smokegen's scanner (libcst) is loaded on the first check.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import os
import shutil
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from smokegen.graph.index import ProjectIndex
    from smokegen.model import ClassPlan, Finding, ImportVerdict, ProjectModel
    from smokegen.project.environment import Environment
    from smokegen.runtime.imports import RuntimeOptions
    from smokegen.scan.loader import LoadedProject

__all__ = [
    "Project",
    "assert_entry_point",
    "assert_imports",
    "assert_mypy",
    "constructing",
    "project",
    "require_import",
]


@dataclass(frozen=True)
class Project:
    """A project under test: its root folder."""

    root: Path


def project(test_file: str, root: str) -> Project:
    """The project whose smoke suite ``test_file`` is; its source roots go first on ``sys.path``."""
    found = Project((Path(test_file).resolve().parent / root).resolve())
    load(found)
    return found


def load(found: Project) -> _State:
    """Scan ``found`` (once per process) and put its source roots first on ``sys.path`` (its root last)."""
    state = _state(found.root)
    for folder in reversed(state.sys_path):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    if str(found.root) not in sys.path:
        sys.path.append(str(found.root))
    if state.options.setup is not None:
        _set_up_here(state.options.setup)
    return state


@functools.cache
def _set_up_here(setup: tuple[str, str]) -> None:
    """The framework set-up in this test process too, once (class tests build here), as ``check``
    runs it before every import; not again where it already ran (pytest-django sets Django up)."""
    kind, target = setup
    if kind == "django":
        try:
            registry = importlib.import_module("django.apps").apps
        except ImportError:
            return  # not installed here: the import tests say so
        if registry.ready:
            return
    from smokegen.runtime import _runner

    try:
        _runner.set_up({"kind": kind, "target": target})
    except Exception:
        pass  # judged by the import tests; what needs it then fails as it would in production


@dataclass(frozen=True)
class _State:
    loaded: LoadedProject
    index: ProjectIndex
    options: RuntimeOptions
    optional: frozenset[str]
    plans: dict[str, ClassPlan]
    sys_path: list[str]
    application: bool = False
    env: Environment | None = None  # the test process's interpreter (the project's)

    @property
    def model(self) -> ProjectModel:
        return self.loaded.model


@functools.cache
def _state(root: Path) -> _State:
    from smokegen.graph.index import ProjectIndex
    from smokegen.pipeline import optional_imports
    from smokegen.plan.synth import plan_classes
    from smokegen.project.deps import read_dependencies
    from smokegen.project.environment import probe
    from smokegen.project.frameworks import find_setup
    from smokegen.runtime.imports import RuntimeOptions, project_sys_path
    from smokegen.scan.loader import load_project

    loaded = load_project(root, jobs=1)
    model, config = loaded.model, loaded.config
    env = probe(sys.executable)
    deps = read_dependencies(root, model.name, {name: dist.requires for name, dist in env.distributions.items()})
    plans = {p.key: p for group in plan_classes(model, dict(config.factories)).values() for p in group}
    application = loaded.application
    setup = find_setup(root, model, config.setup, dict(config.env), frozenset(env.distributions), detect=application)
    options = RuntimeOptions(
        python=sys.executable,
        timeout=config.timeout,
        jobs=1,
        env=config.env,
        setup=(setup.kind, setup.target) if setup is not None else None,
    )
    return _State(
        loaded,
        ProjectIndex(model),
        options,
        optional_imports(deps, env) if deps.known else frozenset(),
        plans,
        project_sys_path(root, model),
        application,
        env,
    )


@functools.cache
def _import_verdict(root: Path, module: str) -> ImportVerdict:
    from smokegen.runtime.imports import run_imports

    state = _state(root)
    [verdict] = run_imports(root, state.model, state.options, only=(module,))
    return verdict


def _traceback(verdict: ImportVerdict) -> str:
    """The child's traceback, without the runner's own frames."""
    from smokegen.runtime.imports import LOOKUP_NAME_ABSENT

    lines = []
    for frame in verdict.frames:
        if frame.path.endswith("_runner.py") or frame.path.startswith("<frozen"):
            continue
        lines.append(f'  File "{frame.path}", line {frame.line}, in {frame.function}')
        if frame.text:
            lines.append(f"    {frame.text}")
    if lines:
        lines.insert(0, "Traceback of the fresh import (most recent call last):")
    kind = "AttributeError" if verdict.exc_type == LOOKUP_NAME_ABSENT else verdict.exc_type
    lines.append(f"{kind}: {verdict.message}" if verdict.message else kind)
    if verdict.output:
        lines += ["", "What the import printed:", verdict.output.rstrip()]
    return "\n".join(lines)


def _judged(findings: list[Finding], state: _State) -> tuple[str, str]:
    """("error" | "warning" | "silenced" | "", the findings as text); silenced ones count for nothing."""
    from smokegen.model import Severity
    from smokegen.pipeline import apply_silencing

    kept, silenced = apply_silencing(findings, state.model, state.loaded.config)
    errors = [f for f in kept if f.severity is Severity.ERROR]
    if errors:
        return "error", "\n".join(str(f) for f in errors)
    if kept:
        return "warning", "; ".join(str(f) for f in kept)
    if silenced:
        return "silenced", f"{silenced} finding(s) silenced by the project's configuration"
    return "", ""


def _outcome(kind: str, text: str) -> None:
    if kind == "error":
        pytest.fail(text, pytrace=False)
    if kind:
        pytest.skip(text)


def _import_judgement(root: Path, module: str) -> tuple[str, str]:
    """How ``smokegen check`` judges ``module``'s fresh import: ("ok" | "error" | "warning" |
    "silenced" | "", text); a module whose package fails is judged as its package."""
    from smokegen.checks.import_verdicts import import_findings
    from smokegen.model import ImportStatus

    state = _state(root)
    verdict = _import_verdict(root, module)
    if verdict.status is ImportStatus.OK:
        return "ok", ""
    if verdict.status is ImportStatus.PARENT_FAILED and verdict.detail and verdict.detail != module:
        kind, text = _import_judgement(root, verdict.detail)
        return kind, f"`import {module}` fails: its package {verdict.detail} does not import:\n{text}"
    config = state.loaded.config
    from smokegen.checks.external import host_tops

    hosted = host_tops(state.index, state.env) if state.env is not None else {}
    findings = import_findings(
        verdict, state.model, root, state.optional, config.environment_errors, state.application, hosted
    )
    kind, text = _judged(findings, state)
    if kind == "error":
        return kind, f"{text}\n\n{_traceback(verdict)}"
    if not kind:
        return "", f"`import {module}` fails, which is not a finding here: {verdict.exc_type}: {verdict.message}"
    return kind, text


def assert_imports(project: Project, module: str) -> None:
    """``import module`` in a fresh child, judged as ``smokegen check`` judges it: an error fails
    the test, anything else that is not a clean import skips it with the reason."""
    kind, text = _import_judgement(project.root, module)
    if kind == "ok":
        return
    _outcome(kind or "skip", text)


def require_import(project: Project, module: str, name: str = "") -> None:
    """Skip the calling test unless ``module`` imports in a fresh interpreter (and, with ``name``,
    defines it once imported: a class defined under a condition may not exist)."""
    import importlib

    from smokegen.model import ImportStatus

    verdict = _import_verdict(project.root, module)
    if verdict.status is not ImportStatus.OK:
        why = f"{verdict.exc_type}: {verdict.message}" if verdict.exc_type else verdict.status.value
        pytest.skip(f"`import {module}` fails in a fresh interpreter ({why}); test_import[{module}] reports it")
    if name and not hasattr(importlib.import_module(module), name):
        pytest.skip(f"{module}:{name} is not built: not-a-class: '{module}' defines no '{name}' once imported")


class _Timeout(BaseException):
    """The constructor did not return in time (raised by the alarm)."""


class constructing:
    """``with constructing(project, "pkg.mod:Class"): Class(...)``: judge the call as ``smokegen check`` does."""

    def __init__(self, project: Project, key: str, call_code: Any = None) -> None:
        self.project = project
        self.key = key
        self._call_code = call_code  # the code object making the call, when it is not the caller's frame
        self.module, _, self.name = key.partition(":")
        self._workdir = ""
        self._cwd = ""
        self._caller: Any = None
        self._alarm = False
        self._open = False
        self._compiled = False
        self._built: ClassPlan | None = None  # the plan, found when the block is entered
        self._running: set[int] = set()

    def _plan(self, state: _State) -> ClassPlan:
        from smokegen.model import BuildSource, ClassPlan, Location

        found = state.plans.get(self.key)
        if found is not None:
            return found
        return ClassPlan(
            self.module, self.name, Location(self.module.replace(".", "/") + ".py", 1, 1), BuildSource.DEFAULTS
        )

    def __enter__(self) -> constructing:
        from smokegen.model import BuildSource
        from smokegen.runtime import _runner

        state = _state(self.project.root)
        plan = self._built = self._plan(state)
        module = importlib.import_module(self.module)
        self._compiled = not str(getattr(module, "__file__", "") or "").endswith(".py")
        target: Any = module
        for part in self.name.split("."):
            target = getattr(target, part, None)
        factory = plan.source is BuildSource.FACTORY
        skipped = _runner.preflight(target, self.name, factory)
        if skipped is not None:
            pytest.skip(f"{self.key} is not built: {skipped['skip']}: {skipped['detail']}")
        signature, self._open = _runner.signature_of(target, factory)
        if signature is not None and not factory:
            # as the runner does before the call: the arguments must fit the signature seen at run time
            positional = [None for a in plan.arguments if a.keyword is None]
            keywords = {a.keyword: None for a in plan.arguments if a.keyword is not None}
            try:
                signature.bind(*positional, **keywords)
            except TypeError as exc:
                pytest.skip(
                    f"{self.key} is not built: required-args: its signature at run time is {self.name}{signature}: {exc}"
                )
        self._caller = self._call_code if self._call_code is not None else sys._getframe(1).f_code
        from smokegen.runtime import processes

        self._running = processes.descendants(os.getpid())  # what the constructor starts is ended after it
        self._cwd = os.getcwd()
        self._workdir = tempfile.mkdtemp(prefix="smokegen-build-")
        os.chdir(self._workdir)
        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            self._alarm = True
            signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, state.options.timeout)
        return self

    def _restore(self) -> None:
        if self._alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
        from smokegen.runtime import processes

        processes.end_started_since(self._running)
        os.chdir(self._cwd)
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._restore()
        if exc is None or isinstance(exc, (pytest.skip.Exception, pytest.fail.Exception)):
            return None
        from smokegen.checks.build_verdicts import judge
        from smokegen.model import BuildSource, Finding
        from smokegen.runtime import _runner
        from smokegen.runtime.imports import build_verdict

        state = _state(self.project.root)
        plan = self._built
        assert plan is not None  # set by __enter__, which ran: the block was entered
        if isinstance(exc, _Timeout):
            result: dict[str, Any] = {"status": "timeout", "seconds": state.options.timeout}
        else:
            inner = tb
            while inner is not None and inner.tb_next is not None:
                inner = inner.tb_next
            by_call = inner is not None and inner.tb_frame.f_code is self._caller
            factory = plan.source is BuildSource.FACTORY
            result = _runner.call_failure(exc, by_call, factory, plan.forwards, self._open, self._compiled)
        build = build_verdict(self.module, {"build": self.name, **result})
        if build.skip is not None:
            pytest.skip(f"{self.key} is not built: {build.skip.value}: {build.detail}")
        judged = judge(build, plan, state.index, self.project.root, state.loaded.config.environment_errors)
        if judged is None:
            return None
        if isinstance(judged, str):
            pytest.skip(f"{self.key} is not built: rejected: {judged}")
        assert isinstance(judged, Finding)
        judgement, text = _judged([judged], state)
        if judgement != "error":
            pytest.skip(text)
        if not isinstance(exc, Exception):  # SystemExit, the timeout: not an exception pytest reports well
            pytest.fail(str(judged), pytrace=False)
        if sys.version_info >= (3, 11):
            exc.add_note(f"smokegen: {judged}")
        return None  # the real exception propagates


def _on_alarm(signum: int, frame: object) -> None:
    raise _Timeout("the constructor did not return in time")


def assert_entry_point(project: Project, key: str) -> None:
    """The declared entry point ``group:name`` loads (and a script's is callable), in a fresh child."""
    from smokegen.checks.external import host_provides
    from smokegen.checks.import_verdicts import entry_point_findings
    from smokegen.graph.hosts import host_of
    from smokegen.model import ImportStatus
    from smokegen.project.config import entry_point_locations
    from smokegen.runtime.imports import entry_point_lookups, run_lookups

    state = _state(project.root)
    group, _, name = key.partition(":")
    points = entry_point_lookups(state.model)
    matching = [p for p in points if p.group == group and p.name == name]
    if not matching:
        pytest.fail(f"the project declares no entry point {key} any more: run `smokegen generate`", pytrace=False)
    point = matching[0]
    verdict = run_lookups(project.root, state.model, state.options, [points[point]])[points[point].key]
    locations = entry_point_locations(project.root, (point,))
    host = host_of(point.group)
    hosts = {point: host_provides(host, state.env)} if host is not None and state.env is not None else {}
    findings = list(entry_point_findings({point: verdict}, locations, (), state.optional, hosts))
    kind, text = _judged(findings, state)
    _outcome(kind, f"{text}\n\n{_traceback(verdict)}" if kind == "error" and verdict.exc_type else text)
    if verdict.status is not ImportStatus.OK:
        pytest.skip(f"{key} does not load, which is not a finding here (an extra it needs is not installed)")


def assert_mypy(project: Project) -> None:
    """The mypy stage of ``smokegen check``, with the project's own configuration."""
    from smokegen.checks.typecheck import find_mypy_config, run_mypy
    from smokegen.model import Severity
    from smokegen.pipeline import apply_silencing

    state = _state(project.root)
    config = state.loaded.config
    try:
        here = importlib.metadata.version("mypy")  # this test process's interpreter is the project's
    except importlib.metadata.PackageNotFoundError:
        here = None
    cache = project.root / config.cache_dir / "mypy" if config.cache else None
    result = run_mypy(project.root, state.model, sys.executable, find_mypy_config(project.root), here, cache)
    kept, _ = apply_silencing(result.findings, state.model, state.loaded.config)
    if kept:
        errors = sum(f.severity is Severity.ERROR for f in kept)
        lines = [str(f) for f in kept]
        pytest.fail(f"mypy: {errors} error(s) in {result.files} files\n" + "\n".join(lines), pytrace=False)
