"""Import verdicts -> findings. Pure: verdicts and the model in, findings out.

Classes (codes): broken (SG201), timeout (SG202), crash (SG203), exit (SG204), order-dependent
(SG205) fail the run; environment (SG206: the module needs configuration, such as an
environment variable) and missing optional dependency (SG207: an opt-in module whose
third-party import is not installed) are warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType

from smokegen.checks.entry_points import point_consequence
from smokegen.checks.external import core_modules
from smokegen.graph.index import ProjectIndex
from smokegen.model import (
    EntryPoint,
    Finding,
    GuardKind,
    ImportStatus,
    ImportVerdict,
    Location,
    ProjectModel,
    Severity,
    TraceFrame,
    codes,
)
from smokegen.runtime.imports import LOOKUP_NAME_ABSENT

ENVIRONMENT_ERRORS = ("ImproperlyConfigured", "MissingEnvironmentVariable", "EnvironmentError")


_INSTALLED = re.compile(r"[/\\](site|dist)-packages[/\\]")


def owned_files(root: Path, model: ProjectModel) -> frozenset[str] | None:
    """For an installed distribution (its root is a ``site-packages``): its own files, the only code
    that is its there (not its dependencies', nor another portion of a namespace package it
    shares); None for a project (all of its root is)."""
    if not _INSTALLED.search(root.as_posix() + "/"):
        return None
    return frozenset(m.path for m in model.modules) | frozenset(f.path for f in model.failures)


def project_frame(
    frames: tuple[TraceFrame, ...], root: Path, owned: frozenset[str] | None = None
) -> tuple[str, int] | None:
    """The innermost traceback frame in the checked code's files, as (relative path, line): the
    project's, or, with ``owned`` (:func:`owned_files`), the installed distribution's own, not those
    of the other distributions installed beside it."""
    for frame in reversed(frames):
        if not Path(frame.path).is_absolute():
            continue  # "<frozen os>", "<string>": not a file (resolving it would name one in the working folder)
        try:
            relative = Path(frame.path).resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            continue
        if _INSTALLED.search("/" + relative):
            continue  # an installed package, in a virtualenv inside the project folder: not the project's code
        if owned is not None and relative not in owned:
            continue  # another distribution's, installed beside the checked one
        return relative, frame.line
    return None


def shown_path(path: str, root: Path) -> str:
    """A traceback frame's file as a person reads it: an installed package's relative to its
    ``site-packages`` (``numpy/__init__.py``), the project's relative to the root, else its name."""
    posix = Path(path).as_posix()
    installed = list(_INSTALLED.finditer(posix))
    if installed:
        return posix[installed[-1].end() :]
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return Path(path).name


def raised_elsewhere(frames: tuple[TraceFrame, ...], where: tuple[str, int] | None, root: Path) -> str:
    """`` (raised at numpy/__init__.py:400 in __getattr__)`` when the innermost frame is not the
    checked code's line ``where`` (a dependency's, the standard library's); "" when it is."""
    if not frames:
        return ""
    last = frames[-1]
    if last.path.startswith("<"):
        return ""
    shown = shown_path(last.path, root)
    if where is not None and shown == where[0] and last.line == where[1]:
        return ""
    return f" (raised at {shown}:{last.line} in {last.function})"


def one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


# DB-API 2.0's errors "related to the database's operation and not necessarily under the control of
# the programmer" (an unreachable server, a missing database or table) and of the interface (a closed
# connection): the machine's, as production's database is there and migrated. A ProgrammingError
# only when it says a table is missing (a database not migrated); otherwise it is the SQL's.
_DATABASE_NOT_READY = frozenset({"OperationalError", "InterfaceError"})
_NO_TABLE = re.compile(r"no such table|(relation|table) \S+ does not exist|doesn't exist", re.IGNORECASE)
# pydantic's settings classes (pydantic-settings, pydantic 1's BaseSettings) read the environment.
_SETTINGS_CODE = re.compile(r"(^|[/\\])(pydantic_settings[/\\]|pydantic[/\\](v1[/\\])?env_settings\.py)")
_VALIDATION_COUNT = re.compile(r"^(\d+) validation errors? for (\S+)")
_MISSING_FIELD = re.compile(r"\(type=value_error\.missing\)|\[type=missing\b")


