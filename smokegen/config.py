"""``[tool.smokegen]`` in pyproject.toml -> :class:`Config`.

Unknown keys and wrong types are usage errors (:class:`ConfigError`) that name
the file, the key and the fix. Keys are snake_case, as in ``[tool.mypy]``;
the kebab-case spelling of a key is accepted too.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from smokegen.model import EntryPoint, Location

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# Test code is not part of what ships. Globs follow .gitignore rules (see
# discover.match_glob): ``tests/`` folders at any depth; ``test/`` only at the top
# or directly under ``src/`` (``django/test`` is shipped code); pytest's file names.
DEFAULT_TEST_PATTERNS: tuple[str, ...] = (
    "tests",
    "/test",
    "/src/test",
    "test_*.py",
    "*_test.py",
    "conftest.py",
)


class ConfigError(Exception):
    """A usage or configuration error: reported as one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class Config:
    # Top-level import names to scan (``["app", "tools"]``); empty: everything found.
    packages: tuple[str, ...] = ()
    # Folders, relative to the project root, that hold the importable code; empty: ``src`` if
    # it holds code, else the project root.
    source_roots: tuple[str, ...] = ()
    # Globs of paths (relative to the project root) to leave out, on top of the built-in skips.
    exclude: tuple[str, ...] = ()
    # Globs of test code, left out of the scan; ``[]`` scans tests too.
    test_patterns: tuple[str, ...] = DEFAULT_TEST_PATTERNS
    # Per-file scan cache, relative to the project root.
    cache_dir: str = ".smokegen_cache"
    # Seconds one module's import may take before it counts as hanging.
    timeout: float = 10.0
    # Environment variables set for the runtime stage (``{"DJANGO_SETTINGS_MODULE" = "site.settings"}``).
    env: tuple[tuple[str, str], ...] = ()
    # Finding codes never reported (``["SG104"]``).
    ignore: tuple[str, ...] = ()
    # Module globs -> codes not reported in those modules (``{"app.legacy.*" = ["SG101"]}``).
    per_module_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Build every public class that can be built, after its module imports.
    instantiate: bool = True
    # "module:Class" -> "module:callable": a function without arguments that returns an instance.
    factories: tuple[tuple[str, str], ...] = ()
    # Regular expressions searched in "ExceptionType: message": failures that mean "this machine lacks
    # configuration" (warnings SG206/SG212), on top of the built-in ones.
    environment_errors: tuple[str, ...] = ()
    # The mypy stage: true runs it, false never; unset runs it when the project configures mypy.
    mypy: bool | None = None
    # Where ``smokegen generate`` writes the smoke suite (relative to the project root).
    smoke_dir: str = "tests/smoke"
    # Where ``smokegen generate --direct`` writes scaffolds; empty: ``tests`` (or ``test`` if only that exists).
    direct_dir: str = ""


_KEYS = {f.name for f in fields(Config)}


