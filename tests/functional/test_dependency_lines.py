"""An undeclared distribution imported on many lines of one file is one finding, at the first:
declaring it is the fix for all of them (pydantic's mypy plugin imports mypy on 64 lines)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from smokegen.cli.main import main
from tests.helpers import write_project

CODE = {
    "pkg/__init__.py": "",
    "pkg/cli.py": """\
        import click
        from click import echo
        from click import group as make_group


        def run() -> None:
            echo(click.style("x"), make_group)
        """,
    "pkg/other.py": "import click\n",
}


def test_one_finding_per_file_and_distribution_at_its_first_import(tmp_path: Path, capsys) -> None:
    project = write_project(tmp_path, CODE)
    main(["check", "--no-mypy", "--static", "--format", "json", "--python", sys.executable, str(project)])
    report = json.loads(capsys.readouterr().out)
    found = [(f["path"], f["line"], f["code"], f["message"]) for f in report["findings"] if "'click'" in f["message"]]
    assert [(path, line, code) for path, line, code, _ in found] == [
        ("pkg/cli.py", 1, "SG106"),
        ("pkg/other.py", 1, "SG106"),
    ]
    assert found[0][3].endswith("(imported here too at line 2, 3)")
    assert "imported here too" not in found[1][3]
