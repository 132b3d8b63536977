"""Static checks of the project's own imports: missing names and modules, failing cycles, import order.

Pure: ProjectModel in, findings out. How each guard is treated:

- ``try/except ImportError`` (or a broader ``except``): a failure there is handled, not a
  production failure; not reported.
- ``if TYPE_CHECKING:``: still checked, under its own code (SG105), since a stale name breaks the
  type check and misleads readers; names the target binds under TYPE_CHECKING count.
- inside a function: checked; the finding says it fails when the function is first called.
- ``if sys.version_info``/``sys.platform``/other conditions and ``__main__`` blocks: checked
  (the project's own modules do not change with the condition).
- cycles and import order consider only imports that run on every import of the module.
"""

from __future__ import annotations

import functools

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from smokegen.model import codes
from smokegen.util.deepstack import on_deep_stack
from smokegen.model import EntryPoint, Finding, GuardKind, ImportInfo, Location, ModuleInfo, ProjectModel

# Attributes every module has, whatever it binds.
MODULE_DUNDERS = frozenset(
    {"__name__", "__doc__", "__file__", "__spec__", "__loader__", "__package__", "__path__", "__builtins__",
     "__cached__", "__dict__", "__annotations__"}
)  # fmt: skip
HANDLED = frozenset({GuardKind.TRY_IMPORT_ERROR, GuardKind.TRY_BROAD})
NOT_ON_IMPORT = frozenset({GuardKind.FUNCTION, GuardKind.TYPE_CHECKING, GuardKind.MAIN_BLOCK})


