"""SG104: ``import pkg`` then ``pkg.sub.x`` at import time, with ``pkg.sub`` imported by nobody in
the chain: it works only when another module happened to import ``pkg.sub`` first."""

from __future__ import annotations

from collections.abc import Iterator

from smokegen.graph.imports import import_closure, import_graph
from smokegen.graph.index import ProjectIndex, may_run_on_import
from smokegen.model import Finding, codes


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
                    yield codes.IMPORT_ORDER.at(
                        use.location,
                        f"'{use.chain}' needs '{candidate}', which nothing imported by '{info.name}' imports: "
                        f"it works only if another module imported '{candidate}' first (AttributeError otherwise); "
                        f"add 'import {candidate}'",
                    )
                    break
                current = candidate
