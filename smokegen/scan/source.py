"""Source bytes -> :class:`ModuleInfo` or :class:`ScanFailure`. Static: nothing is executed.

Each file is decoded as Python decodes it (PEP 263 cookie, BOM), checked with
the interpreter's own parser (:mod:`smokegen.scan.guard`: nothing it refuses for
nesting reaches LibCST, whose parser would overflow the stack), its big constant
literals blanked (:mod:`smokegen.scan.literals`), parsed once with LibCST on a
large stack, positioned once (:mod:`smokegen.scan.positions`), then read by one
collector per concern: imports, top-level names, classes. Collectors walk the
statement structure directly instead of visiting every node.
"""

from __future__ import annotations

import io
import re
import tokenize

import libcst as cst

from smokegen.model import FailureReason, ModuleInfo, ScanFailure, ScanResult, SourceFile
from smokegen.scan.attributes import collect_attribute_uses
from smokegen.scan.classes import collect_classes
from smokegen.scan.cst_tools import Context
from smokegen.scan.guard import Refusal, interpreter_parse
from smokegen.scan.imports import collect_imports
from smokegen.scan.literals import blank_constant_literals
from smokegen.scan.names import collect_names
from smokegen.scan.positions import start_positions
from smokegen.scan.results import failure_result
from smokegen.util.collector import collector_paused
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


def scan_source(data: bytes, file: SourceFile) -> ScanResult:
    """Scan one file's bytes. Never raises, and never crashes the process, for anything the file contains."""
    try:
        text = decode_source(data)
    except _DecodeProblem as problem:
        return failure_result(file, FailureReason.DECODE, str(problem), problem.line, problem.column)
    if "\x00" in text:
        where = text.index("\x00")
        line = text.count("\n", 0, where) + 1
        return failure_result(file, FailureReason.SYNTAX, "source code cannot contain null bytes", line, 1)
    # LibCST's parser recurses on the thread's stack (its code generator on Python's): the whole scan
    # runs on a large one, the interpreter's parser too, so that the memory its tree frees is reused
    # by LibCST's (each thread allocates from its own malloc arena: a 5 MB module took 430 MB more).
    # No cyclic garbage collection meanwhile: neither tree holds a cycle, and the collector would walk
    # them again and again as they grow (a quarter of a big file's parse).
    try:
        with collector_paused():
            return on_deep_stack(lambda: _scan_text(text, file))
    except RecursionError:
        return failure_result(
            file,
            FailureReason.SCANNER_LIMIT,
            "the file is nested too deeply for the scanner; it was not analysed",
            1,
            1,
        )


def _libcst_input(text: str, path: str) -> str | Refusal:
    """What LibCST may parse (the text, its big constant literals blanked), or the interpreter's
    refusal. The AST lives only here: it is freed before LibCST builds its own tree."""
    checked = interpreter_parse(text, path)
    if isinstance(checked, Refusal):
        return checked
    return blank_constant_literals(text, checked)


def _libcst_failure(file: SourceFile, exc: BaseException, error: Refusal | None) -> ScanFailure:
    """A real syntax error (the interpreter rejects the file too) or a LibCST limitation."""
    if error is not None:
        return failure_result(file, error.reason, error.message, error.line, error.column)
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


def _scan_text(text: str, file: SourceFile) -> ScanResult:
    checked = _libcst_input(text, file.path)
    if isinstance(checked, Refusal) and checked.final:
        return failure_result(file, checked.reason, checked.message, checked.line, checked.column)
    # what LibCST parses; the text as written stays the source of what is read from the text
    # itself (suppressions, dynamic globals); the interpreter's error, if it refused the file
    source, error = (text, checked) if isinstance(checked, Refusal) else (checked, None)
    try:
        module = cst.parse_module(source)
    except (RecursionError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # ParserSyntaxError; anything the native parser raises (a Rust panic)
        return _libcst_failure(file, exc, error)
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
