"""A module meant to be run by exec() with names given (SQLAlchemy's testing bootstrap reads
``locals()["bootstrap_file"]``) is not a broken import: SG206, a warning, saying so."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from smokegen.cli.main import main
from tests.helpers import write_project

CODE = {
    "pkg/__init__.py": "",
    "pkg/bootstrap.py": """\
        \"\"\"Run with exec(), bootstrap_file given, before the test plugin loads.\"\"\"
        import os

        bootstrap_file = locals()["bootstrap_file"]
        to_bootstrap = locals()["to_bootstrap"]
        """,
    "pkg/broken.py": """\
        settings = {"a": 1}
        value = settings["b"]
        """,
}


def test_a_module_run_by_exec_with_names_given_needs_them_a_missing_key_of_its_own_fails(
    tmp_path: Path, capsys
) -> None:
    project = write_project(tmp_path, CODE)
    code = main(["check", "--no-mypy", "--no-cache", "--format", "json", "--python", sys.executable, str(project)])
    report = json.loads(capsys.readouterr().out)
    found = {(f["path"], f["code"], f["severity"]): f["message"] for f in report["findings"]}
    assert code == 1  # broken.py's own KeyError
    given = found[("pkg/bootstrap.py", "SG206", "warning")]
    assert "it reads 'bootstrap_file' from its own namespace" in given
    assert "run by exec() with that name given" in given
    assert ("pkg/broken.py", "SG201", "error") in found
    assert not [key for key in found if key[0] == "pkg/bootstrap.py" and key[2] == "error"]
