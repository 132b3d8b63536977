"""Applications as first-class projects: found by their own markers, checked in their own virtualenv."""

from __future__ import annotations

import json
import sys
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


# Breakages planted in the healthy Django project (fixtures_repo/django_crm): each must block the run
# with an error at the file a person edits. (path -> (old text, new text))
PLANTED: dict[str, tuple[dict[str, tuple[str, str]], list[str]]] = {
    "renamed-class": (
        {"leads/services.py": ("class LeadScorer:", "class LeadRanker:")},
        ["leads/views.py:4:28: SG101"],
    ),
    "undeclared-uninstalled-in-a-view": (
        {"billing/views.py": ("from django.http", "import sentry_sdk\nfrom django.http")},
        ["billing/views.py:1:8: SG106"],  # the import failure at that line is not repeated,
    ),
    "installed-only-for-development": (
        {"leads/views.py": ("from django.http", "import pytest\nfrom django.http")},
        ["leads/views.py:1:8: SG106"],
    ),
    "constructor-raises": (
        {"leads/services.py": ("self.threshold = threshold", "self.threshold = threshold // 0")},
        ["leads/services.py:4:1: SG210"],
    ),
    "attribute-error-at-import": (
        {"billing/services.py": ("class InvoiceService:", "TAX = Invoice.tax_rate\n\n\nclass InvoiceService:")},
        ["billing/services.py:4:1: SG201"],
    ),
    "models-module-raises-at-import": (
        {"leads/models.py": ("class Lead(", "RATES = models.Nope\n\n\nclass Lead(")},
        ["leads/models.py:4:1: SG213"],  # one finding for the root cause, not one per module it takes down
    ),
    "broken-models-module": (
        {"leads/models.py": ("class Lead(", "from leads.fields import Money\n\n\nclass Lead(")},
        ["leads/models.py:4:26: SG102", "leads/models.py:4:1: SG213"],
    ),
}


def plant(project: Path, edits: dict[str, tuple[str, str]]) -> None:
    for rel, (old, new) in edits.items():
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_blocks(capsys: pytest.CaptureFixture[str], project: Path, want: list[str]) -> None:
    """``check`` fails the run with exactly the errors ``want`` (path:line:col: CODE)."""
    code, report, _ = check_json(capsys, "--no-mypy", "--python", sys.executable, str(project))
    errors = sorted(
        f"{f['path']}:{f['line']}:{f['column']}: {f['code']}" for f in report["findings"] if f["severity"] == "error"
    )
    assert code == 1
    assert errors == sorted(want), report["findings"]


def test_the_healthy_django_project_passes_with_no_configuration(fixture_project, capsys) -> None:
    project = fixture_project("django_crm")
    code, report, _ = check_json(capsys, "--no-mypy", "--python", sys.executable, str(project))
    assert code == 0 and report["findings"] == [], report["findings"]
    assert any(
        "django.setup() with DJANGO_SETTINGS_MODULE=crm.settings (from manage.py) ran" in n for n in report["notes"]
    )
    assert report["summary"]["modules"] == 23


@pytest.mark.parametrize("breakage", sorted(PLANTED))
def test_a_planted_breakage_in_the_django_project_blocks_the_run(breakage: str, fixture_project, capsys) -> None:
    project = fixture_project("django_crm")
    edits, want = PLANTED[breakage]
    plant(project, edits)
    assert_blocks(capsys, project, want)


def test_alembic_scripts_get_static_checks_only(tmp_path: Path, capsys) -> None:
    app = write(
        tmp_path / "svc",
        {
            "requirements.txt": "",
            "alembic.ini": "[alembic]\nscript_location = migrations\n",
            # run inside `alembic upgrade`: importing it alone fails (no migration context), never done
            "migrations/env.py": "from app.models import Base\nraise RuntimeError('no migration context')\n",
            "migrations/versions/0001_init.py": "from app.models import Gone\n",
            "app/__init__.py": "",
            "app/models.py": "Base = object\n",
        },
    )
    code, report, _ = check_json(capsys, "--no-mypy", "--python", sys.executable, str(app))
    found = sorted(f"{f['path']}:{f['line']}: {f['code']}" for f in report["findings"])
    assert found == ["migrations/versions/0001_init.py:1: SG101"]  # static: still checked; never imported
    assert code == 1


