"""Big constant literals are blanked before LibCST parses a file, and the model does not change."""

from __future__ import annotations

import ast

import libcst
import pytest

from smokegen.model import ModuleInfo
from smokegen.scan import literals
from smokegen.scan.literals import BLANK_FROM, blank_constant_literals
from tests.helpers import scan_bytes


def data(entries: int, value: str = "'label {i}'") -> str:
    return (
        "{\n"
        + "".join(f"    'key_{i}': [{i}, -{i}.5, {value.format(i=i)}, None, (True, b'x')],\n" for i in range(entries))
        + "}"
    )


BIG = data(600)  # about 36 KB


def blanked(code: str) -> str:
    return blank_constant_literals(code, ast.parse(code))


def unblanked_scan(code: str, monkeypatch: pytest.MonkeyPatch) -> ModuleInfo | object:
    with monkeypatch.context() as patch:
        patch.setattr(literals, "BLANK_FROM", 10**12)
        return scan_bytes(code.encode())


def test_a_big_constant_literal_becomes_an_empty_tuple_over_the_same_lines_and_columns() -> None:
    code = f"import os\nDATA = {BIG}; import json  # trailing\nTABLE: dict[str, int] = {BIG}\nclass After:\n    pass\n"
    out = blanked(code)
    assert len(out) == len(code) and out.count("\n") == code.count("\n")
    assert "key_" not in out and "import json  # trailing" in out
    assert out.startswith("import os\nDATA = (\n") and ast.parse(out)
    assert out.splitlines()[2] == " " * len(code.splitlines()[2])  # a line of the literal: blanks only


def test_the_model_is_the_same_with_and_without_blanking(monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        "# -*- coding: utf-8 -*-\r\n"
        "import os\r\n"
        f"NAMES = {data(400, value=chr(39) + 'é {i} ü' + chr(39))}; from json import loads\r\n".replace(
            "\n    ", "\r\n    "
        )
        + "if os.sep:\r\n    import sys\r\n"
        + "VALUE = os.path.join('a')  # smokegen: ignore[SG101]\r\n"
        + "class Model(dict):\r\n    def __init__(self, size: int = 1) -> None:\r\n        pass\r\n"
    )
    assert blanked(code) != code
    result = scan_bytes(code.encode())
    assert isinstance(result, ModuleInfo) and [i.module for i in result.imports] == ["os", "json", "sys"]
    assert result == unblanked_scan(code, monkeypatch)


def test_literals_that_hold_facts_or_are_small_are_kept() -> None:
    kept = [
        f"__all__ = [{', '.join(repr(f'name_{i}') for i in range(3000))}]\n",  # its strings are read
        f"import os\nPATHS = [{', '.join('os.sep' for _ in range(3000))}]\n",  # attribute uses
        f"BASE = {{}}\nMERGED = {{**BASE, {BIG[1:]}\n",  # an unpacking
        f"CALLED = [dict(a=1), {BIG}]\n",
        "SMALL = {'a': 1}\n" * 2000,  # each literal is small, however big the file
        f"def f():\n    LOCAL = {BIG}\n",  # only module-level statements
    ]
    for code in kept:
        assert len(code) > BLANK_FROM
        assert blanked(code) == code, code[:60]


def test_a_generated_data_module_gives_libcst_next_to_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cost of a data module no longer grows with LibCST's tree of its literal (no timing here)."""
    code = f'"""Generated."""\nimport enum\n\nDATA = {data(3200)}\n\n\nclass Kind(enum.Enum):\n    A = 1\n'
    assert len(code) > 200_000
    parsed: list[str] = []
    real = libcst.parse_module

    def spy(source: str, *args: object, **kwargs: object) -> libcst.Module:
        parsed.append(source)
        return real(source)

    monkeypatch.setattr(libcst, "parse_module", spy)
    result = scan_bytes(code.encode())
    assert isinstance(result, ModuleInfo)
    assert [b.name for b in result.bindings] == ["enum", "DATA", "Kind"]
    assert [c.name for c in result.classes] == ["Kind"] and result.classes[0].location.line == code.count("\n") - 1
    (source,) = parsed
    assert len(source.split()) < 30  # what is left besides blanks: the statements around the literal
