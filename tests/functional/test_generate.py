"""``smokegen generate``: the generated smoke suite is written, then *run* with pytest in a
subprocess (plain and under pytest-xdist), and its outcome compared with each fixture's
``expected.toml`` ``[generate]``: which test ids fail, with which real exception, which skip."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from smokegen.cli.main import main
from tests.helpers import FIXTURE_NAMES, REPO, dedent, expected

SUITE = Path("tests/smoke")


def generate(project: Path, *args: str) -> int:
    return main(["generate", *args, str(project)])


def run_suite(project: Path, *args: str) -> dict[str, tuple[str, str]]:
    """Run the generated suite; test id (relative to the suite folder) -> (outcome, report text)."""
    report = project / "junit.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={report}", *args, str(SUITE)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2+: collection or usage errors
    return _junit(report)


def check_json(project: Path) -> dict[str, Any]:
    """``smokegen check --format json`` on ``project``, as a user runs it (mypy when it configures it)."""
    done = subprocess.run(
        [sys.executable, "-m", "smokegen", "check", "--format", "json", "--python", sys.executable, str(project)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode in (0, 1), done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


SUITE_IDS = {
    "module": "test_smoke_imports.py::test_import[{}]",
    "class": "test_smoke_classes.py::test_build[{}]",
    "entry-point": "test_smoke_entry_points.py::test_entry_point[{}]",
    "project": "test_smoke_imports.py::test_project_files",
    "mypy": "test_smoke_mypy.py::test_mypy",
}
PLUGIN_IDS = {
    "module": "import[{}]",
    "class": "build[{}]",
    "entry-point": "entry_point[{}]",
    "project": "project_files",
    "mypy": "mypy",
}


def expected_from_check(report: dict[str, Any], ids: dict[str, str]) -> tuple[set[str], set[str]]:
    """(the test ids that must fail, those that must skip), derived from check's JSON report alone:
    a subject with an error finding fails; one with only warnings skips, as does a class check tried
    and did not build (a class it never plans, an enum, has no test), and a module whose import
    failed with no error of its own."""
    errors: set[str] = set()
    warned: set[str] = set()
    for finding in report["findings"]:
        subject = finding["subject"]
        test_id = ids[subject["kind"]].format(subject["name"])
        (errors if finding["severity"] == "error" else warned).add(test_id)
    for outcome in report["classes"]:
        if outcome["outcome"] in ("skipped", "not-imported") and outcome["arguments"] is not None:
            warned.add(ids["class"].format(outcome["class"]))
    for module, status in report.get("imports", {}).items():
        if status != "ok":  # fails for a cause reported elsewhere (or for none check calls a finding)
            warned.add(ids["module"].format(module))
    return errors, warned - errors


def plugin_outcomes(project: Path, *args: str) -> dict[str, tuple[str, str]]:
    """``pytest --smokegen`` on ``project`` with none of its own tests: item name -> (outcome, text)."""
    empty = project / "no_tests_here"
    empty.mkdir()
    report = project / "plugin.xml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--smokegen",
            "--smokegen-project",
            str(project),
            f"--junitxml={report}",
            *args,
            str(empty),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return {name.rpartition("::")[2]: outcome for name, outcome in _junit(report).items()}


def _junit(report: Path) -> dict[str, tuple[str, str]]:
    outcomes: dict[str, tuple[str, str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        module = case.get("classname", "").rpartition(".")[2]
        test_id = f"{module}.py::{case.get('name')}"
        outcome, text = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
                text = f"{child.get('message', '')}\n{child.text or ''}"
                break
        outcomes[test_id] = (outcome, text)
    return outcomes


def _split(outcomes: dict[str, tuple[str, str]]) -> tuple[set[str], set[str]]:
    failed = {test_id for test_id, (outcome, _) in outcomes.items() if outcome in ("failed", "error")}
    return failed, {test_id for test_id, (outcome, _) in outcomes.items() if outcome == "skipped"}


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_suite_and_plugin_fail_exactly_where_check_reports_errors(name: str, fixture_project, capsys) -> None:
    """One verdict, three front ends: on every fixture, the generated suite (plain and ``-n 2``) and
    ``pytest --smokegen`` fail exactly the subjects of check's error findings and skip exactly those
    of its warnings, with check's finding line as the failure message."""
    project = fixture_project(name)
    report = check_json(project)
    assert generate(project) == 0
    capsys.readouterr()
    suite_errors, suite_warned = expected_from_check(report, SUITE_IDS)
    for args in ((), ("-n", "2")):
        outcomes = run_suite(project, *args)
        assert _split(outcomes) == (suite_errors, suite_warned), (args, outcomes)
        for finding in report["findings"]:
            if finding["severity"] == "error" and finding["subject"]["kind"] != "mypy":
                line = f"{finding['path']}:{finding['line']}:{finding['column']}: {finding['code']}"
                test_id = SUITE_IDS[finding["subject"]["kind"]].format(finding["subject"]["name"])
                assert line in outcomes[test_id][1]
        # every module has its import test, whatever its outcome
        modules = expected(name)["scan"]["modules"]
        imported = {
            t.partition("[")[2].rstrip("]") for t in outcomes if t.startswith("test_smoke_imports.py::test_import")
        }
        assert {m for m in modules if not m.endswith("__main__")} <= imported
    # the hand-kept list agrees too (it says which real exception each failure shows)
    want = expected(name)["generate"]
    assert sorted(suite_errors) == sorted(want["failed"])
    for test_id, needle in want["failed"].items():
        assert needle in outcomes[test_id][1], f"{test_id}: {outcomes[test_id][1]}"
    assert sorted(suite_warned) == sorted(want["skipped"]["ids"])
    shutil.rmtree(project / SUITE)
    plugin_errors, plugin_warned = expected_from_check(report, PLUGIN_IDS)
    assert _split(plugin_outcomes(project)) == (plugin_errors, plugin_warned)


