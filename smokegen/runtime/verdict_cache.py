"""Per-module import verdicts kept between runs of ``smokegen check`` (``verdicts/`` in the cache folder).

A module's verdict is reused only when nothing it depends on has changed. An entry is found by the
module's name and the run's *context*: smokegen's runner, the interpreter, its installed
distributions and the folders on its ``sys.path`` (installing or removing a package changes their
modification times), the runtime options (timeout, the configured ``env``, the source roots), and
the classes planned for the module and how they are built. The entry holds the fingerprint of every
project file the verdict depends on: the files the import loaded (the child reports them, so a
dynamic import counts as well as a static one), and, for a module whose classes are built, every
project module it imports statically, transitively, under any guard and inside functions (a
constructor may run those). One changed byte in any of them and the module is imported again.

Clean verdicts are kept (the import passed and every planned class was built or skipped for a
reason read from the code), and failures whose cause is the code: what ``keep`` accepts (the
pipeline's rule: a ``SyntaxError``, a ``NameError``, an ``ImportError`` of a name, a constructor's
``TypeError``... never a timeout, a crash, an ``OSError``, a missing configuration, nor an import
that works after its siblings). A failure's entry holds the fingerprints of its module's static
import closure and of the project files its traceback runs through. A failure for want of an
environment variable the pipeline names for sure (``unset``: an ``os.environ`` key, Django's
``DJANGO_SETTINGS_MODULE``) is kept with that variable's value, and holds while it is the same.
Every other failure is imported again, so a fix made outside the project (a service started) is
seen at once; its module is marked ``failed-before`` (a hint for the runner, not a verdict).

Not part of the context: environment variables other than ``env``, and files that are not project
modules (a data file read at import). ``--no-cache`` imports every module again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from smokegen import __version__
from smokegen.graph.imports import import_closure, import_graph
from smokegen.graph.index import ProjectIndex
from smokegen.model import ClassPlan, ImportStatus, ImportVerdict, ProjectModel
from smokegen.model.serialize import from_json, to_json
from smokegen.project.environment import Environment
from smokegen.runtime.imports import RUNNER, Lookup, RuntimeOptions, build_spec, project_sys_path
from smokegen.scan.cache import ScanCache

_SECTION = "verdicts"
_FAILED = "failed-before"  # modules whose last verdict was a failure not kept: likely to fail again


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


def context_digest(root: Path, model: ProjectModel, env: Environment, options: RuntimeOptions) -> str:
    """What every cached verdict of this run depends on besides the project's files."""
    own = {os.path.realpath(folder) for folder in project_sys_path(root, model)}
    parts: list[Any] = [
        __version__,
        hashlib.blake2b(RUNNER.read_bytes(), digest_size=16).hexdigest(),
        env.executable,
        list(env.version),
        sorted((name, dist.version) for name, dist in env.distributions.items()),
        # Installing or removing a package changes its folder. Not the project's own source roots
        # (on sys.path in an editable install): they change with every file made at their top, and
        # the project's modules are fingerprinted one by one.
        [(folder, _mtime(folder)) for folder in env.sys_path if os.path.realpath(folder) not in own],
        options.timeout,
        [list(pair) for pair in options.env],
        _dotenv_files(root, model),
        list(options.setup or ()),
        project_sys_path(root, model),
    ]
    return hashlib.blake2b(json.dumps(parts).encode(), digest_size=20).hexdigest()


def _dotenv_files(root: Path, model: ProjectModel) -> list[list[Any]]:
    """The ``.env`` files beside the code (the project root, its source roots, its top-level
    packages), with their sizes and times: settings read them at import, so adding, removing or
    editing one makes every verdict stale."""
    found: list[list[Any]] = []
    packages = [
        root / Path(m.path).parent for m in model.modules if "." not in m.name and m.path.endswith("__init__.py")
    ]
    for folder in dict.fromkeys([root, *(root / source for source in model.source_roots), *packages]):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".env") and entry.is_file():
                stat = entry.stat()
                found.append([os.path.relpath(entry.path, root), stat.st_size, stat.st_mtime_ns])
    return found


