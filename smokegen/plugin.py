"""The pytest plugin (``pytest11`` entry point ``smokegen``): ``pytest --smokegen``.

Adds, to whatever else pytest collects, the items of the generated suite with no generated file:
``smokegen::import[pkg.mod]`` per module, ``smokegen::build[pkg.mod:Class]`` per class that can be
built, ``smokegen::entry_point[group:name]`` per declared entry point, ``smokegen::project_files``,
and ``smokegen::mypy`` when ``check`` would run its mypy stage. They are judged as the generated
suite's tests are (:mod:`smokegen.testing`): one ``smokegen check`` per run, split into items, so
they fail exactly where ``check`` reports errors. Collection reads the project statically (nothing
of it runs); the ids are the same in every pytest-xdist worker, so ``-n`` spreads them, and the
workers share one check.

Without ``--smokegen`` it does nothing beyond registering its options; importing it imports pytest
only (the scanner, libcst, is loaded when the flag is given).
"""

from __future__ import annotations

import ast
import os
import shutil
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from smokegen.util import startenv

startenv.record()  # pytest loads its plugins before conftest.py files and pytest-django set variables

if TYPE_CHECKING:
    from smokegen.testing import Project

_RUNS: set[str] = set()  # pytest-xdist run ids this controller started: their shared folders go at the end
_EARLY_RUN: list[str] = []  # the pytest-xdist run id the check started ahead shares its result under


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("smokegen", "smokegen: isolated imports and instantiation of the project")
    group.addoption(
        "--smokegen",
        action="store_true",
        default=False,
        help="Collect smokegen check's verdict as items: a module's findings and import, a class's build, "
        "an entry point, the project's files, mypy.",
    )
    group.addoption(
        "--smokegen-shard",
        default=None,
        metavar="K/N",
        help="Run only the K-th of N shares of the smoke tests (generated suite and --smokegen items), as "
        "`smokegen check --shard K/N` splits the modules; shard 1 also has the entry points, project files "
        "and mypy.",
    )
    group.addoption(
        "--smokegen-project",
        default=None,
        metavar="PATH",
        help="The project to smoke-test [default: pytest's rootdir].",
    )


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Any:
    """Start check now, in a thread, when this run will need it (``--smokegen``, or a generated suite
    among the paths it collects): it then runs while pytest starts up, the project's framework is
    set up (pytest-django's ``django.setup()``, right after this) and the tests are collected,
    instead of after. A check no test needs after all (deselected, ``-k``) is stopped once
    collection ends. A pytest-xdist controller starts it for its workers, which read its report."""
    try:
        _start_early(early_config)
    except Exception:  # only a head start: the first test that needs check runs it
        pass
    yield


def _start_early(config: pytest.Config) -> None:
    known = config.known_args_namespace
    if any(getattr(known, flag, False) for flag in ("help", "version", "collectonly", "looponfail", "pyargs")):
        return
    suites = _suites_ahead(config)
    if not suites and not getattr(known, "smokegen", False):
        return  # this run needs no check: nothing of smokegen's is loaded
    from smokegen import testing
    from smokegen.graph.shards import parse_shard

    projects = list(suites)
    if getattr(known, "smokegen", False):
        chosen = getattr(known, "smokegen_project", None)
        projects.insert(0, testing.Project(Path(chosen).resolve() if chosen else config.rootpath))

    spec = getattr(known, "smokegen_shard", None)
    if spec is not None:
        testing.use_shard(str(parse_shard(spec)))  # a bad one: pytest_configure says so, nothing starts
    # A pytest-xdist worker (or any pytest run inside one) shares under its run's id; a controller
    # under the id it gives its workers (pytest_configure), so that they read its check.
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    if not run_id and getattr(known, "numprocesses", None):
        run_id = getattr(known, "testrunuid", None) or uuid.uuid4().hex
        if not _RUNS:
            import atexit

            atexit.register(_remove_shared)  # pytest ended before unconfiguring (a usage or conftest error)
        _RUNS.add(run_id)
    _EARLY_RUN[:] = [run_id] if run_id else []
    for found in projects:
        testing.start_ahead(found, run_id)


def _suites_ahead(config: pytest.Config) -> list[Project]:
    """The projects of the generated suites this run collects, read from each suite's first file
    (its ``PROJECT = smoke.project(...)`` line, statically): the suite in the project's
    ``smoke_dir`` when it is under the paths given, and any suite folder given itself."""
    root = config.rootpath
    smoke_dir = "tests/smoke"
    if any((root / name).is_file() for name in (".smokegen.toml", "smokegen.toml")) or "smoke_dir" in _text(
        root / "pyproject.toml"
    ):
        from smokegen.project.config import read_project_config

        smoke_dir = read_project_config(root).config.smoke_dir
    given = _given(config)
    files = [root / smoke_dir / SUITE_FILE] if any(_under(root / smoke_dir, where) for where in given) else []
    for where in given:  # a suite folder, or one of its files, named on the command line
        folder = where.parent if where.name.startswith("test_smoke_") and where.suffix == ".py" else where
        files.append(folder / SUITE_FILE)
    projects: list[Project] = []
    for suite in dict.fromkeys(path.resolve() for path in files):
        if _ignored(config, suite):
            continue
        found = _suite_project(suite)
        if found is not None and found not in projects:
            projects.append(found)
    return projects


