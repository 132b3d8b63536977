"""Patch targets found statically in test code: every form, and look-alikes that are not patches."""

from __future__ import annotations

import pytest

from smokegen.checks.mocks import PatchTarget, audit, find_patches
from smokegen.model import Finding, Location, ModuleKind, ProjectModel, Severity
from tests.helpers import dedent, project_from, scan_code


def targets(code: str) -> list[tuple[str, str, str, bool, bool]]:
    return [
        (p.test, p.form, p.target, p.create, p.hides_modules) for p in find_patches(dedent(code), "tests/test_x.py")
    ]


def test_decorator_context_manager_and_plain_call_forms() -> None:
    found = targets(
        """
        import unittest.mock
        from unittest import mock
        from unittest.mock import patch as p

        @mock.patch("app.db.connect")
        def test_one(connect):
            with unittest.mock.patch("app.cache.Cache.get", create=True):
                pass
            started = p("app.mail.send")
            started.start()
        """
    )
    assert found == [
        ("test_one", "patch", "app.db.connect", False, False),
        ("test_one", "patch", "app.cache.Cache.get", True, False),
        ("test_one", "patch", "app.mail.send", False, False),
    ]


def test_patch_object_multiple_and_dict() -> None:
    found = targets(
        """
        import os
        import sys
        from unittest.mock import patch
        from app import billing
        from app.clients import Client

        class TestBilling:
            def test_it(self):
                with patch.object(billing, "charge"), patch.object(Client, "get"):
                    pass
                with patch.multiple("app.settings", DEBUG=True, LEVEL=2):
                    pass
                with patch.dict(os.environ, {"A": "1"}), patch.dict("sys.modules", {"numpy": None}):
                    pass
                with patch.dict(sys.modules, {"yaml": None, "toml": None}):
                    pass
        """
    )
    assert [(t[1], t[2], t[4]) for t in found] == [
        ("patch.object", "app.billing.charge", False),
        ("patch.object", "app.clients.Client.get", False),
        ("patch.multiple", "app.settings.DEBUG", False),
        ("patch.multiple", "app.settings.LEVEL", False),
        ("patch.dict", "os.environ", False),
        ("patch.dict", "numpy", True),
        ("patch.dict", "toml", True),
        ("patch.dict", "yaml", True),
    ]
    assert {t[0] for t in found} == {"TestBilling.test_it"}


def test_pytest_mock_and_monkeypatch() -> None:
    found = targets(
        """
        import sys
        from app import billing

        def test_mocker(mocker):
            mocker.patch("app.db.connect")
            mocker.patch.object(billing, "charge")

        def test_monkeypatch(monkeypatch):
            monkeypatch.setattr("app.clock.now", lambda: 0)
            monkeypatch.setattr(billing, "charge", None, raising=False)
            monkeypatch.delattr("app.flags.BETA")
            monkeypatch.setitem(sys.modules, "redis", None)
        """
    )
    assert found == [
        ("test_mocker", "mocker.patch", "app.db.connect", False, False),
        ("test_mocker", "mocker.patch.object", "app.billing.charge", False, False),
        ("test_monkeypatch", "monkeypatch.setattr", "app.clock.now", False, False),
        ("test_monkeypatch", "monkeypatch.setattr", "app.billing.charge", True, False),
        ("test_monkeypatch", "monkeypatch.delattr", "app.flags.BETA", False, False),
        ("test_monkeypatch", "monkeypatch.setitem", "redis", False, True),
    ]


def test_the_mock_backport_counts_too() -> None:
    assert targets("import mock\n\n@mock.patch('app.x.y')\ndef test_a(y): pass\n") == [
        ("test_a", "patch", "app.x.y", False, False)
    ]


@pytest.mark.parametrize(
    "code",
    [
        # an HTTP client's PATCH request, a dict's update, a local `patch` function
        "import requests\n\ndef test_a():\n    requests.patch('https://example.invalid/items')\n",
        "def test_a(client):\n    client.patch('/items/1')\n",
        "def patch(x):\n    return x\n\ndef test_a():\n    patch('app.db.connect')\n",
        # monkeypatch.setenv is not an attribute patch; a local object is not statically known
        "def test_a(monkeypatch):\n    monkeypatch.setenv('A', '1')\n",
        "from unittest.mock import patch\n\ndef test_a():\n    thing = object()\n    patch.object(thing, 'x')\n",
        # a name that only looks like the fixture: imported under that name
        "from tools import monkeypatch\n\ndef test_a():\n    monkeypatch.setattr('app.x.y', 1)\n",
        # does not parse: no targets, no crash
        "def test_a(:\n",
    ],
)
def test_look_alikes_are_not_patches_noop(code: str) -> None:
    assert targets(code) == []


