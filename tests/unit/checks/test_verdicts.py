"""Run-time verdicts judged, unit by unit: verdicts (as the runner reports them) in, findings out."""

from __future__ import annotations

from pathlib import Path

from smokegen.checks.build_verdicts import judge
from smokegen.checks.import_verdicts import runtime_findings
from smokegen.graph.index import ProjectIndex
from smokegen.model import (
    BuildSource,
    BuildVerdict,
    ClassPlan,
    Finding,
    ImportStatus,
    ImportVerdict,
    Location,
    Severity,
    TraceFrame,
)
from tests.helpers import project_from

ROOT = Path("/project")
MODEL = project_from(
    {
        "app.__init__": "from app import core\n",
        "app.core": "import os\n",
        "app.jobs": "import os\nQUEUE = os.environ['QUEUE_URL']\n",
        "app.extra": "import fancylib\n",
    }
)


def frame(path: str, line: int, text: str = "", function: str = "<module>") -> TraceFrame:
    return TraceFrame(path, line, function, text)


def judged(*verdicts: ImportVerdict, static: tuple[Finding, ...] = ()) -> list[tuple[str, str, Severity]]:
    found = runtime_findings(verdicts, MODEL, ROOT, static)
    return [(f"{f.location.path}:{f.location.line}", f.code, f.severity) for f in found]


def test_passing_and_parent_failed_imports_make_no_finding_noop() -> None:
    assert (
        judged(
            ImportVerdict("app.core", ImportStatus.OK),
            ImportVerdict("app.jobs", ImportStatus.PARENT_FAILED, detail="app"),
        )
        == []
    )


def test_an_error_is_placed_at_the_innermost_project_frame() -> None:
    error = ImportVerdict(
        "app.core",
        ImportStatus.ERROR,
        "AttributeError",
        "module 'os' has no attribute 'gone'",
        (frame("/project/app/core.py", 7, "os.gone()"), frame("/usr/lib/python3/os.py", 3)),
    )
    assert judged(error) == [("app/core.py:7", "SG201", Severity.ERROR)]


def test_a_failure_the_static_stage_reported_at_that_line_is_not_repeated() -> None:
    error = ImportVerdict("app.core", ImportStatus.ERROR, "ImportError", "x", (frame("/project/app/core.py", 1),))
    static = (Finding(Location("app/core.py", 1, 8), "SG101", "cannot import name", Severity.ERROR),)
    assert judged(error, static=static) == []


def test_timeout_signal_exit_and_order_dependence() -> None:
    assert judged(ImportVerdict("app.core", ImportStatus.TIMEOUT, detail="10")) == [
        ("app/core.py:1", "SG202", Severity.ERROR)
    ]
    assert judged(ImportVerdict("app.core", ImportStatus.SIGNAL, detail="SIGSEGV")) == [
        ("app/core.py:1", "SG203", Severity.ERROR)
    ]
    exit_ = ImportVerdict(
        "app.core", ImportStatus.EXIT, "sys.exit", detail="2", frames=(frame("/project/app/core.py", 9),)
    )
    assert judged(exit_) == [("app/core.py:9", "SG204", Severity.ERROR)]
    order = ImportVerdict(
        "app.core",
        ImportStatus.ERROR,
        "AttributeError",
        "x",
        (frame("/project/app/core.py", 4),),
        after_siblings=ImportStatus.OK,
    )
    assert judged(order) == [("app/core.py:4", "SG205", Severity.ERROR)]


def test_an_unset_environment_variable_is_a_warning() -> None:
    unset = ImportVerdict(
        "app.jobs",
        ImportStatus.ERROR,
        "KeyError",
        "'QUEUE_URL'",
        (frame("/project/app/jobs.py", 2), frame("<frozen os>", 679, "raise KeyError(key) from None")),
    )
    assert judged(unset) == [("app/jobs.py:2", "SG206", Severity.WARNING)]


def test_a_missing_third_party_module_nothing_core_imports_is_an_opt_in_warning() -> None:
    missing = ImportVerdict(
        "app.extra",
        ImportStatus.ERROR,
        "ModuleNotFoundError",
        "No module named 'fancylib'",
        (frame("/project/app/extra.py", 1),),
        missing="fancylib",
    )
    assert judged(missing) == [("app/extra.py:1", "SG207", Severity.WARNING)]


