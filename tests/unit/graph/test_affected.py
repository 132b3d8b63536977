"""Which modules a change affects: the changed ones and their importers, transitively."""

from __future__ import annotations

from smokegen.graph.affected import affected_modules
from smokegen.model import ModuleKind, ProjectModel
from tests.helpers import scan_code


def model() -> ProjectModel:
    modules = (
        scan_code("", "app", ModuleKind.PACKAGE),
        scan_code("X = 1\n", "app.db"),
        scan_code("from app.db import X\n", "app.repo"),
        scan_code("from app import repo\n", "app.api"),
        scan_code("def f():\n    from app.db import X\n", "app.lazy"),
        scan_code("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.db import X\n", "app.types"),
        scan_code("try:\n    from app.db import X\nexcept ImportError:\n    X = None\n", "app.optional"),
        scan_code("Y = 2\n", "app.other"),
    )
    return ProjectModel(name="app", source_roots=(".",), namespace_packages=(), modules=modules)


def test_changed_module_and_its_importers_transitively() -> None:
    assert affected_modules(model(), ["app/db.py"]) == {"app.db", "app.repo", "app.api", "app.optional"}


def test_a_package_affects_its_submodules() -> None:
    assert affected_modules(model(), ["app/__init__.py"]) == {m.name for m in model().modules}


def test_project_files_affect_everything() -> None:
    assert affected_modules(model(), ["pyproject.toml"]) == {m.name for m in model().modules}


def test_unrelated_and_non_module_files_affect_nothing_noop() -> None:
    assert affected_modules(model(), ["tests/test_db.py", "README.md"]) == set()
    assert affected_modules(model(), ["./app/other.py"]) == {"app.other"}
