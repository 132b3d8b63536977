"""check started ahead: the plugin and a generated suite start ``smokegen check`` when pytest loads
the plugin, before conftest.py files (and pytest-django's ``django.setup()``), so that it runs
while pytest starts up and collects; one check per run, pytest-xdist's workers reading the
controller's; none for ``--collect-only``; a check no collected test needs is stopped.

Every ``smokegen check`` the runs start is logged by a ``sitecustomize`` on ``PYTHONPATH``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from smokegen.cli.main import main

SITECUSTOMIZE = """\
import os, sys
if sys.argv[:2] == ["-m", "check"] or sys.argv[1:2] == ["check"]:
    with open(os.environ["SMOKEGEN_CHECK_LOG"], "a") as log:
        log.write(f"{os.getpid()}\\n")
"""

# Run at conftest.py's import: the commands of this process's children (a check started ahead).
CONFTEST = """\
import os
from pathlib import Path

def _children():
    found = []
    for task in Path("/proc/self/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                found.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\\0", b" ").decode())
            except OSError:
                pass
    return found

print("CHILDREN-AT-CONFTEST", any("smokegen check" in c for c in _children()))
"""


@pytest.fixture
def logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file every ``smokegen check`` started from here on writes its pid into."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "checks.log"
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH")) if p))
    monkeypatch.setenv("SMOKEGEN_CHECK_LOG", str(log))
    return log


def checks(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def pytest_run(
    project: Path, *args: str, temp: Path | None = None, inside: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-s", "-q", *args],
        cwd=project,
        env={  # as a user starts it: not inside this suite's pytest-xdist run
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_XDIST_", "PYTEST_CURRENT"))},
            **({"TMPDIR": str(temp)} if temp is not None else {}),
            **(inside or {}),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def alive(pids: list[str]) -> list[str]:
    """The pids that are still running processes (not zombies)."""
    running = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.append(pid)
    return running


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")


@needs_proc
@pytest.mark.parametrize("form", ["plugin", "suite", "suite elsewhere", "suite file"])
def test_check_is_running_before_conftest_is_imported(fixture_project, logged: Path, capsys, form: str) -> None:
    """The plugin; the suite in smoke_dir; one written elsewhere (``generate --smoke-dir``, not
    in the settings) and named on the command line; one of its files named."""
    project = fixture_project("class_zoo")
    smoke_dir = "checks/smoke" if form == "suite elsewhere" else "tests/smoke"
    if form != "plugin":
        assert main(["generate", "--no-mypy", "--smoke-dir", smoke_dir, str(project)]) == 0
        capsys.readouterr()
    (project / "conftest.py").write_text(CONFTEST)
    args = {
        "plugin": ["--smokegen", "-k", "smokegen", "tests"],
        "suite": ["tests/smoke"],
        "suite elsewhere": [smoke_dir],
        "suite file": ["tests/smoke/test_smoke_classes.py"],
    }[form]
    done = pytest_run(project, *args)
    assert done.returncode == 1, done.stdout + done.stderr  # Ledger's SG210, as check reports it
    assert "CHILDREN-AT-CONFTEST True" in done.stdout, done.stdout
    assert "NameError: name 'load_rates' is not defined" in done.stdout
    assert len(checks(logged)) == 1


@pytest.mark.parametrize("form", ["plugin", "suite"])
def test_one_check_for_a_pytest_xdist_run_the_controllers(
    fixture_project, logged: Path, capsys, tmp_path: Path, form: str
) -> None:
    project = fixture_project("class_zoo")
    temp = tmp_path / "temp"
    temp.mkdir()
    if form == "suite":
        assert main(["generate", "--no-mypy", str(project)]) == 0
        capsys.readouterr()
    args = ["--smokegen", "-k", "smokegen", "tests"] if form == "plugin" else ["tests/smoke"]
    done = pytest_run(project, "-n", "2", "-rA", *args, temp=temp)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "NameError: name 'load_rates' is not defined" in done.stdout
    assert len(checks(logged)) == 1, checks(logged)
    assert list(temp.glob("smokegen-run-*")) == []  # the folder the workers read the report from is gone


def test_a_pytest_xdist_run_inside_another_shares_its_check_and_leaves_its_folder(
    fixture_project, logged: Path, tmp_path: Path
) -> None:
    """pytest run with ``-n 2`` by a test of a pytest-xdist run (it inherits the outer run's id): its
    workers read its check, and the outer run's shared folder is left to the outer run."""
    project = fixture_project("class_zoo")
    temp = tmp_path / "temp"
    outer = temp / "smokegen-run-outer0run"
    outer.mkdir(parents=True)
    (outer / "other.json").write_text("{}")
    inside = {"PYTEST_XDIST_TESTRUNUID": "outer0run", "PYTEST_XDIST_WORKER": "gw0"}
    done = pytest_run(project, "-n", "2", "--smokegen", "-k", "smokegen", "tests", temp=temp, inside=inside)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "NameError: name 'load_rates' is not defined" in done.stdout
    assert len(checks(logged)) == 1, checks(logged)
    assert (outer / "other.json").exists()


def test_collect_only_runs_no_check(fixture_project, logged: Path) -> None:
    project = fixture_project("class_zoo")
    done = pytest_run(project, "--smokegen", "--collect-only", "tests")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smokegen::import[zoo.keepers]" in done.stdout
    assert checks(logged) == []


@needs_proc
def test_a_check_no_collected_test_needs_is_stopped(fixture_project, logged: Path, capsys) -> None:
    """``-k`` deselects every smoke test: the check started ahead is stopped, none is left running."""
    project = fixture_project("class_zoo")
    assert main(["generate", "--no-mypy", str(project)]) == 0
    capsys.readouterr()
    done = pytest_run(project, "tests/smoke", "-k", "no_such_test")
    assert done.returncode == 5, done.stdout + done.stderr  # every test deselected
    started = checks(logged)
    assert len(started) <= 1
    assert alive(started) == []


@pytest.mark.parametrize("option", ["--ignore=tests/smoke", "--ignore-glob=*/smoke"])
def test_a_suite_the_run_ignores_starts_no_check(fixture_project, logged: Path, capsys, option: str) -> None:
    project = fixture_project("class_zoo")
    assert main(["generate", "--no-mypy", str(project)]) == 0
    capsys.readouterr()
    (project / "tests" / "test_own.py").write_text("def test_own() -> None:\n    assert True\n")
    done = pytest_run(project, option, "tests")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    assert checks(logged) == []


def test_a_suite_outside_the_paths_given_starts_no_check(fixture_project, logged: Path, capsys) -> None:
    project = fixture_project("class_zoo")
    assert main(["generate", "--no-mypy", str(project)]) == 0
    capsys.readouterr()
    own = project / "tests" / "unit"
    own.mkdir(parents=True)
    (own / "test_own.py").write_text(
        "import sys\n\n\ndef test_own() -> None:\n    print('LOADED', 'smokegen.testing' in sys.modules)\n"
    )
    done = pytest_run(project, "tests/unit")
    assert done.returncode == 0, done.stdout + done.stderr
    assert checks(logged) == []
    assert "LOADED False" in done.stdout  # a run that needs no check loads nothing of smokegen's


@needs_proc
@pytest.mark.parametrize("xdist", [False, True], ids=["plain", "xdist"])
def test_a_usage_error_after_the_check_started_leaves_nothing_behind(
    fixture_project, logged: Path, tmp_path: Path, xdist: bool
) -> None:
    """pytest refuses an unknown option after the plugin started check (and never unconfigures):
    no check left running, and no folder a pytest-xdist run would have shared it in."""
    project = fixture_project("class_zoo")
    temp = tmp_path / "temp"
    temp.mkdir()
    args = ["--smokegen", *(["-n", "2"] if xdist else []), "--no-such-option", "tests"]
    done = pytest_run(project, *args, temp=temp)
    assert done.returncode == 4, done.stdout + done.stderr  # pytest's usage error
    assert "--no-such-option" in done.stderr
    assert checks_running(project) == []
    assert list(temp.iterdir()) == []


def checks_running(project: Path) -> list[str]:
    """The ``smokegen check`` processes of ``project`` still running."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if "smokegen check" in command and str(project) in command and alive([entry.name]):
            found.append(command)
    return found


SEEN_AT_COLLECTION = """\
import os, sys


def pytest_collection_finish(session):
    with open(os.environ["SEEN"], "a") as out:
        out.write(f"libcst={'libcst' in sys.modules}\\n")
"""


@pytest.mark.parametrize("xdist", [False, True], ids=["plain", "xdist"])
def test_a_first_run_parses_the_project_once_in_the_check(
    fixture_project, logged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdist: bool
) -> None:
    """No scan cache yet (and a module that takes LibCST a while): the plugin's collection waits
    for the check started ahead and reads the scan it keeps, instead of parsing the project again
    beside it, so LibCST never loads in pytest."""
    project = fixture_project("class_zoo")
    assert not (project / ".smokegen_cache").exists()
    rows = "".join(f"    ({i}, 'row {i}', {i}.5),\n" for i in range(20000))
    (project / "zoo" / "data.py").write_text(f"ROWS = [\n{rows}]\n")
    seen = tmp_path / "seen.txt"
    monkeypatch.setenv("SEEN", str(seen))
    (project / "conftest.py").write_text(SEEN_AT_COLLECTION)
    done = pytest_run(project, "--smokegen", *(["-n", "2"] if xdist else []), "tests")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "NameError: name 'load_rates' is not defined" in done.stdout
    assert seen.read_text().split() == ["libcst=False"] * (2 if xdist else 1)
    assert len(checks(logged)) == 1