def _missing_settings(exc_type: str, message: str, frames: tuple[TraceFrame, ...]) -> str | None:
    """A pydantic settings class built with fields the environment does not set: every one of its
    validation errors a missing field, raised through the settings code (``BaseSettings.__init__``)."""
    if not exc_type.endswith("ValidationError") or not any(_SETTINGS_CODE.search(f.path) for f in frames):
        return None
    counted = _VALIDATION_COUNT.match(message.strip())
    lines = message.strip().splitlines()
    fields = [lines[i - 1].strip() for i, line in enumerate(lines) if i and _MISSING_FIELD.search(line)]
    if counted is None or not fields or len(fields) != int(counted.group(1)):
        return None
    return f"the settings class {counted.group(2)} wants {', '.join(fields)} from the environment (or a .env file)"


def unset_variable(exc_type: str, frames: tuple[TraceFrame, ...]) -> bool:
    """The failure is an ``os.environ[...]`` lookup of a variable that is not set."""
    last = frames[-1] if frames else None
    return (
        exc_type == "KeyError" and last is not None and (last.path == "<frozen os>" or Path(last.path).name == "os.py")
    )


_QUOTED_PATH = re.compile(r"'([^']+)'")


def _missing_dotenv(exc_type: str, message: str) -> str | None:
    """A ``.env`` file that is not there (Starlette's ``Config(".env")``, an ``open(".env")``): the
    deploy's configuration, never shipped with the code. Its path, quoted, or None."""
    if exc_type.rpartition(".")[2] not in ("FileNotFoundError", "OSError", "IOError"):
        return None
    for path in _QUOTED_PATH.findall(message):
        name = path.replace("\\", "/").rpartition("/")[2]
        if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
            return f"'{name}'"
    return None


_OWN_NAMESPACE = re.compile(r"\b(?:locals|globals|vars)\(\)\s*\[")


def _given_name(exc_type: str, frames: tuple[TraceFrame, ...]) -> str | None:
    """The failure is a module's top level reading a name from its own namespace that is not there
    (``locals()["bootstrap_file"]``, SQLAlchemy's test bootstrap): the module is meant to be run by
    ``exec()`` with that name given, never imported. The line, or None."""
    last = frames[-1] if frames else None
    if exc_type != "KeyError" or last is None or last.function != "<module>" or not _OWN_NAMESPACE.search(last.text):
        return None
    return f"`{last.text}`"


def environment_reason(
    exc_type: str, message: str, frames: tuple[TraceFrame, ...], patterns: tuple[str, ...] = ()
) -> str | None:
    """Why a failure is a missing configuration, or None: an unset ``os.environ`` key, an exception
    named like Django's ``ImproperlyConfigured``, a pydantic settings class missing fields, a database
    that is not there or not migrated (DB-API's ``OperationalError``...), or one matching a configured
    ``environment_errors`` pattern (a regular expression searched in ``"Type: message"``)."""
    if unset_variable(exc_type, frames):
        return f"environment variable {message} is not set"
    dotenv = _missing_dotenv(exc_type, message)
    if dotenv is not None:
        return f"the configuration file {dotenv} is not there ({one_line(message)})"
    given = _given_name(exc_type, frames)
    if given is not None:
        return f"it reads {message} from its own namespace ({given}): it is run by exec() with that name given"
    if any(exc_type.endswith(name) for name in ENVIRONMENT_ERRORS):
        return one_line(message)
    settings = _missing_settings(exc_type, message, frames)
    if settings is not None:
        return settings
    name = exc_type.rpartition(".")[2]
    if name in _DATABASE_NOT_READY or (name == "ProgrammingError" and _NO_TABLE.search(message)):
        return f"the database is not there or not migrated: {exc_type}: {one_line(message)}"
    text = f"{exc_type}: {message}"
    if any(re.search(pattern, text) for pattern in patterns):
        return one_line(text)
    return None


_PLATFORM_TEST = re.compile(
    r"\bsys\.platform\b|\bos\.name\b|\bplatform\.system\b|\bsys\.version_info\b|\bsys\.implementation\b"
)


