"""Which modules the project's tests import, decided statically: the test files are scanned like any
file (through the scan cache), and a module counts as tested when a test imports it, a submodule of
it, or names it in ``from package import module``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from smokegen.model import ModuleInfo, ModuleKind, ProjectModel, SourceFile
from smokegen.scan.cache import ScanCache
from smokegen.scan.loader import scan_files


def imported_by_tests(root: Path, files: Iterable[str], cache: ScanCache | None = None) -> set[str]:
    """Every dotted name the test files import (``a.b`` and, for ``from a.b import c``, ``a.b.c``);
    the files are scanned through the scan cache like any other."""
    names: set[str] = set()
    sources = [SourceFile(rel[: -len(".py")].replace("/", "."), rel, ModuleKind.MODULE) for rel in files]
    results, _ = scan_files(root, sources, cache or ScanCache(None))
    for result in results:
        if not isinstance(result, ModuleInfo):
            continue
        for imp in result.imports:
            names.add(imp.module)
            if imp.name not in (None, "*"):
                names.add(f"{imp.module}.{imp.name}")
    return names


def untested_modules(model: ProjectModel, imported: set[str]) -> list[str]:
    """Project modules no test imports (a module counts as imported when a submodule of it is)."""
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