PLAN = ClassPlan("app.core", "Client", Location("app/core.py", 5, 1), BuildSource.DEFAULTS)
INDEX = ProjectIndex(MODEL)


def build(exc_type: str, message: str, *frames: TraceFrame, **extra: object) -> BuildVerdict:
    return BuildVerdict("app.core", "Client", ImportStatus.ERROR, None, exc_type, message, frames, **extra)  # type: ignore[arg-type]


def test_a_built_class_is_no_finding_noop() -> None:
    assert judge(BuildVerdict("app.core", "Client", ImportStatus.OK), PLAN, INDEX, ROOT, ()) is None


def test_a_crash_in_a_constructor_built_from_its_defaults_is_an_error() -> None:
    found = judge(
        build("ZeroDivisionError", "division by zero", frame("/project/app/core.py", 8, "1 / 0", "__init__")),
        PLAN,
        INDEX,
        ROOT,
        (),
    )
    assert isinstance(found, Finding)
    assert (found.code, found.severity, found.location) == ("SG210", Severity.ERROR, PLAN.location)
    assert "raised ZeroDivisionError: division by zero (raised at app/core.py:8)" in found.message


def test_a_deliberate_refusal_is_a_skip_with_its_reason() -> None:
    refused = judge(
        build("ValueError", "name may not be empty", frame("/project/app/core.py", 6, "raise ValueError(msg)")),
        PLAN,
        INDEX,
        ROOT,
        (),
    )
    assert isinstance(refused, str) and "refused" in refused


def test_synthesised_arguments_make_a_crash_a_warning() -> None:
    plan = ClassPlan("app.core", "Client", PLAN.location, BuildSource.SYNTHESISED)
    found = judge(
        build("TypeError", "unsupported operand", frame("/project/app/core.py", 8, "x + 1")), plan, INDEX, ROOT, ()
    )
    assert isinstance(found, Finding) and (found.code, found.severity) == ("SG211", Severity.WARNING)


def test_a_constructor_that_needs_the_environment_is_a_warning() -> None:
    found = judge(build("ConnectionRefusedError", "[Errno 111]", bases=("OSError",)), PLAN, INDEX, ROOT, ())
    assert isinstance(found, Finding) and (found.code, found.severity) == ("SG212", Severity.WARNING)


def test_modules_failing_at_one_line_are_one_finding_naming_what_it_takes_down() -> None:
    raised = frame("/project/app/core.py", 1, "import os")
    broken = [
        ImportVerdict(name, ImportStatus.ERROR, "RuntimeError", "boom", (*extra, raised))
        for name, extra in (
            ("app.jobs", (frame("/project/app/jobs.py", 1, "import os"),)),
            ("app.core", ()),
            ("app.extra", (frame("/project/app/extra.py", 1, "import fancylib"),)),
        )
    ]
    found = list(runtime_findings(broken, MODEL, ROOT))
    assert [(f"{f.location.path}:{f.location.line}", f.code) for f in found] == [("app/core.py:1", "SG201")]
    assert found[0].message == (
        "`import app.core` fails: RuntimeError: boom; 2 other modules fail with it ('app.extra', 'app.jobs')"
    )


def test_an_installed_package_in_a_virtualenv_inside_the_project_is_not_the_projects_code() -> None:
    from smokegen.checks.import_verdicts import project_frame

    frames = (
        frame("/project/app/core.py", 3, "from django.conf import settings"),
        frame("/project/.venv/lib/python3.11/site-packages/django/conf/__init__.py", 63, "raise ImproperlyConfigured"),
    )
    assert project_frame(frames, ROOT) == ("app/core.py", 3)


def test_an_installed_distribution_checked_in_site_packages_is_the_project() -> None:
    from smokegen.checks.import_verdicts import project_frame

    site = Path("/venv/lib/python3.11/site-packages")
    frames = (frame(f"{site}/victim/filters.py", 13, "np.float_"), frame(f"{site}/numpy/__init__.py", 400))
    assert project_frame(frames[:1], site) == ("victim/filters.py", 13)