def _as_str_tuple(value: object, key: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: [tool.smokegen] {key} must be a list of strings, got {value!r}")
    return tuple(value)


def _codes(value: object, key: str, source: str) -> tuple[str, ...]:
    found = _as_str_tuple(value, key, source)
    bad = [c for c in found if not re.fullmatch(r"SG\d{3}", c.upper())]
    if bad:
        raise ConfigError(f"{source}: [tool.smokegen] {key}: {', '.join(map(repr, bad))} is not a finding code (SG101...)")
    return tuple(c.upper() for c in found)


_TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


def _factories(value: object, source: str) -> tuple[tuple[str, str], ...]:
    example = '{"app.clients:Client" = "app.testing:make_client"}'
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: [tool.smokegen] factories must be a table of classes to factories, e.g. {example}")
    out = []
    for cls, factory in sorted(value.items()):
        if not _TARGET.fullmatch(cls):
            raise ConfigError(f"{source}: [tool.smokegen] factories: key {cls!r} is not 'module:Class', e.g. {example}")
        if not isinstance(factory, str) or not _TARGET.fullmatch(factory) or "." in factory.partition(":")[2]:
            raise ConfigError(
                f"{source}: [tool.smokegen] factories: {cls!r} = {factory!r} is not 'module:function', e.g. {example}"
            )
        out.append((cls, factory))
    return tuple(out)


def _relative_folder(value: object, key: str, source: str, allow_empty: bool) -> str:
    if not isinstance(value, str) or (not value and not allow_empty):
        raise ConfigError(f"{source}: [tool.smokegen] {key} must be a folder path, got {value!r}")
    folder = value.strip().replace("\\", "/").strip("/")
    if value and (not folder or folder.startswith("..") or "/../" in f"/{folder}/" or Path(value).is_absolute()):
        raise ConfigError(f"{source}: [tool.smokegen] {key} = {value!r} must be a folder inside the project, e.g. 'tests/smoke'")
    return folder


def parse_config(table: Mapping[str, Any], source: str = "pyproject.toml") -> Config:
    """Validate a ``[tool.smokegen]`` table; ``source`` names the file in error messages."""
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in _KEYS:
            close = difflib.get_close_matches(key, sorted(_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; valid keys: {', '.join(sorted(_KEYS))}"
            raise ConfigError(f"{source}: unknown key '{raw_key}' in [tool.smokegen]{hint}")
        if key == "per_module_ignores":
            if not isinstance(value, dict):
                raise ConfigError(
                    f"{source}: [tool.smokegen] per_module_ignores must be a table of module globs to code lists, "
                    f'e.g. {{"app.legacy.*" = ["SG101"]}}'
                )
            values[key] = tuple(
                (glob, _codes(codes, f"per_module_ignores.{glob}", source)) for glob, codes in sorted(value.items())
            )
        elif key == "env":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError(
                    f"{source}: [tool.smokegen] env must be a table of strings, e.g. "
                    '{DJANGO_SETTINGS_MODULE = "site.settings"}'
                )
            values[key] = tuple(sorted((str(k), v) for k, v in value.items()))
        elif key == "timeout":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"{source}: [tool.smokegen] timeout must be a positive number of seconds, got {value!r}")
            values[key] = float(value)
        elif key in ("instantiate", "mypy"):
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: [tool.smokegen] {raw_key} must be true or false, got {value!r}")
            values[key] = value
        elif key in ("smoke_dir", "direct_dir"):
            values[key] = _relative_folder(value, raw_key, source, allow_empty=key == "direct_dir")
        elif key == "factories":
            values[key] = _factories(value, source)
        elif key == "environment_errors":
            patterns = _as_str_tuple(value, raw_key, source)
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ConfigError(
                        f"{source}: [tool.smokegen] environment_errors: {pattern!r} is not a regular expression ({exc})"
                    ) from None
            values[key] = patterns
        elif key == "ignore":
            values[key] = _codes(value, raw_key, source)
        elif key == "cache_dir":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{source}: [tool.smokegen] cache_dir must be a non-empty string, got {value!r}")
            values[key] = value
        else:
            values[key] = _as_str_tuple(value, raw_key, source)
    return Config(**values)


@dataclass(frozen=True, slots=True)
class Pyproject:
    """What smokegen reads from a project's pyproject.toml."""

    name: str | None
    config: Config
    entry_points: tuple[EntryPoint, ...] = ()


def _entry_points(data: Mapping[str, Any]) -> tuple[EntryPoint, ...]:
    found: list[EntryPoint] = []
    raw_project = data.get("project")
    project: Mapping[str, Any] = raw_project if isinstance(raw_project, dict) else {}
    tables: list[tuple[str, Any]] = [
        ("console_scripts", project.get("scripts")),
        ("gui_scripts", project.get("gui-scripts")),
    ]
    groups = project.get("entry-points")
    if isinstance(groups, dict):
        tables.extend(groups.items())
    raw_tool = data.get("tool")
    tool: Mapping[str, Any] = raw_tool if isinstance(raw_tool, dict) else {}
    raw_poetry = tool.get("poetry")
    poetry: Mapping[str, Any] = raw_poetry if isinstance(raw_poetry, dict) else {}
    tables.append(("console_scripts", poetry.get("scripts")))
    for group, table in tables:
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            if isinstance(value, dict):  # poetry's {reference = "...", type = "console"}
                value = value.get("reference") or value.get("callable")
            if isinstance(value, str) and value.strip():
                found.append(EntryPoint(group, str(name), value.strip()))
    return tuple(sorted(set(found)))


def read_pyproject(path: Path, display: str = "pyproject.toml") -> Pyproject:
    """Read and validate ``path``; a missing file gives the defaults."""
    if not path.is_file():
        return Pyproject(name=None, config=Config())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display}: not valid TOML ({exc}); fix the file and run again") from None
    except OSError as exc:
        raise ConfigError(f"{display}: cannot be read ({exc.strerror})") from None
    project = data.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    tool = data.get("tool")
    table = tool.get("smokegen", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{display}: [tool.smokegen] must be a table")
    return Pyproject(
        name=name if isinstance(name, str) else None,
        config=parse_config(table, display),
        entry_points=_entry_points(data),
    )


def entry_point_locations(
    root: Path, points: tuple[EntryPoint, ...], declared_in: str = "pyproject.toml"
) -> dict[EntryPoint, Location]:
    """Where each entry point is declared (pyproject.toml, or an installed entry_points.txt); line 1
    when the text is not found."""
    try:
        lines = (root / declared_in).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    found: dict[EntryPoint, Location] = {}
    for point in points:
        line, column = 1, 1
        for number, text in enumerate(lines, start=1):
            for quote in ('"', "'", ""):  # entry_points.txt does not quote: "name = module:attr"
                at = text.find(f"{quote}{point.value}{quote}")
                if at >= 0 and point.name in text[:at]:
                    line, column = number, at + 1
                    break
            if line != 1 or column != 1:
                break
        found[point] = Location(declared_in, line, column)
    return found
