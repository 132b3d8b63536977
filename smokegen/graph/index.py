"""Lookups over the project model: which dotted names exist, what they bind, who defines what;
which imports run when a module is imported. Pure queries: no findings are made here."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from smokegen.model import GuardKind, ImportInfo, ModuleInfo, ModuleKind, ProjectModel

# Attributes every module has, whatever it binds.
MODULE_DUNDERS = frozenset(
    {
        "__name__",
        "__doc__",
        "__file__",
        "__spec__",
        "__loader__",
        "__package__",
        "__path__",
        "__builtins__",
        "__cached__",
        "__dict__",
        "__annotations__",
    }
)
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
        self.failed = frozenset(f.name for f in model.failures) | (
            frozenset(model.extension_modules) - set(self.modules)
        )
        self.namespaces = frozenset(model.namespace_packages)
        self.stubs = frozenset(model.stub_modules)
        self.excluded_roots = frozenset(model.excluded_modules)
        every = set(self.modules) | self.failed | self.namespaces
        # A top-level folder of scripts only (Alembic's, run by the tool) does not claim its name:
        # `from alembic import context` in alembic/env.py is the library's.
        scripts = {n.split(".", 1)[0] for n, m in self.modules.items() if m.kind is ModuleKind.SCRIPT}
        scripts -= {n.split(".", 1)[0] for n, m in self.modules.items() if m.kind is not ModuleKind.SCRIPT}
        scripts -= {n.split(".", 1)[0] for n in self.failed}
        self.tops = frozenset(n.split(".", 1)[0] for n in every) - scripts
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

    def provides(
        self, module: str, name: str, *, type_only: bool = False, seen: frozenset[str] = frozenset()
    ) -> Verdict:
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
