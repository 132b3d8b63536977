"""The pytest plugin, run with ``pytester``: off without ``--smokegen``; with it, check's verdict as
items (module, build, entry point, project files), with and without xdist."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.helpers import FIXTURES


def project(pytester: pytest.Pytester, name: str) -> None:
    shutil.copytree(
        FIXTURES / name, pytester.path, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".smokegen_cache")
    )


def test_without_the_flag_the_plugin_does_nothing(pytester: pytest.Pytester) -> None:
    project(pytester, "class_zoo")
    pytester.makepyfile(test_own="def test_own() -> None:\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_own.py")
    result.assert_outcomes(passed=1)
    assert "collected 1 item" in result.stdout.str()
    assert "smokegen::" not in result.stdout.str()


@pytest.mark.parametrize("xdist", [False, True], ids=["plain", "xdist"])
def test_flag_collects_import_and_build_items(pytester: pytest.Pytester, xdist: bool) -> None:
    project(pytester, "class_zoo")
    args = ["-p", "no:cacheprovider", "--smokegen", "-rA", *(["-n", "2"] if xdist else []), "tests"]
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(passed=11, failed=1, skipped=2)
    out = result.stdout.str()
    assert ("2 workers [14 items]" if xdist else "collected 14 items") in out  # counted as collected
    assert "FAILED smokegen::build[zoo.keepers:Ledger]" in out
    assert "NameError: name 'load_rates' is not defined" in out
    for module in ("zoo", "zoo.keepers", "zoo.shapes"):
        assert f"PASSED smokegen::import[{module}]" in out
    assert "PASSED smokegen::build[zoo.keepers:Feeder]" in out  # built by the project's factory
    assert "PASSED smokegen::project_files" in out


@pytest.mark.parametrize("xdist", [False, True], ids=["plain", "xdist"])
def test_broken_import_fails_its_item_with_checks_finding(pytester: pytest.Pytester, xdist: bool) -> None:
    project(pytester, "renamed_class")
    shutil.rmtree(pytester.path / "tests")  # only smokegen's items
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--smokegen", *(["-n", "2"] if xdist else []))
    result.assert_outcomes(passed=6, failed=1, skipped=1)
    out = result.stdout.str()
    assert "FAILED smokegen::import[app.streaming.pipeline]" in out
    assert "app/streaming/pipeline.py:3:37: SG101 cannot import name 'StreamingConsumer'" in out


def test_importing_the_plugin_does_not_load_the_scanner() -> None:
    code = "import sys, smokegen.plugin; print(sorted(m for m in ('libcst', 'smokegen.scan.source', 'mypy') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
