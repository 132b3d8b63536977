"""The test files' own imports, checked against the project as a module's are; the names pytest makes
importable for the tests, and modules outside the project, left alone."""

from __future__ import annotations

import dataclasses

from smokegen.checks.imports import check_test_imports
from smokegen.graph.index import ProjectIndex
from smokegen.model import ModuleInfo, ModuleKind, SourceFile
from smokegen.scan.source import scan_source
from tests.helpers import dedent, project_from

PROJECT = {
    "app.__init__": "",
    "app.streaming.__init__": "",
    "app.streaming.consumers": "class BaseStreamingConsumer: ...\n",
    "app.lazy": "def __getattr__(name):\n    return name\n",
    "app.registry": "globals().update(TABLES)\n",
}


def scanned(code: str, name: str = "test_x", path: str = "tests/test_x.py") -> ModuleInfo:
    kind = ModuleKind.PACKAGE if path.endswith("__init__.py") else ModuleKind.MODULE
    result = scan_source(dedent(code).encode(), SourceFile(name, path, kind))
    assert isinstance(result, ModuleInfo)
    return result


def found(
    *tests: ModuleInfo, local: tuple[str, ...] = (), project: dict[str, str] = PROJECT, excluded: tuple[str, ...] = ()
) -> list[str]:
    index = ProjectIndex(dataclasses.replace(project_from(project), excluded_modules=excluded))
    return [f"{f.location}: {f.code} {f.message}" for f in check_test_imports(index, tests, local)]


def test_a_test_importing_a_renamed_class_is_sg101_with_did_you_mean() -> None:
    assert found(scanned("import pytest\nfrom app.streaming.consumers import StreamingConsumer\n")) == [
        "tests/test_x.py:2:37: SG101 cannot import name 'StreamingConsumer' from 'app.streaming.consumers' "
        "(app/streaming/consumers.py) (did you mean 'BaseStreamingConsumer'?); pytest cannot collect this file"
    ]


def test_inside_a_test_function_it_fails_that_test_only() -> None:
    (line,) = found(scanned("def test_a():\n    from app.streaming import consumers, pipeline\n"))
    assert line.startswith("tests/test_x.py:2:42: SG101 cannot import name 'pipeline' from 'app.streaming'")
    assert line.endswith("; it fails when 'test_a' is first called")
    (missing,) = found(scanned("def test_a():\n    import app.gone.module\n"))
    assert "SG102 no module named 'app.gone'; it fails when 'test_a' is first called" in missing


def test_the_tests_own_modules_and_outside_modules_noop() -> None:
    code = """
        import pytest
        from unittest import mock
        from conftest import make_user
        from helpers import events
        from tests.helpers import build
        from tests.factories import UserFactory
        from .utils import random_email
        from django.test import TestCase
        from app.lazy import anything
        from app.registry import USERS
        try:
            from app.streaming.consumers import Legacy
        except ImportError:
            Legacy = None
        """
    assert found(scanned(code, "tests.api.test_x", "tests/api/test_x.py"), local=("conftest", "helpers")) == []


def test_a_local_name_shadowing_a_project_package_is_the_tests_noop() -> None:
    """tests/app/ on pytest's sys.path (no tests/__init__.py): `app` there is the tests' folder."""
    assert found(scanned("from app.streaming import gone\n"), local=("app",)) == []


def test_a_django_app_s_tests_reach_the_app_relatively() -> None:
    project = {**PROJECT, "polls.__init__": "", "polls.models": "class Question: ...\n"}
    code = "from ..models import Question, Choice\nfrom . import factories\n"
    tests = scanned(code, "polls.tests.test_models", "polls/tests/test_models.py")
    (line,) = found(tests, project=project, excluded=("polls.tests",))  # left out of the scan: its contents unknown
    assert line.startswith(
        "polls/tests/test_models.py:1:32: SG101 cannot import name 'Choice' from 'polls.models' (polls/models.py)"
    )
