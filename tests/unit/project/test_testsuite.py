"""The names pytest imports test files under (its default ``prepend`` mode), and the names it makes
importable for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from smokegen.project.testsuite import pytest_module_name
from smokegen.scan.tested import scan_tests


def touch(root: Path, *paths: str) -> None:
    for rel in paths:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")


@pytest.mark.parametrize(
    ("files", "rel", "name", "folder"),
    [
        (["tests/test_x.py"], "tests/test_x.py", "test_x", "tests"),
        (["tests/__init__.py", "tests/test_x.py"], "tests/test_x.py", "tests.test_x", "."),
        (["tests/__init__.py"], "tests/__init__.py", "tests", "."),
        (["tests/api/__init__.py", "tests/api/test_x.py"], "tests/api/test_x.py", "api.test_x", "tests"),
        (
            ["polls/__init__.py", "polls/tests/__init__.py", "polls/tests/t.py"],
            "polls/tests/t.py",
            "polls.tests.t",
            ".",
        ),
        (["test_top.py"], "test_top.py", "test_top", "."),
    ],
)
def test_pytest_module_name(tmp_path: Path, files: list[str], rel: str, name: str, folder: str) -> None:
    touch(tmp_path, *files)
    assert pytest_module_name(tmp_path, rel) == (name, folder)


def test_names_importable_from_the_tests_folders_are_the_tests_own(tmp_path: Path) -> None:
    touch(tmp_path, "tests/conftest.py", "tests/helpers.py", "tests/test_x.py", "tests/api/__init__.py")
    (tmp_path / "tests" / "api" / "test_y.py").write_text("from .. import x\nfrom helpers import h\n")
    touch(tmp_path, "polls/__init__.py", "polls/tests.py")
    files = ["polls/tests.py", "tests/api/__init__.py", "tests/api/test_y.py", "tests/conftest.py", "tests/helpers.py"]
    scanned = scan_tests(tmp_path, files + ["tests/test_x.py"])
    assert scanned.local == {"api", "conftest", "helpers", "test_x"}  # not polls: the root is the project's
    assert sorted(m.name for m in scanned.modules) == [
        "api",
        "api.test_y",
        "conftest",
        "helpers",
        "polls.tests",
        "test_x",
    ]
    (y,) = [m for m in scanned.modules if m.name == "api.test_y"]
    assert [(i.module, i.resolved) for i in y.imports] == [
        ("..", False),
        ("helpers", True),
    ]  # above the top: never checked
