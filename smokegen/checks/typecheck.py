"""The mypy stage: mypy over the project, in a child process, with the project's own configuration.

``smokegen check`` and the generated ``test_smoke_mypy.py`` run this same stage. Three things
smokegen adds to a plain ``mypy`` run, because it knows the project statically:

- mypy's well-known false positive, ``import-not-found`` on an optional import inside
  ``try/except ImportError`` (or a broader handler), is dropped: the code handles the absence.
- A file that does not parse stops mypy at that file ("errors prevented further checking") and
  hides every other finding. smokegen stands an empty, permissive module in for each such file
  (mypy's ``--shadow-file``), so the rest is checked, and says which file was not (SG302).
- Findings come out as smokegen findings (SG301, the mypy code in the message), so every
  reporter (text, JSON, GitHub, JUnit, SARIF) shows them.

The stage runs when the project configures mypy (``mypy.ini``, ``.mypy.ini``, ``[tool.mypy]`` in
``pyproject.toml``, ``[mypy]`` in ``setup.cfg``, mypy's own search order) unless turned off, or
when forced on (then with mypy's defaults). A project that never adopted mypy is not suddenly
blocked by it.
"""

from __future__ import annotations

import configparser
import dataclasses
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smokegen.model import FailureReason, Finding, GuardKind, Location, ProjectModel, codes
from smokegen.project.config import read_toml
from smokegen.runtime.mypy_process import run_mypy_process

# Stands in for a file that does not parse: any name can be imported from it.
_STAND_IN = "from typing import Any\n\n\ndef __getattr__(name: str) -> Any: ...\n"
_GUARDS = frozenset({GuardKind.TRY_IMPORT_ERROR, GuardKind.TRY_BROAD})
_MAX_RUNS = 4  # mypy runs at most, each standing in for the files the last one stopped at
_WHY = {FailureReason.SYNTAX: "it does not parse", FailureReason.DECODE: "it is not valid text"}


@dataclass(frozen=True, slots=True)
class MypyConfig:
    path: str  # relative to the project root; "" when the project has none (mypy's defaults)
    has_files: bool  # the configuration names what to check (``files = ...``)


@dataclass(frozen=True, slots=True)
class MypyResult:
    findings: tuple[Finding, ...]
    files: int  # files mypy was asked to check, as smokegen counts them (the project's modules)
    dropped: int  # guarded optional imports not reported
    ran: bool  # False: mypy could not run (an SG303 finding says why)


def find_mypy_config(root: Path) -> MypyConfig | None:
    """The project's mypy configuration, in mypy's own search order; None when there is none."""
    for name in ("mypy.ini", ".mypy.ini"):
        path = root / name
        if path.is_file():
            return MypyConfig(name, _ini_has_files(path, "mypy"))
    data = read_toml(root / "pyproject.toml")
    if data:
        section = data.get("tool", {}).get("mypy") if isinstance(data.get("tool"), dict) else None
        if isinstance(section, dict):
            return MypyConfig("pyproject.toml", bool(section.get("files")))
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file() and _ini_has_section(setup_cfg, "mypy"):
        return MypyConfig("setup.cfg", _ini_has_files(setup_cfg, "mypy"))
    return None


def _read_ini(path: Path) -> configparser.ConfigParser | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    return parser


def _ini_has_section(path: Path, section: str) -> bool:
    parser = _read_ini(path)
    return parser is not None and parser.has_section(section)


def _ini_has_files(path: Path, section: str) -> bool:
    parser = _read_ini(path)
    return parser is not None and parser.has_section(section) and bool(parser.get(section, "files", fallback=""))


def mypy_targets(model: ProjectModel) -> list[str]:
    """The project's top-level packages and modules as paths (POSIX, relative to the root)."""
    targets: set[str] = set()
    for path, name in [(m.path, m.name) for m in model.modules] + [(f.path, f.name) for f in model.failures]:
        depth = name.count(".") + (1 if path.endswith("/__init__.py") else 0)
        parts = path.split("/")
        top = "/".join(parts[: len(parts) - depth]) if depth else path
        targets.add(top)
    return sorted(targets)


def mypy_arguments(
    model: ProjectModel, config: MypyConfig | None, python: str, stand_in: str, shadowed: Sequence[str]
) -> list[str]:
    """mypy's arguments (after its command); ``shadowed`` files are replaced by ``stand_in``."""
    args = ["-O", "json", "--python-executable", python]
    if config is not None:
        args += ["--config-file", config.path]
    else:
        args += ["--config-file", ""]  # mypy's defaults, whatever files lie around
    if model.namespace_packages:
        args.append("--explicit-package-bases")
    for path in shadowed:
        args += ["--shadow-file", path, stand_in]
    if config is None or not config.has_files:
        args += mypy_targets(model)
    return args


def parse_mypy_output(stdout: str) -> list[dict[str, Any]]:
    """mypy's ``-O json`` records, one per line; other lines (a crash report) are skipped."""
    records = []
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "file" in record:
            records.append(record)
    return records


