"""The mypy stage of ``smokegen check``: the project's configuration, its findings in smokegen's
reporters, guarded optional imports, and files mypy would stop at."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from smokegen.cli.main import main
from tests.helpers import FIXTURE_NAMES, expected, write_project


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["check", "--static", "--python", sys.executable, "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def mypy_lines(report: dict[str, Any]) -> list[str]:
    return sorted(
        f"{f['path']}:{f['line']}:{f['column']}: {f['code']}" for f in report["findings"] if f["code"].startswith("SG3")
    )


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_mypy_findings_match_expected_toml(name: str, fixture_project, capsys) -> None:
    project = fixture_project(name)
    code, report, _ = run(capsys, "--mypy", str(project))
    assert mypy_lines(report) == sorted(expected(name)["mypy"]["findings"])
    assert code == (1 if report["summary"]["errors"] else 0)


def test_runs_by_default_only_where_the_project_configures_mypy(fixture_project, capsys) -> None:
    configured = fixture_project("mypy_only")
    code, report, _ = run(capsys, str(configured))
    assert code == 1
    [finding] = [f for f in report["findings"] if f["code"] == "SG301"]
    assert finding["message"] == 'mypy: Incompatible return value type (got "int", expected "str") [return-value]'

    code, report, _ = run(capsys, "--no-mypy", str(configured))
    assert code == 0 and mypy_lines(report) == []

    # class_zoo has a mypy error but no mypy configuration: not run, and the note says so
    unconfigured = fixture_project("class_zoo")
    code = main(["check", "--static", "--python", sys.executable, str(unconfigured)])
    out, err = capsys.readouterr()
    assert code == 0 and "SG301" not in out
    assert "note: mypy stage skipped: the project has no mypy configuration" in err

    pyproject = unconfigured / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.mypy]\n")
    code, report, _ = run(capsys, str(unconfigured))
    assert code == 1 and mypy_lines(report) == ["zoo/keepers.py:42:22: SG301"]


def write_package(root: Path, files: dict[str, str], config: str = "[tool.mypy]\n") -> Path:
    return write_project(root, files, config)


def test_guarded_optional_import_is_not_an_error_but_an_unguarded_one_is(tmp_path: Path, capsys) -> None:
    project = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/fast.py": """
                try:
                    import ujson_not_installed as json_impl
                except ImportError:
                    json_impl = None
                """,
            "pkg/hard.py": "import another_missing_distribution\n",
        },
    )
    code, report, err = run(capsys, str(project))
    assert mypy_lines(report) == ["pkg/hard.py:1:1: SG301"]
    [finding] = [f for f in report["findings"] if f["code"] == "SG301"]
    assert (
        'Cannot find implementation or library stub for module named "another_missing_distribution"'
        in finding["message"]
    )
    assert "[import-not-found]" in finding["message"]
    assert code == 1


def test_guarded_optional_import_noop(tmp_path: Path, capsys) -> None:
    """The guarded import alone: nothing reported, and a note counts what was left out."""
    project = write_package(
        tmp_path,
        {"pkg/__init__.py": "try:\n    import ujson_not_installed\nexcept ImportError:\n    pass\n"},
    )
    code = main(["check", "--static", "--python", sys.executable, str(project)])
    out, err = capsys.readouterr()
    assert code == 0 and "SG3" not in out
    assert "mypy: 1 import-not-found on optional imports guarded by an ImportError handler not reported" in err


def test_a_syntax_error_does_not_hide_the_other_files(tmp_path: Path, capsys) -> None:
    """Plain mypy stops at the syntax error and reports nothing else; smokegen checks the rest."""
    project = write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/broken.py": "def f(:\n",
            "pkg/typed.py": """
                from pkg.broken import anything

                count: int = "three"
                """,
        },
    )
    code, report, _ = run(capsys, str(project))
    assert code == 1
    assert mypy_lines(report) == ["pkg/broken.py:1:7: SG302", "pkg/typed.py:3:14: SG301"]
    messages = {f["code"]: f["message"] for f in report["findings"] if f["code"].startswith("SG3")}
    assert "mypy did not check pkg/broken.py: it does not parse" in messages["SG302"]
    assert "Incompatible types in assignment" in messages["SG301"]


def test_mypy_that_cannot_run_is_one_finding_naming_the_configuration(tmp_path: Path, capsys) -> None:
    project = write_package(tmp_path, {"pkg/__init__.py": ""}, config="")
    (project / "mypy.ini").write_text("[mypy]\nplugins = no_such_plugin_module\n")
    code, report, _ = run(capsys, str(project))
    [finding] = [f for f in report["findings"] if f["code"].startswith("SG3")]
    assert (finding["path"], finding["code"]) == ("mypy.ini", "SG303")
    assert "mypy could not run" in finding["message"] and "no_such_plugin_module" in finding["message"]
    assert code == 1


def test_mypy_stage_reaches_every_reporter(fixture_project, capsys) -> None:
    project = fixture_project("mypy_only")
    main(["check", "--static", "--python", sys.executable, "--format", "github", str(project)])
    out = capsys.readouterr().out
    assert "::error file=calc/ops.py,line=7,col=12,title=SG301" in out
