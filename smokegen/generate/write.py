"""Writing the smoke suite into a project: only what changed, atomically, never over a person's file.

The suite's folder belongs to smokegen only as far as its own files go: a file smokegen wrote
starts with :data:`render.GENERATED_MARK`. Such a file that the suite no longer has (a module's
classes all gone, entry points removed) is deleted; any other file there is left alone, and a
file of the suite's name that smokegen did not write is never overwritten without ``force``.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smokegen.generate.suite import GENERATED_MARK, REGENERATE, SuiteInputs, render_suite
from smokegen.model import ProjectModel
from smokegen.plan.synth import plan_classes
from smokegen.project.config import SETTINGS, Config
from smokegen.util.files import remove_leftovers, write_atomic

SUITE_PREFIX = "test_smoke_"


@dataclass
class GenerateResult:
    folder: str  # POSIX, relative to the project root
    written: list[str] = field(default_factory=list)  # created or changed (or, with check, stale)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # generated files the suite no longer has
    refused: list[str] = field(default_factory=list)  # not smokegen's: left alone


# The settings that change what the suite holds (the others change how fast it is made).
SUITE_SETTINGS = (
    "packages",
    "source_roots",
    "exclude",
    "test_patterns",
    "instantiate",
    "factories",
    "mypy",
    "smoke_dir",
)


# The suite settings that ``smokegen check`` takes too: the suite's check runs with them.
CHECK_SETTINGS = tuple(key for key in SUITE_SETTINGS if key not in ("mypy", "smoke_dir"))


def _flag_values(flags: Mapping[str, Any], keys: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(flag, value or None for a switch) for each setting of ``keys`` given, in a stable order."""
    out: list[tuple[str, str | None]] = []
    for setting in SETTINGS:
        raw = flags.get(setting.key)
        if setting.key not in keys or raw is None or raw == ():
            continue
        if isinstance(raw, bool):
            on, _, off = setting.flag.partition("/")
            out.append((on if raw else off, None))
        elif isinstance(raw, (tuple, list)):
            out += [(setting.flag, str(value)) for value in raw]
        else:
            out.append((setting.flag, str(raw)))
    return out


def regenerate_command(flags: Mapping[str, Any]) -> str:
    """``smokegen generate`` with the command-line flags that shaped the suite, in a stable order:
    the header of every generated file names it, so the same command gives the same files."""
    parts = ["smokegen", "generate"]
    for flag, value in _flag_values(flags, SUITE_SETTINGS):
        parts += [flag] if value is None else [flag, shlex.quote(value)]
    return " ".join(parts)


def check_arguments(flags: Mapping[str, Any]) -> tuple[str, ...]:
    """The arguments of ``smokegen check`` that the suite's check runs with: the generate flags that
    shaped what it holds (``--exclude``, ``--no-instantiate``...)."""
    parts: list[str] = []
    for flag, value in _flag_values(flags, CHECK_SETTINGS):
        parts += [flag] if value is None else [flag, value]
    return tuple(parts)


def suite_files(
    root: Path,
    model: ProjectModel,
    config: Config,
    mypy: bool,
    command: str = REGENERATE,
    check: tuple[str, ...] = (),
) -> dict[str, str]:
    """The suite for this project: file name -> source; ``command`` regenerates it."""
    depth = len(Path(config.smoke_dir).parts)
    inputs = SuiteInputs(
        model=model,
        plans=plan_classes(model, dict(config.factories)) if config.instantiate else {},
        instantiate=config.instantiate,
        mypy=mypy,
        root_from_suite="/".join([".."] * depth) or ".",
        command=command,
        check=check,
    )
    return render_suite(inputs)


def generated_by(path: Path) -> str | None:
    """The command the header of a file smokegen generated names; None for any other file."""
    try:
        with path.open(encoding="utf-8") as handle:
            first = handle.readline().rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return None
    _, sep, command = first.partition(" Regenerate with: ")
    return command if sep and first.startswith(GENERATED_MARK) else None


def write_suite(
    root: Path, files: dict[str, str], config: Config, *, check: bool = False, force: bool = False
) -> GenerateResult:
    """Bring ``config.smoke_dir`` in line with ``files``; with ``check``, write nothing and list
    what would change in ``written``/``removed``."""
    folder = root / config.smoke_dir
    result = GenerateResult(Path(config.smoke_dir).as_posix())
    for name, text in sorted(files.items()):
        path = folder / name
        rel = f"{result.folder}/{name}"
        if path.exists():
            try:
                current = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                current = None
            if current == text:
                result.unchanged.append(rel)
                continue
            if not force and not (current or "").startswith(GENERATED_MARK):
                result.refused.append(rel)
                continue
        result.written.append(rel)
        if not check:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text)
    if folder.is_dir():
        for path in sorted(folder.glob(f"{SUITE_PREFIX}*.py")):
            if path.name not in files and generated_by(path) is not None:
                result.removed.append(f"{result.folder}/{path.name}")
                if not check:
                    path.unlink()
        if not check:
            remove_leftovers(folder, f"{SUITE_PREFIX}*.py")  # of a run killed mid-write
    return result
