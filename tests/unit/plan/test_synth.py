"""Argument synthesis: code strings in, plans out; every planned call is also evaluated."""

from __future__ import annotations

import pytest

from smokegen.model import BuildSource, ModuleKind, ProjectModel, SkipReason
from smokegen.plan.synth import Synthesiser, plan_classes
from tests.helpers import scan_code


def _model(*modules: tuple[str, str]) -> ProjectModel:
    infos = tuple(
        scan_code(code, name, ModuleKind.PACKAGE if name.count(".") == 0 else ModuleKind.MODULE)
        for name, code in modules
    )
    return ProjectModel(name=None, source_roots=(".",), namespace_packages=(), modules=infos)


def _plan(code: str, cls: str = "C", *others: tuple[str, str]):
    model = _model(("pkg", ""), ("pkg.mod", code), *others)
    plans = {p.name: p for p in plan_classes(model)["pkg.mod"]}
    return plans[cls]


@pytest.mark.parametrize(
    ("annotation", "code"),
    [
        ("int", "0"),
        ("float", "0.0"),
        ("str", "''"),
        ("bytes", "b''"),
        ("bool", "False"),
        ("complex", "0j"),
        ("Optional[int]", "None"),
        ("typing.Optional[int]", "None"),
        ("int | None", "None"),
        ("None | int", "None"),
        ("Union[str, int]", "''"),
        ("list[int]", "[]"),
        ("List[int]", "[]"),
        ("Sequence[str]", "[]"),
        ("dict[str, int]", "{}"),
        ("Mapping[str, int]", "{}"),
        ("tuple[int, ...]", "()"),
        ("set[int]", "set()"),
        ("frozenset[str]", "frozenset()"),
        ("Iterator[int]", "iter(())"),
        ("Callable[[int], str]", "lambda *args, **kwargs: None"),
        ("Any", "None"),
        ("Literal['a', 'b']", "'a'"),
        ("Annotated[int, 'meta']", "0"),
        ("'int'", "0"),
        ("Path", "pathlib.Path('.')"),
        ("pathlib.Path", "pathlib.Path('.')"),
        ("datetime.datetime", "datetime.datetime(2000, 1, 1)"),
        ("Decimal", "decimal.Decimal(0)"),
    ],
)
def test_values_synthesised_from_annotations(annotation: str, code: str) -> None:
    source = f"""
        import datetime, pathlib, typing
        from decimal import Decimal
        from pathlib import Path
        from typing import Annotated, Any, Callable, Iterator, List, Literal, Mapping, Optional, Sequence, Union

        class C:
            def __init__(self, value: {annotation}) -> None:
                self.value = value
    """
    plan = _plan(source)
    assert plan.source is BuildSource.SYNTHESISED
    assert plan.call() == f"C(value={code})"
    namespace: dict[str, object] = {}
    for module, name in plan.imports:
        namespace[name or module] = __import__(module)
    eval(code, namespace)  # the code is a real expression that evaluates


def test_defaults_only_and_keyword_and_positional_only_parameters() -> None:
    plan = _plan("""
        class C:
            def __init__(self, a: int, /, b: str, *args: int, c: bool, d: int = 3, **kw: str) -> None: ...
    """)
    assert plan.call() == "C(0, b='', c=False)"
    assert plan.forwards
    assert _plan("class C:\n    def __init__(self, x: int = 1) -> None: ...").source is BuildSource.DEFAULTS
    assert _plan("class C:\n    pass").call() == "C()"


def test_project_classes_and_enums_are_built_recursively_across_modules() -> None:
    other = (
        "pkg.other",
        """
        import enum
        from dataclasses import dataclass

        class Color(enum.Enum):
            RED = 1
            GREEN = 2

        @dataclass
        class Spec:
            name: str
            color: Color
            size: int = 0
    """,
    )
    plan = _plan(
        """
        from pkg.other import Spec

        class C:
            def __init__(self, spec: Spec) -> None: ...
    """,
        "C",
        other,
    )
    assert plan.call() == "C(spec=Spec(name='', color=Color.RED))"
    assert plan.imports == (("pkg.other", "Color"), ("pkg.other", "Spec"))


def test_reexported_project_class_is_found() -> None:
    init = ("pkg.sub", "from pkg.sub.impl import Thing\n")
    impl = ("pkg.sub.impl", "class Thing:\n    def __init__(self, n: int) -> None: ...\n")
    plan = _plan(
        "from pkg.sub import Thing\n\nclass C:\n    def __init__(self, t: Thing) -> None: ...\n", "C", init, impl
    )
    assert plan.call() == "C(t=Thing(n=0))"
    assert plan.imports == (("pkg.sub.impl", "Thing"),)


def test_recursion_is_bounded() -> None:
    plan = _plan("""
        class C:
            def __init__(self, other: "C") -> None: ...
    """)
    assert plan.skip is SkipReason.UNSYNTHESISABLE
    assert "nested more than 3 levels" in plan.detail


@pytest.mark.parametrize(
    ("code", "reason", "detail"),
    [
        ("import abc\nclass C(abc.ABC):\n    @abc.abstractmethod\n    def f(self): ...\n", SkipReason.ABSTRACT, "f"),
        ("from typing import Protocol\nclass C(Protocol):\n    def f(self) -> int: ...\n", SkipReason.PROTOCOL, ""),
        ("import enum\nclass C(enum.Enum):\n    A = 1\n", SkipReason.ENUM, ""),
        ("from typing import TypedDict\nclass C(TypedDict):\n    a: int\n", SkipReason.TYPED_DICT, ""),
        ("class C:\n    def __init__(self, a): ...\n", SkipReason.UNANNOTATED, "'a' has no annotation"),
        (
            "import requests\nclass C:\n    def __init__(self, s: requests.Session): ...\n",
            SkipReason.UNSYNTHESISABLE,
            "'requests.Session'",
        ),
        (
            "from typing import TypeVar\nT = TypeVar('T')\nclass C:\n    def __init__(self, t: T): ...\n",
            SkipReason.UNSYNTHESISABLE,
            "'T'",
        ),
    ],
)
def test_skip_reasons(code: str, reason: SkipReason, detail: str) -> None:
    plan = _plan(code)
    assert plan.skip is reason and plan.source is None
    assert detail in plan.detail


def test_unknown_constructor_is_tried_without_arguments_and_factories_win() -> None:
    model = _model(
        ("pkg", ""),
        (
            "pkg.mod",
            "import threading\nclass C(threading.Thread):\n    pass\nclass D:\n    def __init__(self, a): ...\n",
        ),
    )
    plans = {p.name: p for p in Synthesiser(model, {"pkg.mod:D": "tests.factories:make_d"}).plans(model.modules[1])}
    assert plans["C"].source is BuildSource.INHERITED and plans["C"].forwards
    assert plans["D"].source is BuildSource.FACTORY
    assert plans["D"].call() == "make_d()" and plans["D"].imports == (("tests.factories", "make_d"),)


def test_private_nested_and_main_classes_are_not_planned() -> None:
    model = _model(("pkg", ""), ("pkg.mod", "class _Hidden:\n    pass\nclass Outer:\n    class Inner:\n        pass\n"))
    assert [p.name for p in plan_classes(model)["pkg.mod"]] == ["Outer"]
