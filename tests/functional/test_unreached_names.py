"""A name imported from a package with a module ``__getattr__`` is left by the static check to the
run; when the module's run fails before that line (its package fails first, as ``import flask``
does on Jinja2 3.1 before ``flask.json`` reaches ``from itsdangerous import json``), the name is
looked up on its own in a fresh interpreter, so the second breakage is reported with the first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from smokegen.cli.main import main
from tests.helpers import install_distribution, write_project

DANGEROUS = {
    "dangerous/__init__.py": """\
        def dumps(value):
            return str(value)


        def __getattr__(name):
            if name == "compat":
                return dumps
            raise AttributeError(f"module 'dangerous' has no attribute {name!r}")
        """,
}

CODE = {
    "pkg/__init__.py": """\
        from dangerous import dumps

        raise RuntimeError("the package fails first, as flask does on jinja2")
        """,
    "pkg/codec.py": """\
        from dangerous import json
        from dangerous import compat
        """,
}


def test_a_removed_name_a_failed_run_never_reached_is_still_reported(tmp_path: Path, capsys) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True)
    site = next((tmp_path / "venv" / "lib").glob("python3*/site-packages"))
    install_distribution(site, "dangerous", DANGEROUS, version="2.2.0")
    (tmp_path / "app").mkdir()
    project = write_project(tmp_path / "app", CODE)
    (project / "pyproject.toml").write_text('[project]\nname = "pkg"\nversion = "0"\ndependencies = ["dangerous"]\n')
    python = str(tmp_path / "venv" / "bin" / "python")
    code = main(["check", "--no-mypy", "--no-cache", "--format", "json", "--python", python, str(project)])
    report = json.loads(capsys.readouterr().out)
    errors = {(f["path"], f["line"], f["code"]): f["message"] for f in report["findings"] if f["severity"] == "error"}
    assert code == 1
    assert ("pkg/__init__.py", 3, "SG201") in errors  # the first breakage
    assert errors[("pkg/codec.py", 1, "SG110")].startswith(
        "cannot import name 'json' from 'dangerous' (the installed dangerous 2.2.0, imported in a fresh interpreter)"
    )
    assert not [key for key in errors if key[0] == "pkg/codec.py" and key[1] == 2]  # 'compat' is there
