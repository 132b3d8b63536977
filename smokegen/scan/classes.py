"""Collector: classes, their kind, constructor signature and public methods.

Static and syntactic: a base is recognised by its name (``Enum``, ``ABC``,
``Protocol``...) or, when it is defined in the same module, by what the
scanner learned about it. Bases from other modules stay unknown here; the
project-wide stages resolve them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from smokegen.model import ClassFlag, ClassInfo, ConstructorSource, GuardKind, MethodInfo, MethodKind, Param, ParamKind
from smokegen.scan.cst_tools import (
    Context,
    body_statements,
    callee_or_self,
    dotted_name,
    guards_of,
    last_part,
    walk_statements,
)

ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"})
ENUM_METAS = frozenset({"EnumMeta", "EnumType"})
EXCEPTION_BASES = frozenset({"Exception", "BaseException"})
# Bases that add nothing to the constructor of ``object``.
TRIVIAL_BASES = frozenset({"object", "ABC", "Generic", "Protocol"})
DATACLASS_DECORATORS = frozenset(
    {
        "dataclass",
        "dataclasses.dataclass",
        "pydantic.dataclasses.dataclass",
        "attr.s",
        "attr.attrs",
        "attr.define",
        "attr.mutable",
        "attr.frozen",
        "attrs.define",
        "attrs.mutable",
        "attrs.frozen",
        "define",
        "frozen",
        "mutable",
    }
)
FIELD_CALLS = frozenset(
    {
        "field",
        "dataclasses.field",
        "attr.ib",
        "attr.attrib",
        "attr.field",
        "attrs.field",
        "Field",
        "pydantic.Field",
        "sqlmodel.Field",
    }
)
# Bases whose subclasses take their annotated fields as keyword arguments (pydantic, pydantic-settings,
# SQLModel): models are built from their fields like dataclasses.
MODEL_BASES = frozenset({"BaseModel", "BaseSettings", "SQLModel"})
ABSTRACT_DECORATORS = frozenset({"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod"})
PROPERTY_DECORATORS = frozenset({"property", "cached_property", "abstractproperty"})


@dataclass
class _Partial:
    """What is known of a class while its module is scanned (for same-module inheritance)."""

    info: ClassInfo
    abc: bool  # has ABCMeta somewhere in its known ancestry
    unknown_bases: bool  # a base from elsewhere, whose contents the scanner cannot see
    abstract: frozenset[str] = field(default_factory=frozenset)
    concrete: frozenset[str] = field(default_factory=frozenset)


def _decorator_names(node: cst.FunctionDef | cst.ClassDef) -> list[str]:
    return [dotted_name(callee_or_self(d.decorator)) or "" for d in node.decorators]


def _params(ctx: Context, params: cst.Parameters, *, drop_first: bool) -> tuple[Param, ...]:
    out: list[Param] = []

    def one(p: cst.Param, kind: ParamKind) -> Param:
        return Param(
            name=p.name.value,
            kind=kind,
            default=None if p.default is None else ctx.code(p.default),
            annotation=None if p.annotation is None else ctx.code(p.annotation.annotation),
        )

    for p in params.posonly_params:
        out.append(one(p, ParamKind.POSITIONAL_ONLY))
    for p in params.params:
        out.append(one(p, ParamKind.POSITIONAL_OR_KEYWORD))
    if isinstance(params.star_arg, cst.Param):
        out.append(one(params.star_arg, ParamKind.VAR_POSITIONAL))
    for p in params.kwonly_params:
        out.append(one(p, ParamKind.KEYWORD_ONLY))
    if params.star_kwarg is not None:
        out.append(one(params.star_kwarg, ParamKind.VAR_KEYWORD))
    if drop_first and out and out[0].kind in (ParamKind.POSITIONAL_ONLY, ParamKind.POSITIONAL_OR_KEYWORD):
        out.pop(0)
    return tuple(out)


def _method_kind(decorators: Sequence[str]) -> MethodKind:
    lasts = {d.rpartition(".")[2] for d in decorators}
    if "staticmethod" in lasts or "abstractstaticmethod" in lasts:
        return MethodKind.STATIC
    if "classmethod" in lasts or "abstractclassmethod" in lasts:
        return MethodKind.CLASS
    if lasts & PROPERTY_DECORATORS or any(d.endswith((".setter", ".getter", ".deleter")) for d in decorators):
        return MethodKind.PROPERTY
    return MethodKind.INSTANCE


def _field_param(ctx: Context, stmt: cst.AnnAssign, kw_only: bool) -> Param | None:
    """A dataclass/attrs/NamedTuple field as a constructor parameter; None when it is not an init argument."""
    if not isinstance(stmt.target, cst.Name):
        return None
    annotation = ctx.code(stmt.annotation.annotation)
    if last_part(stmt.annotation.annotation) == "ClassVar":
        return None
    default: str | None = None
    if stmt.value is not None:
        default = ctx.code(stmt.value)
        if isinstance(stmt.value, cst.Call) and dotted_name(stmt.value.func) in FIELD_CALLS:
            keywords = {a.keyword.value: a.value for a in stmt.value.args if a.keyword is not None}
            positional = [a.value for a in stmt.value.args if a.keyword is None and not a.star]
            init = keywords.get("init")
            if isinstance(init, cst.Name) and init.value == "False":
                return None
            # attr.ib(0) and Field(0) take the default first; Field(...) is a required field
            given = bool(positional) and not isinstance(positional[0], cst.Ellipsis)
            if not given and not {"default", "default_factory", "factory"} & keywords.keys():
                default = None
            kw = keywords.get("kw_only")
            if isinstance(kw, cst.Name):
                kw_only = kw.value == "True"
    name = stmt.target.value
    kind = ParamKind.KEYWORD_ONLY if kw_only else ParamKind.POSITIONAL_OR_KEYWORD
    return Param(name=name, kind=kind, default=default, annotation=annotation)


def _fields(ctx: Context, node: cst.ClassDef, kw_only: bool, private: bool = True) -> tuple[Param, ...]:
    """The fields as constructor parameters; ``private``: ``_name`` fields are parameters too (not in a
    pydantic model, where they are private attributes)."""
    params: list[Param] = []
    for stmt, _ in walk_statements(body_statements(node.body), into_defs=False):
        if isinstance(stmt, cst.AnnAssign):
            if last_part(stmt.annotation.annotation) == "KW_ONLY":
                kw_only = True
                continue
            param = _field_param(ctx, stmt, kw_only)
            if param is not None and (private or not param.name.startswith("_")):
                params = [p for p in params if p.name != param.name] + [param]
    return tuple(params)


def _decorator_kw_only(node: cst.ClassDef) -> bool:
    for decorator in node.decorators:
        if isinstance(decorator.decorator, cst.Call):
            for arg in decorator.decorator.args:
                if arg.keyword is not None and arg.keyword.value == "kw_only":
                    return isinstance(arg.value, cst.Name) and arg.value.value == "True"
    return False


_NEVER_ON_IMPORT = frozenset({GuardKind.MAIN_BLOCK, GuardKind.TYPE_CHECKING})


class _ClassCollector:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.known: dict[str, _Partial] = {}
        self.classes: list[ClassInfo] = []

    def collect(self, statements: Sequence[cst.BaseStatement], prefix: str = "") -> None:
        for stmt, frame in walk_statements(statements, into_defs=False):
            if isinstance(stmt, cst.ClassDef):
                if not prefix and _NEVER_ON_IMPORT & {g.kind for g in guards_of(self.ctx, frame)}:
                    continue  # under `if __name__ == "__main__":` or `if TYPE_CHECKING:`: absent once imported
                self.add(stmt, prefix)

    def add(self, node: cst.ClassDef, prefix: str) -> None:
        ctx = self.ctx
        qualname = f"{prefix}{node.name.value}"
        bases = [a for a in node.bases if a.keyword is None]
        base_texts = tuple(ctx.code(a.value) for a in bases)
        base_lasts = [last_part(a.value) or "" for a in bases]
        local = [self.known.get(dotted_name(callee_or_self(a.value)) or "") for a in bases]
        metaclass_arg = next((a.value for a in node.keywords if a.keyword and a.keyword.value == "metaclass"), None)
        metaclass = None if metaclass_arg is None else ctx.code(metaclass_arg)
        meta_last = None if metaclass_arg is None else last_part(metaclass_arg)
        decorators = _decorator_names(node)

        def inherited(flag: ClassFlag) -> bool:
            return any(p is not None and p.info.has(flag) for p in local)

        flags: list[ClassFlag] = []
        if "Protocol" in base_lasts:
            flags.append(ClassFlag.PROTOCOL)
        if ENUM_BASES.intersection(base_lasts) or meta_last in ENUM_METAS or inherited(ClassFlag.ENUM):
            flags.append(ClassFlag.ENUM)
        if "TypedDict" in base_lasts or inherited(ClassFlag.TYPED_DICT):
            flags.append(ClassFlag.TYPED_DICT)
        if "NamedTuple" in base_lasts or inherited(ClassFlag.NAMED_TUPLE):
            flags.append(ClassFlag.NAMED_TUPLE)
        is_dataclass = any(d in DATACLASS_DECORATORS for d in decorators)
        if is_dataclass:
            flags.append(ClassFlag.DATACLASS)
        is_model = bool(MODEL_BASES.intersection(base_lasts)) or inherited(ClassFlag.MODEL)
        if is_model:
            flags.append(ClassFlag.MODEL)
        if any(b in EXCEPTION_BASES or b.endswith(("Error", "Exception", "Warning")) for b in base_lasts) or inherited(
            ClassFlag.EXCEPTION
        ):
            flags.append(ClassFlag.EXCEPTION)
        if "Generic" in base_lasts or node.type_parameters is not None:
            flags.append(ClassFlag.GENERIC)

        # Methods, abstractness.
        own_abstract: set[str] = set()
        own_concrete: set[str] = set()
        methods: list[MethodInfo] = []
        init: cst.FunctionDef | None = None
        new: cst.FunctionDef | None = None
        nested: list[cst.BaseStatement] = []
        members: list[str] = []
        for stmt, _ in walk_statements(body_statements(node.body), into_defs=False):
            if isinstance(stmt, cst.ClassDef):
                nested.append(stmt)
            if isinstance(stmt, (cst.Assign, cst.AnnAssign)):
                targets = [t.target for t in stmt.targets] if isinstance(stmt, cst.Assign) else [stmt.target]
                own_concrete.update(t.value for t in targets if isinstance(t, cst.Name))
                if ClassFlag.ENUM in flags and (isinstance(stmt, cst.Assign) or stmt.value is not None):
                    members.extend(t.value for t in targets if isinstance(t, cst.Name) and not t.value.startswith("_"))
            if not isinstance(stmt, cst.FunctionDef):
                continue
            name = stmt.name.value
            method_decorators = _decorator_names(stmt)
            abstract = any(d.rpartition(".")[2] in ABSTRACT_DECORATORS for d in method_decorators)
            (own_abstract if abstract else own_concrete).add(name)
            if name == "__init__":
                init = stmt
            elif name == "__new__":
                new = stmt
            if name.startswith("_"):
                continue
            kind = _method_kind(method_decorators)
            methods.append(
                MethodInfo(
                    name=name,
                    kind=kind,
                    params=_params(ctx, stmt.params, drop_first=kind is not MethodKind.STATIC),
                    location=ctx.location(stmt),
                    is_async=stmt.asynchronous is not None,
                    is_abstract=abstract,
                    returns=None if stmt.returns is None else ctx.code(stmt.returns.annotation),
                )
            )
        # a setter redefines the name; keep the first definition of each public method
        seen: set[str] = set()
        methods = [m for m in methods if not (m.name in seen or seen.add(m.name))]  # type: ignore[func-returns-value]

        known_bases = [p for p in local if p is not None]
        unknown_bases = any(
            p is None and b not in TRIVIAL_BASES for p, b in zip(local, base_lasts, strict=True)
        ) or any(p.unknown_bases for p in known_bases)
        abc = "ABC" in base_lasts or meta_last == "ABCMeta" or any(p.abc for p in known_bases)
        inherited_abstract: set[str] = set()
        for p in known_bases:
            inherited_abstract |= p.abstract
        inherited_concrete: set[str] = set()
        for p in known_bases:
            inherited_concrete |= p.concrete
        abstract_left = own_abstract | (inherited_abstract - own_concrete - inherited_concrete)
        if ClassFlag.PROTOCOL not in flags and abstract_left and (abc or unknown_bases):
            flags.append(ClassFlag.ABSTRACT)

        # Constructor.
        constructor: tuple[Param, ...] = ()
        if init is not None:
            source, constructor = ConstructorSource.INIT, _params(ctx, init.params, drop_first=True)
        elif is_dataclass and not unknown_bases:
            base_fields: tuple[Param, ...] = ()
            for p in known_bases:
                if p.info.has(ClassFlag.DATACLASS):
                    base_fields += p.info.constructor
            own = _fields(ctx, node, _decorator_kw_only(node))
            own_names = {f.name for f in own}
            source = ConstructorSource.DATACLASS
            constructor = tuple(f for f in base_fields if f.name not in own_names) + own
        elif is_model and new is None:
            base_fields = ()
            for p in known_bases:
                if p.info.has(ClassFlag.MODEL):
                    base_fields += p.info.constructor
            own = _fields(ctx, node, True, private=False)
            own_names = {f.name for f in own}
            source = ConstructorSource.MODEL
            constructor = tuple(f for f in base_fields if f.name not in own_names) + own
        elif ClassFlag.NAMED_TUPLE in flags and "NamedTuple" in base_lasts:
            source, constructor = ConstructorSource.NAMEDTUPLE, _fields(ctx, node, False)
        elif new is not None:
            source, constructor = ConstructorSource.NEW, _params(ctx, new.params, drop_first=True)
        elif (ClassFlag.ENUM in flags or ClassFlag.TYPED_DICT in flags) or unknown_bases:
            source = ConstructorSource.UNKNOWN
        elif known_bases:
            source, constructor = ConstructorSource.BASE, known_bases[0].info.constructor
            if known_bases[0].info.constructor_source is ConstructorSource.UNKNOWN:
                source = ConstructorSource.UNKNOWN
        else:
            source = ConstructorSource.OBJECT

        info = ClassInfo(
            name=qualname,
            location=ctx.location(node),
            bases=base_texts,
            metaclass=metaclass,
            decorators=tuple(ctx.code(d.decorator) for d in node.decorators),
            flags=tuple(flags),
            abstract_methods=tuple(sorted(abstract_left)) if ClassFlag.ABSTRACT in flags else (),
            constructor=constructor,
            constructor_source=source,
            methods=tuple(methods),
            enum_members=tuple(dict.fromkeys(members)),
        )
        self.known[qualname] = _Partial(
            info,
            abc=abc,
            unknown_bases=unknown_bases,
            abstract=frozenset(abstract_left),
            concrete=frozenset(own_concrete | (inherited_concrete - own_abstract)),
        )
        self.classes.append(info)
        self.collect(nested, prefix=f"{qualname}.")


def collect_classes(ctx: Context) -> tuple[ClassInfo, ...]:
    collector = _ClassCollector(ctx)
    collector.collect(ctx.module.body)
    return tuple(collector.classes)