def platform_specific(model: ProjectModel) -> set[str]:
    """Modules that the project imports only under a ``sys.platform``/``sys.version_info`` test."""
    guarded: dict[str, bool] = {}
    for info in model.modules:
        for imp in info.imports:
            targets = [imp.module] + ([f"{imp.module}.{imp.name}"] if imp.name and imp.name != "*" else [])
            conditional = any(g.kind in (GuardKind.PLATFORM, GuardKind.VERSION) for g in imp.guards)
            for target in targets:
                guarded[target] = guarded.get(target, True) and conditional
    return {name for name, only_guarded in guarded.items() if only_guarded}


_PLATFORM_WORDS = re.compile(r"\b(windows|win32|linux|darwin|macos|posix|cygwin|platform)\b", re.IGNORECASE)


def _refuses_platform(verdict: ImportVerdict, root: Path) -> bool:
    """The module stops itself on this interpreter: ``assert sys.platform == "win32"``, or
    ``raise ImportError("... can only be imported on Windows")``."""
    where = project_frame(verdict.frames, root)
    frame = next((f for f in reversed(verdict.frames) if where and f.line == where[1]), None)
    if frame is not None and _PLATFORM_TEST.search(frame.text) is not None:
        return True
    refusing = verdict.exc_type in ("ImportError", "AssertionError", "OSError", "RuntimeError", "NotImplementedError")
    return refusing and _PLATFORM_WORDS.search(verdict.message) is not None


def missing_module(verdict: ImportVerdict) -> str | None:
    """The top-level name of the module a failed import did not find, also behind
    ``raise ImportError("pyglet is required") from exc``."""
    if verdict.missing:
        return verdict.missing.split(".")[0]
    if verdict.exc_type not in ("ModuleNotFoundError", "ImportError"):
        return None
    found = re.search(r"No module named '([^']+)'", verdict.message)
    return found.group(1).split(".")[0] if found else None


def _tombstone(verdict: ImportVerdict, path: str, root: Path) -> bool:
    """The module raises ImportError itself, at its top level: it exists to say it is gone
    (``sympy.galgebra``: "maintained separately")."""
    if verdict.exc_type != "ImportError" or verdict.missing or not verdict.frames:
        return False
    last = verdict.frames[-1]
    if not last.text.startswith("raise"):
        return False  # `from x import Gone` failing is a broken import, not a module saying it is gone
    where = project_frame((last,), root)
    return where is not None and where[0] == path and last.function == "<module>"


_CRASH_SIGNALS = frozenset({"SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGFPE", "SIGSYS"})


def _signal_cause(name: str) -> str:
    if name in _CRASH_SIGNALS:
        return "a crash in native code"
    return "sent by its own code, to itself or its process group (os.kill, os.killpg), or from outside"


def runtime_findings(
    verdicts: Iterable[ImportVerdict],
    model: ProjectModel,
    root: Path,
    static: Iterable[Finding] = (),
    optional: frozenset[str] = frozenset(),
    environment_errors: tuple[str, ...] = (),
    application: bool = False,
    hosted: Mapping[str, frozenset[str]] = MappingProxyType({}),
    origins: dict[Finding, str] | None = None,
) -> Iterator[Finding]:
    """Findings for failed imports; one the static stage already reported at that line is not repeated.
    ``hosted``: module -> what the hosts of the plugins that load it provide (absent here: not judged).
    ``optional``: top-level import names of distributions declared only in extras;
    ``environment_errors``: the configured patterns of failures that mean missing configuration.
    ``origins``, when given, gets each finding's module: the one whose import it speaks for (a failure
    is placed at the line that raised, which may be another module's)."""
    for finding, module in _runtime_findings(
        verdicts, model, root, static, optional, environment_errors, application, hosted
    ):
        if origins is not None:
            origins[finding] = module
        yield finding


