"""The project's declared dependencies, from wherever the project declares them, runtime apart from
development.

In order: PEP 621 ``[project]`` (unless ``dependencies`` is dynamic); the installed project's own
metadata (Requires-Dist), which is the truth for dynamic or ``setup.py`` projects; Poetry's
``[tool.poetry]``; setup.cfg; an application's requirements files (``requirements*.txt``/``.in``
and ``requirements/*.txt``, following ``-r`` includes) and Pipfile. Development declarations
(``[dependency-groups]``, Poetry's groups, a requirements file named for dev, test, docs, lint...,
Pipfile's ``[dev-packages]``) are kept apart: a production image does not install them. When none
is readable the dependency checks are skipped, never guessed; a line that cannot be read is said
in a note.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from smokegen.project.config import read_toml


@dataclass(frozen=True, slots=True)
class Declared:
    """One declared requirement."""

    name: str  # normalised
    text: str  # as written
    extra: str | None = None  # None: a required dependency
    marker: str | None = None  # its environment marker, extras aside
    file: str = ""  # where it is declared, relative to the project root ("": pyproject.toml or setup.cfg)
    line: int = 0  # its line there (0: unknown)
    extras: tuple[str, ...] = ()  # the extras it asks of that distribution: ``passlib[bcrypt]``


@dataclass(frozen=True, slots=True)
class Dependencies:
    source: str  # where they were read, for messages; "" when unknown
    declared: tuple[Declared, ...] = ()
    dev: tuple[Declared, ...] = ()  # declared for development only: not in a production image
    notes: tuple[str, ...] = ()  # what could not be read, and where

    @property
    def known(self) -> bool:
        return bool(self.source)

    def required(self) -> set[str]:
        return {d.name for d in self.declared if d.extra is None}

    def any_declared(self) -> set[str]:
        return {d.name for d in self.declared}

    def dev_only(self) -> set[str]:
        return {d.name for d in self.dev} - self.any_declared()

    def extras_asked(self) -> dict[str, frozenset[str]]:
        """Required distribution -> the extras its declarations ask of it (``passlib[bcrypt]``)."""
        asked: dict[str, set[str]] = {}
        for declared in self.declared:
            if declared.extra is None:
                asked.setdefault(declared.name, set()).update(declared.extras)
        return {name: frozenset(extras) for name, extras in asked.items()}


def _parse(text: str, extra: str | None, file: str = "", line: int = 0) -> Declared | None:
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    marker = str(req.marker) if req.marker is not None else None
    found_extra = extra
    if marker and "extra" in marker:
        match = re.search(r"""extra\s*==\s*['"]([^'"]+)['"]""", marker)
        if match:
            found_extra = match.group(1)
            rest = re.sub(r"""\s*(and|or)?\s*extra\s*==\s*['"][^'"]+['"]\s*(and|or)?\s*""", " ", marker).strip()
            marker = rest or None
    extras = tuple(sorted(canonicalize_name(e) for e in req.extras))
    return Declared(canonicalize_name(req.name), text, found_extra, marker, file, line, extras)


def _from_lines(lines: Iterable[str], extra: str | None) -> list[Declared]:
    out = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            parsed = _parse(line, extra)
            if parsed is not None:
                out.append(parsed)
    return out


def marker_applies(marker: str | None, environment: Mapping[str, str]) -> bool:
    if not marker:
        return True
    try:
        return Marker(marker).evaluate({**environment, "extra": ""})
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return True


def _poetry(tool: Mapping[str, Any]) -> list[Declared] | None:
    poetry = tool.get("poetry")
    if not isinstance(poetry, dict) or not isinstance(poetry.get("dependencies"), dict):
        return None
    extras_of: dict[str, str] = {}
    for extra, names in (poetry.get("extras") or {}).items():
        for name in names:
            extras_of.setdefault(canonicalize_name(name), extra)
    out = []
    for name, spec in poetry["dependencies"].items():
        if name.lower() == "python":
            continue
        optional = isinstance(spec, dict) and bool(spec.get("optional"))
        key = canonicalize_name(name)
        asked = spec.get("extras") if isinstance(spec, dict) else None
        extras = tuple(sorted(canonicalize_name(str(e)) for e in asked)) if isinstance(asked, list) else ()
        out.append(Declared(key, f"{name} = {spec!r}", extras_of.get(key, "?") if optional else None, extras=extras))
    return out


def _setup_cfg(path: Path) -> list[Declared] | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    if not parser.has_option("options", "install_requires"):
        return None
    out = _from_lines(parser.get("options", "install_requires").splitlines(), None)
    if parser.has_section("options.extras_require"):
        for extra, value in parser.items("options.extras_require"):
            out.extend(_from_lines(value.splitlines(), extra))
    return out


def _dependency_groups(data: Mapping[str, Any]) -> list[Declared]:
    """PEP 735 ``[dependency-groups]``: development groups (``uv sync --no-dev`` leaves them out)."""
    groups = data.get("dependency-groups")
    out: list[Declared] = []
    if isinstance(groups, dict):
        for lines in groups.values():
            if isinstance(lines, list):
                out.extend(_from_lines([x for x in lines if isinstance(x, str)], None))
    return out


def _poetry_dev(tool: Mapping[str, Any]) -> list[Declared]:
    poetry = tool.get("poetry")
    if not isinstance(poetry, dict):
        return []
    tables = [poetry.get("dev-dependencies")]
    groups = poetry.get("group")
    if isinstance(groups, dict):
        tables.extend(g.get("dependencies") for g in groups.values() if isinstance(g, dict))
    return [
        Declared(canonicalize_name(name), f"{name} = {spec!r}")
        for table in tables
        if isinstance(table, dict)
        for name, spec in table.items()
        if name.lower() != "python"
    ]


# A requirements file named for any of these is for development, not for the production image.
_DEV_FILE = re.compile(
    r"(^|[-_./])(dev|devel|develop|development|test|tests|testing|doc|docs|lint|linting|ci|local|typing|"
    r"mypy|tox|style|qa|debug|check|checks)([-_.]|$)",
    re.IGNORECASE,
)
_REQUIREMENTS_FILE = re.compile(r"(.*[-_.])?requirements([-_.].*)?\.(txt|in)", re.IGNORECASE)
_SKIPPED_OPTIONS = re.compile(
    r"^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host|--pre|--no-binary|--only-binary|"
    r"--prefer-binary|--require-hashes|--use-feature|--no-index)\b"
)
_WHEEL = re.compile(r"([A-Za-z0-9_.]+)-[0-9][^-/]*(-[^-/]+)?-[^-/]+-[^-/]+-[^-/]+\.whl$")


def requirement_files(root: Path) -> tuple[list[str], list[str]]:
    """The project's requirements files (relative to the root), runtime ones and development ones."""
    found: list[str] = []
    for folder, prefix in ((root, ""), (root / "requirements", "requirements/")):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if (prefix or _REQUIREMENTS_FILE.fullmatch(name)) and name.endswith((".txt", ".in")):
                if (folder / name).is_file():
                    found.append(prefix + name)
    runtime = [f for f in found if not _DEV_FILE.search(f.removeprefix("requirements/").replace("requirements", ""))]
    return runtime, [f for f in found if f not in runtime]


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) with comments stripped and ``\\`` continuations joined."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, (pending + line).strip()
        pending = ""
    if pending.strip():
        yield start, pending.strip()