SUITE_FILE = "test_smoke_imports.py"  # every generated suite has it, with the PROJECT line


def _suite_project(suite: Path) -> Project | None:
    text = _text(suite)
    if not text.startswith("# Generated by smokegen"):
        return None
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["PROJECT"]:
            call = node.value
            if not isinstance(call, ast.Call):
                return None
            arguments = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg in ("root", "check")}
            from smokegen import testing

            return testing.project(str(suite), str(arguments["root"]), tuple(arguments.get("check", ())))
    return None


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _given(config: pytest.Config) -> list[Path]:
    """The paths this run collects: its arguments, else ``testpaths``, else the folder pytest runs in."""
    given = [str(arg).partition("::")[0] for arg in getattr(config.known_args_namespace, "file_or_dir", None) or []]
    base = config.invocation_params.dir
    if not given:
        given = [str(config.rootpath / entry) for entry in config.getini("testpaths")] or [str(base)]
    return [(base / arg).resolve() for arg in given]


def _ignored(config: pytest.Config, path: Path) -> bool:
    """Whether pytest's ``--ignore`` or ``--ignore-glob`` leave ``path`` out of collection."""
    import fnmatch

    base = config.invocation_params.dir
    known = config.known_args_namespace
    ignored = {(base / entry).resolve() for entry in getattr(known, "ignore", None) or []}
    if ignored & {path, *path.parents}:
        return True
    globs = [str(base / entry) for entry in getattr(known, "ignore_glob", None) or []]
    return any(fnmatch.fnmatch(str(where), glob) for where in (path, *path.parents) for glob in globs)


def _under(path: Path, where: Path) -> bool:
    path = path.resolve()
    return path == where or where in path.parents


def pytest_configure(config: pytest.Config) -> None:
    if _EARLY_RUN and not hasattr(config, "workerinput") and getattr(config.option, "testrunuid", "") is None:
        config.option.testrunuid = _EARLY_RUN[0]  # pytest-xdist gives it to the workers: they read our check
    spec = config.getoption("--smokegen-shard", default=None)
    if spec is None:
        return
    from smokegen import testing
    from smokegen.graph.shards import parse_shard

    try:
        shard = parse_shard(spec)
    except ValueError as exc:
        raise pytest.UsageError(f"--smokegen-shard: {exc}") from None
    testing.use_shard(str(shard))


class SmokeGroup(pytest.Collector):
    """The parent of smokegen's items, for readable ids (``smokegen::import[pkg.mod]``)."""

    def collect(self) -> list[pytest.Item]:
        return []  # its items are made in pytest_collection_modifyitems


