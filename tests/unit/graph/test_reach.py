"""What the tests reach: their imports, patch targets and framework loads, followed transitively."""

from __future__ import annotations

from smokegen.graph.index import ProjectIndex
from smokegen.graph.reach import named_modules, reached_by_tests
from smokegen.model import ModuleInfo, ModuleKind, SourceFile
from smokegen.scan.source import scan_source
from tests.helpers import dedent, project_from

PROJECT = {
    "app.__init__": "",
    "app.main": "from app.api import routes\nfrom app.core.config import settings\n",
    "app.api.__init__": "",
    "app.api.routes": "from app import crud\n",
    "app.crud": "def listing():\n    from app.db import session\n",
    "app.db": "session = None\n",
    "app.core.__init__": "",
    "app.core.config": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.typing_only import T\nsettings = 1\n",
    "app.typing_only": "T = int\n",
    "app.cli": "from app.main import settings\n",
    "app.orphan": "X = 1\n",
}


def a_test_file(code: str) -> ModuleInfo:
    result = scan_source(dedent(code).encode(), SourceFile("test_x", "tests/test_x.py", ModuleKind.MODULE))
    assert isinstance(result, ModuleInfo)
    return result


def reach(code: str, loaded: tuple[str, ...] = ()) -> list[str]:
    return sorted(reached_by_tests(ProjectIndex(project_from(PROJECT)), [a_test_file(code)], loaded))


def test_a_test_of_the_app_reaches_its_routers_and_what_their_functions_import() -> None:
    assert reach("from fastapi.testclient import TestClient\nfrom app.main import app\n") == [
        "app",
        "app.api",
        "app.api.routes",
        "app.core",
        "app.core.config",
        "app.crud",
        "app.db",  # imported inside a function the routes call
        "app.main",
    ]  # not app.typing_only (TYPE_CHECKING), app.cli (imports the app, not imported by it), app.orphan


def test_patch_targets_and_framework_loads_are_entry_points() -> None:
    assert reach("import pytest\n", loaded=("app.db.session", "app.orphan")) == ["app", "app.db", "app.orphan"]


def test_tests_importing_nothing_of_the_project_reach_nothing_noop() -> None:
    assert reach("import os\nfrom helpers import x\nfrom unittest import mock\n") == []


def test_named_modules_take_the_longest_module_prefix() -> None:
    index = ProjectIndex(project_from(PROJECT))
    assert named_modules(index, ["app.crud.listing", "app.api.routes", "app.main.app.state", "requests.get"]) == {
        "app.crud",
        "app.api.routes",
        "app.main",
    }