def test_generate_twice_touches_nothing_and_check_finds_nothing_stale(fixture_project, capsys) -> None:
    project = fixture_project("class_zoo")
    assert generate(project) == 0
    files = sorted((project / SUITE).iterdir())
    assert [f.name for f in files] == ["test_smoke_classes.py", "test_smoke_imports.py"]
    before = {f: (f.stat().st_mtime_ns, f.read_bytes()) for f in files}
    capsys.readouterr()
    assert generate(project) == 0
    assert "tests/smoke: up to date (2 files)" in capsys.readouterr().out
    assert {f: (f.stat().st_mtime_ns, f.read_bytes()) for f in files} == before
    assert generate(project, "--check") == 0


def test_check_names_each_stale_file_and_writes_nothing(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    assert generate(project, "--check") == 1
    out = capsys.readouterr().out
    assert "tests/smoke/test_smoke_imports.py: out of date; run `smokegen generate`" in out
    assert not (project / SUITE).exists()

    assert generate(project) == 0
    (project / "inventory" / "extra.py").write_text("VALUE = 1\n")
    capsys.readouterr()
    assert generate(project, "--check") == 1
    assert capsys.readouterr().out.splitlines() == [
        "tests/smoke/test_smoke_imports.py: out of date; run `smokegen generate`"
    ]
    # a generated file the suite no longer has is stale too, and generate removes it
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text().replace("[project.scripts]", "[project.unused]")
    )
    capsys.readouterr()
    assert generate(project, "--check") == 1
    assert "tests/smoke/test_smoke_entry_points.py: no longer part of the suite" in capsys.readouterr().out
    assert generate(project) == 0
    assert not (project / SUITE / "test_smoke_entry_points.py").exists()


