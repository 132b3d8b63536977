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
        "--smokegen-project",
        default=None,
        metavar="PATH",
        help="The project to smoke-test [default: pytest's rootdir].",
    )


class SmokeGroup(pytest.Collector):
    """The parent of smokegen's items, for readable ids (``smokegen::import[pkg.mod]``)."""

    def collect(self) -> list[pytest.Item]:
        return []  # its items are made in pytest_collection_modifyitems


class SmokeItem(pytest.Item):
    """One share of check's verdict: ``judge(project)`` fails or skips it."""

    def __init__(self, *, project: Project, judge: Callable[[Project], None], what: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.project = project
        self.judge = judge
        self.what = what

    def runtest(self) -> None:
        self.judge(self.project)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.project.root, None, self.what


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--smokegen"):
        return
    from functools import partial

    from smokegen import testing

    chosen = config.getoption("--smokegen-project")
    root = Path(chosen).resolve() if chosen else config.rootpath
    project = testing.Project(root)
    found = testing.collect(project)
    group = SmokeGroup.from_parent(session, name="smokegen", nodeid="smokegen")

    def add(name: str, judge: Callable[[Project], None], what: str) -> None:
        items.append(SmokeItem.from_parent(group, name=name, project=project, judge=judge, what=what))

    for module in found.modules:
        add(f"import[{module}]", partial(_module, module=module), f"import {module}")
    for key in found.builds:
        add(f"build[{key}]", partial(_build, key=key), f"build {key}")
    for point in found.entry_points:
        add(f"entry_point[{point}]", partial(_entry_point, key=point), f"entry point {point}")
    add("project_files", testing.assert_project_files, "the project's files")
    if found.mypy:
        add("mypy", testing.assert_mypy, "mypy")


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    """Before the first test: check's verdict for every project whose smoke tests this process will
    run (generated suites' and this plugin's), so that the check runs outside any test, and a
    per-test timeout (pytest-timeout) does not count it against whichever smoke test comes first.
    Returns None: pytest's own loop runs the tests."""
    testing = sys.modules.get("smokegen.testing")
    if testing is None:
        return None  # no generated suite was collected and --smokegen is off
    projects: set[Any] = set()
    for item in session.items:
        found = getattr(item, "project", None) if isinstance(item, SmokeItem) else None
        if found is None:
            found = getattr(getattr(item, "module", None), "PROJECT", None)
        if isinstance(found, testing.Project):
            projects.add(found)
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