def _relative(path: str, root: Path) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.resolve().relative_to(root.resolve())
        except ValueError:
            return candidate.as_posix()
    return candidate.as_posix()


def _guarded_optional(model: ProjectModel) -> set[tuple[str, int]]:
    """(path, line) of every import of a module outside the project under an ImportError handler."""
    roots = {m.name.split(".")[0] for m in model.modules} | {f.name.split(".")[0] for f in model.failures}
    out = set()
    for info in model.modules:
        for imp in info.imports:
            if imp.module.split(".")[0] in roots:
                continue
            if any(g.kind in _GUARDS for g in imp.guards):
                out.add((info.path, imp.location.line))
    return out


def mypy_findings(records: Sequence[dict[str, Any]], model: ProjectModel, root: Path) -> tuple[list[Finding], int]:
    """SG301 for each mypy error (its notes appended), minus ``import-not-found`` on guarded
    optional imports; how many were dropped."""
    guarded = _guarded_optional(model)
    code = codes.MYPY_ERROR
    findings: list[Finding] = []
    dropped = 0
    keep_notes = False
    for record in records:
        path = _relative(str(record.get("file", "")), root)
        line = int(record.get("line") or 1)
        column = int(record.get("column") or 0) + 1  # mypy's JSON columns count from 0
        message = str(record.get("message", "")).strip()
        if record.get("severity") == "note":
            if keep_notes and findings and message:
                last = findings[-1]
                findings[-1] = dataclasses.replace(last, message=f"{last.message}; note: {message}")
            continue
        kind = str(record.get("code") or "")
        if kind == "import-not-found" and (path, line) in guarded:
            dropped += 1
            keep_notes = False
            continue
        keep_notes = True
        text = f"mypy: {message} [{kind}]" if kind else f"mypy: {message}"
        findings.append(code.at(Location(path, max(1, line), max(1, column)), text))
    return findings, dropped


def run_mypy(
    root: Path,
    model: ProjectModel,
    python: str,
    config: MypyConfig | None,
    project_mypy: str | None = None,
    cache: Path | None = None,
) -> MypyResult:
    """Run mypy over the project (in a child process: ``runtime.mypy_process``) and map what it says;
    ``project_mypy``: the version of mypy installed for ``python``, if any; ``cache``: mypy's cache
    folder (smokegen's, never the project's ``.mypy_cache``; None keeps none).

    Files smokegen could not scan are stood in for from the start; a file mypy itself stops at
    (a blocking error: "No parent module -- cannot perform relative import"...) is stood in for
    and mypy runs again, a few times at most, so one such file never hides the rest."""
    unchecked = codes.MYPY_UNCHECKED
    skipped: list[Finding] = [
        unchecked.at(
            f.location,
            f"mypy did not check {f.path}: {_WHY.get(f.reason, 'it cannot be read')} (see its SG0xx finding); "
            "the other files were checked with an empty module standing in for it",
        )
        for f in model.failures
    ]
    shadowed = sorted(f.path for f in model.failures)
    files = len(model.modules) + len(model.failures)
    with tempfile.TemporaryDirectory(prefix="smokegen-mypy-") as scratch:
        stand_in = str(Path(scratch) / "stand_in.py")
        Path(stand_in).write_text(_STAND_IN, encoding="utf-8")
        for _ in range(_MAX_RUNS):
            ran = run_mypy_process(
                root, mypy_arguments(model, config, python, stand_in, shadowed), python, project_mypy, cache
            )
            stdout, stderr, status = ran.stdout, ran.stderr, ran.status
            records = parse_mypy_output(stdout)
            if status != 2 or not records:
                break
            blocking = {_relative(str(r["file"]), root): r for r in records if r.get("severity") == "error"}
            fresh = sorted(path for path in blocking if path not in shadowed and (root / path).is_file())
            if not fresh:
                break
            for path in fresh:
                record = blocking[path]
                where = Location(path, max(1, int(record.get("line") or 1)), int(record.get("column") or 0) + 1)
                skipped.append(
                    unchecked.at(
                        where,
                        f"mypy did not check {path}: it stops there ({record.get('message', '')}); the other files "
                        "were checked with an empty module standing in for it",
                    )
                )
            shadowed = sorted(set(shadowed) | set(fresh))
    if status not in (0, 1) or (status == 1 and not records):
        lines = [line for line in (stderr + "\n" + stdout).splitlines() if line.strip()]
        why = lines[-1].strip() if lines else f"exit status {status}"
        where = Location(config.path if config is not None else "pyproject.toml", 1, 1)
        failed = codes.MYPY_FAILED
        finding = failed.at(where, f"mypy could not run: {why}")
        return MypyResult((finding, *skipped), files, 0, False)
    findings, dropped = mypy_findings(records, model, root)
    return MypyResult(tuple(sorted(set(findings + skipped))), files, dropped, True)
