"""SG101, SG102, SG105: every import of the project's own modules resolves (in its modules, and in
its test files: :func:`check_test_imports`); and :func:`check_project`, every static check of those
imports (names and modules, cycles, order).

Pure: the index in, findings out. How each guard is treated:

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

import dataclasses
import re
from collections.abc import Iterable, Iterator

from smokegen.checks.cycles import check_cycles
from smokegen.checks.external import NOT_INSTALLED
from smokegen.checks.import_order import check_import_order
from smokegen.graph.index import HANDLED, ProjectIndex, Verdict, prefixes, runs_on_every_import
from smokegen.model import Finding, GuardKind, ImportInfo, Location, ModuleInfo, ProjectModel, codes


def _context(imp: ImportInfo) -> str:
    functions = [g.detail for g in imp.guards if g.kind is GuardKind.FUNCTION]
    if functions:
        return f"; it fails when '{functions[-1]}' is first called"
    if any(g.kind is GuardKind.MAIN_BLOCK for g in imp.guards):
        return "; it fails when the module is run as a script"
    return ""


# `if (BASE_DIR / "local_settings.py").exists():` / `if os.path.isfile(...)`: the file may be absent.
_FILE_TEST = re.compile(r"\b(exists|is_file|isfile|isdir|is_dir|access)\s*\(")


def _when_present(imp: ImportInfo) -> bool:
    """The import runs only when a file test says its file is there (``local_settings.py``): a
    module absent from the checkout is the case the condition is written for, not a breakage."""
    return any(g.kind is GuardKind.CONDITION and _FILE_TEST.search(g.detail) for g in imp.guards)


def check_project_imports(index: ProjectIndex) -> Iterator[Finding]:
    """SG101, SG102, SG105: every import of the project's own modules resolves."""
    return check_imports_of(index, index.model.modules)


def check_test_imports(index: ProjectIndex, tests: Iterable[ModuleInfo], local: Iterable[str] = ()) -> list[Finding]:
    """SG101, SG102, SG105 for the project's test files (scanned under the names pytest imports them
    by): their imports of the project's modules are checked as a module's are, so a test importing
    a renamed class is found before its collection error stops a CI run. An import of a name pytest
    makes importable for the tests (``local``: ``helpers`` for ``tests/helpers.py``, ``conftest``)
    is the tests' own, and left alone, as is any import of a module outside the project."""
    tops = frozenset(local)
    own = [
        dataclasses.replace(info, imports=tuple(i for i in info.imports if i.module.split(".", 1)[0] not in tops))
        for info in tests
    ]
    # an import that runs whenever the file is imported fails pytest's collection of the whole file
    at_collection = {i.location for info in own for i in info.imports if runs_on_every_import(i)}
    return sorted(
        dataclasses.replace(f, message=f"{f.message}; pytest cannot collect this file")
        if f.location in at_collection and f.code != codes.STALE_TYPE_CHECKING.code
        else f
        for f in check_imports_of(index, own)
    )


def check_imports_of(index: ProjectIndex, modules: Iterable[ModuleInfo]) -> Iterator[Finding]:
    """SG101, SG102, SG105 for the imports of ``modules`` that name the project's own modules."""
    for info in modules:
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
                    yield codes.STALE_TYPE_CHECKING.at(
                        imp.location,
                        f"stale TYPE_CHECKING import: no module named '{missing}'{hint}; "
                        "type checking fails and readers are misled",
                    )
                elif not _when_present(imp):
                    yield codes.MISSING_MODULE.at(imp.location, f"no module named '{missing}'{hint}{_context(imp)}")
                continue
            if imp.name is None or imp.name == "*":
                continue
            if index.provides(imp.module, imp.name, type_only=type_only) is not Verdict.NO:
                continue
            target = index.modules.get(imp.module)
            where = f" ({target.path})" if target is not None else " (namespace package)"
            hint = index.suggest(imp.module, imp.name)
            if type_only:
                yield codes.STALE_TYPE_CHECKING.at(
                    imp.location,
                    f"stale TYPE_CHECKING import: cannot import name '{imp.name}' from '{imp.module}'{where}{hint}; "
                    "type checking fails and readers are misled",
                )
            elif not _when_present(imp):  # ``from hc import local_settings`` under a test for its file
                yield codes.MISSING_NAME.at(
                    imp.location,
                    f"cannot import name '{imp.name}' from '{imp.module}'{where}{hint}{_context(imp)}",
                )


def check_project(model: ProjectModel, index: ProjectIndex | None = None) -> list[Finding]:
    """Every static check of the project's own imports."""
    index = index or ProjectIndex(model)
    found: list[Finding] = []
    for check in (check_project_imports, check_cycles, check_import_order):
        found.extend(check(index))
    return found


# What the static stage says fails when the module is imported: refuted when its fresh import passed.
_FAILS_ON_IMPORT = frozenset(
    {
        codes.MISSING_NAME.code,
        codes.MISSING_MODULE.code,
        codes.MISSING_EXTERNAL_NAME.code,
        codes.MISSING_EXTERNAL_MODULE.code,
    }
)


def refuted_by_run(findings: Iterable[Finding], model: ProjectModel, passed: Iterable[str]) -> list[Finding]:
    """The findings, less the static ones the run refutes: an SG101, SG102, SG110 or SG111 (or an
    SG106 saying the module is not installed at all: a package may put its ``_vendor`` on ``sys.path``) at a
    module-level import that runs on every import (no guard, not in a function or under a condition) of a module
    whose fresh import passed (``passed``). The name was there after all (injected into the module by
    another at import time, a library's lazy or rebuilt module: ``from celery import Celery``). What did not run (inside functions, under
    conditions) stays: the import passing says nothing about it."""
    ran = set(passed)
    by_path = {m.path: m for m in model.modules if m.name in ran}
    kept: list[Finding] = []
    for finding in findings:
        info = by_path.get(finding.location.path)
        fails = finding.code in _FAILS_ON_IMPORT or (
            finding.code == codes.UNDECLARED_DEPENDENCY.code and NOT_INSTALLED in finding.message
        )
        if info is not None and fails and _ran(info, finding.location):
            continue
        kept.append(finding)
    return kept


def _ran(info: ModuleInfo, location: Location) -> bool:
    imports = [i for i in info.imports if i.location == location]
    return bool(imports) and all(not i.guards for i in imports)
