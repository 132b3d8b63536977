"""Decoding, parse failures, positions: what happens to the file as a whole."""

from __future__ import annotations

import gc

import libcst as cst

from smokegen.model import FailureReason, ModuleInfo, ModuleKind, ScanFailure, SourceFile
from smokegen.scan.positions import start_positions
from smokegen.scan.results import result_findings
from smokegen.scan.source import _libcst_failure
from tests.helpers import dedent, scan_bytes


def test_utf8_bom_and_cookie_decode() -> None:
    assert isinstance(scan_bytes(b"\xef\xbb\xbfx = 'h\xc3\xa9'\n"), ModuleInfo)
    assert isinstance(scan_bytes(b"# -*- coding: latin-1 -*-\nx = 'Jos\xe9'\n"), ModuleInfo)
    assert isinstance(scan_bytes(b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n"), ModuleInfo)


def test_invalid_utf8_is_a_decode_failure_with_position() -> None:
    result = scan_bytes(b"a = 1\nname = 'Jos\xe9'\n")
    assert isinstance(result, ScanFailure) and result.reason is FailureReason.DECODE
    assert (result.location.line, result.location.column) == (2, 12)
    (finding,) = result_findings(result)
    assert finding.code == "SG002" and "0xe9" in finding.message


def test_invalid_first_line_without_cookie() -> None:
    result = scan_bytes(b"x = '\xff'\n")
    assert isinstance(result, ScanFailure) and result.reason is FailureReason.DECODE
    assert (result.location.line, result.location.column) == (1, 6)


def test_unknown_encoding_cookie() -> None:
    result = scan_bytes(b"# coding: klingon\nx = 1\n")
    assert isinstance(result, ScanFailure) and result.reason is FailureReason.DECODE
    assert "klingon" in result.message


def test_syntax_error_uses_the_interpreter_message_and_position() -> None:
    result = scan_bytes(b"def f(:\n    pass\n")
    assert isinstance(result, ScanFailure) and result.reason is FailureReason.SYNTAX
    assert result.location.line == 1
    (finding,) = result_findings(result)
    assert finding.code == "SG001" and finding.message.startswith("syntax error: ")


def test_null_byte_is_a_syntax_failure() -> None:
    result = scan_bytes(b"x = 1\ny = '\x00'\n")
    assert isinstance(result, ScanFailure) and result.reason is FailureReason.SYNTAX
    assert result.location.line == 2


def test_valid_python_libcst_rejects_is_a_scanner_limit_not_a_syntax_error() -> None:
    file = SourceFile("pkg.mod", "pkg/mod.py", ModuleKind.MODULE)
    result = _libcst_failure(file, ValueError("unsupported construct"), None)
    assert result.reason is FailureReason.SCANNER_LIMIT
    (finding,) = result_findings(result)
    assert finding.code == "SG003" and finding.severity.value == "warning"


def test_empty_module_finding_only_for_plain_modules() -> None:
    plain = scan_bytes(b"")
    assert [f.code for f in result_findings(plain)] == ["SG007"]
    package = SourceFile("pkg", "pkg/__init__.py", ModuleKind.PACKAGE)
    from smokegen.scan.source import scan_source

    assert result_findings(scan_source(b"", package)) == ()


def test_fast_positions_agree_with_libcst_position_provider() -> None:
    code = dedent(
        """
        # comment
        import os, sys as system
        from . import (
            a,
            b as c,
        )


        @decorator(
            1,
        )
        class K(Base, metaclass=M):
            x: int = 1
            y = 2

            async def f(self):
                import json
                if x:
                    pass
                for i in y:
                    z += 1
                while q:
                    break
                with m as n:
                    pass
                try:
                    pass
                except E:
                    pass

        s = '''multi
        line'''; t = 1
        if True: import a.b
        \tdef tabbed(): pass
        """
    ).replace("\\t", "\t")
    code = code.replace("\n\tdef tabbed(): pass", "\ndef tabbed(): pass")
    module = cst.parse_module(code)
    fast = start_positions(module)
    slow = start_positions(module, use_provider=True)
    assert fast == slow
    assert len(fast) > 20


def test_deeply_nested_code_scans_on_a_deep_stack() -> None:
    long_string = "X = (\n" + "".join(f"    'part {i} '\n" for i in range(1500)) + ")\nimport os\n"
    result = scan_bytes(long_string.encode())
    assert isinstance(result, ModuleInfo)
    assert [i.module for i in result.imports] == ["os"]
    assert result.imports[0].location.line == 1503


def test_a_scanned_tree_is_freed_without_the_garbage_collector() -> None:
    """No reference cycle holds LibCST's tree (a class made per call, a closure calling itself):
    the collector is paused while a file is scanned, and a big tree must not wait for it."""
    code = dedent(
        """
        import os
        import os.path
        from typing import Any

        VALUE = os.path.join("a", "b")


        class Base:
            size = os.sep

            class Inner:
                path = os.path.sep

            def __init__(self, name: str = "x", *args: Any) -> None:
                self.name = name


        def helper(a, b=1):
            return a + b
        """
    )
    gc.collect()
    gc.disable()
    try:
        info = scan_bytes(code.encode())
        assert isinstance(info, ModuleInfo) and info.attribute_uses
        assert gc.collect() == 0
    finally:
        gc.enable()
