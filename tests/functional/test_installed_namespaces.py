"""``--installed`` on a distribution that shares a namespace package with others: only its own
files (its RECORD) are checked, and it can be named by its dotted portion (``acme.rockets``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smokegen.cli.main import main
from tests.helpers import install_distribution


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An interpreter with two distributions installed into the namespace package ``acme``."""
    python, site = virtualenv(tmp_path_factory.mktemp("shared"))
    install_distribution(
        site,
        "acme-rockets",
        {
            "acme/rockets/__init__.py": "from acme.rockets.fuel import Fuel\n",
            "acme/rockets/fuel.py": "class Fuel:\n    pass\n",
        },
    )
    install_distribution(
        site,
        "acme-anvils",
        {"acme/anvils/__init__.py": "from acme.anvils.iron import Gone\n", "acme/anvils/iron.py": "X = 1\n"},
    )
    return python


def virtualenv(folder: Path) -> tuple[str, Path]:
    """A new virtualenv in ``folder`` (no pip): its interpreter and its site-packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / "venv")], check=True)
    return str(folder / "venv" / "bin" / "python"), next((folder / "venv" / "lib").glob("python3*/site-packages"))


@pytest.mark.parametrize("named", ["acme-rockets", "acme.rockets"])
def test_only_the_distributions_own_files_are_checked(
    python: str, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--installed", named, "--python", python, "--no-mypy", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["findings"]  # acme.anvils' broken import is not acme-rockets' finding
    assert report["summary"]["modules"] == 2  # acme.rockets and acme.rockets.fuel
    assert [c["class"] for c in report["classes"] if c["outcome"] == "built"] == ["acme.rockets.fuel:Fuel"]


def test_the_other_portion_is_checked_on_its_own(python: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--installed", "acme.anvils", "--python", python, "--no-mypy", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {(f["path"], f["code"]) for f in report["findings"] if f["severity"] == "error"} == {
        ("acme/anvils/__init__.py", "SG101")
    }


def test_the_shared_namespace_itself_is_a_usage_error_naming_the_distributions(
    python: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--installed", "acme", "--python", python, "--no-mypy"])
    err = capsys.readouterr().err
    assert code == 2
    assert "'acme' is shared by the distributions acme-anvils, acme-rockets; name one of them" in err


def test_installed_code_is_cached_per_user_and_reused(
    python: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SMOKEGEN_CACHE_DIR", str(tmp_path / "user-cache"))
    args = ["check", "--installed", "acme-rockets", "--python", python, "--no-mypy", "--format", "json"]
    assert main([*args, "--no-cache"]) == 0
    cold = json.loads(capsys.readouterr().out)
    assert not (tmp_path / "user-cache").exists()  # --no-cache keeps nothing
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    kept = {p.parent.parent.name for p in (tmp_path / "user-cache" / "installed").rglob("*.json")}
    assert kept == {"scan", "verdicts"}  # the distribution's parse results and its clean verdicts
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    for key in ("findings", "classes", "summary"):
        assert cold[key] == first[key] == second[key]
    assert second["notes"] == [
        "2 of 2 modules not imported again: they passed before and no project file they load has changed since "
        "(--no-cache imports every module)"
    ]


def test_a_file_name_no_import_statement_can_spell_is_no_finding_in_installed_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """rich ships ``_unicode_data/unicode10-0-0.py`` and loads it with importlib.import_module: its
    user has nothing to rename (a project's own such file is SG004)."""
    python, site = virtualenv(tmp_path)
    install_distribution(
        site,
        "tables",
        {
            "tables/__init__.py": "import importlib\n\nDATA = importlib.import_module('.unicode10-0-0', 'tables.data')\n",
            "tables/data/__init__.py": "",
            "tables/data/unicode10-0-0.py": "WIDTHS = [1, 2]\n",
        },
    )
    code = main(["check", "--installed", "tables", "--python", python, "--no-mypy", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["findings"]
    assert report["findings"] == []
