from __future__ import annotations

from smokegen.model import ClassFlag, ClassInfo, ConstructorSource, MethodKind, ParamKind
from tests.helpers import scan_code


def classes(code: str) -> dict[str, ClassInfo]:
    return {c.name: c for c in scan_code(code).classes}


def sig(info: ClassInfo) -> list[str]:
    out = []
    for p in info.constructor:
        text = p.name + (f": {p.annotation}" if p.annotation else "") + (f" = {p.default}" if p.default else "")
        out.append(text)
    return out


def test_flags() -> None:
    found = classes(
        """
        import abc, enum, typing
        from abc import ABC, ABCMeta, abstractmethod
        class A(ABC):
            @abstractmethod
            def run(self): ...
        class B(metaclass=ABCMeta):
            @abc.abstractmethod
            def run(self): ...
        class P(typing.Protocol[T]):
            def x(self) -> int: ...
        class E(enum.Enum):
            A = 1
        class F(enum.IntFlag):
            A = 1
        class SubE(E):
            pass
        class TD(typing.TypedDict, total=False):
            a: int
        class NT(typing.NamedTuple):
            a: int
        @dataclass(frozen=True)
        class DC:
            a: int
        @attr.s
        class Attrs:
            a = attr.ib()
        class Err(ValueError):
            pass
        class SubErr(Err):
            pass
        class G(typing.Generic[T]):
            pass
        """
    )
    flags = {name: {f.value for f in info.flags} for name, info in found.items()}
    assert flags == {
        "A": {"abstract"},
        "B": {"abstract"},
        "P": {"protocol"},
        "E": {"enum"},
        "F": {"enum"},
        "SubE": {"enum"},
        "TD": {"typed-dict"},
        "NT": {"named-tuple"},
        "DC": {"dataclass"},
        "Attrs": {"dataclass"},
        "Err": {"exception"},
        "SubErr": {"exception"},
        "G": {"generic"},
    }
    assert found["A"].abstract_methods == ("run",)
    assert found["B"].metaclass == "ABCMeta"
    assert found["DC"].decorators == ("dataclass(frozen=True)",)


def test_abstractness_noop() -> None:
    found = classes(
        """
        class NotABC:
            @abstractmethod
            def run(self): ...          # no ABCMeta: the decorator has no effect
        class EmptyABC(ABC):
            pass                          # nothing abstract: instantiable
        class Base(ABC):
            @abstractmethod
            def run(self): ...
        class Impl(Base):
            def run(self): return 1
        class ImplByAssignment(Base):
            run = staticmethod(print)
        class StillAbstract(Base):
            def other(self): ...
        class EnumLike:
            pass
        """
    )
    assert not found["NotABC"].has(ClassFlag.ABSTRACT)
    assert not found["EmptyABC"].has(ClassFlag.ABSTRACT)
    assert found["Base"].has(ClassFlag.ABSTRACT)
    assert not found["Impl"].has(ClassFlag.ABSTRACT)
    assert not found["ImplByAssignment"].has(ClassFlag.ABSTRACT)
    assert found["StillAbstract"].has(ClassFlag.ABSTRACT)
    assert found["StillAbstract"].abstract_methods == ("run",)
    assert found["EnumLike"].flags == ()


def test_abstract_methods_with_an_unknown_base_count_as_abstract() -> None:
    (info,) = scan_code(
        """
        from base import Plugin
        class Half(Plugin):
            @abstractmethod
            def run(self): ...
        """
    ).classes
    assert info.has(ClassFlag.ABSTRACT)