def _runtime_findings(
    verdicts: Iterable[ImportVerdict],
    model: ProjectModel,
    root: Path,
    static: Iterable[Finding] = (),
    optional: frozenset[str] = frozenset(),
    environment_errors: tuple[str, ...] = (),
    application: bool = False,
    hosted: Mapping[str, frozenset[str]] = MappingProxyType({}),
) -> Iterator[tuple[Finding, str]]:
    """Findings for failed imports, each with the module whose import it speaks for.
    ``hosted``: module -> what the hosts of the plugins that load it provide (absent here: not judged).
    ``optional``: top-level import names of distributions declared only in extras;
    ``environment_errors``: the configured patterns of failures that mean missing configuration."""
    by_name = {m.name: m for m in model.modules}
    taken = {(f.location.path, f.location.line) for f in static if f.severity is Severity.ERROR}
    index = ProjectIndex(model)
    owned = owned_files(root, index.model)
    computed: list[set[str]] = []

    def core_of() -> set[str]:  # computed on first need: most runs have no failure that asks
        if not computed:  # in an application every module is loaded by something: none is opt-in
            computed.append(set(by_name) if application else core_modules(index))
        return computed[0]

    elsewhere = platform_specific(model)
    # Import failures by the line that raised: one finding per root cause, naming what it takes down.
    failing: dict[Location, list[tuple[str, str, bool]]] = {}
    needing: dict[tuple[Location, str], list[tuple[str, str, bool]]] = {}  # SG206, grouped as failures are
    for verdict in verdicts:
        info = by_name.get(verdict.module)
        if info is None or verdict.status in (ImportStatus.OK, ImportStatus.PARENT_FAILED):
            continue
        where = project_frame(verdict.frames, root, owned)
        location = Location(where[0], where[1], 1) if where else Location(info.path, 1, 1)
        name = verdict.module
        if verdict.status is ImportStatus.TIMEOUT:
            yield (
                codes.IMPORT_TIMEOUT.at(
                    Location(info.path, 1, 1),
                    f"`import {name}` was still running after {verdict.detail} s (an endless loop, or waiting on "
                    "a network or a lock); raise the timeout if it is only slow",
                ),
                name,
            )
        elif verdict.status is ImportStatus.SIGNAL:
            yield (
                codes.IMPORT_CRASH.at(
                    Location(info.path, 1, 1),
                    f"`import {name}` kills the interpreter with {verdict.detail} ({_signal_cause(verdict.detail)})",
                ),
                name,
            )
        elif verdict.status is ImportStatus.LOST:
            yield (
                codes.IMPORT_UNJUDGED.at(
                    Location(info.path, 1, 1),
                    f"`import {name}` could not be judged: {verdict.detail}; a module that takes down the process "
                    "importing it (or its parent) does the same to a web server or worker",
                ),
                name,
            )
        elif verdict.status is ImportStatus.EXIT:
            how = f"{verdict.exc_type or 'exit'}({verdict.detail})"
            yield (
                codes.IMPORT_EXITS.at(
                    location,
                    f"`import {name}` exits the interpreter ({how}): whatever imports it dies with it; "
                    'move the exit under `if __name__ == "__main__":`',
                ),
                name,
            )
        else:
            if (location.path, location.line) in taken:
                continue
            if name in elsewhere or _refuses_platform(verdict, root):
                continue  # a module for another platform or Python version, and it says so
            if _tombstone(verdict, info.path, root):
                if name not in core_of():
                    continue  # an opt-in module that refuses on purpose; nothing in the package uses it
            error = f"{verdict.exc_type}: {one_line(verdict.message)}" if verdict.message else verdict.exc_type
            error += raised_elsewhere(verdict.frames, where, root)
            if verdict.after_siblings is ImportStatus.OK:
                yield (
                    codes.IMPORT_ORDER_DEPENDENT.at(
                        location,
                        f"`import {name}` fails alone ({error}) but works after its sibling modules are imported: "
                        "it depends on import order; import what it uses explicitly",
                    ),
                    name,
                )
                continue
            environment = environment_reason(verdict.exc_type, verdict.message, verdict.frames, environment_errors)
            if environment is not None:
                needing.setdefault((location, environment), []).append((name, "", info.path == location.path))
                continue
            top = missing_module(verdict)
            if top is not None and top in hosted.get(name, ()):
                continue  # a plugin whose host (pytest for a pytest11 plugin) is not installed here
            if top is not None:
                if not index.is_project(top) and (name not in core_of() or top in optional):
                    why = (
                        "it is declared only in an extra"
                        if top in optional
                        else "nothing imports this module on `import` of the package or through an entry point, "
                        "so it may be an opt-in integration"
                    )
                    yield (
                        codes.IMPORT_MISSING_OPTIONAL.at(
                            location, f"`import {name}` needs '{top}', which is not installed; {why}"
                        ),
                        name,
                    )
                    continue
            failing.setdefault(location, []).append((name, error, info.path == location.path))
    for location, group in sorted(failing.items()):
        # the module whose own line raised speaks for the group; the others import it
        name, error, others = _speaker(group)
        yield codes.IMPORT_FAILS.at(location, f"`import {name}` fails: {error}{_others(others, 'fail')}"), name
    for (location, environment), group in sorted(needing.items()):
        name, _, others = _speaker(group)
        message = f"`import {name}` needs configuration: {environment}{_others(others, 'need it too', 'needs it too')}"
        yield codes.IMPORT_NEEDS_ENVIRONMENT.at(location, message), name


