"""``[tool.smokegen]`` in pyproject.toml -> :class:`Config`.

Unknown keys and wrong types are usage errors (:class:`ConfigError`) that name
the file, the key and the fix. Keys are snake_case, as in ``[tool.mypy]``;
the kebab-case spelling of a key is accepted too.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
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
    """Every setting, with its default. Each is a ``[tool.smokegen]`` key and a command-line flag
    (see :data:`SETTINGS`); the flag wins over the key, the key over the default."""

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
    # Read and write the cache; false scans every file again.
    cache: bool = True
    # Worker processes; unset: the CPUs this process may use.
    jobs: int | None = None
    # The project's interpreter (path or command); empty: the active virtualenv, else smokegen's own.
    python: str = ""
    # Static checks only: never execute project code.
    static: bool = False
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


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting as the README's configuration reference and the command line show it."""

    key: str
    flag: str  # "--timeout"; a switch: "--mypy/--no-mypy"
    kind: str  # the TOML type, as the README names it
    default: str  # the default, as the README names it
    commands: tuple[str, ...]  # the commands that take the flag
    help: str
    metavar: str = ""

    @property
    def repeatable(self) -> bool:
        return self.kind in (LIST, TABLE)


LIST, TABLE, BOOL, NUMBER, INTEGER, STRING = "list of strings", "table", "bool", "number", "integer", "string"
_SCANNING = ("scan", "check", "generate", "mocks")
_RUNNING = ("check", "mocks")

# The order of the README's configuration reference.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "packages",
        "--package",
        LIST,
        "all found",
        _SCANNING,
        "Top-level import names to scan (repeatable, or comma-separated).",
        "NAME",
    ),
    Setting(
        "source_roots",
        "--source-root",
        LIST,
        "src if it holds code, else the root",
        _SCANNING,
        "Folder (relative to the project root) that holds the importable code (repeatable).",
        "DIR",
    ),
    Setting(
        "exclude",
        "--exclude",
        LIST,
        "none",
        _SCANNING,
        "Glob of paths to leave out, on top of the built-in skips (repeatable).",
        "GLOB",
    ),
    Setting(
        "test_patterns",
        "--test-pattern",
        LIST,
        "tests, /test, /src/test, test_*.py, *_test.py, conftest.py",
        _SCANNING,
        "Glob of test code, left out of the scan (repeatable; an empty value scans tests too).",
        "GLOB",
    ),
    Setting(
        "cache_dir",
        "--cache-dir",
        STRING,
        ".smokegen_cache",
        _SCANNING,
        "Folder of the scan cache, relative to the project root.",
        "DIR",
    ),
    Setting(
        "cache",
        "--cache/--no-cache",
        BOOL,
        "true",
        _SCANNING,
        "Read and write the scan cache; --no-cache scans every file again.",
    ),
    Setting("jobs", "--jobs", INTEGER, "CPU count", _SCANNING, "Worker processes.", "N"),
    Setting(
        "python",
        "--python",
        STRING,
        "the active virtualenv, else smokegen's interpreter",
        _RUNNING + ("generate",),
        "The project's interpreter (a path, relative to the project root in pyproject.toml, or a command).",
        "PATH",
    ),
    Setting(
        "static", "--static/--no-static", BOOL, "false", _RUNNING, "Static checks only: never execute project code."
    ),
    Setting(
        "timeout",
        "--timeout",
        NUMBER,
        "10",
        _RUNNING,
        "Seconds one module's import may take before it counts as hanging.",
        "SECONDS",
    ),
    Setting(
        "env",
        "--env",
        TABLE,
        "none",
        _RUNNING,
        "Environment variable for the runtime stage (repeatable); adds to the key's table.",
        "NAME=VALUE",
    ),
    Setting(
        "ignore",
        "--ignore",
        LIST,
        "none",
        _RUNNING,
        "Finding code never reported (repeatable, or comma-separated).",
        "CODE",
    ),
    Setting(
        "per_module_ignores",
        "--per-module-ignore",
        TABLE,
        "none",
        _RUNNING,
        "Codes not reported in the modules a glob matches (repeatable); adds to the key's table.",
        "GLOB=CODE[,CODE]",
    ),
    Setting(
        "instantiate",
        "--instantiate/--no-instantiate",
        BOOL,
        "true",
        ("check", "generate"),
        "Build every public class that can be built, after its module imports.",
    ),
    Setting(
        "factories",
        "--factory",
        TABLE,
        "none",
        ("check", "generate"),
        "A function without arguments that builds a class (repeatable); adds to the key's table.",
        "MODULE:CLASS=MODULE:FUNCTION",
    ),
    Setting(
        "environment_errors",
        "--environment-error",
        LIST,
        "none",
        _RUNNING,
        "Regular expression of failures that mean this machine lacks configuration (warnings; repeatable).",
        "REGEX",
    ),
    Setting(
        "mypy",
        "--mypy/--no-mypy",
        BOOL,
        "when the project configures mypy",
        ("check", "generate"),
        "Run the mypy stage (check) or write its test (generate).",
    ),
    Setting(
        "smoke_dir",
        "--smoke-dir",
        STRING,
        "tests/smoke",
        ("generate",),
        "Where generate writes the smoke suite, relative to the project root.",
        "DIR",
    ),
    Setting(
        "direct_dir",
        "--direct-dir",
        STRING,
        "tests (or test if only that exists)",
        ("generate",),
        "Where generate --direct writes scaffolds, relative to the project root.",
        "DIR",
    ),
)

