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
from dataclasses import dataclass, field, fields, replace
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
# An application's ``tests.py`` (Django's per-app test module) is test code too; a library's
# (``jinja2/tests.py``) ships.
APPLICATION_TEST_PATTERNS: tuple[str, ...] = DEFAULT_TEST_PATTERNS + ("tests.py",)


class ConfigError(Exception):
    """A usage or configuration error: reported as one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting as the configuration reference and the command line show it."""

    key: str  # the Config field's name
    flag: str  # "--timeout"; a switch: "--mypy/--no-mypy"
    kind: str  # the TOML type, as the configuration reference names it
    default: str  # the default, as the configuration reference names it
    commands: tuple[str, ...]  # the commands that take the flag
    help: str
    validate: Callable[[object, str], Any]  # (the raw TOML or flag value, where it came from) -> the value
    metavar: str = ""

    @property
    def repeatable(self) -> bool:
        return self.kind in (LIST, TABLE)


LIST, TABLE, BOOL, NUMBER, INTEGER, STRING = "list of strings", "table", "bool", "number", "integer", "string"
_SCANNING = ("scan", "check", "generate", "mocks")
_RUNNING = ("check", "mocks")


def _setting(
    default: Any,
    help: str,
    *,
    flag: str,
    kind: str,
    shown: str,
    commands: tuple[str, ...],
    validate: Callable[[object, str], Any],
    metavar: str = "",
) -> Any:
    """A :class:`Config` field carrying its :class:`Setting` (whose key is the field's name)."""
    return field(
        default=default, metadata={"setting": Setting("", flag, kind, shown, commands, help, validate, metavar)}
    )


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


_LONGEST_TIMEOUT = 86_400.0  # a day: past it, an import is hanging whatever it does (and alarms overflow)


