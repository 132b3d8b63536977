"""``smokegen generate --direct``: scaffolds for the modules no test imports, run with pytest in a
subprocess; and ``smokegen scan``'s list of those modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from smokegen.cli.main import main
from tests.helpers import expected, write_project

HEALTHY = {
    "healthy_flat": ["inventory.cli", "inventory.services"],
    "namespace_pkg": ["acme.billing", "acme.billing.invoices", "acme.billing.tax", "acme.shared.money"],
    "optional_dep": ["fastjson_app", "fastjson_app.serialize"],
    "src_layout": ["ledger._compat", "ledger.settings"],  # ledger.accounts: the package tests import imports it
}


def run_tests(project: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    roots = (
        [str(project / r) for r in expected(project.name)["scan"]["source_roots"]]
        if (project / "expected.toml").is_file()
        else [str(project)]
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", *files],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        # the project as installed: its source roots importable (src layout too)
        env={**os.environ, "PYTHONPATH": os.pathsep.join(roots), "PYTHONDONTWRITEBYTECODE": "1"},
    )


def scaffold_path(module: str) -> str:
    return f"tests/test_{module.replace('.', '_')}_direct.py"


@pytest.mark.parametrize("name", sorted(HEALTHY))
def test_scaffolds_for_healthy_projects_pass_without_edits(name: str, fixture_project, capsys) -> None:
    project = fixture_project(name)
    code = main(["scan", "--format", "json", str(project)])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["untested_modules"] == HEALTHY[name]

    assert main(["generate", "--direct", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    written = [scaffold_path(m) for m in HEALTHY[name]]
    assert out.splitlines() == [f"wrote {path}" for path in written]
    done = run_tests(project, written)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " failed" not in done.stdout and " error" not in done.stdout
    # every scaffold imports its module: now every module is imported by a test, and a second run writes nothing
    before = {p: (project / p).stat().st_mtime_ns for p in written}
    assert main(["generate", "--direct", "--project", str(project)]) == 0
    assert capsys.readouterr().out == "every module is imported by a test: nothing to scaffold\n"
    assert {p: (project / p).stat().st_mtime_ns for p in written} == before


def test_scaffold_builds_classes_and_calls_a_method(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    assert main(["generate", "--direct", "--project", str(project), "inventory.services"]) == 0
    text = (project / scaffold_path("inventory.services")).read_text()
    assert text.startswith("# Scaffolded by `smokegen generate --direct`: this file is yours to edit.")
    assert "    instance = StockService(warehouse=Warehouse(name=''))\n" in text
    assert "    instance.export()\n" in text


def test_an_existing_scaffold_is_never_touched_without_force(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    mine = project / scaffold_path("inventory.services")
    mine.write_text("def test_mine() -> None:\n    assert True\n")
    assert main(["generate", "--direct", "--project", str(project), "inventory.services"]) == 0
    assert (
        "tests/test_inventory_services_direct.py exists; left alone (--force overwrites it)" in capsys.readouterr().out
    )
    assert mine.read_text() == "def test_mine() -> None:\n    assert True\n"
    assert main(["generate", "--direct", "--dry-run", "--force", "--project", str(project), "inventory.services"]) == 0
    assert "would write tests/test_inventory_services_direct.py" in capsys.readouterr().out
    assert mine.read_text() == "def test_mine() -> None:\n    assert True\n"
    assert main(["generate", "--direct", "--force", "--project", str(project), "inventory.services"]) == 0
    assert (
        mine.read_text().startswith("# Scaffolded by `smokegen generate --direct`")
        and "StockService" in mine.read_text()
    )


def test_unknown_module_is_a_usage_error_with_a_close_match(fixture_project, capsys) -> None:
    project = fixture_project("healthy_flat")
    assert main(["generate", "--direct", "--project", str(project), "inventory.service"]) == 2
    err = capsys.readouterr().err
    assert "'inventory.service' is not a module of the project" in err
    assert "did you mean 'inventory.services'?" in err
    assert not list((project / "tests").glob("*_direct.py"))


def test_what_fails_or_cannot_be_made_becomes_a_comment_or_a_skip_with_a_template(tmp_path: Path, capsys) -> None:
    project = write_project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/things.py": """
                class Fussy:
                    def __init__(self, size: int) -> None:
                        self.size = size

                    def grow(self, by: int) -> int:
                        if by <= 0:
                            raise ValueError("grow by a positive amount")
                        return self.size + by


                class Picky:
                    def __init__(self, size: int) -> None:
                        if size <= 0:
                            raise ValueError("size must be positive")


                class Opaque:
                    def __init__(self, thing) -> None:
                        self.thing = thing
                """,
        },
    )
    assert main(["generate", "--direct", "--project", str(project)]) == 0
    text = (project / "tests/test_pkg_things_direct.py").read_text()
    assert (
        "    # instance.grow(by=0)  # raised ValueError: grow by a positive amount: call it with real arguments\n"
        in text
    )
    assert (
        'pytest.skip("Picky needs real arguments (building it with the arguments smokegen made failed: ValueError: size must be positive); fill in the template")'
        in text
    )
    assert (
        "pytest.skip(\"Opaque needs real arguments (unannotated: required parameter 'thing' has no annotation); fill in the template\")"
        in text
    )
    assert "    # instance = Opaque(thing=...)\n" in text
    done = run_tests(project, ["tests/test_pkg_things_direct.py"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed, 2 skipped" in done.stdout
