"""Plugins of another program: a ``pytest11`` entry point is loaded by pytest, so pytest is there
whenever it runs. Its absence is neither SG208 nor SG106; with it installed, the plugin is loaded
and judged like any entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smokegen.cli.main import main
from tests.helpers import dedent


def write_project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


FILES = {
    "pyproject.toml": """
        [project]
        name = "pytest-shout"
        version = "1.0"
        dependencies = []

        [project.entry-points.pytest11]
        shout = "pytest_shout.plugin"

        [project.scripts]
        shout = "pytest_shout.cli:main"
    """,
    "pytest_shout/__init__.py": "VERSION = '1.0'\n",
    "pytest_shout/plugin.py": """
        import pytest
        from _pytest.config import Config

        from pytest_shout.words import loud


        def pytest_configure(config: Config) -> None:
            config.addinivalue_line("markers", loud("shout: a loud test"))


        @pytest.fixture
        def shout() -> str:
            return loud("hey")
    """,
    "pytest_shout/words.py": "def loud(text: str) -> str:\n    return text.upper()\n",
    "pytest_shout/cli.py": "from pytest_shout.words import loud\n\n\ndef main() -> None:\n    print(loud('hi'))\n",
}


def _check(root: Path, python: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, str]]]:
    code = main(["check", "--no-mypy", "--no-cache", "--format", "json", "--python", python, str(root)])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_a_pytest_plugin_is_not_accused_where_pytest_is_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path / "project", FILES)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    code, findings = _check(root, str(tmp_path / "bare" / "bin" / "python"), capsys)
    assert findings == []  # no SG106 for `import pytest`, no SG201 for the plugin, no SG208 for the point
    assert code == 0


def test_with_pytest_installed_the_plugin_is_loaded_and_a_real_break_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(FILES)
    files["pytest_shout/plugin.py"] = files["pytest_shout/plugin.py"].replace(
        "from pytest_shout.words import loud", "from pytest_shout.words import louder as loud"
    )
    root = write_project(tmp_path / "project", files)
    code, findings = _check(root, sys.executable, capsys)  # smokegen's own interpreter has pytest
    assert code == 1
    # the broken import, and the plugin that pytest then cannot load (every pytest run would fail)
    assert {(f["path"], f["code"]) for f in findings} == {
        ("pytest_shout/plugin.py", "SG101"),
        ("pyproject.toml", "SG208"),
    }


def test_run_scripts_runs_each_console_script_as_installed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = dict(FILES)
    files["pytest_shout/cli.py"] = """
        import json
        import sys

        from pytest_shout.words import loud


        def main() -> int:
            if "--help" in sys.argv:  # json.dumps lost its encoding keyword with Python 3
                print(json.dumps({"usage": loud("shout")}, encoding="utf-8"))
            return 0
    """
    root = write_project(tmp_path / "project", files)
    base = ["check", "--no-mypy", "--no-cache", "--format", "json", "--python", sys.executable]
    assert main([*base, str(root)]) == 0  # loading the entry point cannot see it
    capsys.readouterr()
    code = main([*base, "--run-scripts=--help", str(root)])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert [(f["path"], f["code"]) for f in findings] == [("pyproject.toml", "SG216")]
    assert "console script `shout --help` exits with status 1" in findings[0]["message"]
    assert "TypeError" in findings[0]["message"] and "'encoding'" in findings[0]["message"]