def test_init_signature_kinds() -> None:
    (info,) = scan_code(
        """
        class K:
            def __init__(self, a, /, b: int, c: str = "x", *args: int, d, e: bool = True, **kw: object) -> None:
                pass
        """
    ).classes
    assert info.constructor_source is ConstructorSource.INIT
    assert [(p.name, p.kind, p.required) for p in info.constructor] == [
        ("a", ParamKind.POSITIONAL_ONLY, True),
        ("b", ParamKind.POSITIONAL_OR_KEYWORD, True),
        ("c", ParamKind.POSITIONAL_OR_KEYWORD, False),
        ("args", ParamKind.VAR_POSITIONAL, False),
        ("d", ParamKind.KEYWORD_ONLY, True),
        ("e", ParamKind.KEYWORD_ONLY, False),
        ("kw", ParamKind.VAR_KEYWORD, False),
    ]
    assert sig(info)[:3] == ["a", "b: int", 'c: str = "x"']


def test_dataclass_fields() -> None:
    found = classes(
        """
        @dataclass
        class Base:
            id: int
        @dataclasses.dataclass(kw_only=True)
        class D(Base):
            name: str
            tags: list[str] = field(default_factory=list)
            cache: ClassVar[dict] = {}
            derived: int = field(init=False)
            required_field: int = field(repr=False)
            _: KW_ONLY
            flag: bool = False
            def method(self): ...
        @dataclass
        class Order:
            _: dataclasses.KW_ONLY
            late: int = 0
        """
    )
    d = found["D"]
    assert d.constructor_source is ConstructorSource.DATACLASS
    assert sig(d) == [
        "id: int",
        "name: str",
        "tags: list[str] = field(default_factory=list)",
        "required_field: int",
        "flag: bool = False",
    ]
    assert [p.kind for p in d.constructor][1:] == [ParamKind.KEYWORD_ONLY] * 4
    assert d.constructor[0].kind is ParamKind.POSITIONAL_OR_KEYWORD
    assert found["Order"].constructor[0].kind is ParamKind.KEYWORD_ONLY


def test_namedtuple_new_base_object_and_unknown_constructors() -> None:
    found = classes(
        """
        class NT(NamedTuple):
            a: int
            b: str = "x"
        class WithNew:
            def __new__(cls, value: int):
                return super().__new__(cls)
        class Parent:
            def __init__(self, x: int) -> None: ...
        class Child(Parent):
            pass
        class Plain:
            pass
        class External(somelib.Base):
            pass
        class GrandChild(Child):
            pass
        class E(Enum):
            A = 1
        """
    )
    assert found["NT"].constructor_source is ConstructorSource.NAMEDTUPLE and sig(found["NT"]) == [
        "a: int",
        'b: str = "x"',
    ]
    assert found["WithNew"].constructor_source is ConstructorSource.NEW and sig(found["WithNew"]) == ["value: int"]
    assert found["Child"].constructor_source is ConstructorSource.BASE and sig(found["Child"]) == ["x: int"]
    assert found["GrandChild"].constructor_source is ConstructorSource.BASE and sig(found["GrandChild"]) == ["x: int"]
    assert found["Plain"].constructor_source is ConstructorSource.OBJECT and found["Plain"].constructor == ()
    assert found["External"].constructor_source is ConstructorSource.UNKNOWN
    assert found["E"].constructor_source is ConstructorSource.UNKNOWN


def test_methods() -> None:
    (info,) = scan_code(
        """
        class K:
            def run(self, n: int = 1) -> str: ...
            async def fetch(self, url): ...
            @staticmethod
            def make(x): ...
            @classmethod
            def build(cls, y): ...
            @property
            def size(self) -> int: ...
            @size.setter
            def size(self, value): ...
            @functools.cached_property
            def heavy(self): ...
            def _private(self): ...
            def __repr__(self): ...
        """
    ).classes
    methods = {m.name: m for m in info.methods}
    assert list(methods) == ["run", "fetch", "make", "build", "size", "heavy"]
    assert methods["run"].kind is MethodKind.INSTANCE and methods["run"].returns == "str"
    assert [p.name for p in methods["run"].params] == ["n"]
    assert methods["fetch"].is_async
    assert methods["make"].kind is MethodKind.STATIC and [p.name for p in methods["make"].params] == ["x"]
    assert methods["build"].kind is MethodKind.CLASS and [p.name for p in methods["build"].params] == ["y"]
    assert methods["size"].kind is MethodKind.PROPERTY and methods["size"].params == ()
    assert methods["heavy"].kind is MethodKind.PROPERTY
    assert (info.location.line, info.location.column) == (1, 1)
    assert methods["fetch"].location.line == 3 and methods["fetch"].location.column == 5