class Verdict(Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"  # dynamic module: left to the runtime check, never guessed


def runs_on_every_import(imp: ImportInfo) -> bool:
    """True when the import runs whenever its module is imported and a failure is not caught."""
    return all(g.kind is GuardKind.TRY_OTHER for g in imp.guards)


def may_run_on_import(imp: ImportInfo) -> bool:
    return not any(g.kind in NOT_ON_IMPORT for g in imp.guards)


@functools.lru_cache(maxsize=65536)
def prefixes(dotted: str) -> tuple[str, ...]:
    """``a``, ``a.b``, ``a.b.c`` for ``a.b.c`` (cached: the cycle simulation asks again and again)."""
    parts = dotted.split(".")
    return tuple(".".join(parts[: i + 1]) for i in range(len(parts)))


@dataclass
class ProjectIndex:
    """Lookups over the model: which dotted names exist, what they bind, who defines what."""

    model: ProjectModel
    modules: dict[str, ModuleInfo] = field(init=False)
    failed: frozenset[str] = field(init=False)
    namespaces: frozenset[str] = field(init=False)
    stubs: frozenset[str] = field(init=False)
    excluded_roots: frozenset[str] = field(init=False)
    tops: frozenset[str] = field(init=False)
    children: dict[str, set[str]] = field(init=False)
    definers: dict[str, list[str]] = field(init=False)
    # import_graph's results by predicate: several checks walk the same graph.
    graphs: dict[Callable[[ImportInfo], bool], dict[str, set[str]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        model = self.model
        self.modules = {m.name: m for m in model.modules}
        # Modules whose contents cannot be read: they do not parse, or are compiled extensions with
        # no source beside them (mypyc-compiled modules keep theirs: it says what the binary does).
        self.failed = frozenset(f.name for f in model.failures) | (frozenset(model.extension_modules) - set(self.modules))
        self.namespaces = frozenset(model.namespace_packages)
        self.stubs = frozenset(model.stub_modules)
        self.excluded_roots = frozenset(model.excluded_modules)
        every = set(self.modules) | self.failed | self.namespaces
        self.tops = frozenset(n.split(".", 1)[0] for n in every)
        self.children = {}
        for name in every:
            parent, _, child = name.rpartition(".")
            if parent:
                self.children.setdefault(parent, set()).add(child)
        self.definers = {}
        for info in model.modules:
            for binding in info.bindings:
                if binding.kind.value in ("class", "function") and not binding.type_only:
                    self.definers.setdefault(binding.name, []).append(info.name)

    def is_project(self, dotted: str) -> bool:
        return dotted.split(".", 1)[0] in self.tops

    def excluded(self, dotted: str) -> bool:
        """Left out of the scan by ``exclude``/``test_patterns``: it exists, its contents are unknown."""
        if not self.excluded_roots:
            return False
        return any(prefix in self.excluded_roots for prefix in prefixes(dotted))

    def exists(self, dotted: str) -> bool:
        return dotted in self.modules or dotted in self.failed or dotted in self.namespaces or self.excluded(dotted)

    def dynamic(self, dotted: str) -> bool:
        """Its contents cannot be known statically (does not parse, __getattr__, globals() writes)."""
        if dotted in self.failed or self.excluded(dotted):
            return True
        info = self.modules.get(dotted)
        return info is not None and (info.has_getattr or info.dynamic_globals)

    def provides(self, module: str, name: str, *, type_only: bool = False, seen: frozenset[str] = frozenset()) -> Verdict:
        """Does ``from module import name`` find ``name``?"""
        if self.exists(f"{module}.{name}") or name in MODULE_DUNDERS:
            return Verdict.YES
        if module in self.namespaces and module not in self.modules:
            return Verdict.NO
        info = self.modules.get(module)
        if info is not None and any(b.name == name and (type_only or not b.type_only) for b in info.bindings):
            return Verdict.YES
        if self.dynamic(module) or module in seen or info is None:
            return Verdict.UNKNOWN
        verdict = Verdict.NO
        for imp in info.imports:
            if imp.name != "*" or (not type_only and not may_run_on_import(imp)):
                continue
            if not self.is_project(imp.module):
                return Verdict.UNKNOWN  # a star import from outside: not followed
            target = self.modules.get(imp.module)
            if target is not None and target.all_names is not None and not target.dynamic_all:
                if name not in target.all_names:
                    continue
            elif name.startswith("_"):
                continue
            found = self.provides(imp.module, name, type_only=type_only, seen=seen | {module})
            if found is Verdict.YES:
                return found
            if found is Verdict.UNKNOWN:
                verdict = found
        return verdict

    def candidates(self, module: str) -> set[str]:
        names = set(self.children.get(module, ()))
        info = self.modules.get(module)
        if info is not None:
            names |= {b.name for b in info.bindings}
            names |= set(info.all_names or ())
        return names

    def suggest(self, module: str, name: str, *, exclude_module: bool = True) -> str:
        """`` (did you mean 'X'?)`` / `` ('X' is defined in 'pkg.other')``, or nothing."""
        pool = sorted(self.candidates(module) - {name})
        close = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
        # A renamed name often keeps the old one inside it: UserRecord -> User, X -> BaseX.
        close += [c for c in pool if c not in close and min(len(c), len(name)) >= 4 and (c in name or name in c)]
        close = close[:3]
        if close:
            return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
        elsewhere = [m for m in self.definers.get(name, []) if not (exclude_module and m == module)]
        if elsewhere:
            return f" ('{name}' is defined in " + ", ".join(f"'{m}'" for m in sorted(elsewhere)[:3]) + ")"
        return ""

    def first_missing(self, dotted: str) -> str | None:
        """The first dotted prefix of a project module path that does not exist, or None."""
        for prefix in prefixes(dotted):
            if self.exists(prefix):
                continue
            parent = prefix.rpartition(".")[0]
            parent_info = self.modules.get(parent)
            if parent and (self.dynamic(parent) or (parent_info is not None and parent_info.extends_path)):
                return None  # the parent makes up its submodules at run time
            if parent and parent_info is not None and parent_info.kind.value == "module":
                return None  # a plain module with "submodules": only sys.modules tricks do that
            return prefix
        return None


def _finding(code: codes.Code, location: Location, message: str) -> Finding:
    return Finding(location, code.code, message, code.severity)


def _context(imp: ImportInfo) -> str:
    functions = [g.detail for g in imp.guards if g.kind is GuardKind.FUNCTION]
    if functions:
        return f"; it fails when '{functions[-1]}' is first called"
    if any(g.kind is GuardKind.MAIN_BLOCK for g in imp.guards):
        return "; it fails when the module is run as a script"
    return ""


def check_project_imports(index: ProjectIndex) -> Iterator[Finding]:
    """SG101, SG102, SG105: every import of the project's own modules resolves."""
    for info in index.model.modules:
        for imp in info.imports:
            if not imp.resolved or not index.is_project(imp.module):
                continue
            kinds = {g.kind for g in imp.guards}
            if kinds & HANDLED:
                continue
            type_only = GuardKind.TYPE_CHECKING in kinds
            if type_only and any(p in index.stubs for p in prefixes(imp.module)):
                continue  # the type checker reads the .pyi stub, which smokegen does not scan
            missing = index.first_missing(imp.module)
            if missing is not None:
                parent, _, leaf = missing.rpartition(".")
                hint = index.suggest(parent, leaf) if parent else ""
                if type_only:
                    yield _finding(
                        codes.STALE_TYPE_CHECKING,
                        imp.location,
                        f"stale TYPE_CHECKING import: no module named '{missing}'{hint}; "
                        "type checking fails and readers are misled",
                    )
                else:
                    yield _finding(codes.MISSING_MODULE, imp.location, f"no module named '{missing}'{hint}{_context(imp)}")
                continue
            if imp.name is None or imp.name == "*":
                continue
            if index.provides(imp.module, imp.name, type_only=type_only) is not Verdict.NO:
                continue
            target = index.modules.get(imp.module)
            where = f" ({target.path})" if target is not None else " (namespace package)"
            hint = index.suggest(imp.module, imp.name)
            if type_only:
                yield _finding(
                    codes.STALE_TYPE_CHECKING,
                    imp.location,
                    f"stale TYPE_CHECKING import: cannot import name '{imp.name}' from '{imp.module}'{where}{hint}; "
                    "type checking fails and readers are misled",
                )
            else:
                yield _finding(
                    codes.MISSING_NAME,
                    imp.location,
                    f"cannot import name '{imp.name}' from '{imp.module}'{where}{hint}{_context(imp)}",
                )


# --- import-time cycles -------------------------------------------------------------------


@dataclass
class _Frame:
    module: str
    line: int = 0  # the import statement the module is paused at


def _import_steps(index: ProjectIndex, imp: ImportInfo) -> Iterator[tuple[str, str | None]]:
    """(module to import, name to take from it) in the order Python performs them."""
    for prefix in prefixes(imp.module):
        yield prefix, None
    if imp.name is not None and imp.name != "*":
        yield imp.module, imp.name


class _CycleSimulator:
    """Replays a fresh ``import entry`` over the static model, looking for a ``from X import n``
    that runs while X is only partly initialised and has not bound ``n`` yet."""

    def __init__(self, index: ProjectIndex, members: frozenset[str]) -> None:
        self.index = index
        self.members = members
        self._steps: dict[str, list[tuple[ImportInfo, list[tuple[str, str | None]]]]] = {}

    def _plan(self, info: ModuleInfo) -> list[tuple[ImportInfo, list[tuple[str, str | None]]]]:
        """The module's imports that run on every import, in source order, each with its steps: a
        module to load (name None) or a name to take from a module (computed once per module)."""
        found = self._steps.get(info.name)
        if found is None:
            found = []
            for imp in sorted((i for i in info.imports if runs_on_every_import(i)), key=lambda i: i.location):
                steps: list[tuple[str, str | None]] = []
                for target, name in _import_steps(self.index, imp):
                    if name is not None and self.index.exists(f"{target}.{name}"):
                        target, name = f"{target}.{name}", None  # a submodule: loaded, not taken
                    steps.append((target, name))
                found.append((imp, steps))
            self._steps[info.name] = found
        return found

    def run(self, entry: str) -> tuple[ImportInfo, str, list[_Frame], str] | None:
        self.done: set[str] = set()
        self.stack: list[_Frame] = []
        self.partial: dict[str, _Frame] = {}  # the modules on the stack
        return self._load(entry)

    def _load(self, module: str) -> tuple[ImportInfo, str, list[_Frame], str] | None:
        if module in self.done or module in self.partial:
            return None
        for parent in prefixes(module)[:-1]:  # Python runs the parent packages first
            failure = self._load(parent)
            if failure is not None:
                return failure
        if module in self.done or module in self.partial:
            return None  # a parent imported it
        info = self.index.modules.get(module)
        if info is None or module not in self.members:
            self.done.add(module)  # outside the cycle: completes without touching it
            return None
        frame = _Frame(module)
        self.stack.append(frame)
        self.partial[module] = frame
        for imp, steps in self._plan(info):
            frame.line = imp.location.line
            for target, name in steps:
                if name is None:
                    failure = self._load(target) if target not in self.done else None
                else:
                    failure = self._take(imp, target, name)
                if failure is not None:
                    return failure
        self.stack.pop()
        del self.partial[module]
        self.done.add(module)
        return None

    def _take(self, imp: ImportInfo, target: str, name: str) -> tuple[ImportInfo, str, list[_Frame], str] | None:
        partial = self.partial.get(target)
        if partial is None:
            return None
        info = self.index.modules.get(target)
        if info is None or self.index.dynamic(target):
            return None
        if any(i.name == "*" and i.location.line < partial.line for i in info.imports):
            return None  # a star import before the pause may provide it
        binding = next((b for b in info.bindings if b.name == name and not b.type_only), None)
        if binding is not None and binding.location.line < partial.line:
            return None
        where = f"'{name}' is bound at line {binding.location.line}" if binding else f"'{target}' never binds '{name}'"
        chain = self.stack[self.stack.index(partial) :]
        return imp, target, [_Frame(f.module, f.line) for f in chain], where


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (import graphs of big projects are deep)."""
    counter = 0
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def import_graph(index: ProjectIndex, include: Callable[[ImportInfo], bool]) -> dict[str, set[str]]:
    """Project module -> the project modules (and namespace packages) its imports accepted by
    ``include`` load, parents included, as Python loads them. Computed once per index and predicate:
    do not change the result."""
    known = index.graphs.get(include)
    if known is not None:
        return known
    graph: dict[str, set[str]] = {}
    for info in index.model.modules:
        edges: set[str] = set()
        for imp in info.imports:
            if not imp.resolved or not include(imp) or not index.is_project(imp.module):
                continue
            for target, name in _import_steps(index, imp):
                module = f"{target}.{name}" if name is not None and index.exists(f"{target}.{name}") else target
                if index.exists(module) and module != info.name:
                    edges.add(module)
        graph[info.name] = edges
    index.graphs[include] = graph
    return graph


def import_time_graph(index: ProjectIndex) -> dict[str, set[str]]:
    """The imports that run on every import of a module, a failure uncaught."""
    return import_graph(index, runs_on_every_import)


def check_cycles(index: ProjectIndex) -> Iterator[Finding]:
    """SG103: cycles that fail when some module of the cycle is imported first."""
    graph = import_time_graph(index)
    reported: set[tuple[Location, str]] = set()
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        simulator = _CycleSimulator(index, frozenset(component))
        for entry in sorted(component):
            try:
                failure = simulator.run(entry)
            except RecursionError:  # a very long chain: replay it on a deep stack
                failure = on_deep_stack(lambda: simulator.run(entry))
            if failure is None:
                continue
            imp, target, chain, where = failure
            key = (imp.location, imp.name or "")
            if key in reported:
                continue
            reported.add(key)
            path = " -> ".join(f"{f.module}:{f.line}" for f in chain) + f" -> {target}"
            yield _finding(
                codes.IMPORT_CYCLE,
                imp.location,
                f"circular import: 'from {target} import {imp.name}' runs while '{target}' is only partly "
                f"initialised ({where}): {path}; `import {entry}` fails with ImportError. "
                "Move the import into the function that needs it, or under TYPE_CHECKING if it is only for types",
            )


# --- submodules reached only by import order ----------------------------------------------------


def reaching(targets: Iterable[str], graph: Mapping[str, Iterable[str]]) -> set[str]:
    """``targets`` and every module of ``graph`` that reaches one of them, transitively: their importers."""
    importers: dict[str, set[str]] = {}
    for source, edges in graph.items():
        for target in edges:
            importers.setdefault(target, set()).add(source)
    seen = set(targets)
    todo = list(seen)
    while todo:
        for importer in importers.get(todo.pop(), ()):
            if importer not in seen:
                seen.add(importer)
                todo.append(importer)
    return seen


def import_closure(start: str, graph: dict[str, set[str]]) -> set[str]:
    """``start``, its parent packages, and everything they import, transitively, in ``graph``."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        for name in prefixes(module):
            if name not in seen:
                seen.add(name)
                todo.extend(graph.get(name, ()))
    return seen


def check_import_order(index: ProjectIndex) -> Iterator[Finding]:
    """SG104: ``import pkg`` then ``pkg.sub.x`` at import time, with ``pkg.sub`` imported by nobody in the chain."""
    graph: dict[str, set[str]] | None = None
    for info in index.model.modules:
        if not info.attribute_uses:
            continue
        if graph is None:
            graph = import_graph(index, may_run_on_import)
        closure = import_closure(info.name, graph)
        roots: dict[str, str] = {}
        for imp in info.imports:
            if imp.name is None and may_run_on_import(imp) and imp.bound_name and index.is_project(imp.module):
                roots.setdefault(imp.bound_name, imp.module if imp.alias else imp.bound_name)
        for use in info.attribute_uses:
            root, *rest = use.chain.split(".")
            current = roots.get(root)
            if current is None:
                continue
            for part in rest:
                module_info = index.modules.get(current)
                if module_info is None or index.dynamic(current):
                    break
                if part in module_info.bound_names():
                    break
                candidate = f"{current}.{part}"
                if not index.exists(candidate):
                    break
                if candidate not in closure:
                    yield _finding(
                        codes.IMPORT_ORDER,
                        use.location,
                        f"'{use.chain}' needs '{candidate}', which nothing imported by '{info.name}' imports: "
                        f"it works only if another module imported '{candidate}' first (AttributeError otherwise); "
                        f"add 'import {candidate}'",
                    )
                    break
                current = candidate


def check_entry_points(index: ProjectIndex, locations: Mapping[EntryPoint, Location]) -> Iterator[Finding]:
    """SG113: a declared entry point names a project module or attribute that does not exist."""
    for point in index.model.entry_points:
        module = point.module
        if not index.is_project(module) or point not in locations:
            continue
        attr = point.value.partition(":")[2].split("[", 1)[0].strip()
        missing = index.first_missing(module)
        if missing is not None:
            problem = f"no module named '{missing}'"
        elif attr and index.provides(module, attr.split(".")[0]) is Verdict.NO:
            first = attr.split(".")[0]
            problem = f"module '{module}' has no attribute '{first}'{index.suggest(module, first)}"
        else:
            continue
        kind = {"console_scripts": "console script", "gui_scripts": "GUI script"}.get(point.group, point.group)
        yield _finding(
            codes.BROKEN_ENTRY_POINT_STATIC,
            locations[point],
            f"{kind} '{point.name}' = '{point.value}': {problem}; the installed command fails on every run",
        )


def check_project(model: ProjectModel, index: ProjectIndex | None = None) -> list[Finding]:
    """Every static check of the project's own imports."""
    index = index or ProjectIndex(model)
    found: list[Finding] = []
    for check in (check_project_imports, check_cycles, check_import_order):
        found.extend(check(index))
    return found