def model_of(*modules: tuple[str, str]) -> ProjectModel:
    infos = tuple(scan_code(code, name, ModuleKind.MODULE) for name, code in modules)
    return ProjectModel(name="app", source_roots=(".",), namespace_packages=(), modules=infos)


def test_audit_classifies_and_finds_stale_and_broken_targets() -> None:
    model = model_of(
        ("app.db", "def connect(): pass\n"),
        ("app.api", "from app.db import connect\nfrom app.db import Pool\n"),
    )
    patches = [
        PatchTarget(Location("tests/t.py", 1, 1), "test_a", "patch", "app.db.connect"),
        PatchTarget(Location("tests/t.py", 2, 1), "test_b", "patch", "app.db.Pool"),
        PatchTarget(Location("tests/t.py", 3, 1), "test_c", "patch", "app.gone.thing"),
        PatchTarget(Location("tests/t.py", 4, 1), "test_d", "patch", "app.db.Missing", create=True),
        PatchTarget(Location("tests/t.py", 5, 1), "test_e", "patch", "requests.get"),
        PatchTarget(Location("tests/t.py", 6, 1), "test_f", "patch.dict", "numpy", hides_modules=True),
    ]
    broken = Finding(Location("app/api.py", 2, 1), "SG101", "cannot import name 'Pool' from 'app.db'", Severity.ERROR)
    report = audit(model, patches, [broken], ["tests/t.py"])
    assert [t.kind.value for t in report.targets] == [
        "internal",
        "internal",
        "internal",
        "internal",
        "external",
        "module-hiding",
    ]
    assert [(f.location.line, f.code) for f in report.findings] == [(2, "SG402"), (3, "SG401")]
    assert "app/api.py:2:1: SG101 cannot import name 'Pool'" in report.findings[0].message
    assert "test test_c patches 'app.gone.thing'" in report.findings[1].message


def test_audit_of_healthy_internal_and_external_targets_noop() -> None:
    model = model_of(("app.db", "def connect(): pass\n"))
    patches = [
        PatchTarget(Location("tests/t.py", 1, 1), "test_a", "patch", "app.db.connect"),
        PatchTarget(Location("tests/t.py", 2, 1), "test_b", "patch", "os.getcwd"),
    ]
    assert audit(model, patches, [], ["tests/t.py"]).findings == ()


def test_third_party_objects_reached_through_project_modules_are_external() -> None:
    model = model_of(
        ("app.lib.curl", "import pycurl\n\ndef fetch(url): return pycurl.Curl()\n"),
        ("app.views", "import requests\nfrom os import path as osp\n"),
        ("app.compat", "from app.views import requests\n"),
        ("app.local", "from app.lib.curl import fetch\n"),
    )
    patches = [
        PatchTarget(Location("tests/t.py", 1, 1), "test_a", "patch", "app.lib.curl.pycurl.Curl"),
        PatchTarget(Location("tests/t.py", 2, 1), "test_b", "patch", "app.views.requests.get"),
        PatchTarget(Location("tests/t.py", 3, 1), "test_c", "patch", "app.views.osp.exists"),
        PatchTarget(Location("tests/t.py", 4, 1), "test_d", "patch", "app.compat.requests.post"),
        PatchTarget(Location("tests/t.py", 5, 1), "test_e", "patch", "app.local.fetch"),
        PatchTarget(Location("tests/t.py", 6, 1), "test_f", "patch", "app.lib.curl.fetch"),
    ]
    report = audit(model, patches, [], ["tests/t.py"])
    assert [(t.kind.value, t.through, t.origin) for t in report.targets] == [
        ("external", "app.lib.curl", "pycurl.Curl"),
        ("external", "app.views", "requests.get"),
        ("external", "app.views", "os.path.exists"),
        ("external", "app.compat", "requests.post"),  # a re-export of app.views' import, followed
        ("internal", "", ""),  # the project's own function, re-exported
        ("internal", "", ""),
    ]
    assert report.findings == ()


