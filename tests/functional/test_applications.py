"""Applications as first-class projects: found by their own markers, checked in their own virtualenv."""

from __future__ import annotations

import json
import venv
from pathlib import Path
from typing import Any

import pytest

from smokegen.cli.main import main
from tests.helpers import dedent


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dedent(text))
    return root


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["check", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else {}, err


def test_a_project_with_only_manage_py_and_requirements_is_found(tmp_path: Path, capsys) -> None:
    app = write(
        tmp_path / "site",
        {
            "manage.py": "import sys\n",
            "requirements.txt": "",
            "shop/__init__.py": "",
            "shop/views.py": "from shop.models import Order\n",
            "shop/models.py": "class Item:\n    pass\n",
        },
    )
    code, report, _ = check_json(capsys, "--static", str(app / "shop"))
    assert code == 1
    assert [(f["path"], f["code"]) for f in report["findings"]] == [("shop/views.py", "SG101")]


def test_settings_in_smokegen_toml(tmp_path: Path, capsys) -> None:
    app = write(
        tmp_path / "svc",
        {
            "smokegen.toml": 'ignore = ["SG101"]\n',
            "api/__init__.py": "",
            "api/routes.py": "from api.models import Gone\n",
            "api/models.py": "VALUE = 1\n",
        },
    )
    code, report, _ = check_json(capsys, "--static", str(app))
    assert code == 0 and report["summary"] == {"errors": 0, "warnings": 0, "modules": 3, "silenced": 1}


def test_the_projects_own_virtualenv_runs_its_code_when_none_is_active(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = write(
        tmp_path / "svc",
        {
            "requirements.txt": "",
            # fails anywhere but in the project's own .venv
            "api/__init__.py": """
                import os, sys
                here = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
                assert os.path.realpath(sys.prefix) == os.path.join(here, ".venv"), sys.prefix
            """,
        },
    )
    venv.create(app / ".venv", with_pip=False)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    code, report, _ = check_json(capsys, "--no-mypy", str(app))
    assert code == 0, report
    assert "the project's code ran under .venv/bin/python (the project's .venv, not activated)" in report["notes"]
    # an active virtualenv wins over the project's
    monkeypatch.setenv("VIRTUAL_ENV", str(Path(__import__("sys").prefix)))
    code, report, _ = check_json(capsys, "--no-mypy", "--no-cache", str(app))
    assert code == 1 and "(the active virtualenv)" in " ".join(report["notes"])