def _speaker(group: list[tuple[str, str, bool]]) -> tuple[str, str, list[str]]:
    """The module whose own line raised (else the first by name), its error, and the others."""
    group.sort(key=lambda item: (not item[2], item[0]))
    return group[0][0], group[0][1], [other for other, _, _ in group[1:]]


def _others(others: list[str], many: str, one: str = "") -> str:
    """``; 2 other modules fail with it ('a', 'b')``: the modules a finding speaks for too."""
    if not others:
        return ""
    shown = ", ".join(f"'{other}'" for other in others[:3]) + (
        f" and {len(others) - 3} more" if len(others) > 3 else ""
    )
    if many == "fail":
        verb = "fail with it" if len(others) > 1 else "fails with it"
    else:
        verb = many if len(others) > 1 else one
    return f"; {len(others)} other module{'s' if len(others) > 1 else ''} {verb} ({shown})"


def _describe_point(point: EntryPoint) -> str:
    kind = {"console_scripts": "console script", "gui_scripts": "GUI script"}.get(
        point.group, f"entry point ({point.group})"
    )
    return f"{kind} '{point.name}' = '{point.value}'"


def entry_point_findings(
    verdicts: Mapping[EntryPoint, ImportVerdict],
    lines: Mapping[EntryPoint, Location],
    static: Iterable[Finding] = (),
    optional: frozenset[str] = frozenset(),
    hosts: Mapping[EntryPoint, frozenset[str]] = MappingProxyType({}),
) -> Iterator[Finding]:
    """SG208 for entry points that do not load; one the static stage already reported is not repeated,
    nor one that fails only for a distribution the project declares in an extra, nor a plugin that
    fails only for want of its host (``hosts``: what each point's host provides; not installed here)."""
    taken = {(f.location.path, f.location.line) for f in static}
    for point, verdict in sorted(verdicts.items()):
        location = lines[point]
        if verdict.status is ImportStatus.OK or (location.path, location.line) in taken:
            continue
        missing = missing_module(verdict)
        if missing is not None and ("[" in point.value or missing in optional):
            continue  # "module:attr [extra]", or a plugin needing an extra, which is not installed here
        if missing is not None and missing in hosts.get(point, ()):
            continue  # a plugin of a program that is not installed here: it loads only where that one is
        if verdict.status is ImportStatus.ERROR:
            why = f"{verdict.exc_type}: {one_line(verdict.message)}"
        elif verdict.status is ImportStatus.TIMEOUT:
            why = f"loading it did not finish in {verdict.detail} s"
        elif verdict.status is ImportStatus.SIGNAL:
            why = f"loading it killed the interpreter ({verdict.detail})"
        else:
            why = f"loading it exited the interpreter ({verdict.exc_type}({verdict.detail}))"
        yield codes.BROKEN_ENTRY_POINT.at(
            location, f"{_describe_point(point)} does not load: {why}; {point_consequence(point)}"
        )


