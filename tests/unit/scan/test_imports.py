from __future__ import annotations

from smokegen.model import GuardKind, ImportInfo, Location, ModuleInfo, ModuleKind
from smokegen.scan.imports import resolve_relative
from tests.helpers import scan_bytes, scan_code


def kinds(info: ImportInfo) -> list[GuardKind]:
    return [g.kind for g in info.guards]


def by_bound(code: str, **kw: object) -> dict[str, ImportInfo]:
    module = scan_code(code, **kw)  # type: ignore[arg-type]
    return {i.bound_name or f"{i.module}.*": i for i in module.imports}


def test_import_forms_with_positions() -> None:
    module = scan_code(
        """
        import os
        import a.b as c, json
        from x.y import z as w, v
        from m import *
        """
    )
    got = [(i.module, i.name, i.alias, i.location.line, i.location.column) for i in module.imports]
    assert got == [
        ("os", None, None, 1, 8),
        ("a.b", None, "c", 2, 8),
        ("json", None, None, 2, 18),
        ("x.y", "z", "w", 3, 17),
        ("x.y", "v", None, 3, 25),
        ("m", "*", None, 4, 1),
    ]
    assert module.imports[0].location == Location("pkg/mod.py", 1, 8)
    assert [i.bound_name for i in module.imports] == ["os", "c", "json", "w", "v", None]
    assert all(i.at_import_time for i in module.imports)


def test_plain_dotted_import_binds_top_name() -> None:
    (imp,) = scan_code("import a.b.c\n").imports
    assert imp.module == "a.b.c" and imp.bound_name == "a"


def test_relative_imports_resolve_against_the_package() -> None:
    module = scan_code(
        """
        from . import sibling
        from .models import Invoice
        from ..shared.money import Money
        """,
        name="acme.billing.invoices",
    )
    assert [(i.module, i.name, i.level) for i in module.imports] == [
        ("acme.billing", "sibling", 1),
        ("acme.billing.models", "Invoice", 1),
        ("acme.shared.money", "Money", 2),
    ]
    assert all(i.resolved for i in module.imports)


def test_relative_import_in_package_init_resolves_to_the_package_itself() -> None:
    (imp,) = scan_code("from .core import run\n", name="pkg.sub", kind=ModuleKind.PACKAGE).imports
    assert imp.module == "pkg.sub.core"


def test_relative_import_above_top_level_is_a_finding() -> None:
    module = scan_code("from ... import settings\n", name="pkg.sub.mod")
    (imp,) = module.imports
    assert not imp.resolved and imp.module == "..."
    (finding,) = module.findings
    assert finding.code == "SG005" and "climbs above the top-level package 'pkg'" in finding.message
    assert str(finding.location) == "pkg/sub/mod.py:1:1"


def test_relative_import_in_top_level_module_is_a_finding() -> None:
    module = scan_code("from .x import y\n", name="script")
    assert [f.code for f in module.findings] == ["SG005"]
    assert "no parent package" in module.findings[0].message


def test_relative_import_noop_inside_package() -> None:
    assert scan_code("from .. import x\n", name="a.b.c").findings == ()


def test_resolve_relative() -> None:
    assert resolve_relative("a.b", 1, "c") == "a.b.c"
    assert resolve_relative("a.b", 2, None) == "a"
    assert resolve_relative("a.b", 3, "x") is None
    assert resolve_relative("", 1, "x") is None
    assert resolve_relative("anything", 0, "abs.mod") == "abs.mod"


def test_try_except_guards() -> None:
    found = by_bound(
        """
        try:
            import orjson
        except ImportError:
            import json as orjson_fallback
        try:
            import ujson
        except (ModuleNotFoundError, AttributeError):
            pass
        try:
            import broad
        except Exception:
            pass
        try:
            import bare
        except:
            pass
        try:
            import other
        except KeyError:
            pass
        else:
            import in_else
        finally:
            import in_finally
        """
    )
    assert kinds(found["orjson"]) == [GuardKind.TRY_IMPORT_ERROR]
    assert found["orjson"].guards[0].detail == "ImportError"
    assert kinds(found["orjson_fallback"]) == [GuardKind.TRY_FALLBACK]  # runs only if the try failed
    assert found["orjson_fallback"].guards[0].detail == "the try body raised ImportError"
    assert kinds(found["ujson"]) == [GuardKind.TRY_IMPORT_ERROR]
    assert found["ujson"].guards[0].detail == "ModuleNotFoundError, AttributeError"
    assert kinds(found["broad"]) == [GuardKind.TRY_BROAD]
    assert kinds(found["bare"]) == [GuardKind.TRY_BROAD]
    assert kinds(found["other"]) == [GuardKind.TRY_OTHER]
    assert kinds(found["in_else"]) == [GuardKind.TRY_ELSE]  # runs only if the try body raised nothing
    assert found["in_else"].guards[0].detail == "the try body succeeded"
    assert kinds(found["in_finally"]) == []


