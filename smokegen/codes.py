"""Stable finding codes. A code never changes meaning; retired codes are not reused.

SG0xx: discovery and scanning (the file itself). Later families: SG1xx static
import checks, SG2xx runtime checks. The README's "Finding codes" section
documents each entry below (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass

from smokegen.model import Severity


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    title: str
    severity: Severity


SYNTAX_ERROR = Code("SG001", "file does not parse", Severity.ERROR)
DECODE_ERROR = Code("SG002", "file is not valid text in its declared encoding", Severity.ERROR)
SCANNER_LIMIT = Code("SG003", "valid Python that the scanner cannot parse", Severity.WARNING)
NOT_IMPORTABLE = Code("SG004", "file name is not importable", Severity.WARNING)
RELATIVE_BEYOND_TOP = Code("SG005", "relative import beyond the top-level package", Severity.ERROR)
SHADOWED = Code("SG006", "module shadowed by another file of the same name", Severity.WARNING)
EMPTY_MODULE = Code("SG007", "empty module", Severity.WARNING)
UNREADABLE = Code("SG008", "file cannot be read", Severity.ERROR)

ALL_CODES: tuple[Code, ...] = (
    SYNTAX_ERROR,
    DECODE_ERROR,
    SCANNER_LIMIT,
    NOT_IMPORTABLE,
    RELATIVE_BEYOND_TOP,
    SHADOWED,
    EMPTY_MODULE,
    UNREADABLE,
)
