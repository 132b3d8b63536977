"""Which modules a change can break: the changed modules, and every project module that imports one
of them, transitively, through imports that run when a module is imported (any import outside a
function or a ``TYPE_CHECKING`` block, guarded or not); a package's submodules import it too. Pure: the model and the changed paths in.

This is what the fast pre-commit hook checks: a staged edit to ``app/db.py`` re-checks ``app.db``
and whatever imports it, not the whole project. A changed ``pyproject.toml`` (dependencies,
entry points, configuration) or ``setup.cfg`` / ``setup.py`` affects every module.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from smokegen.graph.imports import import_graph, reaching
from smokegen.graph.index import ProjectIndex
from smokegen.model import GuardKind, ImportInfo, ProjectModel

PROJECT_FILES = frozenset({"pyproject.toml", "setup.cfg", "setup.py"})


def _runs_when_imported(imp: ImportInfo) -> bool:
    return not any(g.kind in (GuardKind.FUNCTION, GuardKind.TYPE_CHECKING, GuardKind.MAIN_BLOCK) for g in imp.guards)


def affected_modules(model: ProjectModel, changed: Iterable[str]) -> set[str]:
    """Module names affected by the changed files (POSIX paths relative to the project root)."""
    paths = {PurePosixPath(p).as_posix().removeprefix("./") for p in changed}
    every = {m.name for m in model.modules} | {f.name for f in model.failures}
    if paths & PROJECT_FILES:
        return every
    by_path = {m.path: m.name for m in model.modules} | {f.path: f.name for f in model.failures}
    start = {by_path[p] for p in paths if p in by_path}
    graph = {name: set(edges) for name, edges in import_graph(ProjectIndex(model), _runs_when_imported).items()}
    for module in every:  # importing a submodule runs its package's __init__ first
        parent = module.rpartition(".")[0]
        if parent:
            graph.setdefault(module, set()).add(parent)
    return reaching(start, graph)