def test_the_header_names_the_flags_that_shaped_the_suite(fixture_project, capsys) -> None:
    project = fixture_project("class_zoo")
    flags = ["--no-instantiate", "--exclude", "zoo/old stuff", "--smoke-dir", "tests/sm"]
    assert generate(project, *flags) == 0
    command = "smokegen generate --exclude 'zoo/old stuff' --no-instantiate --smoke-dir tests/sm"
    header = (project / "tests/sm/test_smoke_imports.py").read_text().splitlines()[0]
    assert header == f"# Generated by smokegen: do not edit by hand. Regenerate with: {command}"
    assert not (project / "tests/sm/test_smoke_classes.py").exists()  # --no-instantiate: no class tests
    capsys.readouterr()
    assert generate(project, *flags, "--check", "--jobs", "1") == 0  # the same settings: up to date
    # Without the flags the suite differs, and --check says which command made it.
    assert generate(project, "--check", "--smoke-dir", "tests/sm") == 1
    out = capsys.readouterr().out
    assert f"out of date for `smokegen generate --smoke-dir tests/sm`; it was made by `{command}`" in out


def test_a_file_smokegen_did_not_write_is_never_overwritten(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    mine = project / SUITE / "test_smoke_imports.py"
    mine.parent.mkdir(parents=True)
    mine.write_text("def test_mine() -> None:\n    assert True\n")
    assert generate(project) == 2
    err = capsys.readouterr().err
    assert "tests/smoke/test_smoke_imports.py was not written by smokegen" in err and "--force" in err
    assert mine.read_text() == "def test_mine() -> None:\n    assert True\n"
    assert (project / SUITE / "test_smoke_classes.py").is_file()  # the rest is written
    assert generate(project, "--force") == 0
    assert mine.read_text().startswith("# Generated by smokegen: do not edit by hand.")


def test_dry_run_writes_nothing(fixture_project, capsys) -> None:
    project = fixture_project("class_zoo")
    assert generate(project, "--dry-run") == 0
    assert "would write tests/smoke/test_smoke_classes.py" in capsys.readouterr().out
    assert not (project / SUITE).exists()


@pytest.mark.parametrize("name", ["broken_entry_point", "class_zoo", "mypy_only", "src_layout"])
def test_generated_files_pass_mypy_strict(name: str, fixture_project, capsys) -> None:
    project = fixture_project(name)
    assert generate(project) == 0
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental", str(SUITE)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        # smokegen, installed editable, and the project's source roots (as if installed) are visible to mypy
        env={
            **os.environ,
            "MYPYPATH": os.pathsep.join(
                [str(REPO), *(str(project / r) for r in expected(name)["scan"]["source_roots"])]
            ),
        },
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_generated_class_tests_judge_as_check_does_on_run_time_surprises(tmp_path: Path, capsys) -> None:
    """Found on published packages: a class defined only when an optional dependency is installed
    (urllib3's BrotliDecoder), and a class whose run-time signature is not the one in its source
    (networkx's Config subclasses) are skips in `check`, and in the generated suite too."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "pkg"\nversion = "0"\ndependencies = []\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "things.py").write_text(
        dedent(
            """
            try:
                import codec_not_installed
            except ImportError:
                codec_not_installed = None

            if codec_not_installed is not None:
                class CodecDecoder:
                    def __init__(self) -> None:
                        self.codec = codec_not_installed


            def needs_size(cls):
                def __init__(self, *, size: int) -> None:
                    self.size = size
                cls.__init__ = __init__
                return cls


            @needs_size
            class Resized:
                def __init__(self) -> None:
                    pass


            class Plain:
                pass
            """
        )
    )
    main(["check", "--no-mypy", "--python", sys.executable, "--format", "json", str(tmp_path)])
    classes = {c["class"]: (c["outcome"], c["skip_reason"]) for c in json.loads(capsys.readouterr().out)["classes"]}
    assert classes == {
        "pkg.things:CodecDecoder": ("skipped", "not-a-class"),
        "pkg.things:Plain": ("built", None),
        "pkg.things:Resized": ("skipped", "required-args"),
    }
    assert generate(tmp_path) == 0
    outcomes = run_suite(tmp_path)
    assert {k: v[0] for k, v in outcomes.items() if "classes" in k} == {
        "test_smoke_classes.py::test_build[pkg.things:CodecDecoder]": "skipped",
        "test_smoke_classes.py::test_build[pkg.things:Plain]": "passed",
        "test_smoke_classes.py::test_build[pkg.things:Resized]": "skipped",
    }
    assert "not-a-class" in outcomes["test_smoke_classes.py::test_build[pkg.things:CodecDecoder]"][1]
    assert "required-args" in outcomes["test_smoke_classes.py::test_build[pkg.things:Resized]"][1]


def test_check_runs_before_the_first_smoke_test_not_inside_it(fixture_project, capsys) -> None:
    """A per-test timeout (pytest-timeout) must not count check's run against whichever smoke test
    comes first: the verdict is there before any test starts, for the suite and for the plugin."""
    project = fixture_project("class_zoo")
    assert generate(project, "--no-mypy") == 0
    capsys.readouterr()
    (project / "conftest.py").write_text(
        "import smokegen.testing\n\n\n"
        "def pytest_runtest_setup(item):\n"
        "    print(f'VERDICTS-BEFORE {item.name} {smokegen.testing.verdict.cache_info().currsize}')\n"
    )
    for args in (["tests/smoke"], ["--smokegen", "--smokegen-project", str(project), "-k", "smokegen"]):
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-s", "-q", *args],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 1, done.stdout + done.stderr  # Ledger's SG210
        counts = [line.split()[-1] for line in done.stdout.splitlines() if line.startswith("VERDICTS-BEFORE")]
        assert counts and set(counts) == {"1"}, done.stdout


def test_the_suites_check_sees_the_environment_pytest_started_with_not_the_tests(tmp_path: Path, capsys) -> None:
    """What a conftest.py (or pytest-django, from pytest.ini) sets for the tests is not production's:
    the check the suite runs judges the project with the environment pytest was started with."""
    root = tmp_path / "proj"
    files = {
        "app/__init__.py": "",
        "app/config.py": (
            "import os\n\nif os.environ.get('APP_SETTINGS') == 'test':\n"
            "    raise RuntimeError('the test settings reached the smoke check')\n"
        ),
        "app/needs.py": "import os\n\nURL = os.environ['SHELL_SERVICE_URL']\n",
        "conftest.py": "import os\n\nos.environ['APP_SETTINGS'] = 'test'\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\ndependencies = []\n')
    assert generate(root, "--no-mypy") == 0
    capsys.readouterr()
    for args in ((), ("-n", "2")):
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", *args, "tests/smoke"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "SHELL_SERVICE_URL": "http://localhost"},
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "PASSED tests/smoke/test_smoke_imports.py::test_import[app.config]" in done.stdout
        assert "PASSED tests/smoke/test_smoke_imports.py::test_import[app.needs]" in done.stdout


def test_the_projects_autouse_fixtures_do_not_reach_the_smoke_tests(fixture_project, capsys) -> None:
    """pytest-django projects put ``@pytest.fixture(autouse=True) def _(db)`` in tests/conftest.py,
    which needs a database: the smoke tests under tests/smoke take no fixture, so they run anyway;
    the project's own tests still get theirs."""
    project = fixture_project("class_zoo")
    (project / "tests" / "conftest.py").write_text(
        "import pytest\n\n\n@pytest.fixture(autouse=True)\ndef needs_database():\n"
        "    raise RuntimeError('no PostgreSQL here')\n"
    )
    (project / "tests" / "test_own.py").write_text("def test_own() -> None:\n    pass\n")
    assert generate(project, "--no-mypy") == 0
    capsys.readouterr()
    for args in ((), ("-n", "2")):
        outcomes = run_suite(project, *args)
        assert {o for o, _ in outcomes.values()} == {"passed", "failed", "skipped"}
        assert outcomes["test_smoke_classes.py::test_build[zoo.keepers:Ledger]"][0] == "failed"
        assert not any("PostgreSQL" in text for _, text in outcomes.values())
    own = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests/test_own.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "no PostgreSQL here" in own.stdout  # the project's own tests still get the fixture
