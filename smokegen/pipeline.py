"""``smokegen check``: the static stage (reads code, never runs it), then the runtime stage
(isolated imports), then silencing: ``# smokegen: ignore[CODE]`` on the finding's line,
``ignore`` and ``per_module_ignores`` in ``[tool.smokegen]``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from smokegen.checks.build_verdicts import judge_builds
from smokegen.checks.entry_points import check_entry_points
from smokegen.checks.external import check_broad_guards, check_dependencies, check_installed_names
from smokegen.checks.import_verdicts import entry_point_findings, one_line, runtime_findings, type_checking_findings
from smokegen.checks.imports import check_project
from smokegen.checks.typecheck import MypyConfig, run_mypy
from smokegen.graph.index import ProjectIndex, Verdict
from smokegen.model import (
    CheckReport,
    ClassOutcome,
    Finding,
    ImportStatus,
    ImportVerdict,
    Location,
    ModuleInfo,
    ModuleKind,
    ProjectModel,
    codes,
)
from smokegen.plan.synth import plan_classes
from smokegen.project.config import Config, entry_point_locations
from smokegen.project.deps import Dependencies, read_dependencies
from smokegen.project.environment import Environment
from smokegen.runtime.imports import (
    RuntimeOptions,
    entry_point_lookups,
    importable_modules,
    run_imports,
    run_lookups,
    type_checking_lookups,
)
from smokegen.runtime.verdict_cache import VerdictCache, context_digest, split_cached
from smokegen.scan.cache import ScanCache
from smokegen.scan.installed import Installed


@dataclass(frozen=True, slots=True)
class MypyStage:
    """Run mypy: ``python`` is the interpreter whose packages it sees; ``config`` the project's
    mypy configuration (None: mypy's defaults)."""

    python: str
    config: MypyConfig | None


def _silenced(finding: Finding, by_path: dict[str, ModuleInfo], config: Config) -> bool:
    if finding.code in config.ignore:
        return True
    info = by_path.get(finding.location.path)
    if info is None:
        return False
    for suppression in info.suppressions:
        if suppression.line == finding.location.line and (not suppression.codes or finding.code in suppression.codes):
            return True
    return any(
        finding.code in codes and fnmatch.fnmatchcase(info.name, glob) for glob, codes in config.per_module_ignores
    )


def apply_silencing(findings: Iterable[Finding], model: ProjectModel, config: Config) -> tuple[list[Finding], int]:
    by_path = {m.path: m for m in model.modules}
    kept: list[Finding] = []
    dropped = 0
    for finding in findings:
        if _silenced(finding, by_path, config):
            dropped += 1
        else:
            kept.append(finding)
    return kept, dropped


def optional_imports(deps: Dependencies, env: Environment) -> frozenset[str]:
    """Top-level import names whose distributions the project declares only in extras."""
    extra_only = deps.any_declared() - deps.required()
    names = {top for top, dists in env.packages.items() if set(dists) & extra_only}
    names |= {name.replace("-", "_") for name in extra_only}  # not installed: the usual spelling
    return frozenset(names)


def import_findings(
    verdict: ImportVerdict,
    model: ProjectModel,
    root: Path,
    optional: frozenset[str] = frozenset(),
    environment_errors: tuple[str, ...] = (),
) -> list[Finding]:
    """The runtime findings of one module's fresh import, judged alone (no static finding hides one);
    a file the scanner could not read that fails to import too is SG201 at the scan failure."""
    found = list(runtime_findings([verdict], model, root, (), optional, environment_errors))
    if found or verdict.status is ImportStatus.OK or model.module(verdict.module) is not None:
        return found
    failure = next((f for f in model.failures if f.name == verdict.module), None)
    location = failure.location if failure is not None else Location(verdict.module.replace(".", "/") + ".py", 1, 1)
    error = f"{verdict.exc_type}: {one_line(verdict.message)}" if verdict.message else verdict.exc_type
    return [codes.IMPORT_FAILS.at(location, f"`import {verdict.module}` fails: {error}")]


def run_checks(
    root: Path,
    model: ProjectModel,
    config: Config,
    env: Environment,
    cache: ScanCache,
    runtime: RuntimeOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    entry_points_file: str = "pyproject.toml",
    mypy: MypyStage | None = None,
    scope: frozenset[str] | None = None,
    fingerprints: Mapping[str, str] | None = None,
) -> CheckReport:
    """Scan findings, every static check, with ``mypy`` the mypy stage, and with ``runtime`` the
    isolated imports; silenced ones removed. ``scope``: only these modules are imported and built,
    and only findings in their files (or in the project files, pyproject.toml...) are kept.
    ``fingerprints`` (path -> digest of the file, as scanned) and a ``cache`` with a folder: clean
    import verdicts are kept and reused while the files they depend on are unchanged (verdicts.py)."""
    findings: list[Finding] = list(model.findings)
    index = ProjectIndex(model)
    everything = {m.name for m in model.modules} | {f.name for f in model.failures}
    partial = scope is not None and not everything <= scope
    findings.extend(check_project(model, index))
    installed = Installed(env, cache)
    point_locations = entry_point_locations(root, model.entry_points, entry_points_file)
    findings.extend(check_entry_points(index, point_locations))
    notes: list[str] = []
    deps = read_dependencies(root, model.name, {name: dist.requires for name, dist in env.distributions.items()})
    if deps.known:
        findings.extend(check_dependencies(index, installed, deps, root))
    else:
        notes.append(
            "dependency checks skipped: the project's dependencies are not declared statically "
            "([project].dependencies, [tool.poetry], setup.cfg) and the project is not installed "
            "in the target interpreter"
        )
    findings.extend(check_broad_guards(index, env))
    findings.extend(check_installed_names(index, installed))
    if mypy is not None:
        typed = run_mypy(root, model, mypy.python, mypy.config)
        findings.extend(typed.findings)
        if typed.dropped:
            notes.append(
                f"mypy: {typed.dropped} import-not-found on optional imports guarded by an ImportError handler "
                "not reported (the code handles their absence)"
            )
    outcomes: tuple[ClassOutcome, ...] = ()
    if runtime is not None:
        plans = plan_classes(model, dict(config.factories)) if config.instantiate else {}
        only = None
        if scope is not None:
            only = tuple(sorted(scope & {m.name for m in model.modules if m.kind is not ModuleKind.MAIN}))
            plans = {name: group for name, group in plans.items() if name in scope}
        verdict_cache = None
        if cache.folder is not None and fingerprints is not None:
            verdict_cache = VerdictCache(cache, root, model, fingerprints, context_digest(root, model, env, runtime))
            runtime = dataclasses.replace(runtime, report_loaded=True)
        wanted = only if only is not None else tuple(importable_modules(model))
        reused, todo = split_cached(verdict_cache, wanted, plans)
        verdicts = run_imports(root, model, runtime, progress, plans, tuple(todo), passing=reused) if todo else ()
        if verdict_cache is not None:
            for verdict in verdicts:
                verdict_cache.put(verdict, plans.get(verdict.module, ()))
        if reused:
            notes.append(
                f"{len(reused)} of {len(wanted)} modules not imported again: they passed before and no "
                "project file they load has changed since (--no-cache imports every module)"
            )
        verdicts = tuple(sorted((*verdicts, *reused.values()), key=lambda v: v.module))
        optional = optional_imports(deps, env) if deps.known else frozenset()
        findings.extend(runtime_findings(verdicts, model, root, findings, optional, config.environment_errors))
        built, outcomes = judge_builds(verdicts, plans, index, root, config.environment_errors)
        findings.extend(built)

        def unknown(module: str, name: str) -> bool:
            return index.is_project(module) and index.provides(module, name, type_only=True) is Verdict.UNKNOWN

        # Entry points and TYPE_CHECKING names: one runner, a fresh child each (not for a partial scope:
        # a change to some modules; their findings are in those modules' files).
        points = entry_point_lookups(model) if not partial else {}
        checking = type_checking_lookups(model, unknown) if not partial else []
        looked_up = run_lookups(root, model, runtime, list(points.values()) + checking)
        verdicts_by_point = {point: looked_up[lookup.key] for point, lookup in points.items()}
        findings.extend(entry_point_findings(verdicts_by_point, point_locations, findings, optional))
        findings.extend(type_checking_findings(looked_up, model, findings))
    if scope is not None and partial:
        paths = {m.path for m in model.modules if m.name in scope} | {f.path for f in model.failures if f.name in scope}
        findings = [f for f in findings if f.location.path in paths]
    kept, dropped = apply_silencing(findings, model, config)
    unique = sorted(set(kept))
    counted = len(scope & everything) if scope is not None else len(everything)
    return CheckReport(tuple(unique), tuple(notes), counted, dropped, outcomes)
