"""A project whose ``src/`` is itself a package (FastAPI-boilerplate: ``src/__init__.py``, scripts
run as ``python -m src.scripts.seed`` that import ``from ..app.core import config``, and Alembic
run from ``src/`` with ``prepend_sys_path = .``): no false SG005 for the scripts' relative
imports, no false SG106 for the Alembic env's ``from app...``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from smokegen.cli.main import main
from tests.helpers import write_project

CODE = {
    "src/__init__.py": "",
    "src/app/__init__.py": "",
    "src/app/core/__init__.py": "",
    "src/app/core/config.py": "NAME = 'boilerplate'\n",
    "src/app/main.py": "from .core.config import NAME\n",
    "src/scripts/__init__.py": "",
    "src/scripts/seed.py": "from ..app.core.config import NAME\n\nprint(NAME)\n",
    "src/migrations/script.py.mako": "",
    "src/migrations/env.py": "from app.core.config import NAME\n",
}


def test_a_src_package_its_scripts_climb_to_and_an_alembic_env_beside_it(tmp_path: Path, capsys) -> None:
    project = write_project(tmp_path, CODE)
    code = main(["check", "--no-mypy", "--format", "json", "--python", sys.executable, str(project)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["findings"]
    assert [f for f in report["findings"] if f["code"] in ("SG005", "SG106")] == []
    assert report["imports"]["src.scripts.seed"] == "ok"
