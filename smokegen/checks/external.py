"""Static checks of what the project imports from outside: declared dependencies and installed names.

Guards, for imports of third-party and standard library modules:

- dependency checks (SG106, SG107) read imports that run on import: no guard, or only
  ``sys.version_info``/``sys.platform`` tests (another interpreter runs that branch). Imports
  inside functions are how optional integrations are written and are not reported; neither are
  imports under ``try/except ImportError`` or ``TYPE_CHECKING``.
- installed names (SG110, SG111) are checked for imports that run here: no guard, inside a
  function, or in a ``__main__`` block; never under ``try/except ImportError``, ``TYPE_CHECKING``
  (stub-only modules such as ``_typeshed`` exist for the type checker only) or a condition
  (the branch may be for another interpreter).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from smokegen.graph.hosts import hosted_modules
from smokegen.graph.imports import import_closure, import_time_graph
from smokegen.graph.index import HANDLED, MODULE_DUNDERS, ProjectIndex, Verdict, prefixes
from smokegen.model import Finding, GuardKind, ImportInfo, Location, ModuleInfo, ModuleKind, codes
from smokegen.project.deps import Dependencies, declaration_line, marker_applies
from smokegen.project.environment import Environment
from smokegen.scan.installed import Installed, Kind

_ELSEWHERE_OK = frozenset({GuardKind.VERSION, GuardKind.PLATFORM, GuardKind.TRY_OTHER})
_NAME_CHECK_SKIP = HANDLED | {
    GuardKind.TYPE_CHECKING,
    GuardKind.VERSION,
    GuardKind.PLATFORM,
    GuardKind.CONDITION,
    GuardKind.TRY_FALLBACK,
    GuardKind.TRY_ELSE,
}


# How SG106 says the import cannot work here at all (not only in an image built from the declared
# dependencies): a claim a passing fresh import refutes (a package that puts its _vendor on sys.path).
NOT_INSTALLED = "it is not installed in the target interpreter"


def _external_imports(index: ProjectIndex, env: Environment) -> Iterator[tuple[ModuleInfo, ImportInfo, str]]:
    """(module, import, top-level name) for every import of something outside the project and the stdlib."""
    for info in index.model.modules:
        for imp in info.imports:
            if not imp.resolved:
                continue
            top = imp.module.split(".", 1)[0]
            if not top or top == "__future__" or index.is_project(imp.module):
                continue
            yield info, imp, top


def _requires(lines: Iterable[str]) -> Iterator[str]:
    """The normalised names of what Requires-Dist ``lines`` install, extras aside."""
    for name, _ in _requires_with(lines, frozenset()):
        yield name


def _requires_with(lines: Iterable[str], extras: frozenset[str]) -> Iterator[tuple[str, frozenset[str]]]:
    """What Requires-Dist ``lines`` install when the distribution is installed with ``extras``: each
    requirement's normalised name, with the extras it asks of that one in turn."""
    for line in lines:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and "extra" in str(requirement.marker):
            # pulled in only with an extra of that distribution: one asked for here?
            if not any(_marker_holds(requirement, extra) for extra in extras):
                continue
        yield canonicalize_name(requirement.name), frozenset(canonicalize_name(e) for e in requirement.extras)


def _marker_holds(requirement: Requirement, extra: str) -> bool:
    assert requirement.marker is not None
    try:
        return bool(requirement.marker.evaluate({"extra": extra}))
    except Exception:  # a marker packaging cannot evaluate: not counted
        return False


def _required_by(env: Environment) -> dict[str, set[str]]:
    """Distribution -> the installed distributions that require it."""
    reverse: dict[str, set[str]] = {}
    for dist in env.distributions.values():
        for name in _requires(dist.requires):
            reverse.setdefault(name, set()).add(dist.name)
    return reverse


def host_provides(host: str, env: Environment) -> frozenset[str]:
    """The top-level names a plugin's host (a distribution) provides: its own and its requirements',
    as installed; its name's (and ``_name``, as ``_pytest``) when it is not installed here."""
    tops_of: dict[str, set[str]] = {}
    for top, dists in env.packages.items():
        for dist in dists:
            tops_of.setdefault(dist, set()).add(top)
    own = host.replace("-", "_")
    names = {own, "_" + own}
    todo: list[str] = [host]
    seen: set[str] = set()
    while todo:
        dist = todo.pop()
        if dist in seen:
            continue
        seen.add(dist)
        names |= tops_of.get(dist, set())
        found = env.distributions.get(dist)
        if found is not None:
            todo.extend(_requires(found.requires))
    return frozenset(names)