# The same breakages planted in the FastAPI service and the Flask app: (project, edits, errors)
PLANTED_APPS: dict[str, tuple[str, dict[str, tuple[str, str]], list[str]]] = {
    "fastapi-renamed-class": (
        "fastapi_svc",
        {"app/crud.py": ("class ItemRepository:", "class ItemStore:")},
        ["app/api/routes/items.py:5:22: SG101"],
    ),
    "fastapi-undeclared-in-a-route": (
        "fastapi_svc",
        {"app/api/routes/items.py": ("from fastapi import", "import sentry_sdk\nfrom fastapi import")},
        ["app/api/routes/items.py:1:8: SG106"],
    ),
    "fastapi-name-removed-from-a-dependency": (
        "fastapi_svc",
        {"app/main.py": ("from fastapi import FastAPI", "from fastapi import FastAPI, JSONAPIRouter")},
        ["app/main.py:1:30: SG110"],
    ),
    "fastapi-import-cycle": (
        "fastapi_svc",
        {"app/core/config.py": ("from pydantic_settings", "from app.db import engine\nfrom pydantic_settings")},
        ["app/core/config.py:1:20: SG103", "app/db.py:3:29: SG103"],  # fails from either entry,
    ),
    "fastapi-constructor-raises": (
        "fastapi_svc",
        {"app/crud.py": ("self.session = session", "self.session = session or {}['session']")},
        ["app/crud.py:6:1: SG210"],
    ),
    "flask-undeclared-in-wsgi": (
        "flask_shop",
        {"wsgi.py": ("from shop import create_app", "import sentry_sdk\nfrom shop import create_app")},
        ["wsgi.py:1:8: SG106"],
    ),
    "flask-undeclared-in-a-celery-task": (
        "flask_shop",
        {"tasks.py": ("from celery_app import celery", "import redis_lock\nfrom celery_app import celery")},
        ["tasks.py:1:8: SG106"],
    ),
    "flask-attribute-error-at-import": (
        "flask_shop",
        {
            "shop/views.py": (
                'bp = Blueprint("shop", __name__)',
                'bp = Blueprint("shop", __name__)\nRATE = PriceCalculator.rate',
            )
        },
        ["shop/views.py:6:1: SG201"],
    ),
}


@pytest.mark.parametrize("breakage", sorted(PLANTED_APPS))
def test_a_planted_breakage_in_a_service_blocks_the_run(breakage: str, fixture_project, capsys) -> None:
    name, edits, want = PLANTED_APPS[breakage]
    project = fixture_project(name)
    plant(project, edits)
    assert_blocks(capsys, project, want)


def test_the_fastapi_service_runs_in_its_own_unactivated_venv(fixture_project, capsys, monkeypatch) -> None:
    project = fixture_project("fastapi_svc")
    venv.create(project / ".venv", with_pip=False)
    # the project's packages: smokegen's own site-packages seen through a .pth file (no install needed)
    site = next((project / ".venv" / "lib").glob("python*/site-packages"))
    (site / "deps.pth").write_text("\n".join(p for p in sys.path if p.endswith("site-packages")) + "\n")
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    code, report, _ = check_json(capsys, "--no-mypy", str(project))
    assert code == 0 and report["findings"] == [], report["findings"]
    assert any("ran under .venv/bin/python (the project's .venv, not activated)" in n for n in report["notes"])
    assert len(report["classes"]) == 6 and all(c["outcome"] == "built" for c in report["classes"])


def test_a_settings_module_that_does_not_exist_is_a_usage_error(fixture_project, capsys) -> None:
    project = fixture_project("django_crm")
    plant(project, {"manage.py": ('"crm.settings"', '"crm.setings"')})
    code = main(["check", "--no-mypy", "--python", sys.executable, str(project)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(
        "smokegen: error: manage.py: the settings module 'crm.setings' (from manage.py) does not exist"
    )
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_setup_function_that_is_not_there_is_a_usage_error(fixture_project, capsys) -> None:
    project = fixture_project("flask_shop")
    code = main(["check", "--no-mypy", "--python", sys.executable, "--setup", "shop:configure", str(project)])
    err = capsys.readouterr().err
    assert code == 2 and "'shop:configure' (the setup setting) names no function of that module" in err


def test_an_unimported_top_level_folder_of_an_application_is_scripts(tmp_path: Path, capsys) -> None:
    app = write(
        tmp_path / "svc",
        {
            "requirements.txt": "",
            "api/__init__.py": "",
            "api/app.py": "WORKERS = ['jobs.tasks']\n",
            # a container health check: run on its own, it calls the service (here: fails) when run
            "healthcheck/check.py": "raise SystemExit('service unreachable')\n",
            # named in a string (Celery's include): imported by the worker, so checked
            "jobs/tasks.py": "from api.gone import handler\n",
        },
    )
    code, report, _ = check_json(capsys, "--no-mypy", "--python", sys.executable, str(app))
    found = sorted(f"{f['path']}:{f['line']}: {f['code']}" for f in report["findings"])
    assert found == ["jobs/tasks.py:1: SG102"]
    assert code == 1
