"""Source bytes -> :class:`ModuleInfo` or :class:`ScanFailure`. Static: nothing is executed.

Each file is decoded as Python decodes it (PEP 263 cookie, BOM), parsed once
with LibCST, positioned once (:mod:`smokegen.scan.positions`), then read by one
collector per concern: imports, top-level names, classes. Collectors walk the
statement structure directly instead of visiting every node.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

import libcst as cst

from smokegen.model import FailureReason, ModuleInfo, ScanFailure, ScanResult, SourceFile
from smokegen.scan.attributes import collect_attribute_uses
from smokegen.scan.classes import collect_classes
from smokegen.scan.cst_tools import Context
from smokegen.scan.imports import collect_imports
from smokegen.scan.names import collect_names
from smokegen.scan.positions import start_positions
from smokegen.scan.results import failure_result
from smokegen.util.deepstack import on_deep_stack

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")


class _DecodeProblem(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def decode_source(data: bytes) -> str:
    """Decode as the interpreter would: BOM, then a PEP 263 cookie, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        head = data.split(b"\n", 2)[:2]
        if not any(_COOKIE.match(line) for line in head):
            encoding = "utf-8"  # no coding line: the first lines are simply not UTF-8; say where below
        else:
            raise _DecodeProblem(
                f"{exc.msg}; declare an encoding Python knows or remove the coding line", exc.lineno or 1, 1
            ) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _DecodeProblem(
            f"byte 0x{data[exc.start]:02x} is not valid {encoding}; save the file as {encoding}"
            " or declare its real encoding with a '# -*- coding: ... -*-' line",
            line,
            column,
        ) from None


def _parse_failure(file: SourceFile, text: str, exc: Exception) -> ScanFailure:
    """Tell a real syntax error (CPython rejects it too) from a LibCST limitation."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes and the like
            ast.parse(text, filename=file.path)
    except SyntaxError as syntax:
        return failure_result(file, FailureReason.SYNTAX, syntax.msg, syntax.lineno or 1, syntax.offset or 1)
    except (ValueError, RecursionError, MemoryError) as other:
        return failure_result(file, FailureReason.SYNTAX, str(other), 1, 1)
    line = getattr(exc, "editor_line", 1)
    column = getattr(exc, "editor_column", 1)
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return failure_result(
        file,
        FailureReason.SCANNER_LIMIT,
        f"the interpreter accepts this file but LibCST cannot parse it ({first}); it was not analysed",
        line,
        column,
    )


def scan_source(data: bytes, file: SourceFile) -> ScanResult:
    """Scan one file's bytes. Never raises for anything the file contains."""
    try:
        text = decode_source(data)
    except _DecodeProblem as problem:
        return failure_result(file, FailureReason.DECODE, str(problem), problem.line, problem.column)
    if "\x00" in text:
        where = text.index("\x00")
        line = text.count("\n", 0, where) + 1
        return failure_result(file, FailureReason.SYNTAX, "source code cannot contain null bytes", line, 1)
    try:
        return _scan_text(text, file)
    except RecursionError:
        pass
    try:
        return on_deep_stack(lambda: _scan_text(text, file))
    except RecursionError:
        return failure_result(
            file,
            FailureReason.SCANNER_LIMIT,
            "the file is nested too deeply for the scanner; it was not analysed",
            1,
            1,
        )


def _scan_text(text: str, file: SourceFile) -> ScanResult:
    try:
        module = cst.parse_module(text)
    except RecursionError:
        raise
    except Exception as exc:  # ParserSyntaxError, and anything the native parser raises on odd input
        return _parse_failure(file, text, exc)
    ctx = Context(file=file, module=module, positions=start_positions(module))
    imports, import_findings = collect_imports(ctx)
    names = collect_names(ctx, text)
    return ModuleInfo(
        name=file.name,
        path=file.path,
        kind=file.kind,
        imports=imports,
        bindings=names.bindings,
        classes=collect_classes(ctx),
        all_names=names.all_names,
        dynamic_all=names.dynamic_all,
        dynamic_globals=names.dynamic_globals,
        has_getattr=names.has_getattr,
        has_main_block=names.has_main_block,
        empty=not module.body,
        attribute_uses=collect_attribute_uses(ctx, imports),
        suppressions=names.suppressions,
        extends_path=names.extends_path,
        findings=import_findings,
    )