def test_a_name_the_module_defines_itself_or_imports_inside_a_function_stays_internal() -> None:
    model = model_of(
        ("app.a", "import sqlalchemy\n\nclass Session(sqlalchemy.orm.Session): pass\n"),  # its own subclass
        ("app.b", "def f():\n    import requests\n"),  # not a module attribute
        ("app.c", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import requests\n"),
    )
    patches = [
        PatchTarget(Location("tests/t.py", 1, 1), "test_a", "patch", "app.a.Session.get"),
        PatchTarget(Location("tests/t.py", 2, 1), "test_b", "patch", "app.b.requests.get", create=True),
        PatchTarget(Location("tests/t.py", 3, 1), "test_c", "patch", "app.c.requests.get", create=True),
    ]
    assert [t.kind.value for t in audit(model, patches, [], ["tests/t.py"]).targets] == ["internal"] * 3


def test_assignments_and_updates_of_sys_modules_hide_modules() -> None:
    found = targets(
        """
        import sys
        from sys import modules
        from unittest import mock

        sys.modules["app.gpu"] = mock.MagicMock()

        def test_a():
            modules["app.cache"] = None
            sys.modules.update({"app.queue": mock.MagicMock(), "redis": None})
            sys.modules[name] = None
            fake_modules = {}
            fake_modules["app.x"] = 1
        """
    )
    assert found == [
        ("", "sys.modules[]", "app.gpu", False, True),
        ("test_a", "sys.modules[]", "app.cache", False, True),
        ("test_a", "sys.modules.update", "app.queue", False, True),
        ("test_a", "sys.modules.update", "redis", False, True),
        ("test_a", "sys.modules[]", "", False, True),  # a key not known statically
    ]


def test_a_dict_named_like_sys_modules_without_importing_sys_is_not_hiding_noop() -> None:
    assert targets("def test_a(sys):\n    sys.modules['app.x'] = None\n    sys.modules.update({'app.y': 1})\n") == []


def hiding(target: str, line: int = 1, form: str = "patch.dict") -> PatchTarget:
    return PatchTarget(Location("tests/t.py", line, 5), "test_a", form, target, hides_modules=True)


def test_hiding_a_module_that_does_not_import_links_the_finding() -> None:
    model = project_from(
        {
            "app.__init__": "",
            "app.streaming.__init__": "from app.streaming.pipeline import EventPipeline\n",
            "app.streaming.pipeline": "from app.streaming.consumers import StreamingConsumer\n",
            "app.streaming.consumers": "class BaseStreamingConsumer: pass\n",
            "app.jobs.__init__": "",
            "app.jobs.nightly": "from app.gone import x\n",
            "app.web": "def view(): pass\n",
        }
    )
    broken = Finding(
        Location("app/streaming/pipeline.py", 1, 37), "SG101", "cannot import name 'StreamingConsumer'", Severity.ERROR
    )
    nightly = Finding(Location("app/jobs/nightly.py", 1, 1), "SG102", "no module named 'app.gone'", Severity.ERROR)
    patches = [
        hiding("app.streaming", 1),
        hiding("app.streaming.consumers", 2, "sys.modules[]"),  # its package does not import: neither does it
        hiding("app.jobs", 3, "monkeypatch.setitem"),
        hiding("app.web", 4),
        hiding("numpy", 5),
        hiding("", 6),
    ]
    report = audit(model, patches, [broken, nightly], ["tests/t.py"])
    assert [(f.location.line, f.code) for f in report.findings] == [(1, "SG402"), (2, "SG402"), (3, "SG402")]
    first, second, third = (f.message for f in report.findings)
    assert first.startswith(
        "test test_a hides app.streaming from the tests with patch.dict(sys.modules): it does not import "
        "(app/streaming/pipeline.py:1:37: SG101 cannot import name 'StreamingConsumer');"
    )
    assert "with an assignment to sys.modules[...]: it does not import (app/streaming/pipeline.py" in second
    assert "with monkeypatch.setitem(sys.modules): a module under it is broken (app/jobs/nightly.py:1:1: SG102" in third
    assert {t.kind.value for t in report.targets} == {"module-hiding"}


def test_a_builtin_patched_in_a_module_is_made_by_mock_noop() -> None:
    """mock.patch("app.cli.open") creates the module attribute for a builtin's name (create implied)."""
    model = model_of(("app.cli", "def read(path):\n    with open(path) as f:\n        return f.read()\n"))
    patches = [
        PatchTarget(Location("tests/t.py", 1, 1), "test_a", "patch", "app.cli.open"),
        PatchTarget(Location("tests/t.py", 2, 1), "test_b", "patch", "app.cli.print"),
    ]
    assert audit(model, patches, [], ["tests/t.py"]).findings == ()