def clean(verdict: ImportVerdict) -> bool:
    """A verdict worth keeping: the import passed, and so did every build (or it was skipped)."""
    return verdict.status is ImportStatus.OK and all(b.status is ImportStatus.OK for b in verdict.builds)


class VerdictCache:
    """Import verdicts by module, valid while the files they depend on keep their fingerprints."""

    def __init__(
        self,
        cache: ScanCache,
        root: Path,
        model: ProjectModel,
        fingerprints: Mapping[str, str],
        context: str,
        keep: Callable[[ImportVerdict], bool] = clean,
        unset: Callable[[ImportVerdict], tuple[str, ...]] = lambda verdict: (),
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.cache = cache
        self.keep = keep
        # A failure for want of configuration (``unset`` names the variables it wanted: an unset
        # ``os.environ`` key, ``DJANGO_SETTINGS_MODULE`` for Django's "settings are not configured") is
        # kept with those variables' values in ``environ``, the runner's environment, and holds while
        # they are the same.
        self.unset = unset
        self.environ = dict(environ if environ is not None else os.environ)
        self.model = model
        self.fingerprints = fingerprints
        self.context = context
        self.paths = {m.name: m.path for m in model.modules}
        # A kept failure also holds only while the project has the same files: one that was missing
        # (``from app.api import helpers``, helpers.py not written yet) may be there now.
        layout = sorted([*self.paths.values(), *(f.path for f in model.failures)])
        self.layout = hashlib.blake2b(json.dumps(layout).encode(), digest_size=16).hexdigest()
        # Longest source root first: a file under "src" is "src/...", not "./src/...".
        bases = (
            (os.path.join(base, ""), "" if rel == "." else f"{rel}/")
            for base, rel in zip(project_sys_path(root, model), model.source_roots, strict=True)
        )
        self.bases = sorted(bases, key=lambda b: -len(b[0]))
        self._graph: dict[str, set[str]] | None = None

    def _key(self, module: str, plans: tuple[ClassPlan, ...]) -> str:
        specs = [build_spec(p) for p in plans if p.source is not None]
        text = json.dumps([self.context, module, specs])
        return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()

    def _relative(self, path: str) -> str | None:
        for base, prefix in self.bases:
            if path.startswith(base):
                rel = prefix + path[len(base) :].replace(os.sep, "/")
                return rel if rel in self.fingerprints else None
        return None

    def _static_closure(self, module: str) -> set[str]:
        if self._graph is None:
            self._graph = import_graph(ProjectIndex(self.model), lambda imp: True)
        return import_closure(module, self._graph)

    def _kept(self, key: str) -> tuple[set[str], ImportVerdict] | None:
        """The entry under ``key`` (its files and verdict) when every file it lists is unchanged."""
        entry = self.cache.get(key, _SECTION)
        if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
            return None
        files: dict[str, Any] = entry["files"]
        if any(self.fingerprints.get(path) != digest for path, digest in files.items()):
            return None
        if "layout" in entry and entry["layout"] != self.layout:
            return None  # a failure, and a file was added or removed since
        wanted = entry.get("environ", {})
        if not isinstance(wanted, dict) or any(self.environ.get(name) != value for name, value in wanted.items()):
            return None  # a variable it wanted is set now, or changed
        try:
            verdict: ImportVerdict = from_json(ImportVerdict, entry["verdict"])
        except (ValueError, TypeError, KeyError):
            return None
        return set(files), verdict

    def get(self, module: str, plans: tuple[ClassPlan, ...] = ()) -> ImportVerdict | None:
        """The kept verdict of ``module``, when every file it depends on is unchanged."""
        kept = self._kept(self._key(module, plans))
        if kept is None or self.paths.get(module) not in kept[0]:
            return None
        verdict = kept[1]
        return verdict if verdict.module == module and (self.keep(verdict) or self.unset(verdict)) else None

    def put(self, verdict: ImportVerdict, plans: tuple[ClassPlan, ...] = ()) -> None:
        """Keep a clean verdict, with the fingerprints of the files it depends on."""
        own = self.paths.get(verdict.module)
        if own is None:
            return
        wanted: tuple[str, ...] = ()
        if not self.keep(verdict):
            wanted = self.unset(verdict)
            if not wanted:
                if verdict.status is not ImportStatus.OK:
                    self.cache.put(self._failed_key(verdict.module), {"failed": True}, _FAILED)
                return
        files = {own} | {rel for rel in map(self._relative, verdict.loaded) if rel is not None}
        failed = not clean(verdict)
        if plans or failed:
            files |= {self.paths[m] for m in self._static_closure(verdict.module) if m in self.paths}
        if failed:  # the files its tracebacks run through (a dynamic import the closure misses)
            frames = [*verdict.frames, *(f for build in verdict.builds for f in build.frames)]
            files |= {rel for rel in (self._relative(frame.path) for frame in frames) if rel is not None}
        entry: dict[str, Any] = {
            "files": {path: self.fingerprints[path] for path in sorted(files) if path in self.fingerprints},
            "verdict": to_json(verdict),
        }
        if wanted:
            entry["environ"] = {name: self.environ.get(name) for name in wanted}
        if failed:
            entry["layout"] = self.layout
        self.cache.put(self._key(verdict.module, plans), entry, _SECTION)

    def _failed_key(self, module: str) -> str:
        return hashlib.blake2b(json.dumps([self.context, module]).encode(), digest_size=20).hexdigest()

    def failed_before(self, module: str) -> bool:
        """Whether ``module``'s import failed last time, for a cause not kept (a missing configuration, a
        timeout): it is imported again, and most likely fails again."""
        entry = self.cache.get(self._failed_key(module), _FAILED)
        return isinstance(entry, dict) and entry.get("failed") is True

    def _lookup_key(self, lookup: Lookup) -> str:
        text = json.dumps([self.context, "lookup", lookup.key, lookup.value, lookup.callable, lookup.submodules])
        return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()

    def _lookup_files(self, lookup: Lookup) -> set[str] | None:
        """The project files a lookup depends on: its module's and those of every project module
        that module imports statically (transitively, under any guard, in functions too), and its
        packages'; None when its module is not the project's (an installed distribution's own
        files are the project here too)."""
        module = lookup.value.partition(":")[0].strip()
        if module not in self.paths:
            return None
        names = {module} | self._static_closure(module)
        return {self.paths[name] for name in names if name in self.paths}

    def get_lookup(self, lookup: Lookup) -> ImportVerdict | None:
        """The kept verdict of a lookup that resolved, when no file it depends on changed."""
        kept = self._kept(self._lookup_key(lookup))
        if kept is None or self._lookup_files(lookup) != kept[0]:
            return None
        verdict = kept[1]
        return verdict if verdict.module == lookup.key and verdict.status is ImportStatus.OK else None

    def put_lookup(self, lookup: Lookup, verdict: ImportVerdict) -> None:
        """Keep the verdict of a lookup that resolved (a failure is looked up again every run)."""
        files = self._lookup_files(lookup)
        if verdict.status is not ImportStatus.OK or files is None:
            return
        entry = {
            "files": {path: self.fingerprints[path] for path in sorted(files) if path in self.fingerprints},
            "verdict": to_json(verdict),
        }
        if set(entry["files"]) == files:
            self.cache.put(self._lookup_key(lookup), entry, _SECTION)


def split_cached(
    cache: VerdictCache | None, modules: Iterable[str], plans: Mapping[str, tuple[ClassPlan, ...]]
) -> tuple[dict[str, ImportVerdict], list[str]]:
    """The modules whose kept verdict still holds (with it), and the ones to import. (Pass the kept
    ones to ``run_imports(passing=...)``: a failure's retry after its passing siblings, SG205, then
    sees the same siblings as on a run without the cache.)"""
    kept: dict[str, ImportVerdict] = {}  # failures with a cause in the code too: not "passing"
    todo: list[str] = []
    for name in modules:
        verdict = cache.get(name, plans.get(name, ())) if cache is not None else None
        if verdict is not None:
            kept[name] = verdict
        else:
            todo.append(name)
    return kept, todo
