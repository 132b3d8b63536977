"""What Django loads for the tests, read from the settings and the URLconfs on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from smokegen.model import ModuleInfo, ModuleKind, SourceFile
from smokegen.project.frameworks import pytest_django_settings
from smokegen.scan.frameworks import django_loads, framework_loads
from smokegen.scan.loader import load_project
from smokegen.scan.source import scan_source
from tests.helpers import write_project

SITE = {
    "manage.py": """
        import os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cfg.settings.dev")
        """,
    "site_cfg/__init__.py": "",
    "site_cfg/settings/__init__.py": "",
    "site_cfg/settings/base.py": """
        INSTALLED_APPS = ["django.contrib.admin", "polls.apps.PollsConfig", "shop"]
        MIDDLEWARE = ["django.middleware.common.CommonMiddleware", "site_cfg.middleware.Timing"]
        ROOT_URLCONF = "site_cfg.urls"
        WSGI_APPLICATION = "site_cfg.wsgi.application"
        """,
    "site_cfg/settings/dev.py": """
        from .base import *
        INSTALLED_APPS += ["debugtools"]
        """,
    "site_cfg/middleware.py": "class Timing: ...\n",
    "site_cfg/wsgi.py": "application = None\n",
    "site_cfg/urls.py": """
        from django.urls import include, path
        urlpatterns = [path("polls/", include("polls.urls")), path("shop/", include(("shop.urls", "shop")))]
        """,
    "polls/__init__.py": "",
    "polls/apps.py": "class PollsConfig: name = 'polls'\n",
    "polls/models.py": "",
    "polls/admin.py": "",
    "polls/urls.py": "from django.urls import include, path\nurlpatterns = [path('api/', include('polls.api.urls'))]\n",
    "polls/api/__init__.py": "",
    "polls/api/urls.py": "",
    "polls/migrations/__init__.py": "",
    "polls/migrations/0001_initial.py": "",
    "polls/templatetags/__init__.py": "",
    "polls/templatetags/poll_tags.py": "",
    "polls/management/__init__.py": "",
    "polls/management/commands/__init__.py": "",
    "polls/management/commands/close_polls.py": "",
    "shop/__init__.py": "",
    "shop/models.py": "",
    "shop/urls.py": "",
    "shop/forms.py": "",
    "debugtools/__init__.py": "",
    "debugtools/models.py": "",
}


def a_test_file(code: str) -> ModuleInfo:
    result = scan_source(code.encode(), SourceFile("test_x", "tests/test_x.py", ModuleKind.MODULE))
    assert isinstance(result, ModuleInfo)
    return result


def test_django_loads_the_settings_apps_urlconfs_and_named_paths(tmp_path: Path) -> None:
    root = write_project(tmp_path, SITE)
    loaded = load_project(root)
    assert sorted(django_loads(root, loaded.model, "site_cfg.settings.dev")) == [
        "debugtools",
        "debugtools.models",
        "polls",
        "polls.admin",
        "polls.api.urls",
        "polls.apps",
        "polls.migrations",
        "polls.migrations.0001_initial",
        "polls.models",
        "polls.templatetags",
        "polls.templatetags.poll_tags",
        "polls.urls",
        "shop",
        "shop.models",
        "shop.urls",
        "site_cfg.middleware",
        "site_cfg.settings.dev",
        "site_cfg.urls",
    ]  # debugtools: the package is named in dev.py's INSTALLED_APPS += [...]; not shop.forms, the commands, the wsgi


def test_django_loads_only_when_the_tests_run_under_django(tmp_path: Path) -> None:
    root = write_project(tmp_path, SITE)
    loaded = load_project(root)
    plain = a_test_file("import pytest\nfrom polls import models\n")
    assert framework_loads(root, loaded.model, [plain]) == set()
    client = a_test_file("from django.test import Client\n")
    assert "polls.urls" in framework_loads(root, loaded.model, [client])


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pytest.ini", "[pytest]\nDJANGO_SETTINGS_MODULE = site_cfg.settings.dev\naddopts = -q\n"),
        ("setup.cfg", "[tool:pytest]\nDJANGO_SETTINGS_MODULE=site_cfg.settings.dev\n"),
        ("tox.ini", "[tox]\n[pytest]\nDJANGO_SETTINGS_MODULE = site_cfg.settings.dev\n"),
        ("pyproject.toml", '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "site_cfg.settings.dev"\n'),
    ],
)
def test_pytest_django_settings_are_read_from_pytest_s_settings(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    assert pytest_django_settings(tmp_path) == "site_cfg.settings.dev"


def test_no_pytest_django_settings_noop(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -q\n")
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "x.settings"\n')
    assert pytest_django_settings(tmp_path) is None  # pytest.ini wins, as pytest reads it first


def test_a_test_calling_a_management_command_loads_it(tmp_path: Path) -> None:
    root = write_project(tmp_path, SITE)
    (root / "tests").mkdir()
    (root / "tests" / "test_commands.py").write_text(
        "from django.core.management import call_command\n\n"
        "def test_close():\n    call_command('close_polls', verbosity=0)\n    call_command(object())\n"
    )
    loaded = load_project(root)
    result = scan_source(
        (root / "tests" / "test_commands.py").read_bytes(),
        SourceFile("test_commands", "tests/test_commands.py", ModuleKind.MODULE),
    )
    assert isinstance(result, ModuleInfo)
    loads = framework_loads(root, loaded.model, [result])
    assert "polls.management.commands.close_polls" in loads
    assert not any(
        ".management" in name for name in framework_loads(root, loaded.model, [a_test_file("import django\n")])
    )
