"""Golden files: the generated smoke suite of a few fixtures, byte for byte, reviewed like code.

``pytest tests/functional/test_generate_golden.py --update-golden`` rewrites them after an
intended change (review the diff). The same suites are executed by test_generate.py.
"""

from __future__ import annotations

import pytest

from smokegen.cli.main import main
from tests.helpers import REPO

GOLDEN = REPO / "tests" / "golden"
PROJECTS = ["broken_entry_point", "class_zoo", "mypy_only"]


@pytest.mark.parametrize("name", PROJECTS)
def test_generated_suite_matches_golden_files(name: str, fixture_project, request, capsys) -> None:
    project = fixture_project(name)
    assert main(["generate", str(project)]) == 0
    capsys.readouterr()
    generated = {p.name: p.read_text(encoding="utf-8") for p in sorted((project / "tests" / "smoke").iterdir())}
    folder = GOLDEN / name
    if request.config.getoption("--update-golden"):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for file_name, text in generated.items():
            (folder / file_name).write_text(text, encoding="utf-8")
    golden = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}
    assert sorted(generated) == sorted(golden)
    for file_name, text in generated.items():
        assert text == golden[file_name], f"{name}/{file_name} differs from tests/golden (rerun with --update-golden)"
