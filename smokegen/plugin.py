"""The pytest plugin (``pytest11`` entry point ``smokegen``): ``pytest --smokegen``.

Adds, to whatever else pytest collects, an import item per module of the project and an
instantiation item per class that can be built, judged exactly as ``smokegen check`` and the
generated suite judge them (``smokegen.testing``), with no generated file. Without
``--smokegen`` it does nothing beyond registering its options; importing it imports pytest
only (the scanner, libcst, is loaded when the flag is given).

Item ids: ``smokegen::import[pkg.mod]``, ``smokegen::build[pkg.mod:Class]``. They are the same in
every pytest-xdist worker (computed from the project's model), so ``-n`` spreads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from smokegen.model import ClassPlan
    from smokegen.testing import Project


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("smokegen", "smokegen: isolated imports and instantiation of the project")
    group.addoption(
        "--smokegen",
        action="store_true",
        default=False,
        help="Collect an isolated import item per project module and an instantiation item per buildable class.",
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


class ImportItem(pytest.Item):
    def __init__(self, *, project: Project, module: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.project = project
        self.module = module

    def runtest(self) -> None:
        from smokegen.testing import assert_imports

        assert_imports(self.project, self.module)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.project.root, None, f"import {self.module}"


class BuildItem(pytest.Item):
    def __init__(self, *, project: Project, plan: ClassPlan, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.project = project
        self.plan = plan

    def runtest(self) -> None:
        from smokegen.generate.suite import import_lines
        from smokegen.testing import constructing, require_import

        plan = self.plan
        require_import(self.project, plan.module, plan.name)
        namespace: dict[str, Any] = {}
        exec(compile("\n".join(import_lines(plan)), f"<smokegen imports for {plan.key}>", "exec"), namespace)
        call = compile(plan.call(), f"<smokegen build of {plan.key}>", "eval")
        with constructing(self.project, plan.key, call_code=call):
            eval(call, namespace)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.project.root, None, f"{self.plan.module}.{self.plan.call()}"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--smokegen"):
        return
    from smokegen import testing
    from smokegen.generate.suite import import_modules

    chosen = config.getoption("--smokegen-project")
    root = Path(chosen).resolve() if chosen else config.rootpath
    project = testing.Project(root)
    state = testing.load(project)
    group = SmokeGroup.from_parent(session, name="smokegen", nodeid="smokegen")
    for module in import_modules(state.model):
        items.append(ImportItem.from_parent(group, name=f"import[{module}]", project=project, module=module))
    if state.loaded.config.instantiate:
        for key, plan in sorted(state.plans.items()):
            if plan.source is not None:
                items.append(BuildItem.from_parent(group, name=f"build[{key}]", project=project, plan=plan))
