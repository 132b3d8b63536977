"""Hostile projects cannot fool or escape smokegen: whatever bytes their exceptions and file names
hold, every report is valid and no escape sequence reaches the terminal; whatever their settings and
symlinks say, smokegen writes only inside the project, and what it writes has the usual mode."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from smokegen.cli.main import main
from tests.helpers import write_project

HOSTILE = {
    "pkg/__init__.py": "",
    "pkg/bad.py": 'raise RuntimeError("\\x00\\x1b[31mred\\x07 \\x9b2J \\udcff \\u202eevil")\n',
    "pkg/leaves.py": 'import sys\nsys.exit("\\x1b]0;pwned\\x07")\n',
    "pkg/fine.py": "VALUE = 1\n",
    "pkg/odd\x1b[2Jname.py": "VALUE = 2\n",  # not importable (SG004): its path is in the report
}
RAW = ("\x00", "\x07", "\x1b", "\x9b", "\r", "\udcff", "\u202e")


def check(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-mypy", "--no-cache", "--python", sys.executable, *args, str(project)])
    out, err = capsys.readouterr()
    return code, out, err


def assert_printable(text: str) -> None:
    assert not [c for c in RAW if c in text], ascii(text)


@pytest.mark.parametrize("output_format", ["text", "github", "junit", "sarif", "json"])
def test_every_format_is_valid_whatever_the_exception_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    project = write_project(tmp_path, HOSTILE)
    code, out, err = check(capsys, project, "--format", output_format)
    assert code == 1, err
    assert_printable(out)
    assert_printable(err)
    if output_format == "junit":
        root = ET.fromstring(out.split("\n", 1)[1])
        messages = [f.get("message", "") for f in root.iter("failure")]
    elif output_format in ("json", "sarif"):
        data = json.loads(out)
        results = data["findings"] if output_format == "json" else data["runs"][0]["results"]
        messages = [r["message"] if output_format == "json" else r["message"]["text"] for r in results]
        assert_printable(json.dumps(data, ensure_ascii=False))  # what a consumer decodes is clean too
    else:
        messages = out.splitlines()
    said = "\n".join(messages)
    assert "RuntimeError: \\x00\\x1b[31mred\\x07 \\x9b2J \\udcff \\u202eevil" in said  # shown, not lost
    assert "\\x1b]0;pwned\\x07" in said


def test_a_report_written_with_output_is_valid_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p").mkdir()
    project = write_project(tmp_path / "p", HOSTILE)
    report = tmp_path / "report.xml"
    code, _, _ = check(capsys, project, "--format", "junit", "--output", str(report))
    assert code == 1
    ET.parse(report)


def test_scan_and_mocks_print_no_escape_sequence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        **HOSTILE,
        "tests/test_bad.py": 'from unittest import mock\n\n@mock.patch("pkg.\\x1b[2Jgone")\ndef test_x(m): pass\n',
    }
    project = write_project(tmp_path, files)
    assert main(["scan", "--no-cache", str(project)]) == 0
    out, err = capsys.readouterr()
    assert_printable(out + err)
    assert "odd\\x1b[2Jname.py" in out
    for output_format in ("text", "json", "github", "junit"):
        main(["mocks", "--no-cache", "--python", sys.executable, "--format", output_format, str(project)])
        out, err = capsys.readouterr()
        assert_printable(out + err)


# Stay inside: the folders smokegen writes into resolve inside the project, or nothing runs.

HEALTHY = {"pkg/__init__.py": "", "pkg/mod.py": "class Thing:\n    pass\n"}


def usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("command", ["scan", "check", "generate", "mocks"])
def test_a_cache_dir_outside_is_refused_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    outside = tmp_path / "elsewhere"
    project = tmp_path / "work" / "p"
    project.mkdir(parents=True)
    write_project(project, HEALTHY, '[tool.smokegen]\ncache_dir = "../../elsewhere"\n')
    err = usage_error(capsys, command, str(project))
    assert err.startswith("smokegen: error: pyproject.toml: [tool.smokegen] cache_dir = '../../elsewhere' must be a")
    assert f"resolves to {outside}; give a folder inside it, e.g. '.smokegen_cache'" in err
    err = usage_error(capsys, command, "--cache-dir", str(outside), str(project))
    assert err.startswith(f"smokegen: error: --cache-dir '{outside}' must be a folder inside the project")
    assert not outside.exists() and not (project / "tests").exists()


def test_the_project_root_itself_is_not_a_cache_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, HEALTHY)
    (tmp_path / ".smokegen.toml").write_text('cache-dir = "."\n')
    err = usage_error(capsys, "scan", str(tmp_path))
    assert err.startswith("smokegen: error: .smokegen.toml: cache_dir = '.' must be a folder inside the project")
    assert not (tmp_path / "CACHEDIR.TAG").exists()


def test_a_symlinked_smoke_dir_pointing_outside_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "p"
    project.mkdir()
    write_project(project, HEALTHY)
    (project / "tests").mkdir()
    (project / "tests" / "smoke").symlink_to(outside)
    err = usage_error(capsys, "generate", str(project))
    assert err == (
        f"smokegen: error: smoke_dir = 'tests/smoke' (the default) must be a folder inside the project, but "
        f"tests/smoke is a symlink to {outside}; remove the link, or set smoke_dir (--smoke-dir) to a folder "
        "inside the project\n"
    )
    (project / "out").symlink_to(outside)
    err = usage_error(capsys, "generate", "--smoke-dir", "out/smoke", str(project))
    assert f"--smoke-dir 'out/smoke' must be a folder inside the project, but out is a symlink to {outside}" in err
    (project / "tests" / "smoke").unlink()
    err = usage_error(capsys, "generate", "--direct", "--direct-dir", "out", "--project", str(project))
    assert f"--direct-dir 'out' must be a folder inside the project, but out is a symlink to {outside}" in err
    (project / "tests" / "smoke").symlink_to("smoke")  # a loop
    assert "tests/smoke is a symlink loop" in usage_error(capsys, "scan", str(project))
    assert list(outside.iterdir()) == []


def test_a_symlink_that_stays_inside_is_followed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_project(tmp_path, HEALTHY)
    (tmp_path / "checks").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "smoke").symlink_to(tmp_path / "checks")
    assert main(["generate", str(tmp_path)]) == 0
    assert sorted(p.name for p in (tmp_path / "checks").iterdir()) == ["test_smoke_classes.py", "test_smoke_imports.py"]


# What smokegen writes: the usual mode, and no leftovers of a run killed mid-write.


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask_022")
def test_written_files_have_the_usual_mode_and_replaced_ones_keep_theirs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, HEALTHY)
    assert main(["generate", str(tmp_path)]) == 0
    suite = tmp_path / "tests" / "smoke"
    imports, classes = suite / "test_smoke_imports.py", suite / "test_smoke_classes.py"
    assert [stat.S_IMODE(p.stat().st_mode) for p in (imports, classes)] == [0o644, 0o644]
    assert stat.S_IMODE(next((tmp_path / ".smokegen_cache" / "scan").rglob("*.json")).stat().st_mode) == 0o644
    imports.chmod(0o600)
    classes.chmod(0o755)
    (tmp_path / "pkg" / "mod.py").write_text("class Thing:\n    pass\n\n\nclass Other:\n    pass\n")
    assert main(["generate", str(tmp_path)]) == 0
    assert "wrote tests/smoke/test_smoke_classes.py" in capsys.readouterr().out
    assert "Other" in classes.read_text()
    assert [stat.S_IMODE(p.stat().st_mode) for p in (imports, classes)] == [0o600, 0o755]
    report = tmp_path / "report.json"
    assert main(["check", "--static", "--format", "json", "--output", str(report), str(tmp_path)]) == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o644


def test_leftovers_of_a_killed_write_are_removed_by_the_next_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, HEALTHY)
    assert main(["generate", str(tmp_path)]) == 0
    suite = tmp_path / "tests" / "smoke"
    old = time.time() - 3600
    stale = [suite / ".test_smoke_x.py.abc.tmp", suite / ".test_smoke_imports.py.k3j_9zq1.tmp"]
    fresh = suite / ".test_smoke_imports.py.a1b2c3d4.tmp"  # a concurrent run's write in progress
    other = suite / ".notes.txt.abc.tmp"  # not a name smokegen writes here
    for path in [*stale, fresh, other]:
        path.write_text("half a fi")
    for path in [*stale, other]:
        os.utime(path, (old, old))
    assert main(["generate", str(tmp_path)]) == 0  # nothing to write: the suite is up to date
    assert "up to date" in capsys.readouterr().out
    assert [p.exists() for p in stale] == [False, False]
    assert fresh.exists() and other.exists()
    report = tmp_path / "report.txt"
    leftover = tmp_path / ".report.txt.zz9.tmp"
    leftover.write_text("")
    os.utime(leftover, (old, old))
    assert main(["check", "--static", "--output", str(report), str(tmp_path)]) == 0
    assert not leftover.exists()
