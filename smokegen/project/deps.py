"""The project's declared dependencies, from wherever the project declares them.

In order: PEP 621 ``[project]`` (unless ``dependencies`` is dynamic); the
installed project's own metadata (Requires-Dist), which is the truth for
dynamic or ``setup.py`` projects; Poetry's ``[tool.poetry]``; setup.cfg. When
none is readable the dependency checks are skipped, never guessed.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterable, Mapping
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


@dataclass(frozen=True, slots=True)
class Dependencies:
    source: str  # where they were read, for messages; "" when unknown
    declared: tuple[Declared, ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.source)

    def required(self) -> set[str]:
        return {d.name for d in self.declared if d.extra is None}

    def any_declared(self) -> set[str]:
        return {d.name for d in self.declared}


def _parse(text: str, extra: str | None) -> Declared | None:
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
    return Declared(canonicalize_name(req.name), text, found_extra, marker)


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
        out.append(Declared(key, f"{name} = {spec!r}", extras_of.get(key, "?") if optional else None))
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


def read_dependencies(root: Path, project_name: str | None, installed: Mapping[str, tuple[str, ...]]) -> Dependencies:
    """``installed`` maps normalised distribution names to their Requires-Dist lines."""
    data = read_toml(root / "pyproject.toml")
    project = data.get("project") if isinstance(data.get("project"), dict) else None
    dynamic = set(project.get("dynamic", [])) if project else set()
    if project is not None and "dependencies" not in dynamic:
        declared = _from_lines(project.get("dependencies", []), None)
        if "optional-dependencies" not in dynamic:
            for extra, lines in (project.get("optional-dependencies") or {}).items():
                declared.extend(_from_lines(lines, extra))
            return Dependencies("pyproject.toml [project]", tuple(declared))
    if project_name and canonicalize_name(project_name) in installed:
        lines = installed[canonicalize_name(project_name)]
        return Dependencies(f"the installed metadata of '{project_name}'", tuple(_from_lines(lines, None)))
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = _poetry(tool or {})
    if poetry is not None:
        return Dependencies("pyproject.toml [tool.poetry]", tuple(poetry))
    cfg = _setup_cfg(root / "setup.cfg")
    if cfg is not None:
        return Dependencies("setup.cfg [options]", tuple(cfg))
    return Dependencies("")


def declaration_line(root: Path, declared: Declared) -> int:
    """The line of pyproject.toml (or setup.cfg) that declares it, for findings; 1 when not found."""
    for name in ("pyproject.toml", "setup.cfg"):
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
