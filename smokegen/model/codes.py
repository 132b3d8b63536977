"""Stable finding codes. A code never changes meaning; retired codes are not reused.

SG0xx: discovery and scanning (the file itself). Later families: SG1xx static
import checks, SG2xx runtime checks, SG3xx the mypy stage, SG4xx the mocks audit. docs/codes.md
documents each entry below (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass

from smokegen.model import Finding, Location, Severity


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    title: str
    severity: Severity

    def at(self, location: Location, message: str) -> Finding:
        """A finding of this code at ``location``: the one way findings are made."""
        return Finding(location, self.code, message, self.severity)


SYNTAX_ERROR = Code("SG001", "file does not parse", Severity.ERROR)
DECODE_ERROR = Code("SG002", "file is not valid text in its declared encoding", Severity.ERROR)
SCANNER_LIMIT = Code("SG003", "valid Python that the scanner cannot parse", Severity.WARNING)
NOT_IMPORTABLE = Code("SG004", "file name is not importable", Severity.WARNING)
RELATIVE_BEYOND_TOP = Code("SG005", "relative import beyond the top-level package", Severity.ERROR)
SHADOWED = Code("SG006", "module shadowed by another file of the same name", Severity.WARNING)
EMPTY_MODULE = Code("SG007", "empty module", Severity.WARNING)
UNREADABLE = Code("SG008", "file cannot be read", Severity.ERROR)

MISSING_NAME = Code("SG101", "cannot import name from a project module", Severity.ERROR)
MISSING_MODULE = Code("SG102", "no such project module", Severity.ERROR)
IMPORT_CYCLE = Code("SG103", "circular import that fails at import time", Severity.ERROR)
IMPORT_ORDER = Code("SG104", "submodule used without being imported", Severity.ERROR)
STALE_TYPE_CHECKING = Code("SG105", "stale import under TYPE_CHECKING", Severity.ERROR)
UNDECLARED_DEPENDENCY = Code("SG106", "import of an undeclared distribution", Severity.ERROR)
EXTRA_ONLY_DEPENDENCY = Code("SG107", "unguarded import of a dependency declared only in an extra", Severity.ERROR)
MISSING_DEPENDENCY = Code("SG108", "declared dependency not installed", Severity.ERROR)
BROAD_IMPORT_GUARD = Code("SG109", "ImportError guard that also hides the project's own imports", Severity.WARNING)
MISSING_EXTERNAL_NAME = Code("SG110", "cannot import name from an installed package", Severity.ERROR)
MISSING_EXTERNAL_MODULE = Code("SG111", "no such module in an installed package", Severity.ERROR)
BROKEN_ENTRY_POINT_STATIC = Code("SG113", "entry point names a missing module or attribute", Severity.ERROR)
OPT_IN_UNDECLARED = Code("SG112", "undeclared distribution imported by an opt-in module", Severity.WARNING)
TRANSITIVE_DEPENDENCY = Code(
    "SG114", "import of a distribution that only a declared dependency brings", Severity.WARNING
)

IMPORT_FAILS = Code("SG201", "module fails to import", Severity.ERROR)
IMPORT_TIMEOUT = Code("SG202", "import does not finish", Severity.ERROR)
IMPORT_CRASH = Code("SG203", "import crashes the interpreter", Severity.ERROR)
IMPORT_EXITS = Code("SG204", "import exits the interpreter", Severity.ERROR)
IMPORT_ORDER_DEPENDENT = Code("SG205", "import works only after its siblings", Severity.ERROR)
IMPORT_NEEDS_ENVIRONMENT = Code("SG206", "import needs configuration from the environment", Severity.WARNING)
IMPORT_MISSING_OPTIONAL = Code("SG207", "opt-in module whose optional dependency is missing", Severity.WARNING)
BROKEN_ENTRY_POINT = Code("SG208", "entry point does not load", Severity.ERROR)
TYPE_CHECKING_NAME_MISSING = Code("SG209", "name imported under TYPE_CHECKING is missing at run time", Severity.ERROR)
CONSTRUCTOR_FAILS = Code("SG210", "constructor fails", Severity.ERROR)
CONSTRUCTOR_FAILS_SYNTHESISED = Code("SG211", "constructor fails on the arguments smokegen chose", Severity.WARNING)
CONSTRUCTOR_NEEDS_ENVIRONMENT = Code("SG212", "constructor needs the environment", Severity.WARNING)
SETUP_FAILS = Code("SG213", "the framework set-up fails", Severity.ERROR)
IMPORT_UNJUDGED = Code("SG214", "import could not be judged", Severity.ERROR)
DEPRECATED_USE = Code("SG215", "uses something deprecated", Severity.WARNING)
SCRIPT_FAILS = Code("SG216", "console script fails when run", Severity.ERROR)

MYPY_ERROR = Code("SG301", "mypy reports an error", Severity.ERROR)
MYPY_UNCHECKED = Code("SG302", "file not type-checked: it does not parse", Severity.WARNING)
MYPY_FAILED = Code("SG303", "mypy could not run", Severity.ERROR)

STALE_MOCK = Code("SG401", "mock patches a name the project no longer has", Severity.ERROR)
MOCKED_AND_BROKEN = Code("SG402", "mock patches code that is broken", Severity.ERROR)

ALL_CODES: tuple[Code, ...] = (
    SYNTAX_ERROR,
    DECODE_ERROR,
    SCANNER_LIMIT,
    NOT_IMPORTABLE,
    RELATIVE_BEYOND_TOP,
    SHADOWED,
    EMPTY_MODULE,
    UNREADABLE,
    MISSING_NAME,
    MISSING_MODULE,
    IMPORT_CYCLE,
    IMPORT_ORDER,
    STALE_TYPE_CHECKING,
    UNDECLARED_DEPENDENCY,
    EXTRA_ONLY_DEPENDENCY,
    MISSING_DEPENDENCY,
    BROAD_IMPORT_GUARD,
    MISSING_EXTERNAL_NAME,
    MISSING_EXTERNAL_MODULE,
    OPT_IN_UNDECLARED,
    TRANSITIVE_DEPENDENCY,
    BROKEN_ENTRY_POINT_STATIC,
    IMPORT_FAILS,
    IMPORT_TIMEOUT,
    IMPORT_CRASH,
    IMPORT_EXITS,
    IMPORT_ORDER_DEPENDENT,
    IMPORT_NEEDS_ENVIRONMENT,
    IMPORT_MISSING_OPTIONAL,
    BROKEN_ENTRY_POINT,
    TYPE_CHECKING_NAME_MISSING,
    CONSTRUCTOR_FAILS,
    CONSTRUCTOR_FAILS_SYNTHESISED,
    CONSTRUCTOR_NEEDS_ENVIRONMENT,
    SETUP_FAILS,
    MYPY_ERROR,
    MYPY_UNCHECKED,
    MYPY_FAILED,
    STALE_MOCK,
    MOCKED_AND_BROKEN,
)
