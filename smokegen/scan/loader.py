"""Discovery + cache + parallel scan -> :class:`ProjectModel`.

Files are read and hashed here; cache misses are scanned in worker processes
when there are enough of them to pay for the pool (results cross the process
boundary in their JSON form, the same form the cache stores).
"""

from __future__ import annotations

import os
import re
import signal
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from smokegen.model import EntryPoint, ModuleInfo, ModuleKind, ProjectModel, ScanFailure, ScanResult, SourceFile, codes
from smokegen.project.config import (
    APPLICATION_TEST_PATTERNS,
    DEFAULT_TEST_PATTERNS,
    Config,
    Pyproject,
    apply_flags,
    check_folders,
    read_project_config,
)
from smokegen.project.discover import discover, find_project_root, is_application
from smokegen.project.environment import InstalledDistribution, choose_python
from smokegen.scan.cache import ScanCache, cache_key, decode_result, encode_result
from smokegen.scan.results import result_findings, unreadable, worker_died
from smokegen.util.cachedir import installed_code_cache
from smokegen.util.collector import collector_paused

# Below this many files to scan, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 48

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ScanStats:
    files: int
    cache_hits: int
    scanned: int
    workers: int
    # Project path -> a digest of the file's bytes (its cache key): what the verdict cache compares.
    fingerprints: Mapping[str, str] = field(default_factory=dict)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _quiet_worker() -> None:
    """A scan worker leaves signals to smokegen's main process: SIGTERM ends it (no handler inherited
    from the CLI), Ctrl-C reaches the main process, which ends the pool."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _scan_job(job: tuple[str, str, str, bytes]) -> dict[str, Any]:
    from smokegen.scan.source import scan_source  # LibCST: imported where a file is scanned

    name, path, kind, data = job
    return encode_result(scan_source(data, SourceFile(name, path, ModuleKind(kind))))


def _scan_one_by_one(
    files: Sequence[SourceFile], todo: Sequence[tuple[int, str, bytes]]
) -> Iterator[tuple[int, str, dict[str, Any] | None]]:
    """Each file's encoded result (None: its worker died), scanned one at a time in a worker process,
    a new one after each death. Stops early when no worker can be started."""
    pool: ProcessPoolExecutor | None = None
    try:
        for index, key, data in todo:
            file = files[index]
            try:
                if pool is None:
                    pool = ProcessPoolExecutor(max_workers=1, initializer=_quiet_worker)
                encoded = pool.submit(_scan_job, (file.name, file.path, file.kind.value, data)).result()
            except BrokenProcessPool:
                if pool is not None:
                    pool.shutdown()
                pool = None
                yield index, key, None
                continue
            except OSError:
                return
            yield index, key, encoded
    finally:
        if pool is not None:
            pool.shutdown()


def scan_files(
    root: Path,
    files: Sequence[SourceFile],
    cache: ScanCache,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    scanned_elsewhere: Callable[[], None] | None = None,
) -> tuple[list[ScanResult], ScanStats]:
    """Each file's scan result, from the cache or scanned (and cached). Files to scan go to worker
    processes when there are many; when there are a few (an edit since the last run) and this
    process has not loaded the parser yet, to one worker, which loads it and scans while this
    process decodes the cached results. ``scanned_elsewhere``: when some file is not in the
    cache, wait for it (another process scanning the same project, with the same cache), then
    read the cache again."""
    results: dict[int, ScanResult] = {}
    fingerprints: dict[str, str] = {}
    unread = 0
    todo: list[tuple[int, str, bytes]] = []
    hits: list[tuple[int, str, bytes, Any]] = []
    # Reading the cache builds tens of thousands of JSON objects and records (a third of a warm run
    # went to the collector); worker processes are started outside the pause.
    with collector_paused():
        for index, file in enumerate(files):
            try:
                data = (root / file.path).read_bytes()
            except OSError as error:
                results[index] = unreadable(file, error)
                unread += 1
                continue
            key = cache_key(file, data)
            fingerprints[file.path] = key
            cached = cache.get(key)
            if cached is not None:
                hits.append((index, key, data, cached))
            else:
                todo.append((index, key, data))
        if todo and scanned_elsewhere is not None:
            scanned_elsewhere()
            missed, todo = todo, []
            for index, key, data in missed:
                cached = cache.get(key)
                if cached is not None:
                    hits.append((index, key, data, cached))
                else:
                    todo.append((index, key, data))
    total = len(files)
    done = len(results)
    workers = min(jobs, max(1, len(todo) // 16)) if len(todo) >= PARALLEL_THRESHOLD else 1
    beside = bool(todo) and workers == 1 and jobs > 1 and "libcst" not in sys.modules
    pool: ProcessPoolExecutor | None = None
    scanned: Iterator[dict[str, Any]] | None = None
    if workers > 1 or beside:
        payload = [(files[i].name, files[i].path, files[i].kind.value, data) for i, _, data in todo]
        try:
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker)
            scanned = pool.map(_scan_job, payload, chunksize=max(1, len(payload) // (workers * 8)))
        except OSError:
            pool, scanned = None, None
    again: list[tuple[int, str, bytes]] = []
    with collector_paused():
        for index, key, data, cached in hits:
            try:
                results[index] = decode_result(cached)
            except (ValueError, TypeError, KeyError):
                again.append((index, key, data))  # a corrupt or foreign entry: scan again and overwrite it
                continue
            done += 1
            if progress is not None and (done == total or done % 64 == 0):
                progress(done, total)
    if progress is not None:
        progress(done, total)
    remaining = todo
    if pool is not None and scanned is not None:
        try:
            with pool:
                for (index, key, _), encoded in zip(todo, scanned, strict=True):
                    results[index] = decode_result(encoded)
                    cache.put(key, encoded)
                    done += 1
                    if progress is not None:
                        progress(done, total)
            remaining = []
        except (BrokenProcessPool, OSError) as error:
            remaining = [item for item in todo if item[0] not in results]
            if isinstance(error, BrokenProcessPool):
                # A worker died (a crash in native code, the out-of-memory killer): the file that
                # killed it would kill this process too, so the rest are scanned one at a time in a
                # worker, and a file that kills its worker is reported, never scanned here.
                for index, key, alone in _scan_one_by_one(files, remaining):
                    if alone is None:
                        results[index] = worker_died(files[index])  # not cached: it may be transient
                    else:
                        results[index] = decode_result(alone)
                        cache.put(key, alone)
                    done += 1
                    if progress is not None:
                        progress(done, total)
                remaining = [item for item in todo if item[0] not in results]
    if remaining or again:
        from smokegen.scan.source import scan_source

        for index, key, data in remaining + again:
            result = scan_source(data, files[index])
            results[index] = result
            cache.put(key, encode_result(result))
            done += 1
            if progress is not None:
                progress(done, total)
    stats = ScanStats(
        files=total,
        cache_hits=len(hits) - len(again),
        scanned=len(todo) + len(again),
        workers=workers,
        fingerprints=fingerprints,
    )
    return [results[i] for i in range(total)], stats


def build_model(
    root: Path,
    config: Config,
    *,
    project_name: str | None = None,
    entry_points: tuple[EntryPoint, ...] = (),
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
    application: bool = False,
    only: frozenset[str] | None = None,
    cache_folder: Path | None = None,
    scanned_elsewhere: Callable[[], None] | None = None,
) -> tuple[ProjectModel, ScanStats]:
    """Discover and scan the project at ``root`` (``application``: see :func:`is_application`);
    ``only``: the files to keep (an installed distribution's own, in a namespace package it shares)."""
    found = discover(root, config, application)
    if only is not None:
        found = replace(found, files=tuple(f for f in found.files if f.path in only))
    cache = ScanCache((cache_folder or root / config.cache_dir) if use_cache else None)
    results, stats = scan_files(
        root,
        found.files,
        cache,
        jobs=jobs if jobs is not None else default_jobs(),
        progress=progress,
        scanned_elsewhere=scanned_elsewhere,
    )
    modules = tuple(r for r in results if isinstance(r, ModuleInfo))
    failures = tuple(r for r in results if isinstance(r, ScanFailure))
    findings = list(found.findings)
    for result in results:
        findings.extend(result_findings(result))
    scripts = _script_folders(root, modules, found.namespace_packages) if application else set()
    if scripts:  # run, never imported: static checks only
        modules = tuple(
            replace(m, kind=ModuleKind.SCRIPT) if m.name.split(".", 1)[0] in scripts else m for m in modules
        )
    model = ProjectModel(
        name=project_name,
        source_roots=found.source_roots,
        namespace_packages=found.namespace_packages,
        modules=modules,
        failures=failures,
        findings=tuple(sorted(findings)),
        extension_modules=found.extension_modules,
        stub_modules=found.stub_modules,
        entry_points=entry_points,
        excluded_modules=found.excluded_modules,
    )
    return model, stats


def _script_folders(root: Path, modules: tuple[ModuleInfo, ...], namespaces: tuple[str, ...]) -> set[str]:
    """An application's top-level folders without ``__init__.py`` that nothing imports, by statement or
    by name in a string (``Celery(include=["jobs.tasks"])``, ``INSTALLED_APPS``): folders of scripts
    run on their own (a container's health check), not packages to import."""
    candidates = {n for n in namespaces if "." not in n}
    if not candidates:
        return set()
    for info in modules:
        top = info.name.split(".", 1)[0]
        candidates -= {imp.module.split(".", 1)[0] for imp in info.imports} - {top}
    for info in modules:
        if not candidates:
            break
        top = info.name.split(".", 1)[0]
        try:
            text = (root / info.path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        candidates -= {c for c in candidates if c != top and re.search(rf"""["']{re.escape(c)}[."']""", text)}
    return candidates


@dataclass(frozen=True, slots=True)
class LoadedProject:
    root: Path
    config: Config
    model: ProjectModel
    stats: ScanStats
    python_origin: str = ""  # why config.python is the interpreter that runs the project's code
    application: bool = False  # deployed, not distributed (never for an installed distribution)
    # Where its cache lives instead of ``root / cache_dir``: the user-level cache, for an installed distribution.
    cache_folder: Path | None = None

    def cache(self) -> ScanCache:
        """The scan cache, or a disabled one when ``config.cache`` is false."""
        if not self.config.cache:
            return ScanCache(None)
        return ScanCache(self.cache_folder or self.root / self.config.cache_dir)


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    """A project's root, its pyproject.toml, and its settings with the command line's over them."""

    root: Path
    pyproject: Pyproject
    config: Config  # its ``python`` resolved: the interpreter that runs the project's code
    python_origin: str = ""  # why that interpreter (the flag, the active virtualenv, the project's .venv...)
    application: bool = False  # deployed, not distributed: see project.discover.is_application


def project_settings(path: Path, flags: Mapping[str, Any] | None = None) -> ProjectSettings:
    """Find the project containing ``path`` and read its configuration: ``flags`` (the command
    line's settings, see :func:`config.apply_flags`) over ``[tool.smokegen]``."""
    root = find_project_root(path)
    pyproject = read_project_config(root)
    config = pyproject.config
    if config.python and (os.sep in config.python or "/" in config.python):
        config = replace(config, python=str(root / config.python))  # relative to the project, not the caller
    config = apply_flags(config, flags or {})
    check_folders(root, pyproject, config, flags)  # what smokegen writes stays inside the project
    application = is_application(root)
    if config.test_patterns == DEFAULT_TEST_PATTERNS and application:
        config = replace(config, test_patterns=APPLICATION_TEST_PATTERNS)
    python, origin = choose_python(config.python, root)
    return ProjectSettings(root, pyproject, replace(config, python=python), origin, application)


def load_project(
    path: Path,
    *,
    flags: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    use_cache: bool | None = None,
    progress: Progress | None = None,
    settings: ProjectSettings | None = None,
    scanned_elsewhere: Callable[[], None] | None = None,
) -> LoadedProject:
    """Find the project containing ``path``, read its configuration (or take ``settings``, from
    :func:`project_settings`), and scan it. ``jobs`` and ``use_cache`` override the settings;
    ``scanned_elsewhere`` as for :func:`scan_files`."""
    settings = settings or project_settings(path, flags)
    config = settings.config
    model, stats = build_model(
        settings.root,
        config,
        project_name=settings.pyproject.name,
        entry_points=settings.pyproject.entry_points,
        jobs=jobs if jobs is not None else config.jobs,
        use_cache=use_cache if use_cache is not None else config.cache,
        progress=progress,
        application=settings.application,
        scanned_elsewhere=scanned_elsewhere,
    )
    return LoadedProject(settings.root, config, model, stats, settings.python_origin, settings.application)


def load_installed(
    dist: InstalledDistribution,
    *,
    flags: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> LoadedProject:
    """The installed files of ``dist`` as a project rooted at its site-packages folder: every module it
    ships, its entry points and its metadata. Its cache is the user-level one (site-packages may be
    read-only, and the same files are installed in other environments): ``util.cachedir``;
    ``flags`` as for :func:`load_project` (``--no-cache`` keeps none)."""
    config = apply_flags(Config(packages=dist.top_level, source_roots=(".",)), flags or {})
    folder = installed_code_cache()
    points = tuple(sorted(EntryPoint(g, n, v) for g, n, v in dist.entry_points))
    model, stats = build_model(
        dist.root,
        config,
        project_name=dist.name,
        entry_points=points,
        jobs=jobs if jobs is not None else config.jobs,
        use_cache=config.cache,
        progress=progress,
        only=frozenset(dist.files) if dist.files else None,
        cache_folder=folder,
    )
    # A file name no import statement can spell (rich's ``unicode10-0-0.py``) is its authors' choice,
    # loaded by importlib.import_module: nothing for the distribution's user to rename.
    findings = tuple(f for f in model.findings if f.code != codes.NOT_IMPORTABLE.code)
    model = replace(model, findings=findings)
    return LoadedProject(dist.root, config, model, stats, cache_folder=folder)
