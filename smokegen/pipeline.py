"""The one place where each command's stages are wired: a request in, a report out.

The CLI, the pytest plugin and the generated suite's runtime (:mod:`smokegen.testing`) parse their
input, call one function here, and present what it returns; silencing, scoping (``--affected``)
and the notes about what was not checked are decided here, the same for every front end.

``check``: find the project (or an installed distribution) and scan it while its interpreter is
probed; the static stage (reads code, never runs it); with ``runtime``, the isolated imports and
builds; with ``mypy``, the mypy stage; then silencing: ``# smokegen: ignore[CODE]`` on the
finding's line, ``ignore`` and ``per_module_ignores`` in ``[tool.smokegen]``.
``scan``, ``mocks``, ``generate``: likewise, each a request dataclass and a function.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import fnmatch
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smokegen.checks.build_verdicts import judge, judge_builds
from smokegen.checks.deprecations import deprecation_findings
from smokegen.checks.entry_points import check_entry_points
from smokegen.checks.external import (
    check_broad_guards,
    check_dependencies,
    check_installed_names,
    host_provides,
    host_tops,
    installed_modules_read,
    unresolved_installed_names,
    unresolved_name_findings,
)
from smokegen.checks.import_verdicts import (
    entry_point_findings,
    environment_reason,
    owned_files,
    project_frame,
    runtime_findings,
    setup_consequences,
    setup_findings,
    type_checking_findings,
    unset_variable,
)
from smokegen.checks.imports import check_project, check_test_imports, refuted_by_run
from smokegen.checks.scripts import script_findings
from smokegen.checks.subjects import subjects_of
from smokegen.checks.typecheck import MypyConfig, find_mypy_config, run_mypy
from smokegen.graph.affected import affected_modules
from smokegen.graph.hosts import host_of
from smokegen.graph.index import ProjectIndex, Verdict
from smokegen.graph.reach import reached_by_tests
from smokegen.graph.shards import Shard, assign, shard_of
from smokegen.model import (
    BuildVerdict,
    CheckReport,
    ClassOutcome,
    ClassPlan,
    Finding,
    ImportStatus,
    ImportVerdict,
    Location,
    ModuleInfo,
    ProjectModel,
    Subject,
    SubjectKind,
    TraceFrame,
)
from smokegen.plan.synth import plan_classes
from smokegen.project.config import Config, ConfigError, direct_folder, entry_point_locations
from smokegen.project.deps import Dependencies, read_dependencies
from smokegen.project.environment import Environment, describe_distribution, resolve_python, start_probe
from smokegen.project.frameworks import find_setup, setup_is_missing
from smokegen.project.testsuite import test_files
from smokegen.runtime.imports import (
    LOOKUP_NAME_ABSENT,
    Lookup,
    RuntimeOptions,
    cannot_start,
    entry_point_lookups,
    importable_modules,
    run_imports,
    run_lookups,
    run_setup,
    type_checking_lookups,
)
from smokegen.runtime.scripts import run_scripts
from smokegen.runtime.verdict_cache import VerdictCache, context_digest, split_cached
from smokegen.scan.cache import ScanCache
from smokegen.scan.frameworks import framework_loads
from smokegen.scan.installed import Installed
from smokegen.scan.loader import LoadedProject, Progress, default_jobs, load_installed, load_project, project_settings
from smokegen.scan.tested import scan_tests, untested_modules
from smokegen.util.cachedir import installed_code_cache
from smokegen.util.files import cannot_write_in

if TYPE_CHECKING:
    from smokegen.checks.mocks import MocksReport
    from smokegen.generate.direct import DirectResult
    from smokegen.generate.write import GenerateResult


@dataclass(frozen=True, slots=True)
class MypyStage:
    """Run mypy: ``python`` is the interpreter whose packages it sees; ``config`` the project's
    mypy configuration (None: mypy's defaults); ``project_mypy`` the version of mypy installed for
    ``python`` (None: none); ``cache`` mypy's cache folder, smokegen's (None: none kept)."""

    python: str
    config: MypyConfig | None
    project_mypy: str | None = None
    cache: Path | None = None


def _mypy_stage(env: Environment, config: MypyConfig | None, cache: Path | None) -> MypyStage:
    """mypy for the project's interpreter (``env``), with the mypy installed there if any."""
    found = env.distributions.get("mypy")
    return MypyStage(env.executable, config, found.version if found is not None else None, cache)


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


@dataclass(frozen=True, slots=True)
class Stages:
    """Which stages a check runs beyond the static one, and how.

    ``runtime``: the isolated imports and builds (None: static only). ``mypy``: the mypy stage.
    ``scope``: only these modules are imported and built, and only findings in their files (or in the
    project files, pyproject.toml...) are kept. ``entry_points_file``: where the entry points are
    declared (pyproject.toml, or an installed distribution's entry_points.txt)."""

    runtime: RuntimeOptions | None = None
    mypy: MypyStage | None = None
    scope: frozenset[str] | None = None
    entry_points_file: str = "pyproject.toml"
    application: bool = False  # deployed, not distributed: no module is an opt-in integration
    shard: Shard | None = None  # only this share of the modules (graph/shards.py)


def _shard_filter(shard: Shard | None, model: ProjectModel) -> Callable[[str], bool] | None:
    """Whether a module is in ``shard`` (None: no shard, every module is)."""
    if shard is None or shard.count == 1:
        return None
    from smokegen.checks.subjects import import_modules

    assigned = assign(import_modules(model), shard.count)
    return lambda name: shard_of(name, assigned) == shard.index


def run_checks(
    project: LoadedProject,
    env: Environment,
    stages: Stages = Stages(),
    progress: Progress | None = None,
) -> CheckReport:
    """Scan findings, every static check, the stages ``stages`` asks for; silenced ones removed. With
    a cache folder, clean import verdicts are kept and reused while the files they depend on are
    unchanged (:mod:`smokegen.runtime.verdict_cache`)."""
    root, model, config, cache = project.root, project.model, project.config, project.cache()
    fingerprints = project.stats.fingerprints
    runtime, mypy, scope = stages.runtime, stages.mypy, stages.scope
    in_shard = _shard_filter(stages.shard, model)
    first = stages.shard is None or stages.shard.first  # reports what belongs to no module
    if not first:
        mypy = None
    if runtime is not None:
        trouble = cannot_start(runtime)
        if trouble is not None:
            shown = " ".join(f"{key}={value}" for key, value in runtime.env)
            raise ConfigError(
                f"{runtime.python} does not start with the env setting ({shown}): {trouble}; "
                "fix it in [tool.smokegen] env or --env"
            )
    findings: list[Finding] = list(model.findings)
    index = ProjectIndex(model)
    everything = {m.name for m in model.modules} | {f.name for f in model.failures}
    partial = scope is not None and not everything <= scope
    findings.extend(check_project(model, index))
    # installed code's parse results are shared by every project and environment: the user-level cache
    installed = Installed(env, ScanCache(installed_code_cache() if config.cache else None))
    installed.prefetch(installed_modules_read(index, installed), config.jobs or default_jobs())
    point_locations = entry_point_locations(root, model.entry_points, stages.entry_points_file)
    findings.extend(check_entry_points(index, point_locations))
    notes: list[str] = []
    deps = read_dependencies(root, model.name, {name: dist.requires for name, dist in env.distributions.items()})
    notes.extend(deps.notes)
    if deps.known:
        findings.extend(check_dependencies(index, installed, deps, root, stages.application))
    else:
        notes.append(
            "dependency checks skipped: the project's dependencies are not declared statically "
            "([project].dependencies, [tool.poetry], setup.cfg, requirements*.txt, Pipfile) and the "
            "project is not installed in the target interpreter"
        )
    findings.extend(check_broad_guards(index, env))
    findings.extend(check_installed_names(index, installed))
    if mypy is not None:
        typed = run_mypy(root, model, mypy.python, mypy.config, mypy.project_mypy, mypy.cache)
        findings.extend(typed.findings)
        if typed.dropped:
            notes.append(
                f"mypy: {typed.dropped} import-not-found on optional imports guarded by an ImportError handler "
                "not reported (the code handles their absence)"
            )
    outcomes: tuple[ClassOutcome, ...] = ()
    plans: dict[str, tuple[ClassPlan, ...]] = {}
    origins: dict[Finding, str] = {}  # import failures -> the module whose import each speaks for
    statuses: dict[str, str] = {}  # module -> how its fresh import ended
    if runtime is not None:
        # The framework set-up production runs first (django.setup()): run alone, then before every import.
        setup = find_setup(
            root, model, config.setup, dict(config.env), frozenset(env.distributions), detect=stages.application
        )
        setup_verdict = None
        if setup is not None:
            runtime = dataclasses.replace(runtime, setup=(setup.kind, setup.target))
            setup_verdict = run_setup(root, model, runtime)
            if setup_verdict is not None and setup_verdict.status is not ImportStatus.OK:
                innermost = setup_verdict.frames[-1].path if setup_verdict.frames else ""
                why = setup_is_missing(setup, setup_verdict.missing, setup_verdict.exc_type, innermost)
                if why is not None:
                    where = setup.path or "the setup setting"
                    raise ConfigError(
                        f"{where}: {why}; fix it, or name the settings module in env "
                        "(DJANGO_SETTINGS_MODULE) or the function in setup"
                    )
            if setup_verdict is not None and setup_verdict.status is ImportStatus.OK:
                notes.append(f"{setup.describe()} ran before every import, as production runs it")
            else:  # the modules are judged without it (Django's settings module still set, as in production)
                notes.append(f"{setup.describe()} failed: the modules were imported without it")
                extra = (("DJANGO_SETTINGS_MODULE", setup.target),) if setup.kind == "django" else ()
                env_vars = dict(extra) | dict(runtime.env)
                runtime = dataclasses.replace(runtime, setup=None, env=tuple(sorted(env_vars.items())))
        plans = plan_classes(model, dict(config.factories)) if config.instantiate else {}
        only = None
        if scope is not None:
            only = tuple(sorted(scope & {m.name for m in model.modules if m.kind.imported}))
            plans = {name: group for name, group in plans.items() if name in scope}
        verdict_cache = None
        if cache.folder is not None:
            by_key = {plan.key: plan for group in plans.values() for plan in group}

            def refused(build: BuildVerdict) -> bool:  # a deliberate refusal, as the judge tells it
                plan = by_key.get(f"{build.module}:{build.name}")
                return plan is not None and isinstance(judge(build, plan, index, root, config.environment_errors), str)

            keep = functools.partial(_keepable, environment_errors=config.environment_errors, refused=refused)
            digest = context_digest(root, model, env, runtime)
            verdict_cache = VerdictCache(
                cache, root, model, fingerprints, digest, keep, _unset_variables, runtime.environment()
            )
            runtime = dataclasses.replace(runtime, report_loaded=True)
        wanted = only if only is not None else tuple(importable_modules(model))
        if in_shard is not None:
            wanted = tuple(name for name in wanted if in_shard(name))
            plans = {name: group for name, group in plans.items() if in_shard(name)}
        reused, todo = split_cached(verdict_cache, wanted, plans)
        passing = [name for name, kept in reused.items() if kept.status is ImportStatus.OK]
        failing = [name for name in todo if verdict_cache.failed_before(name)] if verdict_cache is not None else []
        verdicts = (
            run_imports(root, model, runtime, progress, plans, tuple(todo), passing=passing, failing=failing)
            if todo
            else ()
        )
        if verdict_cache is not None:
            for verdict in verdicts:
                verdict_cache.put(verdict, plans.get(verdict.module, ()))
        if reused:
            failed = len(reused) - len(passing)
            how = (
                f"they passed before, or failed for a cause in the code or for want of a variable still unset "
                f"({failed} of them: a syntax error, a missing name, an unset variable...),"
                if failed
                else "they passed before"
            )
            notes.append(
                f"{len(reused)} of {len(wanted)} modules not imported again: {how} and no "
                "project file they load has changed since (--no-cache imports every module)"
            )
        verdicts = tuple(sorted((*verdicts, *reused.values()), key=lambda v: v.module))
        statuses = {v.module: v.status.value for v in verdicts}
        beside: tuple[ImportVerdict, ...] = ()
        if in_shard is not None:
            beside = _beside_shard(root, model, runtime, verdicts, in_shard)
        # the run is the truth: what the static stage says fails on import, in a module that imported fine
        findings = refuted_by_run(findings, model, (v.module for v in verdicts if v.status is ImportStatus.OK))
        if setup is not None and setup_verdict is not None and setup_verdict.status is not ImportStatus.OK:
            judged, folded = setup_consequences(verdicts, setup_verdict, root)
            fallback = Location(setup.path or "pyproject.toml", setup.line, 1)
            findings.extend(
                setup_findings(setup_verdict, setup.describe(), fallback, root, folded, config.environment_errors)
            )
            verdicts = tuple(judged)
        optional = optional_imports(deps, env) if deps.known else frozenset()
        hosted = host_tops(index, env)
        findings.extend(
            runtime_findings(
                (*verdicts, *beside),
                model,
                root,
                findings,
                optional,
                config.environment_errors,
                stages.application,
                hosted,
                origins,
            )
        )
        findings.extend(deprecation_findings(verdicts, model, root, config.deprecations))
        built, outcomes = judge_builds(verdicts, plans, index, root, config.environment_errors)
        findings.extend(built)

        def unknown(module: str, name: str) -> bool:
            return index.is_project(module) and index.provides(module, name, type_only=True) is Verdict.UNKNOWN

        # Entry points and TYPE_CHECKING names: one runner, a fresh child each (not for a partial scope:
        # a change to some modules; their findings are in those modules' files).
        points = entry_point_lookups(model) if not partial and first else {}
        checking = type_checking_lookups(model, unknown) if not partial else []
        # names the static check left to the run, in modules whose run failed before their line
        unreached = {v.module for v in verdicts if v.status is not ImportStatus.OK}
        deferred = unresolved_installed_names(index, installed, unreached) if unreached else []
        names = [Lookup(key, key, submodules=True) for key in sorted({f"{i.module}:{i.name}" for i in deferred})]
        looked_up = _looked_up(root, model, runtime, list(points.values()) + checking + names, verdict_cache)
        verdicts_by_point = {point: looked_up[lookup.key] for point, lookup in points.items()}
        hosts = {point: host_provides(host, env) for point in points if (host := host_of(point.group)) is not None}
        findings.extend(entry_point_findings(verdicts_by_point, point_locations, findings, optional, hosts))
        if config.run_scripts and not partial and first:
            loading = [p for p, v in verdicts_by_point.items() if v.status is ImportStatus.OK]  # SG208 says the rest
            runs = run_scripts(root, model, runtime, config.run_scripts, loading)
            findings.extend(script_findings(runs, point_locations, config.run_scripts, runtime.timeout))
        findings.extend(type_checking_findings(looked_up, model, findings))

        def absent(key: str) -> bool:
            found = looked_up.get(key)
            return found is not None and found.exc_type == LOOKUP_NAME_ABSENT

        findings.extend(unresolved_name_findings(deferred, absent, env, findings))
    if scope is not None and partial:
        paths = {m.path for m in model.modules if m.name in scope} | {f.path for f in model.failures if f.name in scope}
        findings = [f for f in findings if f.location.path in paths]
    kept, dropped = apply_silencing(findings, model, config)
    unique = sorted(set(kept))
    counted = len(scope & everything) if scope is not None else len(everything)
    all_plans = plan_classes(model, dict(config.factories)) if in_shard is not None and config.instantiate else plans
    subjects = subjects_of(unique, model, (p for group in all_plans.values() for p in group), point_locations, origins)
    shard_modules: tuple[str, ...] = ()
    if in_shard is not None:
        unique, outcomes = _in_shard(unique, subjects, outcomes, in_shard, first)
        shard_modules = tuple(sorted(name for name in everything if in_shard(name)))
        counted = len(shard_modules)
        notes.append(
            f"shard {stages.shard}: {counted} of {len(everything)} modules"
            + ("; entry points, mypy and the project's other files are shard 1's" if not first else "")
        )
    shown = str(stages.shard) if in_shard is not None else ""
    imported = tuple(sorted(statuses.items()))
    return CheckReport(
        tuple(unique), tuple(notes), counted, dropped, outcomes, subjects, shown, shard_modules, imported
    )


# Failures whose cause is the code, kept by the verdict cache while the files they depend on are
# unchanged (installing or upgrading a package changes the cache's context, so a dependency's
# ImportError is current too). A constructor's deliberate refusal is the code's as well.
_CODE_FAILURES = frozenset(
    {"SyntaxError", "IndentationError", "TabError", "NameError", "ImportError", "ModuleNotFoundError"}
    | {"AttributeError", "TypeError", "UnboundLocalError", LOOKUP_NAME_ABSENT}
)
# A constructor failing on the arguments smokegen chose, or refusing them, does so again on the same code.
_REFUSALS = frozenset(
    {"ValueError", "AssertionError", "NotImplementedError", "IndexError", "KeyError", "LookupError"}
    | {"ZeroDivisionError", "RecursionError"}
)


def _caused_by_code(
    exc_type: str,
    message: str,
    frames: tuple[TraceFrame, ...],
    bases: tuple[str, ...],
    environment_errors: tuple[str, ...],
    refusal: bool,
) -> bool:
    if "OSError" in bases or environment_reason(exc_type, message, frames, environment_errors) is not None:
        return False
    return exc_type in _CODE_FAILURES or (refusal and exc_type in _REFUSALS)


def _unset_variables(verdict: ImportVerdict) -> tuple[str, ...]:
    """The environment variables a verdict's failures for want of configuration wanted, when each of
    its failures is one and they are known for sure: the key of an ``os.environ[...]`` lookup that
    raised, ``DJANGO_SETTINGS_MODULE`` for Django's "settings are not configured" (at import, or in a
    constructor). The verdict cache keeps such a verdict while they keep their values. Any other
    configuration failure (a database that did not answer, a system library, a file outside the
    project) is imported again every run."""
    if verdict.after_siblings is ImportStatus.OK:
        return ()
    failures = [(verdict.exc_type, verdict.message, verdict.frames)] if verdict.status is ImportStatus.ERROR else []
    if verdict.status not in (ImportStatus.OK, ImportStatus.ERROR):
        return ()
    for build in verdict.builds:
        if build.status is ImportStatus.ERROR:
            failures.append((build.exc_type, build.message, build.frames))
        elif build.status is not ImportStatus.OK:
            return ()
    wanted: set[str] = set()
    for exc_type, message, frames in failures:
        names = _wanted_variables(exc_type, message, frames)
        if not names:
            return ()
        wanted.update(names)
    return tuple(sorted(wanted))


def _wanted_variables(exc_type: str, message: str, frames: tuple[TraceFrame, ...]) -> tuple[str, ...]:
    if unset_variable(exc_type, frames):
        try:
            name = ast.literal_eval(message)
        except (ValueError, SyntaxError):
            return ()
        return (name,) if isinstance(name, str) and name else ()
    if exc_type.endswith("ImproperlyConfigured") and "settings are not configured" in message:
        return ("DJANGO_SETTINGS_MODULE",)
    return ()


def _keepable(
    verdict: ImportVerdict, environment_errors: tuple[str, ...], refused: Callable[[BuildVerdict], bool]
) -> bool:
    """A verdict the verdict cache may keep: clean, or failed for a cause in the code (a constructor's
    failure too, and a deliberate refusal, which the judge tells: ``refused``)."""
    if verdict.status is ImportStatus.ERROR:
        if verdict.after_siblings is ImportStatus.OK:
            return False  # SG205 depends on the siblings too
        if not _caused_by_code(verdict.exc_type, verdict.message, verdict.frames, (), environment_errors, False):
            return False
    elif verdict.status is not ImportStatus.OK:
        return False
    for build in verdict.builds:
        if build.status is ImportStatus.OK:
            continue
        if build.status is not ImportStatus.ERROR:
            return False
        if not refused(build) and not _caused_by_code(
            build.exc_type, build.message, build.frames, build.bases, environment_errors, True
        ):
            return False
    return True


def _looked_up(
    root: Path, model: ProjectModel, runtime: RuntimeOptions, lookups: list[Lookup], kept: VerdictCache | None
) -> dict[str, ImportVerdict]:
    """Each lookup's verdict: kept from an earlier run while no project file it depends on changed
    (a lookup that resolved), else looked up in a fresh child."""
    found: dict[str, ImportVerdict] = {}
    todo: list[Lookup] = []
    for lookup in lookups:
        verdict = kept.get_lookup(lookup) if kept is not None else None
        if verdict is not None:
            found[lookup.key] = verdict
        else:
            todo.append(lookup)
    fresh = run_lookups(root, model, runtime, todo)
    if kept is not None:
        for lookup in todo:
            kept.put_lookup(lookup, fresh[lookup.key])
    return found | fresh


def _beside_shard(
    root: Path,
    model: ProjectModel,
    runtime: RuntimeOptions,
    verdicts: Iterable[ImportVerdict],
    in_shard: Callable[[str], bool],
) -> tuple[ImportVerdict, ...]:
    """The imports of the modules of other shards in whose files this shard's imports fail: a failure
    is reported once, at the line that raised, for the module whose own line it is (when that
    module fails too), and that module may be another shard's, which reports it then."""
    owned = owned_files(root, model)
    by_path = {m.path: m.name for m in model.modules if m.kind.imported}
    others: set[str] = set()
    for verdict in verdicts:
        if verdict.status is ImportStatus.OK:
            continue
        where = project_frame(verdict.frames, root, owned)
        module = by_path.get(where[0]) if where is not None else None
        if module is not None and not in_shard(module):
            others.add(module)
    if not others:
        return ()
    return tuple(run_imports(root, model, runtime, None, {}, tuple(sorted(others))))


def _in_shard(
    findings: list[Finding],
    subjects: Mapping[Finding, Subject],
    outcomes: tuple[ClassOutcome, ...],
    in_shard: Callable[[str], bool],
    first: bool,
) -> tuple[list[Finding], tuple[ClassOutcome, ...]]:
    """The findings and class outcomes of one shard: a module's and its classes' where the module is
    in it; the rest (entry points, mypy, the project's files) in the first shard."""
    kept = []
    for finding in findings:
        subject = subjects[finding]
        if subject.kind is SubjectKind.MODULE:
            mine = in_shard(subject.name)
        elif subject.kind is SubjectKind.CLASS:
            mine = in_shard(subject.name.partition(":")[0])
        else:
            mine = first
        if mine:
            kept.append(finding)
    return kept, tuple(o for o in outcomes if in_shard(o.key.partition(":")[0]))


# --- commands: a request in, a result out ---------------------------------------------------------

ProgressFor = Callable[[str, str], Progress | None]
"""Given what is counted (``"scanning", "files"``), a callback that shows progress, or None."""


def no_progress(verb: str, noun: str) -> Progress | None:
    return None


class RequestError(Exception):
    """The request names something the project does not have: a usage error (exit 2)."""


def runtime_options(config: Config) -> RuntimeOptions:
    """The runtime stage's options, from the merged settings."""
    return RuntimeOptions(
        python=resolve_python(config.python or None),
        timeout=config.timeout,
        jobs=config.jobs or default_jobs(),
        env=config.env,
    )


def mypy_wanted(wanted: bool | None, root: Path) -> tuple[bool, MypyConfig | None]:
    """Whether the mypy stage runs (``--mypy/--no-mypy`` or ``[tool.smokegen] mypy``, else when the
    project configures mypy), and the project's mypy configuration."""
    found = find_mypy_config(root)
    return (wanted if wanted is not None else found is not None), found


def load_with_environment(
    path: Path, flags: Mapping[str, Any], progress: ProgressFor = no_progress
) -> tuple[LoadedProject, Environment]:
    """The project scanned, and its interpreter asked about itself meanwhile."""
    settings = project_settings(path, flags)
    with start_probe(settings.config.python or None) as pending:
        loaded = load_project(path, settings=settings, progress=progress("scanning", "files"))
        return loaded, pending.result()


def _relative_paths(changed: Iterable[Path], root: Path) -> list[str]:
    """The changed files inside the project, relative to its root (a source root may be a symlink: the
    root is resolved); files outside it are dropped."""
    relative = []
    for file in changed:
        for candidate in (file, file.resolve()):
            for base in (root, root.resolve()):
                if candidate.is_relative_to(base):
                    relative.append(candidate.relative_to(base).as_posix())
                    break
            else:
                continue
            break
    return relative


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """``smokegen check``. ``path``: the project (or any folder inside it). ``flags``: the command line's
    settings (key -> raw value, see :func:`smokegen.project.config.apply_flags`). ``changed``: the
    changed files (``--affected``): only the modules they are, and their importers, are checked.
    ``installed``: check this distribution as installed in the project's interpreter instead."""

    path: Path = Path(".")
    flags: Mapping[str, Any] = field(default_factory=dict)
    changed: tuple[Path, ...] | None = None
    installed: str | None = None
    shard: Shard | None = None  # --shard K/N: only this share of the modules


def check(request: CheckRequest, progress: ProgressFor = no_progress) -> CheckReport:
    """Everything ``smokegen check`` reports, notes included."""
    flags = request.flags
    entry_points_file = "pyproject.toml"
    if request.installed is not None:
        dist = describe_distribution(request.installed, flags.get("python"))
        with start_probe(flags.get("python")) as pending:
            loaded = load_installed(dist, flags=flags, progress=progress("scanning", "files"))
            env = pending.result()
        entry_points_file = f"{dist.info_dir}/entry_points.txt"
    else:
        loaded, env = load_with_environment(request.path, flags, progress)
    config = loaded.config
    scope = None
    if request.changed is not None:
        scope = frozenset(affected_modules(loaded.model, _relative_paths(request.changed, loaded.root)))
        if flags.get("mypy") is None:
            config = dataclasses.replace(config, mypy=False)  # mypy over the whole project is not the fast hook's job
    notes: list[str] = []
    if request.installed is None:
        run_mypy_stage, mypy_config = mypy_wanted(config.mypy, loaded.root)
        if not run_mypy_stage and config.mypy is None:
            notes.append(
                "mypy stage skipped: the project has no mypy configuration (mypy.ini, [tool.mypy]...); "
                "--mypy runs it with mypy's defaults"
            )
    else:
        run_mypy_stage, mypy_config = bool(config.mypy), None
    # mypy's cache is smokegen's, never the project's .mypy_cache (none for an installed distribution)
    mypy_cache = loaded.root / config.cache_dir / "mypy" if config.cache and request.installed is None else None
    stages = Stages(
        runtime=None if config.static else runtime_options(config),
        mypy=_mypy_stage(env, mypy_config, mypy_cache) if run_mypy_stage else None,
        scope=scope,
        entry_points_file=entry_points_file,
        application=loaded.application,
        shard=request.shard,
    )
    if stages.runtime is not None and loaded.python_origin:
        notes.append(f"the project's code ran under {_shown(config.python, loaded.root)} ({loaded.python_origin})")
    report = run_checks(dataclasses.replace(loaded, config=config), env, stages, progress("importing", "modules"))
    return dataclasses.replace(report, notes=report.notes + tuple(notes))


def _shown(path: str, root: Path) -> str:
    """A path as a person reads it: relative to the project when it is inside it."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """``smokegen scan``: the project containing ``path``, with the command line's settings."""

    path: Path = Path(".")
    flags: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    model: ProjectModel
    untested: tuple[str, ...]  # modules no test imports


def untested(loaded: LoadedProject) -> tuple[str, ...]:
    """The project's modules no test reaches: not through the test files' imports, their patch
    targets, nor what a framework loads for them (:func:`smokegen.graph.reach.reached_by_tests`)."""
    from smokegen.checks.mocks import find_patches

    files = test_files(loaded.root, loaded.config)
    tests = scan_tests(loaded.root, files, loaded.cache())
    loads = framework_loads(loaded.root, loaded.model, tests.modules, dict(loaded.config.env))
    for rel in files:
        try:
            source = (loaded.root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        loads.update(p.target for p in find_patches(source, rel) if not p.hides_modules)
    reached = reached_by_tests(ProjectIndex(loaded.model), tests.modules, loads)
    return tuple(untested_modules(loaded.model, set(reached)))


def scan(request: ScanRequest, progress: ProgressFor = no_progress) -> ScanOutcome:
    """The project's model, and which of its modules no test reaches."""
    loaded = load_project(request.path, flags=request.flags, progress=progress("scanning", "files"))
    return ScanOutcome(loaded.model, untested(loaded))


@dataclass(frozen=True, slots=True)
class MocksRequest:
    """``smokegen mocks``: the project containing ``path``, with the command line's settings."""

    path: Path = Path(".")
    flags: Mapping[str, Any] = field(default_factory=dict)


def mocks(request: MocksRequest, progress: ProgressFor = no_progress) -> MocksReport:
    """The audit of the patch targets in the project's tests, against the project and against what
    ``check`` finds (without building classes); silenced as ``check`` silences."""
    from smokegen.checks.mocks import audit, find_patches

    loaded, env = load_with_environment(request.path, request.flags, progress)
    config = loaded.config
    stages = Stages(runtime=None if config.static else runtime_options(config), application=loaded.application)
    checked = run_checks(
        dataclasses.replace(loaded, config=dataclasses.replace(config, instantiate=False)), env, stages
    )
    files = test_files(loaded.root, config)
    patches = []
    for rel in files:
        try:
            source = (loaded.root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        patches.extend(find_patches(source, rel))
    # the test files' own imports of the project, checked as a module's are (SG101 before collection)
    tests = scan_tests(loaded.root, files, loaded.cache())
    own = check_test_imports(ProjectIndex(loaded.model), tests.modules, tests.local)
    report = audit(loaded.model, patches, checked.findings, files, own)
    # silenced as check silences, `# smokegen: ignore[...]` in a test file included
    with_tests = dataclasses.replace(loaded.model, modules=loaded.model.modules + tests.modules)
    kept, _ = apply_silencing(report.findings, with_tests, config)
    return dataclasses.replace(report, findings=tuple(kept))


@dataclass(frozen=True, slots=True)
class GenerateRequest:
    """``smokegen generate``: write the smoke suite of the project containing ``path`` (``check``:
    write nothing, report what is stale; ``dry_run``: write nothing; ``force``: overwrite a file
    smokegen did not write)."""

    path: Path = Path(".")
    flags: Mapping[str, Any] = field(default_factory=dict)
    check: bool = False
    dry_run: bool = False
    force: bool = False


@dataclass(frozen=True, slots=True)
class GenerateOutcome:
    result: GenerateResult
    command: str  # the command that regenerates the suite
    made_by: Mapping[str, str | None]  # with ``check``: a stale file -> the command its header names


def _writable(folder: Path, setting: str) -> None:
    why = cannot_write_in(folder)
    if why is not None:
        raise RequestError(f"cannot write {folder}: {why}; make it writable, or choose another folder ({setting})")


def generate(request: GenerateRequest, progress: ProgressFor = no_progress) -> GenerateOutcome:
    """The smoke suite, written (or compared with what is on disk)."""
    from smokegen.generate.write import check_arguments, generated_by, regenerate_command, suite_files, write_suite

    loaded = load_project(request.path, flags=request.flags, progress=progress("scanning", "files"))
    if not (request.check or request.dry_run):
        _writable(loaded.root / loaded.config.smoke_dir, "--smoke-dir, or [tool.smokegen] smoke_dir")
    run_mypy_stage, _ = mypy_wanted(loaded.config.mypy, loaded.root)
    command = regenerate_command(request.flags)
    checking = check_arguments(request.flags)
    files = suite_files(loaded.root, loaded.model, loaded.config, run_mypy_stage, command, checking)
    result = write_suite(loaded.root, files, loaded.config, check=request.check or request.dry_run, force=request.force)
    made_by = {rel: generated_by(loaded.root / rel) for rel in result.written} if request.check else {}
    return GenerateOutcome(result, command, made_by)


@dataclass(frozen=True, slots=True)
class DirectRequest:
    """``smokegen generate --direct``: scaffolds for ``modules`` (empty: every module no test imports)."""

    path: Path = Path(".")
    flags: Mapping[str, Any] = field(default_factory=dict)
    modules: tuple[str, ...] = ()
    dry_run: bool = False
    force: bool = False


def generate_direct(request: DirectRequest, progress: ProgressFor = no_progress) -> DirectResult | None:
    """The direct-test scaffolds, written; None when every module is imported by a test. Raises
    :class:`RequestError` for a module the project does not have."""
    from smokegen.generate.direct import write_direct

    loaded = load_project(request.path, flags=request.flags, progress=progress("scanning", "files"))
    known = {m.name for m in loaded.model.modules}
    for name in request.modules:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise RequestError(f"'{name}' is not a module of the project at {loaded.root}{hint}")
    if not request.dry_run:
        _writable(
            loaded.root / direct_folder(loaded.root, loaded.config), "--direct-dir, or [tool.smokegen] direct_dir"
        )
    modules = request.modules
    if not modules:
        modules = untested(loaded)
        if not modules:
            return None
    return write_direct(
        loaded.root,
        loaded.model,
        loaded.config,
        modules,
        resolve_python(loaded.config.python or None),
        dry_run=request.dry_run,
        force=request.force,
    )