def test_suppress_import_error_is_a_guard() -> None:
    found = by_bound(
        """
        import contextlib
        from contextlib import suppress
        with suppress(ImportError):
            import a
        with contextlib.suppress(ModuleNotFoundError):
            import b
        with open("f") as handle:
            import c
        """
    )
    assert kinds(found["a"]) == [GuardKind.TRY_IMPORT_ERROR]
    assert kinds(found["b"]) == [GuardKind.TRY_IMPORT_ERROR]
    assert kinds(found["c"]) == []


def test_type_checking_spellings() -> None:
    found = by_bound(
        """
        import typing
        import typing as t
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from a import A
        if typing.TYPE_CHECKING:
            from b import B
        if t.TYPE_CHECKING:
            from c import C
        else:
            C = None
        if not TYPE_CHECKING:
            from d import D
        else:
            from e import E
        """
    )
    for name in "ABCE":
        assert kinds(found[name]) == [GuardKind.TYPE_CHECKING], name
    assert kinds(found["D"]) == []


def test_lazy_imports_in_functions_and_methods() -> None:
    found = by_bound(
        """
        def f():
            import json
        class K:
            import enum
            def m(self):
                from x import y
            async def n(self):
                import asyncio
        """
    )
    assert kinds(found["json"]) == [GuardKind.FUNCTION]
    assert found["json"].guards[0].detail == "f"
    assert kinds(found["enum"]) == []  # class bodies run at import time
    assert kinds(found["y"]) == [GuardKind.FUNCTION]
    assert kinds(found["asyncio"]) == [GuardKind.FUNCTION]


def test_version_platform_condition_and_main_guards() -> None:
    found = by_bound(
        """
        import os, sys
        if sys.version_info >= (3, 11):
            import tomllib
        else:
            import tomli
        if sys.platform == "win32":
            import winreg
        elif os.name == "posix":
            import fcntl
        if FEATURE_FLAG:
            import feature
        if __name__ == "__main__":
            import argparse
        for _ in range(1):
            import looped
        """
    )
    assert kinds(found["tomllib"]) == [GuardKind.VERSION]
    assert found["tomllib"].guards[0].detail == "sys.version_info >= (3, 11)"
    assert kinds(found["tomli"]) == [GuardKind.VERSION]
    assert found["tomli"].guards[0].detail == "not (sys.version_info >= (3, 11))"
    assert kinds(found["winreg"]) == [GuardKind.PLATFORM]
    assert kinds(found["fcntl"]) == [GuardKind.PLATFORM, GuardKind.PLATFORM]
    assert kinds(found["feature"]) == [GuardKind.CONDITION]
    assert kinds(found["argparse"]) == [GuardKind.MAIN_BLOCK]
    assert kinds(found["looped"]) == [GuardKind.CONDITION]


def test_nested_guards_are_outermost_first() -> None:
    found = by_bound(
        """
        if TYPE_CHECKING:
            try:
                from a import A
            except ImportError:
                pass
        def f():
            if sys.version_info < (3, 9):
                import old
        """
    )
    assert kinds(found["A"]) == [GuardKind.TYPE_CHECKING, GuardKind.TRY_IMPORT_ERROR]
    assert kinds(found["old"]) == [GuardKind.FUNCTION, GuardKind.VERSION]


def test_imports_noop() -> None:
    module = scan_code(
        """
        import importlib
        TYPE_CHECKING = False
        mod = importlib.import_module("not_a_static_import")
        text = "import os"
        # import commented_out
        """
    )
    assert [i.module for i in module.imports] == ["importlib"]


def test_import_statement_in_one_line_suite() -> None:
    found = by_bound("if TYPE_CHECKING: import a; import b\n")
    assert kinds(found["a"]) == [GuardKind.TYPE_CHECKING]
    assert kinds(found["b"]) == [GuardKind.TYPE_CHECKING]


def test_match_statement_cases_are_conditions() -> None:
    found = by_bound(
        """
        match sys.platform:
            case "linux":
                import fcntl
        """
    )
    assert kinds(found["fcntl"]) == [GuardKind.CONDITION]


def test_positions_in_crlf_and_tab_files() -> None:
    result = scan_bytes(b"x = 1\r\nif x:\r\n\timport os\r\n")
    assert isinstance(result, ModuleInfo)
    (imp,) = result.imports
    assert (imp.location.line, imp.location.column) == (3, 9)


def test_context_managers_that_catch_import_error_are_guards() -> None:
    found = by_bound(
        """
        with pytest.raises(ImportError):
            from pkg import Gone
        with self.assertRaises(ModuleNotFoundError):
            import missing
        with open(ImportErrorLog):
            import plain
        """
    )
    assert kinds(found["Gone"]) == [GuardKind.TRY_IMPORT_ERROR]
    assert found["Gone"].guards[0].detail == "raises(ImportError)"
    assert kinds(found["missing"]) == [GuardKind.TRY_IMPORT_ERROR]
    assert kinds(found["plain"]) == []
