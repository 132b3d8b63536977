"""``smokegen scan``'s "never imported by any test": what the tests reach through the real CLI: their
imports followed transitively, their patch targets, and what Django loads for them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smokegen.cli.main import main


def untested(project: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["scan", "--format", "json", str(project)]) == 0
    names: list[str] = json.loads(capsys.readouterr().out)["untested_modules"]
    return names


DJANGO_CRM_COMMANDS_AND_SERVERS = [
    "billing.management",
    "billing.management.commands",
    "billing.management.commands.send_reminders",
    "billing.services",
    "crm.asgi",
    "crm.wsgi",
]


def test_django_tests_through_the_client_reach_the_urlconf_views_and_apps(fixture_project, capsys) -> None:
    project = fixture_project("django_crm")
    assert len(untested(project, capsys)) == 18  # the one test patches leads.services, and uses no Django
    (project / "tests" / "test_views.py").write_text(
        "from django.test import Client\n\n\ndef test_leads(db):\n    assert Client().get('/leads/').status_code == 200\n"
    )
    # the test client loads crm.urls: the views, and the services they import; INSTALLED_APPS: models, admin, apps
    assert untested(project, capsys) == DJANGO_CRM_COMMANDS_AND_SERVERS


def test_pytest_django_settings_count_without_any_django_import(fixture_project, capsys) -> None:
    project = fixture_project("django_crm")
    (project / "pytest.ini").write_text("[pytest]\nDJANGO_SETTINGS_MODULE = crm.settings\n")
    (project / "tests" / "test_views.py").write_text("def test_leads(client):\n    client.get('/leads/')\n")
    assert untested(project, capsys) == DJANGO_CRM_COMMANDS_AND_SERVERS


def test_fastapi_tests_of_the_app_reach_its_routers(fixture_project, capsys) -> None:
    project = fixture_project("fastapi_svc")
    (project / "tests" / "test_api.py").write_text(
        "from fastapi.testclient import TestClient\n\nfrom app.main import app\n\n\n"
        "def test_items():\n    assert TestClient(app).get('/items/').status_code == 200\n"
    )
    assert untested(project, capsys) == []


def test_flask_tests_of_the_app_factory_reach_its_blueprints(fixture_project, capsys) -> None:
    project = fixture_project("flask_shop")
    (project / "tests" / "test_pricing.py").unlink()  # it patches shop.pricing: imports the package
    assert untested(project, capsys) == ["celery_app", "shop", "shop.pricing", "shop.views", "tasks", "wsgi"]
    (project / "tests" / "test_views.py").write_text(
        "from shop import create_app\n\n\ndef test_price():\n    assert create_app().test_client().get('/price/100')\n"
    )
    # create_app imports the blueprint inside the factory, and the views import the pricing
    assert untested(project, capsys) == ["celery_app", "tasks", "wsgi"]  # run by Celery and the WSGI server


def test_a_management_command_a_test_calls_by_name_is_reached(fixture_project, capsys) -> None:
    project = fixture_project("django_crm")
    (project / "tests" / "test_commands.py").write_text(
        "from django.core.management import call_command\n\n\n"
        "def test_reminders(db):\n    call_command('send_reminders')\n"
    )
    # the command and its packages are reached; billing.services is imported by nothing the tests reach
    assert untested(project, capsys) == ["billing.services", "crm.asgi", "crm.wsgi"]