_KEYS = {f.name for f in fields(Config)}
_BY_KEY = {s.key: s for s in SETTINGS}
assert set(_BY_KEY) == _KEYS, "every Config field is a Setting"


def settings_for(command: str) -> tuple[Setting, ...]:
    """The settings whose flags ``command`` takes."""
    return tuple(s for s in SETTINGS if command in s.commands)


def _strings(value: object, name: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name} must be a list of strings, got {value!r}")
    return tuple(value)


def _codes(value: object, name: str) -> tuple[str, ...]:
    found = _strings(value, name)
    bad = [c for c in found if not re.fullmatch(r"SG\d{3}", c.upper())]
    if bad:
        raise ConfigError(f"{name}: {', '.join(map(repr, bad))} is not a finding code (SG101...)")
    return tuple(c.upper() for c in found)


_TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


def _factories(value: object, name: str) -> tuple[tuple[str, str], ...]:
    example = '{"app.clients:Client" = "app.testing:make_client"}'
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a table of classes to factories, e.g. {example}")
    out = []
    for cls, factory in sorted(value.items()):
        if not _TARGET.fullmatch(cls):
            raise ConfigError(f"{name}: key {cls!r} is not 'module:Class', e.g. {example}")
        if not isinstance(factory, str) or not _TARGET.fullmatch(factory) or "." in factory.partition(":")[2]:
            raise ConfigError(f"{name}: {cls!r} = {factory!r} is not 'module:function', e.g. {example}")
        out.append((cls, factory))
    return tuple(out)


def _folder(value: object, name: str, allow_empty: bool) -> str:
    if not isinstance(value, str) or (not value and not allow_empty):
        raise ConfigError(f"{name} must be a folder path, got {value!r}")
    folder = value.strip().replace("\\", "/").strip("/")
    if value and (not folder or folder.startswith("..") or "/../" in f"/{folder}/" or Path(value).is_absolute()):
        raise ConfigError(f"{name} = {value!r} must be a folder inside the project, e.g. 'tests/smoke'")
    return folder


def _per_module_ignores(value: object, name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f'{name} must be a table of module globs to code lists, e.g. {{"app.legacy.*" = ["SG101"]}}')
    return tuple((glob, _codes(codes, f"{name}.{glob}")) for glob, codes in sorted(value.items()))


