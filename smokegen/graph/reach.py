"""What the project's tests reach, statically: the project modules their imports load, the modules a
framework loads for them, the modules a ``mock.patch`` target names (``mock.patch("app.db.connect")``
imports ``app.db``), and everything those import in turn, transitively, packages included. An
import inside a function counts (a test calling the function runs it); one under ``if
TYPE_CHECKING:`` does not. Pure: the index and the entry points in, module names out."""

from __future__ import annotations

from collections.abc import Iterable

from smokegen.graph.imports import import_graph
from smokegen.graph.index import ProjectIndex, prefixes
from smokegen.model import GuardKind, ImportInfo, ModuleInfo


def loads_when_used(imp: ImportInfo) -> bool:
    """The import runs when its module is imported or its function called: all but TYPE_CHECKING ones."""
    return not any(g.kind is GuardKind.TYPE_CHECKING for g in imp.guards)


def named_modules(index: ProjectIndex, names: Iterable[str]) -> set[str]:
    """The project module each dotted name loads: its longest prefix that is a module (``app.db.connect``
    -> ``app.db``; ``pkg.sub`` for a submodule named in ``from pkg import sub``)."""
    found: set[str] = set()
    for name in names:
        if not index.is_project(name):
            continue
        for prefix in reversed(prefixes(name)):
            if prefix in index.modules or prefix in index.failed or prefix in index.namespaces:
                found.add(prefix)
                break
    return found


def imported_names(tests: Iterable[ModuleInfo]) -> set[str]:
    """The dotted names the test files' imports name (``a.b`` and ``a.b.c`` for ``from a.b import c``)."""
    names: set[str] = set()
    for info in tests:
        for imp in info.imports:
            if imp.resolved and loads_when_used(imp):
                names.add(imp.module if imp.name in (None, "*") else f"{imp.module}.{imp.name}")
    return names


def reached_by_tests(index: ProjectIndex, tests: Iterable[ModuleInfo], loaded: Iterable[str] = ()) -> frozenset[str]:
    """Every project module the tests reach: from the test files' imports (``tests``) and ``loaded``
    (dotted names a framework loads for them, or patch targets), transitively."""
    graph = import_graph(index, loads_when_used)
    reached: set[str] = set()
    todo = sorted(named_modules(index, imported_names(tests) | set(loaded)))
    while todo:
        for name in prefixes(todo.pop()):
            if name not in reached:
                reached.add(name)
                todo.extend(graph.get(name, ()))
    return frozenset(reached)
