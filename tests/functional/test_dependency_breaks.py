"""Breakages a dependency's release causes: judged by where they come from, placed in the checked code.

The dependency is a real installed distribution (``oldlib`` 2.0, which removed ``float_`` and
``Client(retries=...)``) in the project's own ``.venv``, as a team's dependency upgrade leaves it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from smokegen.cli.main import main
from tests.helpers import install_distribution

OLDLIB = """
class Client:
    def __init__(self, host="localhost", timeout=1.0):
        self.host = host


def __getattr__(name):
    if name == "float_":
        raise AttributeError("`oldlib.float_` was removed in the oldlib 2.0 release. Use `oldlib.float64` instead.")
    raise AttributeError(f"module 'oldlib' has no attribute {name!r}")
"""

PROJECT = {
    "pkg/__init__.py": "",
    "pkg/tables.py": """
        import oldlib


        class Table:
            def __init__(self, kind=None):
                self.kind = kind or oldlib.float_
    """,
    "pkg/client.py": """
        import oldlib


        class Api:
            def __init__(self, host: str) -> None:
                self.client = oldlib.Client(host=host, retries=3)
    """,
    "pkg/frames.py": "import oldlib\n\nDTYPE = oldlib.float_\n",
    "pkg/fine.py": """
        class Fine:
            def __init__(self, size: int = 1) -> None:
                if size < 0:
                    raise ValueError("size must be positive")
                self.size = size
    """,
}


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose .venv holds oldlib 2.0, and the project itself installed there too."""
    root = tmp_path_factory.mktemp("upgraded")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
    site = next((root / ".venv" / "lib").glob("python3*/site-packages"))
    install_distribution(site, "oldlib", {"oldlib/__init__.py": OLDLIB}, "2.0")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "pkg"\nversion = "0"\ndependencies = ["oldlib"]\n', encoding="utf-8"
    )
    for rel, text in PROJECT.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    install_distribution(site, "pkg", PROJECT, "2.0", requires=("oldlib",))
    return root


EXPECTED = [
    "pkg/client.py:4:1: SG210 `pkg.client.Api(host='')` raised TypeError: Client.__init__() got an unexpected "
    "keyword argument 'retries' (raised at pkg/client.py:6)",
    "pkg/frames.py:3:1: SG201 `import pkg.frames` fails: AttributeError: `oldlib.float_` was removed in the oldlib "
    "2.0 release. Use `oldlib.float64` instead. (raised at oldlib/__init__.py:8 in __getattr__)",
    "pkg/tables.py:4:1: SG210 `pkg.tables.Table()` raised AttributeError: `oldlib.float_` was removed in the "
    "oldlib 2.0 release. Use `oldlib.float64` instead. (raised at pkg/tables.py:6, via oldlib/__init__.py:8 in __getattr__)",
]


def _findings(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": SG" in line]


def test_a_dependency_release_breaks_are_errors_at_the_projects_own_lines(
    upgraded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    python = str(upgraded / ".venv" / "bin" / "python")  # what an unactivated .venv gives too; CI may have one active
    code = main(["check", "--no-mypy", "--no-cache", "--python", python, str(upgraded)])
    output = capsys.readouterr().out
    assert code == 1, output
    found = _findings(output)
    assert len(found) == 3
    for line, expected in zip(found, EXPECTED, strict=True):
        assert line.startswith(expected), line
    assert "SG211" not in output  # the keyword is the project's, not smokegen's choice
    assert "classes: 1 built, 2 failed" in output  # Fine(): its own ValueError is not reached


def test_installed_the_same_breaks_are_placed_in_the_distribution_not_the_dependency(
    upgraded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    python = str(upgraded / ".venv" / "bin" / "python")
    code = main(["check", "--installed", "pkg", "--python", python, "--no-mypy"])
    output = capsys.readouterr().out
    assert code == 1, output
    found = _findings(output)
    assert len(found) == 3
    for line, expected in zip(found, EXPECTED, strict=True):
        assert line.startswith(expected), line


def test_a_package_that_puts_its_vendored_code_on_sys_path_is_not_accused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # setuptools does this: its __init__ appends setuptools/_vendor to sys.path, and `import jaraco` works
    files = {
        "pyproject.toml": '[project]\nname = "pkg"\nversion = "0"\ndependencies = []\n',
        "pkg/__init__.py": "import os, sys\n\nsys.path.append(os.path.join(os.path.dirname(__file__), '_vendor'))\n",
        "pkg/_vendor/vendlib/__init__.py": "X = 1\n",
        "pkg/uses.py": "import vendlib\n\nY = vendlib.X\n",
        "pkg/lazy.py": "def f():\n    import vendlib2\n    return vendlib2\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    assert main(["check", "--static", "--format", "json", str(tmp_path)]) == 1  # statically it cannot tell
    static = capsys.readouterr().out
    assert (
        main(["check", "--no-mypy", "--no-cache", "--format", "json", "--python", sys.executable, str(tmp_path)]) == 0
    )
    ran = capsys.readouterr().out
    assert '"SG106"' in static and "'vendlib' is imported" in static
    assert "'vendlib' is imported" not in ran  # the fresh import worked: the claim is refuted


DEPRECATING = """
import warnings

warnings.warn("oldlib's own internals are deprecated", DeprecationWarning, stacklevel=1)


def __getattr__(name):
    if name == "float_":
        warnings.warn("oldlib.float_ is deprecated, removed in oldlib 2.0; use float64", DeprecationWarning, stacklevel=2)
        return float
    raise AttributeError(name)
"""


@pytest.mark.parametrize(
    ("mode", "code", "severity"), [("warn", 0, "warning"), ("error", 1, "error"), ("ignore", 0, None)]
)
def test_deprecated_uses_at_the_projects_lines_are_seen_one_release_early(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, code: int, severity: str | None
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "oldlib.py").write_text(DEPRECATING, encoding="utf-8")
    root = tmp_path / "project"
    files = {
        "pyproject.toml": f'[project]\nname = "pkg"\nversion = "0"\ndependencies = []\n\n[tool.smokegen]\nenv = {{PYTHONPATH = "{lib}"}}\n',
        "pkg/__init__.py": "",
        "pkg/a.py": "import oldlib\n\nDTYPE = oldlib.float_\n\n\nclass Table:\n    def __init__(self) -> None:\n        self.kind = oldlib.float_\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    args = ["check", "--no-mypy", "--no-cache", "--format", "json", "--python", sys.executable, "--deprecations", mode]
    assert main([*args, str(root)]) == code
    findings = json.loads(capsys.readouterr().out)["findings"]
    found = [(f["path"], f["line"], f["code"], f["severity"]) for f in findings]
    if severity is None:
        assert found == []
    else:  # the module-level use and the constructor's; not oldlib's warning about itself
        assert found == [("pkg/a.py", 3, "SG215", severity), ("pkg/a.py", 8, "SG215", severity)]
        assert "oldlib.float_ is deprecated" in findings[0]["message"]
