"""What a file's scan result says, and the failure results the scanner builds: no LibCST here,
so a run whose files all come from the cache never imports the parser."""

from __future__ import annotations

from smokegen.model import FailureReason, Finding, Location, ModuleKind, ScanFailure, ScanResult, SourceFile, codes

__all__ = ["failure_result", "result_findings", "unreadable", "worker_died"]


def unreadable(file: SourceFile, error: OSError) -> ScanFailure:
    return failure_result(file, FailureReason.UNREADABLE, f"{error.strerror or error}; check its permissions", 1, 1)


def worker_died(file: SourceFile) -> ScanFailure:
    return failure_result(
        file,
        FailureReason.SCANNER_LIMIT,
        "the scanner's worker process died on this file (a crash in LibCST's native parser, or out of"
        " memory); it was not analysed",
        1,
        1,
    )


def failure_result(file: SourceFile, reason: FailureReason, message: str, line: int, column: int) -> ScanFailure:
    return ScanFailure(
        file.name, file.path, file.kind, reason, message, Location(file.path, max(line, 1), max(column, 1))
    )


def result_findings(result: ScanResult) -> tuple[Finding, ...]:
    """The findings one file's scan result carries (failures, empty modules, bad relative imports)."""
    if isinstance(result, ScanFailure):
        code = {
            FailureReason.SYNTAX: codes.SYNTAX_ERROR,
            FailureReason.DECODE: codes.DECODE_ERROR,
            FailureReason.SCANNER_LIMIT: codes.SCANNER_LIMIT,
            FailureReason.UNREADABLE: codes.UNREADABLE,
        }[result.reason]
        prefix = {
            FailureReason.SYNTAX: "syntax error: ",
            FailureReason.DECODE: "cannot decode: ",
            FailureReason.SCANNER_LIMIT: "",
            FailureReason.UNREADABLE: "cannot read: ",
        }[result.reason]
        return (code.at(result.location, prefix + result.message),)
    found = list(result.findings)
    if result.empty and result.kind is ModuleKind.MODULE:
        found.append(
            codes.EMPTY_MODULE.at(
                Location(result.path, 1, 1),
                f"module '{result.name}' is empty; delete it, or add what it was meant to hold",
            )
        )
    return tuple(found)
