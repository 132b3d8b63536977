"""``smokegen scan`` on every fixtures_repo project, through the real CLI entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smokegen.cli.main import main
from smokegen.model import ProjectModel
from smokegen.model.serialize import project_from_json, project_to_json
from tests.helpers import FIXTURE_NAMES, REPO, expected


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def scan_json(capsys: pytest.CaptureFixture[str], project: Path) -> tuple[int, ProjectModel, dict[str, Any]]:
    code, out, err = run_cli(capsys, "scan", str(project), "--format", "json")
    data = json.loads(out)
    return code, project_from_json(data), data


def signature(params: Any) -> list[str]:
    return [
        p.name + (f": {p.annotation}" if p.annotation else "") + (f" = {p.default}" if p.default else "")
        for p in params
    ]


def test_every_fixture_has_an_expected_file() -> None:
    assert len(FIXTURE_NAMES) >= 14


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_scan_reports_what_expected_toml_says(name: str, fixture_project, capsys) -> None:
    project = fixture_project(name)
    want = expected(name)["scan"]
    code, model, data = scan_json(capsys, project)

    assert list(model.source_roots) == want["source_roots"]
    assert list(model.namespace_packages) == want["namespace_packages"]
    assert sorted(m.name for m in model.modules) == sorted(want["modules"])
    assert sorted(f.name for f in model.failures) == sorted(want["failures"])
    assert sorted(f"{f.location}: {f.code}" for f in model.findings) == sorted(want["findings"])
    errors = [f for f in model.findings if f.severity.value == "error"]
    assert code == (1 if errors else 0)

    classes = {f"{m.name}:{c.name}": c for m in model.modules for c in m.classes}
    for key, flags in want.get("classes", {}).items():
        assert key in classes, f"{key} not found; classes: {sorted(classes)}"
        assert sorted(f.value for f in classes[key].flags) == sorted(flags), key
    for key, params in want.get("constructors", {}).items():
        assert signature(classes[key].constructor) == params, key
    for module_name, targets in want.get("imports", {}).items():
        info = model.module(module_name)
        assert info is not None
        assert [f"{i.module}.{i.name}" if i.name else i.module for i in info.imports] == targets
    for key, guards in want.get("guards", {}).items():
        module_name, line = key.rsplit(":", 1)
        info = model.module(module_name)
        assert info is not None
        at_line = [i for i in info.imports if i.location.line == int(line)]
        assert at_line, f"no import at {key}"
        assert all([g.kind.value for g in i.guards] == guards for i in at_line), key

    # JSON round-trips to an equal model, and re-serialises to the same bytes (the list of modules
    # no test imports is about the project's tests, not part of the model).
    assert isinstance(data.pop("untested_modules"), list)
    assert project_to_json(model) == data


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_scan_text_summary(name: str, fixture_project, capsys) -> None:
    project = fixture_project(name)
    want = expected(name)["scan"]
    code, out, err = run_cli(capsys, "scan", str(project))
    assert err == ""
    for module_name in want["modules"] + want["failures"]:
        assert f"  {module_name} " in out
    for finding in want["findings"]:
        assert any(line.startswith(finding + " ") for line in out.splitlines()), finding
    assert f"{len(want['modules'])} module" in out


def test_scan_is_deterministic_and_cache_gives_the_same_model(fixture_project, capsys) -> None:
    project = fixture_project("class_zoo")
    first = run_cli(capsys, "scan", str(project), "--format", "json")
    assert (project / ".smokegen_cache" / "CACHEDIR.TAG").is_file()
    second = run_cli(capsys, "scan", str(project), "--format", "json")
    uncached = run_cli(capsys, "scan", str(project), "--format", "json", "--no-cache")
    assert first == second == uncached
    assert str(project) not in first[1]  # no absolute paths in the output


def test_scan_from_a_subfolder_finds_the_project_root(fixture_project, capsys, monkeypatch) -> None:
    project = fixture_project("src_layout")
    monkeypatch.chdir(project / "src" / "ledger")
    code, out, _ = run_cli(capsys, "scan", "--format", "json")
    assert code == 0
    assert json.loads(out)["project"]["name"] == "ledger"


def test_unknown_config_key_is_a_one_line_usage_error(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    with open(project / "pyproject.toml", "a") as handle:
        handle.write('\n[tool.smokegen]\npackage = ["inventory"]\n')
    code, out, err = run_cli(capsys, "scan", str(project))
    assert code == 2 and out == ""
    assert err == (
        "smokegen: error: pyproject.toml: unknown key 'package' in [tool.smokegen] (did you mean 'packages'?)\n"
    )


def test_missing_project_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code, _, err = run_cli(capsys, "scan", str(tmp_path))
    assert code == 2
    assert "no project in this folder or any parent (looked for pyproject.toml, setup.cfg" in err
    assert "manage.py" in err and "requirements*.txt" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "scan", str(tmp_path / "nope"))
    assert code == 2 and "no such file or folder" in err


def test_bad_option_is_a_usage_error(capsys) -> None:
    code, _, err = run_cli(capsys, "scan", "--format", "xml")
    assert code == 2 and "Invalid value for '--format'" in err


def test_unreadable_cache_is_not_fatal(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    (project / ".smokegen_cache").write_text("a file where the cache folder should be")
    code, out, _ = run_cli(capsys, "scan", str(project), "--format", "json")
    assert code == 0 and json.loads(out)["project"]["name"] == "inventory-service"


def test_python_dash_m(fixture_project) -> None:
    project = fixture_project("syntax_error")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "smokegen", "scan", str(project)], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 1, result.stderr
    assert "legacy/broken.py:5:5: SG001 syntax error" in result.stdout
    assert result.stderr == ""


def test_renamed_class_fixture_own_mocked_tests_pass(fixture_project) -> None:
    """The incident's precondition: the project's own unit tests are green although the import is broken."""
    project = fixture_project("renamed_class")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    broken = subprocess.run(
        [sys.executable, "-c", "import app.streaming.pipeline"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "cannot import name 'StreamingConsumer'" in broken.stderr


def test_a_file_edited_since_the_last_run_is_scanned_beside_the_cache_reads(tmp_path: Path) -> None:
    """check in a fresh process: from a warm cache, the parser is loaded only to scan what changed,
    in a worker while the cached results are read; the report is the one a cold run gives."""
    project = tmp_path / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "pkg"\nversion = "0"\ndependencies = []\n')
    for number in range(6):
        (project / "pkg" / f"m{number}.py").write_text(f"VALUE_{number} = {number}\n")
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "use.py").write_text("from pkg.m1 import VALUE_1\n")
    command = [sys.executable, "-m", "smokegen", "check", "--static", "--no-mypy", "-j", "2", str(project)]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)

    assert run().returncode == 0  # fills the cache
    (project / "pkg" / "m1.py").write_text("RENAMED = 1\n")
    edited = run()
    assert edited.returncode == 1
    assert "pkg/use.py:1:20: SG101 cannot import name 'VALUE_1' from 'pkg.m1'" in edited.stdout
    cold = subprocess.run([*command, "--no-cache"], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert cold.stdout == edited.stdout


def test_the_cli_loads_no_parser_until_a_file_needs_scanning() -> None:
    code = "import sys, smokegen.cli.main, smokegen.pipeline, smokegen.scan.loader; print(sorted(m for m in sys.modules if m.startswith('libcst')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_symlink_loop_in_the_tree_is_not_a_crash(tmp_path: Path, capsys) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("X = 1\n")
    (tmp_path / "pkg" / "a").symlink_to("b")
    (tmp_path / "pkg" / "b").symlink_to("a")
    code, out, err = run_cli(capsys, "scan", str(tmp_path))
    assert code == 0 and "1 module" in out and err == ""


def test_a_report_into_a_missing_folder_is_refused_before_the_run(tmp_path: Path, capsys) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    code, out, err = run_cli(
        capsys, "check", "--static", "--output", str(tmp_path / "missing" / "r.json"), str(project)
    )
    assert code == 2 and out == "" and "does not exist; create it or write the report elsewhere" in err


def test_a_corrupt_deeply_nested_cache_entry_is_a_miss(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    first = run_cli(capsys, "scan", str(project), "--format", "json")
    for entry in (project / ".smokegen_cache" / "scan").rglob("*.json"):
        entry.write_text("[" * 100_000 + "]" * 100_000)
    assert run_cli(capsys, "scan", str(project), "--format", "json") == first
