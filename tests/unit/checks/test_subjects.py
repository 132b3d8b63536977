"""What each finding is about: the generated test, and the plugin item, it fails or skips."""

from __future__ import annotations

from dataclasses import replace

from smokegen.checks.subjects import subjects_of
from smokegen.model import (
    BuildSource,
    ClassPlan,
    EntryPoint,
    Finding,
    Location,
    ModuleKind,
    Severity,
    Subject,
    SubjectKind,
)
from tests.helpers import project_from

MODEL = project_from(
    {
        "app.__init__": "",
        "app.models": "class Customer:\n    pass\n\n\nclass Order:\n    pass\n",
        "app.cli": "def main() -> None: ...\n",
    }
)
PLANS = [
    ClassPlan("app.models", "Customer", Location("app/models.py", 1, 1), BuildSource.DEFAULTS),
    ClassPlan("app.models", "Order", Location("app/models.py", 5, 1), BuildSource.DEFAULTS),
]
POINTS = {EntryPoint("console_scripts", "app", "app.cli:main"): Location("pyproject.toml", 9, 7)}


def subject(path: str, line: int, code: str) -> Subject:
    finding = Finding(Location(path, line, 1), code, "message", Severity.ERROR)
    return subjects_of([finding], MODEL, PLANS, POINTS)[finding]


def test_a_constructor_finding_at_a_class_line_is_that_class() -> None:
    assert subject("app/models.py", 5, "SG210") == Subject(SubjectKind.CLASS, "app.models:Order")
    assert subject("app/models.py", 1, "SG212") == Subject(SubjectKind.CLASS, "app.models:Customer")
    assert str(subject("app/models.py", 1, "SG211")) == "class[app.models:Customer]"


def test_any_other_finding_in_a_module_is_that_module() -> None:
    # an import finding on a class's line is the module's, not the class's
    assert subject("app/models.py", 5, "SG201") == Subject(SubjectKind.MODULE, "app.models")
    assert subject("app/cli.py", 1, "SG101") == Subject(SubjectKind.MODULE, "app.cli")
    assert subject("app/__init__.py", 1, "SG106") == Subject(SubjectKind.MODULE, "app")


def test_an_entry_point_declaration_mypy_and_the_rest() -> None:
    assert subject("pyproject.toml", 9, "SG208") == Subject(SubjectKind.ENTRY_POINT, "console_scripts:app")
    assert subject("pyproject.toml", 9, "SG113") == Subject(SubjectKind.ENTRY_POINT, "console_scripts:app")
    assert subject("pyproject.toml", 3, "SG110") == Subject(SubjectKind.PROJECT)
    assert subject("requirements.txt", 2, "SG109") == Subject(SubjectKind.PROJECT)
    assert subject("app/models.py", 5, "SG301") == Subject(SubjectKind.MYPY)
    assert str(Subject(SubjectKind.PROJECT)) == "project"


def test_a_finding_in_a_module_with_no_import_test_is_the_projects() -> None:
    """A ``__main__`` (and a script, such as Alembic's env.py) is run, never imported: it has no
    import test, so its findings go to the project test rather than to no test at all."""
    model = project_from({"app.__init__": "", "app.env": "import yaml\n"})
    script = replace(
        model, modules=tuple(replace(m, kind=ModuleKind.SCRIPT) if m.name == "app.env" else m for m in model.modules)
    )
    finding = Finding(Location("app/env.py", 1, 1), "SG114", "message", Severity.WARNING)
    assert subjects_of([finding], model, [], {})[finding] == Subject(SubjectKind.MODULE, "app.env")
    assert subjects_of([finding], script, [], {})[finding] == Subject(SubjectKind.PROJECT)
