"""The framework set-up production runs before anything imports the project's modules, found
statically: Django's ``DJANGO_SETTINGS_MODULE`` (as ``manage.py``, ``wsgi.py`` or ``asgi.py`` set it)
followed by ``django.setup()``, or the project's own ``setup = "module:function"``.

Reads files and settings only; the set-up itself runs in the project's interpreter
(:mod:`smokegen.runtime._runner`)."""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from smokegen.model import ProjectModel

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

# os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings") / os.environ["DJANGO_SETTINGS_MODULE"] = "..."
_DJANGO_SETTINGS = re.compile(r"""["']DJANGO_SETTINGS_MODULE["']\s*(?:,|\]\s*=)\s*f?["']([A-Za-z_][\w.]*)["']""")


@dataclass(frozen=True, slots=True)
class Setup:
    kind: str  # "django" or "call"
    target: str  # the settings module, or "module:function"
    origin: str  # where it was found, for the note and the finding
    path: str = ""  # the file that names it, relative to the project root ("" when none does)
    line: int = 1

    def describe(self) -> str:
        if self.kind == "django":
            return f"django.setup() with DJANGO_SETTINGS_MODULE={self.target} ({self.origin})"
        return f"the set-up {self.target}() ({self.origin})"


def _settings_in(path: Path) -> tuple[str, int] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _DJANGO_SETTINGS.search(text)
    return (found.group(1), text.count("\n", 0, found.start()) + 1) if found else None


def django_settings(root: Path, model: ProjectModel, env: Mapping[str, str]) -> Setup | None:
    """Django's set-up with the settings module it runs with, and where that was found: the runtime
    stage's ``env``, the environment, ``manage.py``, then a ``wsgi.py`` or ``asgi.py`` of the project."""
    if env.get("DJANGO_SETTINGS_MODULE"):
        return Setup("django", env["DJANGO_SETTINGS_MODULE"], "from the env setting")
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        return Setup("django", os.environ["DJANGO_SETTINGS_MODULE"], "from the environment")
    candidates = [Path("manage.py")] + sorted(
        Path(m.path) for m in model.modules if Path(m.path).name in ("wsgi.py", "asgi.py")
    )
    for rel in candidates:
        found = _settings_in(root / rel)
        if found is not None:
            return Setup("django", found[0], f"from {rel.as_posix()}", rel.as_posix(), found[1])
    return None


def find_setup(
    root: Path,
    model: ProjectModel,
    configured: str,
    env: Mapping[str, str],
    installed: frozenset[str],
    detect: bool = True,
) -> Setup | None:
    """The set-up to run before the project's imports: ``configured`` (the ``setup`` setting) if
    given; else, with ``detect`` (an application), Django's when Django is installed (``installed``:
    distribution names) and the project names its settings module; else None."""
    if configured:
        return Setup("call", configured, "the setup setting")
    if detect and "django" in installed:
        return django_settings(root, model, env)
    return None


def setup_is_missing(setup: Setup, missing: str, exc_type: str, innermost: str) -> str | None:
    """Why the set-up names something that does not exist (a usage error), or None: ``missing`` is
    the module a ModuleNotFoundError named, ``exc_type`` and ``innermost`` (the file of the innermost
    frame) describe the failure."""
    module = setup.target.partition(":")[0] if setup.kind == "call" else setup.target
    if missing and (module == missing or module.startswith(missing + ".")):
        what = "settings module" if setup.kind == "django" else "module"
        return f"the {what} '{module}' ({setup.origin}) does not exist"
    if setup.kind == "call" and exc_type == "AttributeError" and innermost.endswith("_runner.py"):
        return f"'{setup.target}' ({setup.origin}) names no function of that module"
    return None


# Where pytest reads its settings (first found wins, as pytest looks): file, section.
_PYTEST_INI = (("pytest.ini", "pytest"), ("setup.cfg", "tool:pytest"), ("tox.ini", "pytest"))


def pytest_django_settings(root: Path) -> str | None:
    """The settings module pytest-django sets up for the tests (``DJANGO_SETTINGS_MODULE`` in pytest's
    settings: ``pytest.ini``, ``[tool.pytest.ini_options]`` in ``pyproject.toml``, ``setup.cfg``,
    ``tox.ini``), or None."""
    pytest_ini = root / "pytest.ini"
    if not pytest_ini.is_file():
        try:
            data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            data = {}
        options = data.get("tool", {}).get("pytest", {}).get("ini_options")
        if isinstance(options, dict):
            value = options.get("DJANGO_SETTINGS_MODULE")
            return value if isinstance(value, str) and value else None
    for name, section in _PYTEST_INI:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(root / name, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue
        if parser.has_section(section):
            value = parser.get(section, "DJANGO_SETTINGS_MODULE", fallback="").strip()
            return value or None
    return None