def _requirement_text(line: str) -> str | None:
    """What a requirements line declares, as a PEP 508 string; None when it is no requirement."""
    editable = re.match(r"^(-e|--editable)\s*(\S+)", line)
    target = editable.group(2) if editable else line
    target = re.split(r"\s+--?[a-z]", " " + target, maxsplit=1)[0].strip()  # --hash=..., --config-settings
    egg = re.search(r"#egg=([A-Za-z0-9_.\-]+)", target)
    if egg:
        return egg.group(1)
    if "://" in target and " @ " not in target and ";" not in target:
        wheel = _WHEEL.search(target.split("#", 1)[0])
        return wheel.group(1) if wheel else ""
    if editable or target.startswith((".", "/", "file:")):
        return None  # a local path: the project itself, or a folder beside it
    return target


def _read_requirements(root: Path, rel: str, seen: set[str], notes: list[str]) -> list[Declared]:
    path = (root / rel).resolve()
    if str(path) in seen:
        return []
    seen.add(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        notes.append(f"{rel}: cannot be read ({exc.__class__.__name__}); its requirements are not known")
        return []
    out: list[Declared] = []
    for number, line in _logical_lines(text):
        if not line or _SKIPPED_OPTIONS.match(line):
            continue
        include = re.match(r"^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)", line)
        if include:
            if include.group(1) in ("-r", "--requirement"):  # a constraint installs nothing
                target = (path.parent / include.group(2)).resolve()
                try:
                    shown = target.relative_to(root.resolve()).as_posix()
                except ValueError:
                    shown = str(target)
                out.extend(_read_requirements(root, shown, seen, notes))
            continue
        requirement = _requirement_text(line)
        if requirement is None:
            continue
        parsed = _parse(requirement, None, rel, number) if requirement else None
        if parsed is None:
            notes.append(f"{rel}:{number}: cannot read '{line}' as a requirement; what it installs is not known")
            continue
        out.append(parsed)
    return out


def _pipfile(root: Path) -> tuple[list[Declared], list[Declared]] | None:
    path = root / "Pipfile"
    if not path.is_file():
        return None
    data = read_toml(path, "Pipfile")

    def section(name: str) -> list[Declared]:
        table = data.get(name)
        if not isinstance(table, dict):
            return []
        return [Declared(canonicalize_name(n), f"{n} = {spec!r}", file="Pipfile") for n, spec in table.items()]

    return section("packages"), section("dev-packages")


def read_dependencies(root: Path, project_name: str | None, installed: Mapping[str, tuple[str, ...]]) -> Dependencies:
    """``installed`` maps normalised distribution names to their Requires-Dist lines."""
    data = read_toml(root / "pyproject.toml")
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    dev = _dependency_groups(data) + _poetry_dev(tool or {})
    notes: list[str] = []
    runtime_files, dev_files = requirement_files(root)
    seen: set[str] = set()
    for rel in runtime_files:
        _read_requirements(root, rel, seen, [])  # what a runtime file includes is not development
    for rel in dev_files:
        dev.extend(_read_requirements(root, rel, seen, notes))
    project = data.get("project") if isinstance(data.get("project"), dict) else None
    dynamic = set(project.get("dynamic", [])) if project else set()
    if project is not None and "dependencies" not in dynamic:
        declared = _from_lines(project.get("dependencies", []), None)
        if "optional-dependencies" not in dynamic:
            for extra, lines in (project.get("optional-dependencies") or {}).items():
                declared.extend(_from_lines(lines, extra))
            return Dependencies("pyproject.toml [project]", tuple(declared), tuple(dev), tuple(notes))
    if project_name and canonicalize_name(project_name) in installed:
        lines = installed[canonicalize_name(project_name)]
        source = f"the installed metadata of '{project_name}'"
        return Dependencies(source, tuple(_from_lines(lines, None)), tuple(dev), tuple(notes))
    poetry = _poetry(tool or {})
    if poetry is not None:
        return Dependencies("pyproject.toml [tool.poetry]", tuple(poetry), tuple(dev), tuple(notes))
    cfg = _setup_cfg(root / "setup.cfg")
    if cfg is not None:
        return Dependencies("setup.cfg [options]", tuple(cfg), tuple(dev), tuple(notes))
    if runtime_files:
        seen = set()
        declared = [d for rel in runtime_files for d in _read_requirements(root, rel, seen, notes)]
        dev = [d for d in dev if d.name not in {r.name for r in declared}]
        return Dependencies(", ".join(runtime_files), tuple(declared), tuple(dev), tuple(notes))
    pipfile = _pipfile(root)
    if pipfile is not None:
        return Dependencies("Pipfile [packages]", tuple(pipfile[0]), tuple(dev + pipfile[1]), tuple(notes))
    return Dependencies("", (), tuple(dev), tuple(notes))


def declaration_line(root: Path, declared: Declared) -> int:
    """The line of pyproject.toml (or setup.cfg, or its own file) that declares it, for findings; 1
    when not found."""
    if declared.line:
        return declared.line
    for name in (declared.file,) if declared.file else ("pyproject.toml", "setup.cfg"):
        path = root / name
        if not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, start=1):
            if declared.text in line:
                return number
    return 1
