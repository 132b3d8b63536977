"""Import graphs over the project model: who imports whom, strongly connected components (import
cycles), closures and importers. Pure queries: no findings are made here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from smokegen.graph.index import ProjectIndex, prefixes, runs_on_every_import
from smokegen.model import ImportInfo


def import_steps(imp: ImportInfo) -> Iterator[tuple[str, str | None]]:
    """(module to import, name to take from it) in the order Python performs them."""
    for prefix in prefixes(imp.module):
        yield prefix, None
    if imp.name is not None and imp.name != "*":
        yield imp.module, imp.name


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
            for target, name in import_steps(imp):
                module = f"{target}.{name}" if name is not None and index.exists(f"{target}.{name}") else target
                if index.exists(module) and module != info.name:
                    edges.add(module)
        graph[info.name] = edges
    index.graphs[include] = graph
    return graph


def import_time_graph(index: ProjectIndex) -> dict[str, set[str]]:
    """The imports that run on every import of a module, a failure uncaught."""
    return import_graph(index, runs_on_every_import)


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
