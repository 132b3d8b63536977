"""What a framework loads for the project's tests, read statically (never run): Django's.

When the tests run under Django (pytest-django names the settings module in pytest's settings, or a
test imports ``django``, ``rest_framework`` or ``pytest_django`` and ``manage.py``, ``wsgi.py`` or
``asgi.py`` names the settings), Django imports, before any test: the settings module (and the
project modules it star-imports), the dotted paths it names (``MIDDLEWARE``, backends, context
processors...), each app of ``INSTALLED_APPS`` with its ``models``, ``admin``, ``apps``,
``migrations`` (the test database is migrated) and ``templatetags``; and the test client loads
``ROOT_URLCONF`` and every URLconf it ``include()``s, whose views are then imported statically;
``call_command("name")`` in a test loads that management command.
FastAPI routers and Flask blueprints need no rule of their own: the application module imports them
(at module level, or in the app factory), and the reach follows those imports.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from smokegen.model import ModuleInfo, ModuleKind, ProjectModel
from smokegen.project.frameworks import django_settings, pytest_django_settings
from smokegen.scan.guard import interpreter_parse

_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", re.ASCII)
_DJANGO = frozenset({"django", "rest_framework", "pytest_django"})
# Settings naming what runs only outside the tests (the servers' entry points).
_NOT_FOR_TESTS = frozenset({"WSGI_APPLICATION", "ASGI_APPLICATION"})
# What Django imports from every installed app: models, admin (autodiscovered), the app config.
_APP_MODULES = ("models", "admin", "apps")
# Folders Django imports every module of: migrations (the test database), template tag libraries.
_APP_FOLDERS = ("migrations", "templatetags")


def _tree(root: Path, info: ModuleInfo) -> ast.Module | None:
    try:
        text = (root / info.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    tree = interpreter_parse(text, info.path)
    return tree if isinstance(tree, ast.Module) else None


def _strings(node: ast.AST) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str) and _DOTTED.fullmatch(child.value):
            yield child.value


def _module_of(dotted: str, modules: dict[str, ModuleInfo]) -> str | None:
    """The longest prefix of ``dotted`` that is a module of the project."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        if name in modules:
            return name
    return None


def _settings_names(root: Path, settings: str, modules: dict[str, ModuleInfo]) -> dict[str, list[str]]:
    """Setting -> the dotted strings in its value, over the settings module and the project modules
    it star-imports (``from .base import *``), a later value replacing an earlier one."""
    found: dict[str, list[str]] = {}
    todo, seen = [settings], set()
    order: list[str] = []
    while todo:
        name = todo.pop()
        if name in seen or name not in modules:
            continue
        seen.add(name)
        order.append(name)
        todo.extend(i.module for i in modules[name].imports if i.name == "*" and i.resolved)
    for name in reversed(order):  # the star-imported bases first, the settings module last
        tree = _tree(root, modules[name])
        if tree is None:
            continue
        for stmt in tree.body:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
                targets, value = [stmt.target], stmt.value
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper() and value is not None:
                    strings = list(_strings(value))
                    if isinstance(stmt, ast.AugAssign):
                        found.setdefault(target.id, []).extend(strings)
                    else:
                        found[target.id] = strings
    return found


def _included(root: Path, urlconf: str, modules: dict[str, ModuleInfo]) -> set[str]:
    """``urlconf`` and every URLconf it ``include()``s by name, transitively."""
    seen: set[str] = set()
    todo = [urlconf]
    while todo:
        name = todo.pop()
        if name in seen or name not in modules:
            continue
        seen.add(name)
        tree = _tree(root, modules[name])
        if tree is None:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and (
                    (isinstance(node.func, ast.Name) and node.func.id == "include")
                    or (isinstance(node.func, ast.Attribute) and node.func.attr == "include")
                )
                and node.args
            ):
                todo.extend(s for s in _strings(node.args[0]) if s in modules)
    return seen


def django_loads(root: Path, model: ProjectModel, settings: str) -> set[str]:
    """The project modules Django loads for tests run with the settings module ``settings``."""
    modules = {m.name: m for m in model.modules}
    if settings not in modules:
        return set()
    names = _settings_names(root, settings, modules)
    loaded = {settings}
    for setting, strings in names.items():
        if setting in _NOT_FOR_TESTS:
            continue
        loaded.update(m for s in strings if (m := _module_of(s, modules)) is not None)
    for app in names.get("INSTALLED_APPS", []):
        package = _module_of(app, modules)
        if package is None:
            continue
        if modules[package].kind is not ModuleKind.PACKAGE:  # "leads.apps.LeadsConfig": the app is its package
            package = package.rpartition(".")[0]
            if not package:
                continue
        loaded.add(package)
        for sub in _APP_MODULES:
            if f"{package}.{sub}" in modules:
                loaded.add(f"{package}.{sub}")
        for folder in _APP_FOLDERS:
            loaded.update(m for m in modules if m.startswith(f"{package}.{folder}.") or m == f"{package}.{folder}")
    for urlconf in names.get("ROOT_URLCONF", []):
        loaded |= _included(root, urlconf, modules)
    return {name for name in loaded if name}


def _called_commands(root: Path, tests: Iterable[ModuleInfo]) -> set[str]:
    """The management commands the tests run by name: ``call_command("send_reminders")``."""
    names: set[str] = set()
    for info in tests:
        if not any(imp.name == "call_command" or imp.module == "django.core.management" for imp in info.imports):
            continue
        tree = _tree(root, info)
        for node in ast.walk(tree) if tree is not None else ():
            if (
                isinstance(node, ast.Call)
                and (
                    (isinstance(node.func, ast.Name) and node.func.id == "call_command")
                    or (isinstance(node.func, ast.Attribute) and node.func.attr == "call_command")
                )
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names.add(node.args[0].value)
    return names


def _tests_use_django(tests: Iterable[ModuleInfo]) -> bool:
    return any(imp.module.split(".", 1)[0] in _DJANGO for info in tests for imp in info.imports)


def framework_loads(
    root: Path, model: ProjectModel, tests: Iterable[ModuleInfo], env: dict[str, str] | None = None
) -> set[str]:
    """The project modules a framework loads for the tests ``tests`` (scanned test files); ``env``:
    the runtime stage's environment settings (``DJANGO_SETTINGS_MODULE``)."""
    settings = pytest_django_settings(root)
    if settings is None and _tests_use_django(tests):
        found = django_settings(root, model, env or {})
        settings = found.target if found is not None else None
    if not settings:
        return set()
    tests = list(tests)
    commands = _called_commands(root, tests)
    run = {m.name for m in model.modules if ".management.commands." in m.name and m.name.rpartition(".")[2] in commands}
    return django_loads(root, model, settings) | run
