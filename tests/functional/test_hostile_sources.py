"""Source files nested past what the interpreter accepts: SG001 at their line, never a crash.

LibCST's native parser overflowed the stack on 2,000 nested parentheses (exit 139, no output), so
the CLI runs in a subprocess here: a crash shows as its exit status.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXPECTED = [
    "pkg/chain.py:4:1: SG001",
    "pkg/good.py:2:25: SG102",
    "pkg/indented.py:102:1: SG001",
    "pkg/parens2000.py:3:205: SG001",
    "pkg/parens300.py:2:205: SG001",
]


def hostile_project(root: Path) -> Path:
    (root / "pyproject.toml").write_text('[project]\nname = "hostile"\n')
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "good.py").write_text("import os\nfrom pkg.missing import thing\n")  # still reported
    (pkg / "parens2000.py").write_text("import os\n\nx = " + "(" * 2000 + "1" + ")" * 2000 + "\n")
    (pkg / "parens300.py").write_text("y = 1\nx = [" + "(" * 300 + "1" + ")" * 300 + "]\n")
    # 120 nested blocks: the interpreter stops at 100 levels of indentation (line 102: the 101st)
    (pkg / "indented.py").write_text(
        "import os\n" + "".join("    " * i + "if os:\n" for i in range(120)) + "    " * 120 + "pass\n"
    )
    # a binary chain of 30,000 terms: too deep for the interpreter's compiler on every version
    (pkg / "chain.py").write_text("import os\n\n\nx = " + "+".join(["os.sep"] * 30_000) + "\n")
    return root


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smokegen", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
    )


def findings(output: str) -> list[str]:
    return sorted(line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in output.splitlines() if ": SG" in line)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_scan_reports_nesting_past_the_interpreter_limits_as_sg001(tmp_path: Path, jobs: str) -> None:
    root = hostile_project(tmp_path)
    done = run("scan", "--no-cache", "-j", jobs, str(root))
    assert done.returncode == 1, done.stdout + done.stderr  # findings, not a crash (139) nor exit 3
    assert findings(done.stdout) == [f for f in EXPECTED if "SG001" in f]
    assert "pkg/parens2000.py:3:205: SG001 syntax error: too many nested parentheses" in done.stdout
    assert "pkg/indented.py:102:1: SG001 syntax error: too many levels of indentation" in done.stdout
    assert "pkg/chain.py:4:1: SG001 syntax error: nested too deeply for the interpreter" in done.stdout
    assert "2 modules (1 package, 0 __main__), 4 not scanned" in done.stdout


def test_check_static_reports_them_and_the_other_modules_findings(tmp_path: Path) -> None:
    root = hostile_project(tmp_path)
    done = run("check", "--static", "--no-mypy", "--no-cache", "--python", sys.executable, str(root))
    assert done.returncode == 1, done.stdout + done.stderr
    assert findings(done.stdout) == EXPECTED
    assert done.stdout.splitlines()[-1] == "5 errors, 0 warnings in 6 modules"


def test_installed_modules_read_for_names_are_guarded_too(tmp_path: Path) -> None:
    """The static stage reads third-party sources to check the names imported from them."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "deeplib.py").write_text("def thing(): ...\nx = " + "(" * 2000 + "1" + ")" * 2000 + "\n")
    (site / "chainlib.py").write_text("def thing(): ...\nx = " + "-" * 100_000 + "1\n")
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = []\n')
    (project / "app" / "__init__.py").write_text("from deeplib import thing\nfrom chainlib import thing as other\n")
    env = {**os.environ, "PYTHONPATH": str(site)}  # on the target interpreter's sys.path
    done = run("check", "--static", "--no-mypy", "--no-cache", "--python", sys.executable, str(project), env=env)
    assert done.returncode == 0, done.stdout + done.stderr  # a module that does not parse is opaque
    assert done.stdout.splitlines()[-1] == "0 errors, 0 warnings in 1 module"
