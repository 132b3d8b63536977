"""SG103: import cycles that fail when some module of the cycle is imported first (where: the
replay in :mod:`smokegen.graph.cycles`)."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from smokegen.graph.cycles import CycleReplay
from smokegen.graph.imports import import_time_graph, strongly_connected
from smokegen.graph.index import ProjectIndex
from smokegen.model import Finding, Location, codes
from smokegen.util.deepstack import on_deep_stack


def check_cycles(index: ProjectIndex) -> Iterator[Finding]:
    """SG103: cycles that fail when some module of the cycle is imported first."""
    graph = import_time_graph(index)
    reported: set[tuple[Location, str]] = set()
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        simulator = CycleReplay(index, frozenset(component))
        for entry in sorted(component):
            try:
                failure = simulator.run(entry)
            except RecursionError:  # a very long chain: replay it on a deep stack
                failure = on_deep_stack(functools.partial(simulator.run, entry))
            if failure is None:
                continue
            imp, target, chain = failure.import_, failure.target, failure.chain
            if failure.bound_at is not None:
                where = f"'{imp.name}' is bound at line {failure.bound_at}"
            else:
                where = f"'{target}' never binds '{imp.name}'"
            key = (imp.location, imp.name or "")
            if key in reported:
                continue
            reported.add(key)
            path = " -> ".join(f"{f.module}:{f.line}" for f in chain) + f" -> {target}"
            yield codes.IMPORT_CYCLE.at(
                imp.location,
                f"circular import: 'from {target} import {imp.name}' runs while '{target}' is only partly "
                f"initialised ({where}): {path}; `import {entry}` fails with ImportError. "
                "Move the import into the function that needs it, or under TYPE_CHECKING if it is only for types",
            )