def _env(value: object, name: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f'{name} must be a table of strings, e.g. {{DJANGO_SETTINGS_MODULE = "site.settings"}}')
    return tuple(sorted((str(k), v) for k, v in value.items()))


def _timeout(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
        raise ConfigError(f"{name} must be a positive number of seconds, got {value!r}")
    return float(value)


def _jobs(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name} must be a whole number of worker processes, 1 or more, got {value!r}")
    return value


def _bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be true or false, got {value!r}")
    return value


def _regexes(value: object, name: str) -> tuple[str, ...]:
    patterns = _strings(value, name)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{name}: {pattern!r} is not a regular expression ({exc})") from None
    return patterns


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{name} must be a non-empty string, got {value!r}")
    return value.strip()


_VALIDATORS: dict[str, Callable[[object, str], Any]] = {
    "packages": _strings,
    "source_roots": _strings,
    "exclude": _strings,
    "test_patterns": _strings,
    "cache_dir": _text,
    "cache": _bool,
    "jobs": _jobs,
    "python": _text,
    "static": _bool,
    "timeout": _timeout,
    "env": _env,
    "ignore": _codes,
    "per_module_ignores": _per_module_ignores,
    "instantiate": _bool,
    "factories": _factories,
    "environment_errors": _regexes,
    "mypy": _bool,
    "smoke_dir": lambda value, name: _folder(value, name, allow_empty=False),
    "direct_dir": lambda value, name: _folder(value, name, allow_empty=True),
}
assert set(_VALIDATORS) == _KEYS


def parse_config(table: Mapping[str, Any], source: str = "pyproject.toml") -> Config:
    """Validate a ``[tool.smokegen]`` table; ``source`` names the file in error messages."""
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in _KEYS:
            close = difflib.get_close_matches(key, sorted(_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; valid keys: {', '.join(sorted(_KEYS))}"
            raise ConfigError(f"{source}: unknown key '{raw_key}' in [tool.smokegen]{hint}")
        values[key] = _VALIDATORS[key](value, f"{source}: [tool.smokegen] {raw_key}")
    return Config(**values)


def _pairs(values: Sequence[str], setting: Setting) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in values:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"{setting.flag}: '{pair}' is not {setting.metavar}")
        out[name.strip()] = value.strip() if setting.key != "env" else value
    return out


def _flag_value(setting: Setting, raw: Any) -> Any:
    """A flag's value in the shape its ``[tool.smokegen]`` key takes."""
    if setting.kind == LIST:
        items = [
            part.strip()
            for item in raw
            for part in (item.split(",") if setting.key in ("packages", "ignore") else [item])
        ]
        return [item for item in items if item]  # "--exclude ''" clears the list
    if setting.kind == TABLE:
        pairs = _pairs(raw, setting)
        if setting.key == "per_module_ignores":
            return {glob: [c.strip() for c in codes.split(",") if c.strip()] for glob, codes in pairs.items()}
        return pairs
    return raw


def apply_flags(base: Config, flags: Mapping[str, Any]) -> Config:
    """Command-line values over ``base`` (a flag wins over its key). ``flags`` maps keys to what the
    command line gave: a tuple of strings for a repeatable flag, a scalar otherwise; ``None`` or ``()``
    is "not given". A table flag adds entries to the key's table (and replaces an entry of the same name);
    any other flag replaces the key's value."""
    values: dict[str, Any] = {}
    for key, raw in flags.items():
        setting = _BY_KEY[key]
        if raw is None or (setting.repeatable and not raw):
            continue
        value = _VALIDATORS[key](_flag_value(setting, raw), setting.flag.partition("/")[0])
        if setting.kind == TABLE:
            value = tuple(sorted({**dict(getattr(base, key)), **dict(value)}.items()))
        values[key] = value
    return replace(base, **values)


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
