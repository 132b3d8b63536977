"""``smokegen check --static`` on every fixtures_repo project, through the real CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smokegen.cli.main import main
from tests.helpers import FIXTURE_NAMES, expected


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--static", "--no-mypy", "--python", sys.executable, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_static_findings_match_expected_toml(name: str, fixture_project, capsys) -> None:
    project = fixture_project(name)
    want = expected(name)["static"]
    code, out, err = check(capsys, str(project), "--format", "json")
    report = json.loads(out)
    got = sorted(f"{f['path']}:{f['line']}:{f['column']}: {f['code']}" for f in report["findings"])
    assert got == sorted(want["findings"]), out
    messages = "\n".join(f["message"] for f in report["findings"])
    for text in want.get("messages", []):
        assert text in messages
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert code == (1 if errors else 0)
    assert report["summary"]["errors"] == len(errors)


def test_renamed_class_is_caught_while_its_mocked_tests_pass(fixture_project, capsys) -> None:
    """The incident this project exists for, end to end."""
    project = fixture_project("renamed_class")
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tests.returncode == 0 and "2 passed" in tests.stdout, tests.stdout + tests.stderr
    code, out, _ = check(capsys, str(project))
    assert code == 1
    assert out.splitlines() == [
        "app/streaming/pipeline.py:3:37: SG101 cannot import name 'StreamingConsumer' from 'app.streaming.consumers' "
        "(app/streaming/consumers.py) (did you mean 'BaseStreamingConsumer'?)",
        "1 error, 0 warnings in 5 modules",
    ]


def test_inline_and_configured_silencing(fixture_project, capsys) -> None:
    project = fixture_project("renamed_class")
    pipeline = project / "app" / "streaming" / "pipeline.py"
    text = pipeline.read_text()
    pipeline.write_text(
        text.replace("import StreamingConsumer\n", "import StreamingConsumer  # smokegen: ignore[SG101]\n")
    )
    code, out, _ = check(capsys, str(project))
    assert code == 0 and out == "0 errors, 0 warnings in 5 modules (1 silenced)\n"

    pipeline.write_text(
        text.replace("import StreamingConsumer\n", "import StreamingConsumer  # smokegen: ignore[SG104]\n")
    )
    assert check(capsys, str(project))[0] == 1  # another code on the line silences nothing

    pipeline.write_text(text)
    with open(project / "pyproject.toml", "a") as handle:
        handle.write('\n[tool.smokegen]\nper_module_ignores = { "app.streaming.*" = ["SG101"] }\n')
    assert check(capsys, str(project))[0] == 0


def test_global_ignore(fixture_project, capsys) -> None:
    project = fixture_project("circular_import")
    with open(project / "pyproject.toml", "a") as handle:
        handle.write('\n[tool.smokegen]\nignore = ["SG103"]\n')
    code, out, _ = check(capsys, str(project))
    assert code == 0 and "(2 silenced)" in out


def test_bad_ignore_code_is_a_usage_error(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    with open(project / "pyproject.toml", "a") as handle:
        handle.write('\n[tool.smokegen]\nignore = ["E501"]\n')
    code, out, err = check(capsys, str(project))
    assert code == 2 and out == ""
    assert err.startswith("smokegen: error: pyproject.toml: [tool.smokegen] ignore: 'E501' is not a finding code")


def test_output_file_and_text_report(fixture_project, capsys, tmp_path: Path) -> None:
    project = fixture_project("circular_import")
    report = tmp_path / "report.json"
    code, out, _ = check(capsys, str(project), "--format", "json", "--output", str(report))
    assert code == 1 and out == ""
    data = json.loads(report.read_text())
    assert data["schema"] == 1 and data["summary"]["errors"] == 2
    assert {f["code"] for f in data["findings"]} == {"SG103"}


def test_bad_python_is_a_usage_error(fixture_project, capsys, tmp_path: Path) -> None:
    project = fixture_project("healthy_flat")
    code = main(["check", "--static", "--python", str(tmp_path / "nope"), str(project)])
    _, err = capsys.readouterr()
    assert code == 2 and "cannot run it" in err and "Traceback" not in err


def test_static_mode_never_imports_project_code(fixture_project, capsys) -> None:
    project = fixture_project("import_side_effects")
    marker = project / "imported.txt"
    (project / "jobs" / "healthy.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    code, out, _ = check(capsys, str(project))
    assert code == 0 and not marker.exists()
    assert main(["check", "--python", sys.executable, "--timeout", "2", str(project)]) == 1
    capsys.readouterr()
    assert marker.exists()  # the runtime stage does import it (in a child process)
