"""Modules that fail only because the configuration module they import wants a variable: one
SG206, at the line that wants it, naming the others (as failures are grouped), not one each."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from smokegen.cli.main import main
from tests.helpers import write_project

CODE = {
    "app/__init__.py": "",
    "app/config.py": "import os\n\nDATABASE_URL = os.environ['DATABASE_URL']\n",
    "app/db.py": "from app.config import DATABASE_URL\n",
    "app/views.py": "from app.db import DATABASE_URL\n",
}


def test_modules_that_need_the_same_configuration_are_one_finding(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    project = write_project(tmp_path, CODE)
    code = main(["check", "--no-mypy", "--no-cache", "--format", "json", "--python", sys.executable, str(project)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    needs = [f for f in report["findings"] if f["code"] == "SG206"]
    assert [(f["path"], f["line"]) for f in needs] == [("app/config.py", 3)]
    assert needs[0]["message"] == (
        "`import app.config` needs configuration: environment variable 'DATABASE_URL' is not set; "
        "2 other modules need it too ('app.db', 'app.views')"
    )
    assert {name: report["imports"][name] for name in ("app.config", "app.db", "app.views")} == {
        "app.config": "error",
        "app.db": "error",
        "app.views": "error",
    }