def host_tops(index: ProjectIndex, env: Environment) -> dict[str, frozenset[str]]:
    """Module -> the top-level names its plugins' hosts provide, for the modules only a hosted entry
    point loads (:func:`smokegen.graph.hosts.hosted_modules`)."""
    hosted = hosted_modules(index)
    provided = {host: host_provides(host, env) for host in sorted(set().union(*hosted.values()))} if hosted else {}
    return {module: frozenset().union(*(provided[h] for h in hosts)) for module, hosts in hosted.items()}


def _brought_by(
    env: Environment, roots: set[str], extras: Mapping[str, frozenset[str]] | None = None
) -> dict[str, str]:
    """Every installed distribution that the distributions ``roots`` require, transitively, with the
    root that brings it; with the extras asked of each (``extras`` for the roots: ``passlib[bcrypt]``
    brings bcrypt), not the others."""
    asked = extras or {}
    found: dict[str, str] = {}
    todo = [(root, root, asked.get(root, frozenset())) for root in sorted(roots)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, root, wanted = todo.pop(0)
        dist = env.distributions.get(name)
        if dist is None or (name, wanted) in seen:
            continue
        seen.add((name, wanted))
        for child, child_extras in _requires_with(dist.requires, wanted):
            if child not in roots and (child not in found or child_extras):
                found.setdefault(child, root)
                todo.append((child, root, child_extras))
    return found


def check_dependencies(
    index: ProjectIndex, installed: Installed, deps: Dependencies, root: Path, application: bool = False
) -> Iterator[Finding]:
    """SG106, SG107, SG108, SG112, SG114. In an ``application`` every module is loaded by something
    (a URLconf, a task queue, a WSGI server, a management command): none is an opt-in integration.
    One finding per file and distribution, at its first import there: the fix (declare it) is the
    same for every line (pydantic's mypy plugin imports mypy on 64 lines)."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in _dependency_findings(index, installed, deps, root, application):
        groups.setdefault((finding.location.path, finding.code, finding.message), []).append(finding)
    for same in groups.values():
        first, *rest = sorted(same, key=lambda f: (f.location.line, f.location.column))
        if rest:
            lines = ", ".join(str(f.location.line) for f in rest[:5]) + (", ..." if len(rest) > 5 else "")
            first = dataclasses.replace(first, message=f"{first.message} (imported here too at line {lines})")
        yield first


def _dependency_findings(
    index: ProjectIndex, installed: Installed, deps: Dependencies, root: Path, application: bool
) -> Iterator[Finding]:
    env = installed.env
    own = canonicalize_name(index.model.name) if index.model.name else None
    core = {m.name for m in index.model.modules} if application else core_modules(index)
    required = deps.required()
    brought: dict[str, str] | None = None
    declared = deps.any_declared()
    reverse: dict[str, set[str]] | None = None
    seen: set[tuple[str, int, str]] = set()  # one finding per distribution and line: `from x import a, b`
    hosts = host_tops(index, env)
    nested_packages = {m.name.rpartition(".")[2] for m in index.model.modules if m.kind is ModuleKind.PACKAGE}
    for info, imp, top in _external_imports(index, env):
        if top in env.stdlib or (imp.location.path, imp.location.line, top) in seen:
            continue
        if top in hosts.get(info.name, ()):
            continue  # a plugin importing its host (pytest in a pytest11 plugin): present whenever it runs
        seen.add((imp.location.path, imp.location.line, top))
        if not all(g.kind in _ELSEWHERE_OK for g in imp.guards):
            continue
        # A module that neither `import <package>`, an entry point nor a __main__ module pulls in is an
        # opt-in integration (urllib3.contrib.pyopenssl, pydantic.mypy, starlette's sessions
        # middleware): a missing or extra-only distribution there is its design, not a finding, and
        # an installed but undeclared one is a warning (SG112).
        opt_in = info.name not in core
        if _is_test_support(info.name) or _is_vendored(info.name):
            continue  # test support or another project's vendored code: not this project's dependencies
        dists = set(env.packages.get(top, ()))
        if own is not None and own in dists:
            continue  # the project itself, installed (editable or not): never its own dependency
        if not dists:
            elsewhere = any(g.kind in (GuardKind.VERSION, GuardKind.PLATFORM) for g in imp.guards)
            if not info.kind.imported and top in nested_packages:
                continue  # a script run with another folder on sys.path (Alembic's prepend_sys_path): its own code
            if (
                opt_in
                or elsewhere
                or top in env.hooked
                or installed.locate(top) is not None
                or canonicalize_name(top) in declared
            ):
                # an opt-in module; a branch for another interpreter (annotationlib on 3.14); importable
                # without metadata; or declared but not installed (SG108 says so)
                continue
            dev_files = sorted({d.file or deps.source for d in deps.dev if d.name == canonicalize_name(top)})
            only_dev = (
                f"; '{top}' is declared for development only ({', '.join(dev_files)}), which a production "
                "image leaves out"
                if dev_files
                else ""
            )
            yield codes.UNDECLARED_DEPENDENCY.at(
                imp.location,
                f"'{top}' is imported but no declared dependency provides it and {NOT_INSTALLED}: "
                f"ModuleNotFoundError{only_dev}; declare the distribution that provides it",
            )
            continue
        if dists & required:
            continue
        names = ", ".join(sorted(dists))
        if dists & declared:
            if opt_in:
                continue
            extras = sorted({d.extra or "" for d in deps.declared if d.name in dists and d.extra})
            yield codes.EXTRA_ONLY_DEPENDENCY.at(
                imp.location,
                f"'{top}' ({names}) is declared only in the extra{'s' if len(extras) > 1 else ''} "
                f"{', '.join(repr(e) for e in extras)} but imported unguarded: installs without the extra fail "
                "with ModuleNotFoundError; guard the import, move it into the function that needs it, "
                "or make the dependency required",
            )
            continue
        if brought is None:
            brought = _brought_by(env, required | ({own} if own else set()), deps.extras_asked())
        bringer = next((brought[d] for d in sorted(dists) if d in brought), None)
        if bringer is not None:
            yield codes.TRANSITIVE_DEPENDENCY.at(
                imp.location,
                f"'{top}' comes from {names}, which is not a declared dependency ({deps.source}); it works "
                f"because '{bringer}' depends on it: declare {names} if you import it",
            )
            continue
        if reverse is None:
            reverse = _required_by(env)
        via = sorted(set().union(*(reverse.get(d, set()) for d in dists)) & (declared | ({own} if own else set())))
        why = f"; it is installed only because {', '.join(repr(v) for v in via)} depends on it" if via else ""
        dev_only = sorted(dists & deps.dev_only())
        if dev_only:
            files = sorted({d.file or deps.source for d in deps.dev if d.name in dists})
            why += f"; it is declared for development only ({', '.join(files)}), which a production image leaves out"
        if opt_in:
            yield codes.OPT_IN_UNDECLARED.at(
                imp.location,
                f"'{top}' comes from {names}, which is not a declared dependency ({deps.source}){why}; "
                f"'{info.name}' is not imported by the package or its entry points, so it may be an opt-in "
                f"integration: declare {names} in an extra, or as a dependency if the module is always used",
            )
            continue
        yield codes.UNDECLARED_DEPENDENCY.at(
            imp.location,
            f"'{top}' comes from {names}, which is not a declared dependency ({deps.source}){why}: "
            f"an image built from the declared dependencies fails with ModuleNotFoundError; add {names} to the dependencies",
        )
    for dep in deps.declared:
        if dep.extra is not None or not marker_applies(dep.marker, env.markers):
            continue
        if dep.name == own or dep.name in env.distributions:
            continue
        line = declaration_line(root, dep)
        where = dep.file or ("pyproject.toml" if (root / "pyproject.toml").is_file() else "setup.cfg")
        yield codes.MISSING_DEPENDENCY.at(
            Location(where, line, 1),
            f"declared dependency '{dep.text}' is not installed in the target interpreter: its imports fail; "
            "install the project's dependencies, or pass --python for the project's interpreter",
        )


def _is_test_support(module: str) -> bool:
    """``mypy.test.helpers``, ``pkg.testing.fixtures``, ``pkg.tests.test_x``: code for test suites."""
    parts = module.split(".")
    leaf = parts[-1]
    return (
        any(p in ("test", "tests", "testing") for p in parts)
        or leaf.startswith("test_")
        or leaf.endswith("_test")
        or leaf == "conftest"
    )


def _is_vendored(module: str) -> bool:
    """``pip._vendor.rich``: third-party code copied into the package."""
    return any(
        p in ("_vendor", "vendor", "_vendored", "vendored", "extern", "_extern", "third_party")
        for p in module.split(".")
    )


def core_modules(index: ProjectIndex) -> set[str]:
    """Modules that run whenever the project is used as declared: on ``import <top-level package>``,
    through a declared entry point, or as a ``__main__`` module."""
    graph = import_time_graph(index)
    roots = {t for t in index.tops if t in index.modules}
    roots |= {e.module for e in index.model.entry_points if e.module in index.modules}
    roots |= {m.name for m in index.model.modules if not m.kind.imported}
    core: set[str] = set()
    for root in sorted(roots):
        if root not in core:
            core |= import_closure(root, graph)
    return core


def check_broad_guards(index: ProjectIndex, env: Environment) -> Iterator[Finding]:
    """SG109: one ``try/except ImportError`` around an optional third-party import and the project's own imports."""
    for info in index.model.modules:
        groups: dict[int, list[ImportInfo]] = {}
        for imp in info.imports:
            if imp.guards and imp.guards[-1].kind in HANDLED and imp.guards[-1].line:
                groups.setdefault(imp.guards[-1].line, []).append(imp)
        for line, imports in sorted(groups.items()):
            optional = [
                i
                for i in imports
                if not index.is_project(i.module)
                and i.module.split(".", 1)[0] not in env.stdlib
                and i.module.split(".", 1)[0] != "__future__"
            ]
            internal = [i for i in imports if i.resolved and index.is_project(i.module)]
            if not optional or not internal:
                continue
            first = internal[0]
            what = f"from {first.module} import {first.name}" if first.name else f"import {first.module}"
            yield codes.BROAD_IMPORT_GUARD.at(
                first.location,
                f"the 'except {imports[0].guards[-1].detail}' of the try at line {line} guards the optional import of "
                f"'{optional[0].module}' and also the project's own '{what}': if that breaks, it is silently "
                f"treated as a missing optional dependency; keep only the optional import inside the try",
            )


def _provides(installed: Installed, module: str, name: str, seen: frozenset[str] = frozenset()) -> Verdict:
    if name in MODULE_DUNDERS or module in seen:
        return Verdict.YES if name in MODULE_DUNDERS else Verdict.UNKNOWN
    located = installed.locate(module)
    if located is None or located.kind is Kind.OPAQUE:
        return Verdict.UNKNOWN
    if located.kind in (Kind.PACKAGE, Kind.NAMESPACE) and installed.locate(f"{module}.{name}") is not None:
        return Verdict.YES
    if located.kind is Kind.NAMESPACE:
        return Verdict.NO
    info = installed.info(module)
    if info is None or installed.opaque(module):
        return Verdict.UNKNOWN
    if name in info.bound_names():
        return Verdict.YES
    if info.all_names is not None and name in info.all_names:
        # exported, though not bound where the scanner sees (``global name`` in a function that runs
        # at import: SQLAlchemy's ``attribute_mapped_collection``): not proof it exists, nor of the opposite
        return Verdict.UNKNOWN
    verdict = Verdict.NO
    for imp in info.imports:
        if imp.name != "*" or any(g.kind in (GuardKind.TYPE_CHECKING, GuardKind.FUNCTION) for g in imp.guards):
            continue
        if not imp.resolved:
            return Verdict.UNKNOWN
        target = installed.info(imp.module)
        if target is not None and target.all_names is not None and not target.dynamic_all:
            if name not in target.all_names:
                continue
        elif name.startswith("_"):
            continue
        found = _provides(installed, imp.module, name, seen | {module})
        if found is Verdict.YES:
            return found
        if found is Verdict.UNKNOWN:
            verdict = found
    return verdict


def installed_modules_read(index: ProjectIndex, installed: Installed) -> list[str]:
    """The installed modules :func:`check_installed_names` reads first (those a star import leads to
    are read when found): to scan them all at once beforehand (:meth:`Installed.prefetch`)."""
    out: list[str] = []
    for _, imp, top in _external_imports(index, installed.env):
        if any(g.kind in _NAME_CHECK_SKIP for g in imp.guards) or top in installed.env.hooked:
            continue
        out += prefixes(imp.module)[:-1] if imp.name is None or imp.name == "*" else prefixes(imp.module)
    return out


def check_installed_names(index: ProjectIndex, installed: Installed) -> Iterator[Finding]:
    """SG110, SG111: names and submodules imported from installed packages exist there."""
    env = installed.env
    for _, imp, top in _external_imports(index, env):
        if any(g.kind in _NAME_CHECK_SKIP for g in imp.guards) or top in env.hooked:
            continue
        if installed.locate(top) is None:
            continue  # not importable from files: an import hook, or missing (the dependency checks say so)
        missing = None
        for prefix in prefixes(imp.module)[1:]:
            parent = prefix.rpartition(".")[0]
            located_parent = installed.locate(parent)
            if located_parent is None or located_parent.kind not in (Kind.PACKAGE, Kind.NAMESPACE):
                break  # a plain module or an extension with "submodules": sys.modules tricks, unknowable
            if located_parent.kind is Kind.PACKAGE and installed.opaque(parent):
                break
            if installed.locate(prefix) is None:
                missing = prefix
                break
        if missing is not None:
            parent, _, leaf = missing.rpartition(".")
            siblings = _siblings(installed, parent)
            close = difflib.get_close_matches(leaf, siblings, n=3, cutoff=0.6)
            hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
            yield codes.MISSING_EXTERNAL_MODULE.at(
                imp.location,
                f"no module named '{missing}' in the installed {_describe(env, top)}{hint}: ModuleNotFoundError; "
                "import it from its new place, or pin the dependency",
            )
            continue
        if imp.name is None or imp.name == "*":
            continue
        located = installed.locate(imp.module)
        if located is None:
            continue
        if _provides(installed, imp.module, imp.name) is not Verdict.NO:
            continue
        info = installed.info(imp.module)
        pool = sorted(info.bound_names() if info is not None else set())
        close = difflib.get_close_matches(imp.name, [n for n in pool if not n.startswith("_")], n=3, cutoff=0.6)
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        yield codes.MISSING_EXTERNAL_NAME.at(
            imp.location,
            f"cannot import name '{imp.name}' from '{imp.module}' (the installed {_describe(env, top)}){hint}: "
            "a release removed or renamed it; use the new name, or pin the dependency",
        )


LOOKUPS_AT_MOST = 40  # names looked up for modules that fail before their line: one fresh child each


def unresolved_installed_names(index: ProjectIndex, installed: Installed, modules: set[str]) -> list[ImportInfo]:
    """The ``from pkg import name`` of installed packages, in the project modules ``modules`` (their
    import failed before it could run every line), that the static check left to the run (the
    package's module-level ``__getattr__``, a star import from elsewhere): the run never reached
    them, so each is looked up on its own. Unguarded ones only, the first few."""
    env = installed.env
    found: list[ImportInfo] = []
    seen: set[tuple[str, str]] = set()
    for info, imp, top in _external_imports(index, env):
        if info.name not in modules or imp.name is None or imp.name == "*" or (imp.module, imp.name) in seen:
            continue
        if imp.guards or top in env.hooked or installed.locate(imp.module) is None:
            continue
        if _provides(installed, imp.module, imp.name) is Verdict.UNKNOWN:
            seen.add((imp.module, imp.name))
            found.append(imp)
            if len(found) == LOOKUPS_AT_MOST:
                break
    return found


def unresolved_name_findings(
    imports: Iterable[ImportInfo], absent: Callable[[str], bool], env: Environment, static: Iterable[Finding] = ()
) -> Iterator[Finding]:
    """SG110 for each of :func:`unresolved_installed_names` that the package, really imported, does not
    have (``absent("pkg:name")``): itsdangerous 2.1 dropped ``json``, which Flask 1.1's
    ``flask.json`` imports, a line its run never reached when ``import flask`` failed first."""
    taken = {(f.location.path, f.location.line) for f in static}
    for imp in imports:
        if (
            imp.name is None
            or (imp.location.path, imp.location.line) in taken
            or not absent(f"{imp.module}:{imp.name}")
        ):
            continue
        top = imp.module.partition(".")[0]
        yield codes.MISSING_EXTERNAL_NAME.at(
            imp.location,
            f"cannot import name '{imp.name}' from '{imp.module}' (the installed {_describe(env, top)}, imported "
            "in a fresh interpreter): a release removed or renamed it; use the new name, or pin the dependency",
        )


def _describe(env: Environment, top: str) -> str:
    if top in env.stdlib:
        return f"standard library of Python {env.version[0]}.{env.version[1]}"
    dists = env.packages.get(top, ())
    if not dists:
        return f"'{top}'"
    return ", ".join(f"{d} {env.distributions[d].version}" if d in env.distributions else d for d in dists)


def _siblings(installed: Installed, parent: str) -> list[str]:
    located = installed.locate(parent)
    names: set[str] = set()
    for folder in located.portions if located is not None else ():
        try:
            for entry in folder.iterdir():
                stem = entry.name.split(".", 1)[0]
                if stem.isidentifier() and (entry.is_dir() or entry.suffix in (".py", ".so", ".pyd")):
                    names.add(stem)
        except OSError:
            continue
    names.discard("__init__")
    return sorted(names)
