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

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from smokegen.util import startenv

startenv.record()  # pytest loads its plugins before conftest.py files and pytest-django set variables

if TYPE_CHECKING:
    from smokegen.testing import Project

_RUNS: set[str] = set()  # pytest-xdist run ids this controller started: their shared folders go at the end


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


def pytest_configure(config: pytest.Config) -> None:
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

    def add(name: str, judge: Callable[[Project], None], what: str, subject: tuple[str, str]) -> None:
        item = SmokeItem.from_parent(group, name=name, project=project, judge=judge, what=what, subject=subject)
        items.append(item)

    for module in found.modules:
        add(f"import[{module}]", partial(_module, module=module), f"import {module}", ("module", module))
    for key in found.builds:
        add(f"build[{key}]", partial(_build, key=key), f"build {key}", ("class", key))
    for point in found.entry_points:
        add(f"entry_point[{point}]", partial(_entry_point, key=point), f"entry point {point}", ("entry-point", point))
    add("project_files", testing.assert_project_files, "the project's files", ("project", ""))
    if found.mypy:
        add("mypy", testing.assert_mypy, "mypy", ("mypy", ""))


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    """Before the first test: check's verdict for every project whose smoke tests this process will
    run (generated suites' and this plugin's), so that the check runs outside any test, and a
    per-test timeout (pytest-timeout) does not count it against whichever smoke test comes first.
    Returns None: pytest's own loop runs the tests."""
    testing = sys.modules.get("smokegen.testing")
    if testing is None:
        return None  # no generated suite was collected and --smokegen is off
    projects = {subject[0] for item in session.items if (subject := _subject_of(item)) is not None}
    for found in sorted(projects, key=lambda p: (str(p.root), p.check)):
        try:
            testing.verdict(found)
        except Exception:  # the tests run it again and report what fails
            pass
    return None


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
    if isinstance(run_id, str) and run_id:
        _RUNS.add(run_id)


def pytest_unconfigure(config: pytest.Config) -> None:
    """The controller removes the folders its workers shared check's report in."""
    if hasattr(config, "workerinput") or not _RUNS:
        return
    import tempfile

    from smokegen.testing import SHARED_PREFIX

    for run_id in sorted(_RUNS):
        shutil.rmtree(Path(tempfile.gettempdir()) / f"{SHARED_PREFIX}{run_id}", ignore_errors=True)
    _RUNS.clear()