class SmokeItem(pytest.Item):
    """One share of check's verdict: ``judge(project)`` fails or skips it; ``subject``: (kind, name)."""

    def __init__(
        self,
        *,
        project: Project,
        judge: Callable[[Project], None],
        what: str,
        subject: tuple[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.project = project
        self.judge = judge
        self.what = what
        self.subject = subject

    def runtest(self) -> None:
        self.judge(self.project)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.project.root, None, self.what


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--smokegen"):
        _add_items(session, config, items)
    if config.getoption("--smokegen-shard") is not None:
        _keep_shard(config, items)


_SUITE_SUBJECTS = {  # a generated test function -> (the kind of its subject, its parameter)
    "test_import": ("module", "module"),
    "test_build": ("class", "key"),
    "test_entry_point": ("entry-point", "entry_point"),
    "test_project_files": ("project", ""),
    "test_mypy": ("mypy", ""),
}


_SUITE_VALUES = {"module": "MODULES", "key": "BUILDS", "entry_point": "ENTRY_POINTS"}


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> list[pytest.Item] | None:
    """A generated suite's tests as smokegen's own items, with the ids pytest would give them
    (``test_import[pkg.mod]``): they run the generated function, and no fixture, so a project's
    autouse fixtures (a ``db`` fixture that needs the database, in ``tests/conftest.py``) do not
    reach them. Not a generated suite's function: pytest collects it."""
    if name not in _SUITE_SUBJECTS or not callable(obj):
        return None
    testing = sys.modules.get("smokegen.testing")
    module = getattr(collector, "obj", None)
    found = getattr(module, "PROJECT", None)
    if testing is None or not isinstance(found, testing.Project):
        return None
    kind, parameter = _SUITE_SUBJECTS[name]
    where = f"{getattr(module, '__name__', '')}.{name}"
    if not parameter:
        return [_suite_item(collector, name, found, obj, {}, (kind, ""), where)]
    values = getattr(module, _SUITE_VALUES[parameter], None)
    if not isinstance(values, (list, dict)):
        return None
    return [
        _suite_item(collector, f"{name}[{value}]", found, obj, {parameter: value}, (kind, str(value)), where)
        for value in values
    ]


def _suite_item(
    parent: pytest.Collector,
    name: str,
    found: Project,
    function: Any,
    arguments: dict[str, Any],
    subject: tuple[str, str],
    where: str,
) -> pytest.Item:
    def judge(project: Project) -> None:
        function(**arguments)

    item: pytest.Item = SmokeItem.from_parent(
        parent,
        name=name,
        project=found,
        judge=judge,
        what=f"{where}{name[len(name.partition('[')[0]) :]}",
        subject=subject,
    )
    return item


def _subject_of(item: pytest.Item) -> tuple[Project, str, str] | None:
    """(project, kind, name) of a smoke item: the plugin's, or a generated suite's test (collected
    as one by :func:`pytest_pycollect_makeitem`); None for any other test."""
    if isinstance(item, SmokeItem):
        return item.project, *item.subject
    return None


def _keep_shard(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the smoke tests of the other shards. Which modules are this shard's is check's answer
    (its JSON report's ``shard``), so check runs here, at collection, once per run."""
    from smokegen import testing

    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        subject = _subject_of(item)
        if subject is None or testing.in_shard(*subject):
            keep.append(item)
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def _add_items(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    from functools import partial

    from smokegen import testing

    chosen = config.getoption("--smokegen-project")
    root = Path(chosen).resolve() if chosen else config.rootpath
    project = testing.Project(root)
    found = testing.collect(project)
    group = SmokeGroup.from_parent(session, name="smokegen", nodeid="smokegen")

    made: list[pytest.Item] = []

    def add(name: str, judge: Callable[[Project], None], what: str, subject: tuple[str, str]) -> None:
        made.append(SmokeItem.from_parent(group, name=name, project=project, judge=judge, what=what, subject=subject))

    for module in found.modules:
        add(f"import[{module}]", partial(_module, module=module), f"import {module}", ("module", module))
    for key in found.builds:
        add(f"build[{key}]", partial(_build, key=key), f"build {key}", ("class", key))
    for point in found.entry_points:
        add(f"entry_point[{point}]", partial(_entry_point, key=point), f"entry point {point}", ("entry-point", point))
    add("project_files", testing.assert_project_files, "the project's files", ("project", ""))
    if found.mypy:
        add("mypy", testing.assert_mypy, "mypy", ("mypy", ""))
    items.extend(made)
    # reported as pytest reports what a collector made: "collected N items" counts them
    session.ihook.pytest_collectreport(
        report=pytest.CollectReport(group.nodeid, "passed", None, list[pytest.Item | pytest.Collector](made))
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    """Before the first test: check's verdict for every project whose smoke tests this process will
    run (generated suites' and this plugin's), so that the check runs outside any test, and a
    per-test timeout (pytest-timeout) does not count it against whichever smoke test comes first.
    Returns None: pytest's own loop runs the tests."""
    testing = sys.modules.get("smokegen.testing")
    if testing is None or session.config.option.collectonly:
        return None  # no generated suite was collected and --smokegen is off, or nothing runs
    projects = {subject[0] for item in session.items if (subject := _subject_of(item)) is not None}
    for found in sorted(projects, key=lambda p: (str(p.root), p.check)):
        try:
            testing.verdict(found)
        except Exception:  # the tests run it again and report what fails
            pass
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Stop the checks started ahead that no collected test needs."""
    testing = sys.modules.get("smokegen.testing")
    if testing is not None:
        testing.cancel_ahead(keep={s[0] for item in session.items if (s := _subject_of(item)) is not None})


def _module(project: Project, module: str) -> None:
    from smokegen import testing

    testing.assert_module(project, module)


def _build(project: Project, key: str) -> None:
    from smokegen import testing

    testing.assert_builds(project, key)


def _entry_point(project: Project, key: str) -> None:
    from smokegen import testing

    testing.assert_entry_point(project, key)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, in the controller: remember the run id its workers share check's report under."""
    run_id = getattr(node, "workerinput", {}).get("testrunuid")
    if isinstance(run_id, str) and run_id and run_id != os.environ.get("PYTEST_XDIST_TESTRUNUID"):
        _RUNS.add(run_id)  # not the id of a run this one is inside of: that run's controller removes its folder


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop a check started ahead that is still running (nothing needed it); the controller removes
    the folders its workers shared check's report in."""
    if not hasattr(config, "workerinput"):
        _remove_shared()
    else:
        testing = sys.modules.get("smokegen.testing")
        if testing is not None:
            testing.cancel_ahead()


def _remove_shared() -> None:
    """Stop a check started ahead that is still running; remove the folders this controller's
    workers shared check's report in."""
    testing = sys.modules.get("smokegen.testing")
    if testing is not None:
        testing.cancel_ahead()
    if not _RUNS:
        return
    import tempfile

    from smokegen.testing import SHARED_PREFIX

    for run_id in sorted(_RUNS):
        shutil.rmtree(Path(tempfile.gettempdir()) / f"{SHARED_PREFIX}{run_id}", ignore_errors=True)
    _RUNS.clear()
