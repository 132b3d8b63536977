"""The interpreter's parser first: nesting past its limits is SG001 at its line, before LibCST sees the file."""

from __future__ import annotations

import ast
import sys

import libcst
import pytest

from smokegen.model import FailureReason, ModuleInfo, ScanFailure
from smokegen.scan import guard
from smokegen.scan.guard import MAX_TOKENS_UNCHECKED, Refusal, interpreter_parse
from smokegen.scan.results import result_findings
from tests.helpers import scan_bytes


@pytest.fixture
def no_libcst(monkeypatch: pytest.MonkeyPatch) -> None:
    """LibCST must not see the file: its parser would overflow the stack on deeper nesting."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("LibCST was handed a file the interpreter refuses")

    monkeypatch.setattr(libcst, "parse_module", refuse)


def syntax_failure(code: str) -> ScanFailure:
    result = scan_bytes(code.encode())
    assert isinstance(result, ScanFailure) and result.reason is FailureReason.SYNTAX, result
    (finding,) = result_findings(result)
    assert finding.code == "SG001"
    return result


def test_brackets_past_the_tokenizer_limit(no_libcst: None) -> None:
    for depth in (201, 300, 2_000, 100_000):
        result = syntax_failure("import os\nx = [" + "(" * depth + "1" + ")" * depth + "]\n")
        assert (result.location.line, result.location.column) == (2, 205)  # the 201st bracket
        assert result.message == "too many nested parentheses"


def test_indentation_past_the_interpreter_limit(no_libcst: None) -> None:
    code = "import os\n" + "".join("    " * i + "if os:\n" for i in range(150)) + "    " * 150 + "pass\n"
    result = syntax_failure(code)
    assert result.location.line == 102 and result.message == "too many levels of indentation"


@pytest.mark.parametrize(
    "expression",
    [
        "+".join(["a"] * 30_000),  # a long binary chain: RecursionError while the AST is built
        "-" * 100_000 + "1",  # MemoryError (parser stack overflow) or RecursionError, by version
        "a" + ".b" * 30_000,
        "lambda: " * 20_000 + "1",
    ],
    ids=["binary-chain", "unary", "attributes", "lambdas"],
)
def test_expressions_nested_too_deeply_for_the_interpreter(no_libcst: None, expression: str) -> None:
    result = syntax_failure("import os\n\n# the statement below\nx = (\n    " + expression + "\n)\n")
    assert result.location.line == 4  # where the statement starts
    assert result.message.startswith("nested too deeply for the interpreter to compile")


def test_the_verdict_is_the_importing_interpreter_s_whatever_this_process_limit(no_libcst: None) -> None:
    """Up to 3.11 the parser's depth limit follows the recursion limit, which mypy raises to 16,384
    in smokegen's process; the interpreter that imports the module runs with the default."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(2**14)
    try:
        result = syntax_failure("x = " + "+".join(["a"] * 30_000) + "\n")
    finally:
        sys.setrecursionlimit(previous)
    assert result.message.startswith("nested too deeply for the interpreter to compile")
    assert sys.getrecursionlimit() == previous


def test_deep_nesting_the_interpreter_accepts_is_scanned_on_a_deep_stack() -> None:
    for code in (
        "x = " + "(" * 150 + "1" + ")" * 150 + "\nimport os\n",
        "x = " + "lambda: " * 1_200 + "1\nimport os\n",
        "x = " + "-" * 2_500 + "1\nimport os\n",
    ):
        result = scan_bytes(code.encode())
        assert isinstance(result, ModuleInfo), result
        assert [b.name for b in result.bindings] == ["x", "os"]


def test_a_syntax_error_the_interpreter_reports_elsewhere_does_not_hide_nesting() -> None:
    """The interpreter stops at its first error; a token scan then bounds what LibCST is given."""
    pending = Refusal(FailureReason.SYNTAX, "invalid syntax", 1, 7, final=False)
    text = "class A[T]: pass\nx = " + "(" * 100_000 + ")" * 100_000 + "\n"
    refused = guard._bounded(text, pending)
    assert (refused.message, refused.line, refused.column, refused.final) == (
        "too many nested parentheses",
        2,
        205,
        True,
    )
    huge = "class A[T]: pass\nx = " + "-" * (MAX_TOKENS_UNCHECKED + 1) + "1\n"
    assert guard._bounded(huge, pending) == Refusal(FailureReason.SYNTAX, "invalid syntax", 1, 7, final=True)
    assert guard._bounded("class A[T]: pass\nx = [[1]]\n", pending) == pending  # LibCST decides


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="needs syntax newer than the running interpreter")
def test_syntax_newer_than_the_interpreter_still_goes_to_libcst() -> None:
    pending = interpreter_parse("class A[T]: pass\n", "m.py")
    assert isinstance(pending, Refusal) and not pending.final
    result = scan_bytes(b"import os\nclass A[T]:\n    pass\n")
    assert isinstance(result, ModuleInfo), result
    assert [c.name for c in result.classes] == ["A"]


def test_null_bytes_and_ordinary_syntax_errors() -> None:
    assert syntax_failure("x = 1\ndef f(:\n").location.line == 2
    assert isinstance(interpreter_parse("x = 1\n", "m.py"), ast.Module)
    refused = interpreter_parse("x = '\0'\n", "m.py")
    assert isinstance(refused, Refusal) and refused.final