def type_checking_findings(
    verdicts: Mapping[str, ImportVerdict], model: ProjectModel, static: Iterable[Finding] = ()
) -> Iterator[Finding]:
    """SG209: a name imported under TYPE_CHECKING that the imported module, once really imported,
    does not have. Only the missing name counts: a module that fails to import has its own finding."""
    taken = {(f.location.path, f.location.line) for f in static}
    for info in model.modules:
        for imp in info.imports:
            if imp.name in (None, "*") or not any(g.kind is GuardKind.TYPE_CHECKING for g in imp.guards):
                continue
            verdict = verdicts.get(f"{imp.module}:{imp.name}")
            if verdict is None or verdict.exc_type != LOOKUP_NAME_ABSENT:
                continue
            if (imp.location.path, imp.location.line) in taken:
                continue
            yield codes.TYPE_CHECKING_NAME_MISSING.at(
                imp.location,
                f"'{imp.name}' is imported from '{imp.module}' under TYPE_CHECKING, but '{imp.module}' has no "
                f"'{imp.name}' once imported: type checking fails and readers are misled",
            )


def import_findings(
    verdict: ImportVerdict,
    model: ProjectModel,
    root: Path,
    optional: frozenset[str] = frozenset(),
    environment_errors: tuple[str, ...] = (),
    application: bool = False,
    hosted: Mapping[str, frozenset[str]] = MappingProxyType({}),
) -> list[Finding]:
    """The runtime findings of one module's fresh import, judged alone (no static finding hides one);
    a file the scanner could not read that fails to import too is SG201 at the scan failure."""
    found = list(runtime_findings([verdict], model, root, (), optional, environment_errors, application, hosted))
    if found or verdict.status is ImportStatus.OK or model.module(verdict.module) is not None:
        return found
    failure = next((f for f in model.failures if f.name == verdict.module), None)
    location = failure.location if failure is not None else Location(verdict.module.replace(".", "/") + ".py", 1, 1)
    error = f"{verdict.exc_type}: {one_line(verdict.message)}" if verdict.message else verdict.exc_type
    return [codes.IMPORT_FAILS.at(location, f"`import {verdict.module}` fails: {error}")]


# What a module raises when it needs the framework set-up that failed: a consequence, not a cause.
_NEEDS_SETUP = ("AppRegistryNotReady", "ImproperlyConfigured")


def setup_consequences(
    verdicts: Iterable[ImportVerdict], setup: ImportVerdict, root: Path
) -> tuple[list[ImportVerdict], int]:
    """After a failed framework set-up: the verdicts still to judge one by one, and how many are its
    consequences (folded into its finding): imports that failed for want of it (Django's
    ``AppRegistryNotReady``) or at the very line that broke it."""
    cause = project_frame(setup.frames, root)
    kept: list[ImportVerdict] = []
    folded = 0
    for verdict in verdicts:
        failed = verdict.status is ImportStatus.ERROR
        if failed and (
            verdict.exc_type.endswith(_NEEDS_SETUP)
            or (cause is not None and project_frame(verdict.frames, root) == cause)
        ):
            folded += 1
        else:
            kept.append(verdict)
    return kept, folded


def setup_findings(
    verdict: ImportVerdict,
    described: str,
    fallback: Location,
    root: Path,
    consequences: int,
    environment_errors: tuple[str, ...] = (),
) -> list[Finding]:
    """SG213 for a framework set-up that fails (SG206 when it only lacks configuration), at the line of
    the project that broke it, else at ``fallback`` (where the set-up is named); ``consequences``:
    how many modules failed only for want of it (folded into this one finding)."""
    if verdict.status is ImportStatus.OK:
        return []
    where = project_frame(verdict.frames, root)
    location = Location(where[0], where[1], 1) if where else fallback
    error = f"{verdict.exc_type}: {one_line(verdict.message)}" if verdict.message else verdict.exc_type
    if verdict.status is not ImportStatus.ERROR:
        error = f"{verdict.status.value} {verdict.detail}".strip()
    folded = ""
    if consequences == 1:
        folded = "; 1 module that needs it fails with it and is not reported on its own"
    elif consequences:
        folded = f"; {consequences} modules that need it fail with it and are not reported one by one"
    environment = environment_reason(verdict.exc_type, verdict.message, verdict.frames, environment_errors)
    if environment is not None:
        return [codes.IMPORT_NEEDS_ENVIRONMENT.at(location, f"{described} needs configuration: {environment}{folded}")]
    return [
        codes.SETUP_FAILS.at(
            location,
            f"{described} fails: {error}{folded}; every process that starts the application fails the same way",
        )
    ]