def _timeout(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= _LONGEST_TIMEOUT:
        raise ConfigError(f"{name} must be a positive number of seconds, at most {_LONGEST_TIMEOUT:.0f}, got {value!r}")
    return float(value)


def _jobs(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name} must be a whole number of worker processes, 1 or more, got {value!r}")
    return value


def _bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be true or false, got {value!r}")
    return value


DEPRECATION_MODES = ("warn", "error", "ignore")


def _deprecations(value: object, name: str) -> str:
    if value not in DEPRECATION_MODES:
        raise ConfigError(f"{name} must be one of {', '.join(DEPRECATION_MODES)}, got {value!r}")
    return str(value)


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


def _setup(value: object, name: str) -> str:
    if not isinstance(value, str) or not _TARGET.fullmatch(value.strip()):
        raise ConfigError(f"{name} must be 'module:function', e.g. 'app.bootstrap:configure', got {value!r}")
    return value.strip()


def _smoke_dir(value: object, name: str) -> str:
    return _folder(value, name, allow_empty=False)


def _direct_dir(value: object, name: str) -> str:
    return _folder(value, name, allow_empty=True)


@dataclass(frozen=True, slots=True)
class Config:
    """Every setting, declared once: its ``[tool.smokegen]`` key (the field's name), default, help,
    command-line flag, TOML type, the default as the docs show it, the commands that take it, and its
    validator. The flag wins over the key, the key over the default."""

    packages: tuple[str, ...] = _setting(
        (),
        "Top-level import names to scan (repeatable, or comma-separated).",
        flag="--package",
        kind=LIST,
        shown="all found",
        commands=_SCANNING,
        validate=_strings,
        metavar="NAME",
    )
    source_roots: tuple[str, ...] = _setting(
        (),
        "Folder (relative to the project root) that holds the importable code (repeatable).",
        flag="--source-root",
        kind=LIST,
        shown="src if it holds code (and is no package its code imports as one), else the root",
        commands=_SCANNING,
        validate=_strings,
        metavar="DIR",
    )
    exclude: tuple[str, ...] = _setting(
        (),
        "Glob of paths to leave out, on top of the built-in skips (repeatable).",
        flag="--exclude",
        kind=LIST,
        shown="none",
        commands=_SCANNING,
        validate=_strings,
        metavar="GLOB",
    )
    test_patterns: tuple[str, ...] = _setting(
        DEFAULT_TEST_PATTERNS,
        "Glob of test code, left out of the scan (repeatable; an empty value scans tests too).",
        flag="--test-pattern",
        kind=LIST,
        shown="tests, /test, /src/test, test_*.py, *_test.py, conftest.py (and tests.py in an application)",
        commands=_SCANNING,
        validate=_strings,
        metavar="GLOB",
    )
    cache_dir: str = _setting(
        ".smokegen_cache",
        "Folder of the scan cache, relative to the project root.",
        flag="--cache-dir",
        kind=STRING,
        shown=".smokegen_cache",
        commands=_SCANNING,
        validate=_text,
        metavar="DIR",
    )
    cache: bool = _setting(
        True,
        "Read and write the scan cache; --no-cache scans every file again.",
        flag="--cache/--no-cache",
        kind=BOOL,
        shown="true",
        commands=_SCANNING,
        validate=_bool,
    )
    jobs: int | None = _setting(
        None,
        "Worker processes.",
        flag="--jobs",
        kind=INTEGER,
        shown="CPU count",
        commands=_SCANNING,
        validate=_jobs,
        metavar="N",
    )
    python: str = _setting(
        "",
        "The project's interpreter (a path, relative to the project root in pyproject.toml, or a command).",
        flag="--python",
        kind=STRING,
        shown="the active virtualenv, else the project's .venv or venv, else smokegen's interpreter",
        commands=_RUNNING + ("generate",),
        validate=_text,
        metavar="PATH",
    )
    static: bool = _setting(
        False,
        "Static checks only: never execute project code.",
        flag="--static/--no-static",
        kind=BOOL,
        shown="false",
        commands=_RUNNING,
        validate=_bool,
    )
    timeout: float = _setting(
        10.0,
        "Seconds one module's import may take before it counts as hanging.",
        flag="--timeout",
        kind=NUMBER,
        shown="10",
        commands=_RUNNING,
        validate=_timeout,
        metavar="SECONDS",
    )
    env: tuple[tuple[str, str], ...] = _setting(
        (),
        "Environment variable for the runtime stage (repeatable); adds to the key's table.",
        flag="--env",
        kind=TABLE,
        shown="none",
        commands=_RUNNING,
        validate=_env,
        metavar="NAME=VALUE",
    )
    ignore: tuple[str, ...] = _setting(
        (),
        "Finding code never reported (repeatable, or comma-separated).",
        flag="--ignore",
        kind=LIST,
        shown="none",
        commands=_RUNNING,
        validate=_codes,
        metavar="CODE",
    )
    per_module_ignores: tuple[tuple[str, tuple[str, ...]], ...] = _setting(
        (),
        "Codes not reported in the modules a glob matches (repeatable); adds to the key's table.",
        flag="--per-module-ignore",
        kind=TABLE,
        shown="none",
        commands=_RUNNING,
        validate=_per_module_ignores,
        metavar="GLOB=CODE[,CODE]",
    )
    instantiate: bool = _setting(
        True,
        "Build every public class that can be built, after its module imports.",
        flag="--instantiate/--no-instantiate",
        kind=BOOL,
        shown="true",
        commands=("check", "generate"),
        validate=_bool,
    )
    factories: tuple[tuple[str, str], ...] = _setting(
        (),
        "A function without arguments that builds a class (repeatable); adds to the key's table.",
        flag="--factory",
        kind=TABLE,
        shown="none",
        commands=("check", "generate"),
        validate=_factories,
        metavar="MODULE:CLASS=MODULE:FUNCTION",
    )
    environment_errors: tuple[str, ...] = _setting(
        (),
        "Regular expression of failures that mean this machine lacks configuration (warnings; repeatable).",
        flag="--environment-error",
        kind=LIST,
        shown="none",
        commands=_RUNNING,
        validate=_regexes,
        metavar="REGEX",
    )
    run_scripts: tuple[str, ...] = _setting(
        (),
        "Run every console script with these arguments (e.g. --help; repeatable): a crash is SG216.",
        flag="--run-scripts",
        kind=LIST,
        shown="none (scripts are not run)",
        commands=("check",),
        validate=_strings,
        metavar="ARG",
    )
    deprecations: str = _setting(
        "warn",
        "Uses of deprecated APIs the run sees (at the project's own lines): warn (SG215), error, or ignore.",
        flag="--deprecations",
        kind=STRING,
        shown='"warn"',
        commands=("check",),
        validate=_deprecations,
        metavar="warn|error|ignore",
    )
    setup: str = _setting(
        "",
        "A function without arguments ('module:function') run before the project's modules are imported, "
        "as production runs it (a Flask app context, a Celery app's configuration).",
        flag="--setup",
        kind=STRING,
        shown="django.setup() for a Django project, else none",
        commands=_RUNNING,
        validate=_setup,
        metavar="MODULE:FUNCTION",
    )
    mypy: bool | None = _setting(
        None,
        "Run the mypy stage (check) or write its test (generate).",
        flag="--mypy/--no-mypy",
        kind=BOOL,
        shown="when the project configures mypy",
        commands=("check", "generate"),
        validate=_bool,
    )
    smoke_dir: str = _setting(
        "tests/smoke",
        "Where generate writes the smoke suite, relative to the project root.",
        flag="--smoke-dir",
        kind=STRING,
        shown="tests/smoke",
        commands=("generate",),
        validate=_smoke_dir,
        metavar="DIR",
    )
    direct_dir: str = _setting(
        "",
        "Where generate --direct writes scaffolds, relative to the project root.",
        flag="--direct-dir",
        kind=STRING,
        shown="tests (or test if only that exists)",
        commands=("generate",),
        validate=_direct_dir,
        metavar="DIR",
    )


# In field order, which is the order of the configuration reference.
SETTINGS: tuple[Setting, ...] = tuple(replace(f.metadata["setting"], key=f.name) for f in fields(Config))
_KEYS = frozenset(s.key for s in SETTINGS)
_BY_KEY = {s.key: s for s in SETTINGS}


def settings_for(command: str) -> tuple[Setting, ...]:
    """The settings whose flags ``command`` takes."""
    return tuple(s for s in SETTINGS if command in s.commands)


def parse_config(table: Mapping[str, Any], source: str = "pyproject.toml", section: str = "[tool.smokegen]") -> Config:
    """Validate a settings table; ``source`` and ``section`` (``""`` for the top level of
    ``smokegen.toml``) name it in error messages."""
    values: dict[str, Any] = {}
    where = f" in {section}" if section else ""
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in _KEYS:
            close = difflib.get_close_matches(key, sorted(_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; valid keys: {', '.join(sorted(_KEYS))}"
            raise ConfigError(f"{source}: unknown key '{raw_key}'{where}{hint}")
        values[key] = _BY_KEY[key].validate(value, f"{source}: {section + ' ' if section else ''}{raw_key}")
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
        value = setting.validate(_flag_value(setting, raw), setting.flag.partition("/")[0])
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
    settings_file: str = "pyproject.toml"  # where ``config``'s keys were read (or .smokegen.toml...)


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


def read_toml(path: Path, display: str = "pyproject.toml") -> dict[str, Any]:
    """The tables of a TOML file, ``{}`` when there is no such file: the one reader of pyproject.toml
    (settings, entry points, dependencies, mypy's section). A file that is not valid TOML, or cannot
    be read, is a usage error naming the file."""
    if not path.is_file():
        return {}
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display}: not valid TOML ({exc}); fix the file and run again") from None
    except OSError as exc:
        raise ConfigError(f"{display}: cannot be read ({exc.strerror})") from None
    return data


def read_pyproject(path: Path, display: str = "pyproject.toml") -> Pyproject:
    """Read and validate ``path``; a missing file gives the defaults."""
    if not path.is_file():
        return Pyproject(name=None, config=Config())
    data = read_toml(path, display)
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


# Settings files of their own, for a project without pyproject.toml (or that keeps them apart): the same
# keys at the top level, no [tool.smokegen]. The first found wins over pyproject.toml's [tool.smokegen],
# as ruff.toml does over [tool.ruff].
CONFIG_FILES = (".smokegen.toml", "smokegen.toml")


def read_project_config(root: Path) -> Pyproject:
    """The project's name and entry points (pyproject.toml) and its settings: from ``.smokegen.toml``
    or ``smokegen.toml`` when the project has one, else from pyproject.toml's ``[tool.smokegen]``."""
    pyproject = read_pyproject(root / "pyproject.toml")
    for name in CONFIG_FILES:
        path = root / name
        if path.is_file():
            return replace(pyproject, config=parse_config(read_toml(path, name), name, section=""), settings_file=name)
    return pyproject


def direct_folder(root: Path, config: Config) -> str:
    """Where ``generate --direct`` writes: ``direct_dir``, else ``tests`` (``test`` if only that exists)."""
    if config.direct_dir:
        return config.direct_dir
    if not (root / "tests").is_dir() and (root / "test").is_dir():
        return "test"
    return "tests"


# The folders smokegen writes into, each a setting; ``direct_dir`` as :func:`direct_folder` completes it.
WRITTEN_FOLDERS = ("cache_dir", "smoke_dir", "direct_dir")


def _outside(root: Path, folder: str) -> tuple[str, bool] | None:
    """Why ``folder`` (relative to ``root``) is not a folder inside the project, and whether a symlink
    takes it out; None when it is inside."""
    base = root.resolve()
    here = root
    try:
        for part in Path(folder).parts:
            here = here / part
            target = here.resolve()
            if here.is_symlink() and (target == base or not target.is_relative_to(base)):
                return f"{here.relative_to(root).as_posix()} is a symlink to {target}", True
        target = (root / folder).resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        return f"{here.relative_to(root).as_posix()} is a symlink loop", True
    if target == base or not target.is_relative_to(base):
        return f"it resolves to {target}", False
    return None


def check_folders(root: Path, pyproject: Pyproject, config: Config, flags: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`ConfigError` unless every folder smokegen writes into (``cache_dir``, ``smoke_dir``
    and where ``generate --direct`` writes) is inside the project at ``root``, symlinks followed: never
    the root itself, never outside it, however the setting was given (a flag, the settings file, or the
    default with a symlink in the tree). The error names where the value came from and the fix."""
    for key in WRITTEN_FOLDERS:
        value = direct_folder(root, config) if key == "direct_dir" else getattr(config, key)
        outside = _outside(root, value)
        if outside is None:
            continue
        why, linked = outside
        flag = _BY_KEY[key].flag
        if (flags or {}).get(key) is not None:
            given = f"{flag} {value!r}"
        elif getattr(pyproject.config, key) != getattr(Config(), key):
            section = "[tool.smokegen] " if pyproject.settings_file == "pyproject.toml" else ""
            given = f"{pyproject.settings_file}: {section}{key} = {value!r}"
        else:
            given = f"{key} = {value!r} (the default)"
        example = getattr(Config(), key) or "tests"
        fix = (
            f"remove the link, or set {key} ({flag}) to a folder inside the project"
            if linked
            else f"give a folder inside it, e.g. {example!r}"
        )
        raise ConfigError(f"{given} must be a folder inside the project, but {why}; {fix}")


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
