"""The project's tests, statically: the test files scanned like any file (through the scan cache),
under the names pytest imports them by; and which modules no test reaches
(:mod:`smokegen.graph.reach` says which they do)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from smokegen.model import ModuleInfo, ModuleKind, ProjectModel, SourceFile
from smokegen.project.testsuite import pytest_module_name
from smokegen.scan.cache import ScanCache
from smokegen.scan.loader import scan_files


@dataclass(frozen=True, slots=True)
class ScannedTests:
    """The test files that scanned, named as pytest imports them (``test_x`` for ``tests/test_x.py``
    when ``tests/`` has no ``__init__.py``), and ``local``: the top-level names pytest makes
    importable for them from the folders it puts on ``sys.path`` (``helpers`` for
    ``tests/helpers.py``, ``conftest``), which are the tests' own, not the project's."""

    modules: tuple[ModuleInfo, ...]
    local: frozenset[str]


def scan_tests(root: Path, files: Iterable[str], cache: ScanCache | None = None) -> ScannedTests:
    """The test files ``files`` (relative to ``root``) scanned; one that does not scan is left out."""
    sources: list[SourceFile] = []
    local: set[str] = set()
    for rel in files:
        name, folder = pytest_module_name(root, rel)
        kind = ModuleKind.PACKAGE if rel.endswith("/__init__.py") or rel == "__init__.py" else ModuleKind.MODULE
        sources.append(SourceFile(name, rel, kind))
        if folder != ".":  # the root is on sys.path for the project's own modules too
            local.add(name.split(".", 1)[0])
    results, _ = scan_files(root, sources, cache or ScanCache(None))
    return ScannedTests(tuple(r for r in results if isinstance(r, ModuleInfo)), frozenset(local))


def untested_modules(model: ProjectModel, imported: set[str]) -> list[str]:
    """Project modules not in ``imported`` (what the tests reach; a module counts as imported when a
    submodule of it is)."""
    covered: set[str] = set()
    for name in imported:
        parts = name.split(".")
        covered.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return sorted(
        m.name
        for m in model.modules
        if m.kind.imported
        and m.name not in covered
        and all(part.isidentifier() for part in m.name.split("."))  # loaded by name: a framework's, not a test's
    )