def test_nested_and_conditional_classes_noop_in_functions() -> None:
    found = classes(
        """
        class Outer:
            class Inner:
                pass
        if sys.version_info >= (3, 11):
            class Modern: pass
        def factory():
            class Local: pass
            return Local
        class _Private: pass
        """
    )
    assert set(found) == {"Outer", "Outer.Inner", "Modern", "_Private"}
    assert not found["_Private"].is_public
    assert found["Outer.Inner"].is_public


def test_decorated_class_location_is_the_class_keyword() -> None:
    (info,) = scan_code("@decorator\n@other(1)\nclass K:\n    pass\n").classes
    assert (info.location.line, info.location.column) == (3, 1)


def test_classes_that_do_not_exist_once_imported_are_not_listed() -> None:
    info = scan_code(
        """
        from typing import TYPE_CHECKING

        class Real:
            pass

        if TYPE_CHECKING:
            class OnlyForTypes:
                pass

        if __name__ == "__main__":
            class Demo:
                pass
        """
    )
    assert [c.name for c in info.classes] == ["Real"]


def test_classes_under_other_conditions_are_listed_noop() -> None:
    info = scan_code(
        """
        import sys

        if sys.version_info >= (3, 11):
            class New:
                pass
        else:
            class New:  # noqa
                pass
        """
    )
    assert {c.name for c in info.classes} == {"New"}


def test_pydantic_and_sqlmodel_models_take_their_fields_as_keywords() -> None:
    found = classes(
        """
        from pydantic import BaseModel, ConfigDict, Field
        from pydantic_settings import BaseSettings
        import sqlmodel
        from sqlmodel import SQLModel
        from typing import ClassVar
        class Settings(BaseSettings):
            database_url: str
            debug: bool = False
            _cache: dict = {}
            registry: ClassVar[dict] = {}
        class Hero(SQLModel, table=True):
            id: int | None = sqlmodel.Field(default=None, primary_key=True)
            name: str = sqlmodel.Field(index=True)
            age: int = sqlmodel.Field(0)
        class Item(BaseModel):
            model_config = ConfigDict(frozen=True)
            title: str = Field(...)
            tags: list[str] = Field(default_factory=list)
        class Child(Item):
            title: str = "untitled"
            extra: int
        """
    )
    assert sig(found["Settings"]) == ["database_url: str", "debug: bool = False"]
    assert sig(found["Hero"]) == [
        "id: int | None = sqlmodel.Field(default=None, primary_key=True)",
        "name: str",
        "age: int = sqlmodel.Field(0)",
    ]
    assert sig(found["Item"]) == ["title: str", "tags: list[str] = Field(default_factory=list)"]
    assert sig(found["Child"]) == [
        "tags: list[str] = Field(default_factory=list)",
        'title: str = "untitled"',
        "extra: int",
    ]
    for name in ("Settings", "Hero", "Item", "Child"):
        assert ClassFlag.MODEL in found[name].flags, name
        assert found[name].constructor_source is ConstructorSource.MODEL, name
        assert all(p.kind is ParamKind.KEYWORD_ONLY for p in found[name].constructor), name


def test_a_plain_class_with_annotations_is_no_model_noop() -> None:
    found = classes("class Point:\n    x: int\n    y: int = 0\n")
    assert ClassFlag.MODEL not in found["Point"].flags and found["Point"].constructor == ()
