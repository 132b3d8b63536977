"""Which public classes can be built, and with what: argument values synthesised from annotations.

Pure: the model in, :class:`ClassPlan` values out. A plan's arguments are Python source code
(``Keeper(name='', badge=0)``), so the same plan drives ``smokegen check`` (the runner evaluates
the call in an isolated child) and the generated tests (which print it as code a person reads).

Values are deterministic and as plain as the annotation allows: ``0`` for ``int``, ``''`` for
``str``, ``None`` for anything Optional, empty containers, ``pathlib.Path('.')``, an enum's first
member, a project class built the same way (up to :data:`MAX_DEPTH` levels), a lambda for a
callable. Anything else (a third-party class, a type variable, a parameter without annotation) is
not guessed: the class is skipped with a :class:`SkipReason` and says which parameter stopped it.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Mapping
from dataclasses import dataclass

from smokegen.model import (
    Argument,
    BuildSource,
    ClassFlag,
    ClassInfo,
    ClassPlan,
    ConstructorSource,
    GuardKind,
    ModuleInfo,
    Param,
    ParamKind,
    ProjectModel,
    SkipReason,
)

MAX_DEPTH = 3  # project classes built to make an argument of another, nested at most this deep

_BUILTINS = frozenset(dir(builtins))
_ALIASES = ("typing.", "typing_extensions.", "collections.abc.", "_collections_abc.")

# Canonical dotted type name -> (code, imports the code needs)
_SCALARS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "builtins.int": ("0", ()),
    "builtins.float": ("0.0", ()),
    "builtins.complex": ("0j", ()),
    "builtins.str": ("''", ()),
    "builtins.bytes": ("b''", ()),
    "builtins.bytearray": ("bytearray()", ()),
    "builtins.memoryview": ("memoryview(b'')", ()),
    "builtins.bool": ("False", ()),
    "builtins.None": ("None", ()),
    "builtins.object": ("object()", ()),
    "builtins.list": ("[]", ()),
    "builtins.tuple": ("()", ()),
    "builtins.dict": ("{}", ()),
    "builtins.set": ("set()", ()),
    "builtins.frozenset": ("frozenset()", ()),
    "builtins.range": ("range(0)", ()),
    "builtins.slice": ("slice(None)", ()),
    "builtins.callable": ("lambda *args, **kwargs: None", ()),
    "Any": ("None", ()),
    "Hashable": ("0", ()),
    "Sized": ("[]", ()),
    "Container": ("[]", ()),
    "Collection": ("[]", ()),
    "Iterable": ("[]", ()),
    "Reversible": ("[]", ()),
    "Sequence": ("[]", ()),
    "MutableSequence": ("[]", ()),
    "List": ("[]", ()),
    "Tuple": ("()", ()),
    "Mapping": ("{}", ()),
    "MutableMapping": ("{}", ()),
    "Dict": ("{}", ()),
    "AbstractSet": ("set()", ()),
    "Set": ("set()", ()),
    "MutableSet": ("set()", ()),
    "FrozenSet": ("frozenset()", ()),
    "Iterator": ("iter(())", ()),
    "Generator": ("iter(())", ()),
    "Callable": ("lambda *args, **kwargs: None", ()),
    "Text": ("''", ()),
    "AnyStr": ("''", ()),
    "LiteralString": ("''", ()),
    "SupportsInt": ("0", ()),
    "SupportsFloat": ("0.0", ()),
    "SupportsIndex": ("0", ()),
    "TextIO": ("io.StringIO()", (("io", ""),)),
    "BinaryIO": ("io.BytesIO()", (("io", ""),)),
    "IO": ("io.StringIO()", (("io", ""),)),
    "Pattern": ("re.compile('')", (("re", ""),)),
    "collections.OrderedDict": ("collections.OrderedDict()", (("collections", ""),)),
    "collections.defaultdict": ("collections.defaultdict()", (("collections", ""),)),
    "collections.deque": ("collections.deque()", (("collections", ""),)),
    "collections.Counter": ("collections.Counter()", (("collections", ""),)),
    "re.Pattern": ("re.compile('')", (("re", ""),)),
    "io.StringIO": ("io.StringIO()", (("io", ""),)),
    "io.BytesIO": ("io.BytesIO()", (("io", ""),)),
    "io.TextIOBase": ("io.StringIO()", (("io", ""),)),
    "io.IOBase": ("io.BytesIO()", (("io", ""),)),
    "pathlib.Path": ("pathlib.Path('.')", (("pathlib", ""),)),
    "pathlib.PurePath": ("pathlib.Path('.')", (("pathlib", ""),)),
    "pathlib.PosixPath": ("pathlib.Path('.')", (("pathlib", ""),)),
    "pathlib.PurePosixPath": ("pathlib.PurePosixPath('.')", (("pathlib", ""),)),
    "os.PathLike": ("pathlib.Path('.')", (("pathlib", ""),)),
    "decimal.Decimal": ("decimal.Decimal(0)", (("decimal", ""),)),
    "fractions.Fraction": ("fractions.Fraction(0)", (("fractions", ""),)),
    "datetime.datetime": ("datetime.datetime(2000, 1, 1)", (("datetime", ""),)),
    "datetime.date": ("datetime.date(2000, 1, 1)", (("datetime", ""),)),
    "datetime.time": ("datetime.time()", (("datetime", ""),)),
    "datetime.timedelta": ("datetime.timedelta()", (("datetime", ""),)),
    "uuid.UUID": ("uuid.UUID(int=0)", (("uuid", ""),)),
    "logging.Logger": ("logging.getLogger('smokegen')", (("logging", ""),)),
    "threading.Event": ("threading.Event()", (("threading", ""),)),
}
_NONE_LIKE = frozenset({"builtins.None", "NoneType", "types.NoneType"})


class Unsynthesisable(Exception):
    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Value:
    code: str
    imports: tuple[tuple[str, str], ...] = ()


def _canonical(dotted: str) -> str:
    for prefix in _ALIASES:
        if dotted.startswith(prefix):
            return dotted[len(prefix) :]
    return dotted


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _subscript_args(node: ast.Subscript) -> list[ast.expr]:
    inner = node.slice
    return list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]


def _union_members(node: ast.expr) -> list[ast.expr] | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return (_union_members(node.left) or [node.left]) + (_union_members(node.right) or [node.right])
    return None


class Synthesiser:
    """Plans for the public top-level classes of a project's modules."""

    def __init__(self, model: ProjectModel, factories: Mapping[str, str] | None = None) -> None:
        self.modules = {m.name: m for m in model.modules}
        self.factories = dict(factories or {})

    # -- names -----------------------------------------------------------------------------------

    def _binding(self, info: ModuleInfo, head: str) -> str | None:
        """What the module-level name ``head`` is, as a dotted path (``pathlib.Path``)."""
        if any(c.name == head for c in info.classes):
            return f"{info.name}.{head}"
        found: str | None = None
        for imp in info.imports:
            if any(g.kind is GuardKind.FUNCTION for g in imp.guards):
                continue
            if imp.name is None:
                bound = imp.alias or imp.module.split(".")[0]
                target = imp.module if imp.alias else imp.module.split(".")[0]
            elif imp.name == "*":
                continue
            else:
                bound = imp.alias or imp.name
                target = f"{imp.module}.{imp.name}"
            if bound == head:
                found = target  # the last binding wins, as at run time
        return found

    def resolve(self, info: ModuleInfo, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        target = self._binding(info, head)
        if target is None:
            target = f"builtins.{head}" if head in _BUILTINS or head == "None" else f"?{head}"
        return f"{target}.{rest}" if rest else target

    def find_class(self, dotted: str, seen: int = 0) -> tuple[ModuleInfo, ClassInfo] | None:
        """The project class a dotted path names, following re-exports (``pkg.Thing`` -> ``pkg.things``)."""
        module, _, name = dotted.rpartition(".")
        info = self.modules.get(module)
        if info is None or seen > 5:
            return None
        for cls in info.classes:
            if cls.name == name:
                return info, cls
        target = self._binding(info, name)
        if target is None or target == dotted:
            return None
        return self.find_class(target, seen + 1)

    # -- values ----------------------------------------------------------------------------------

    def value(self, info: ModuleInfo, annotation: str, depth: int = 0) -> Value:
        try:
            node = ast.parse(annotation.strip(), mode="eval").body
        except SyntaxError:
            raise Unsynthesisable(SkipReason.UNSYNTHESISABLE, f"annotation {annotation!r} does not parse") from None
        return self._value(info, node, depth)

    def _value(self, info: ModuleInfo, node: ast.expr, depth: int) -> Value:
        if isinstance(node, ast.Constant):
            if node.value is None:
                return Value("None")
            if isinstance(node.value, str):
                return self.value(info, node.value, depth)  # a string annotation
        members = _union_members(node)
        if members is not None:
            return self._union(info, members, depth)
        dotted = _dotted(node.value if isinstance(node, ast.Subscript) else node)
        if dotted is None:
            raise Unsynthesisable(SkipReason.UNSYNTHESISABLE, f"no value for the annotation '{ast.unparse(node)}'")
        canonical = _canonical(self.resolve(info, dotted))
        if isinstance(node, ast.Subscript):
            args = _subscript_args(node)
            if canonical == "Optional":
                return Value("None")
            if canonical == "Union":
                return self._union(info, args, depth)
            if canonical in ("Annotated", "Final", "ClassVar", "Required", "NotRequired", "ReadOnly") and args:
                return self._value(info, args[0], depth)
            if canonical == "Literal" and args:
                return Value(ast.unparse(args[0]))
        if canonical in _NONE_LIKE:
            return Value("None")
        known = _SCALARS.get(canonical)
        if known is not None:
            return Value(*known)
        found = self.find_class(canonical)
        if found is not None:
            return self._project_value(found[0], found[1], depth)
        shown = canonical.lstrip("?")
        raise Unsynthesisable(SkipReason.UNSYNTHESISABLE, f"no value for the type '{shown}'")

    def _union(self, info: ModuleInfo, members: list[ast.expr], depth: int) -> Value:
        failure: Unsynthesisable | None = None
        for member in members:
            if isinstance(member, ast.Constant) and member.value is None:
                return Value("None")
        for member in members:
            try:
                return self._value(info, member, depth)
            except Unsynthesisable as exc:
                failure = failure or exc
        assert failure is not None
        raise failure

    def _project_value(self, info: ModuleInfo, cls: ClassInfo, depth: int) -> Value:
        alias = cls.name
        need = ((info.name, cls.name),)
        if cls.has(ClassFlag.ENUM):
            if not cls.enum_members:
                raise Unsynthesisable(SkipReason.UNSYNTHESISABLE, f"the enum '{info.name}.{cls.name}' has no members")
            return Value(f"{alias}.{cls.enum_members[0]}", need)
        if depth >= MAX_DEPTH:
            raise Unsynthesisable(
                SkipReason.UNSYNTHESISABLE, f"'{info.name}.{cls.name}' is nested more than {MAX_DEPTH} levels deep"
            )
        plan = self.plan_class(info, cls, depth + 1)
        if plan.skip is not None or plan.source is BuildSource.INHERITED:
            raise Unsynthesisable(
                plan.skip or SkipReason.UNSYNTHESISABLE,
                f"'{info.name}.{cls.name}' cannot be built: {plan.detail or 'its constructor is not known'}",
            )
        if plan.source is BuildSource.FACTORY:
            module, _, func = plan.factory.partition(":")
            return Value(f"{func}()", ((module, func),))
        return Value(plan.call(), tuple(sorted(set(need + plan.imports))))

    # -- plans -----------------------------------------------------------------------------------

    def _skip(self, info: ModuleInfo, cls: ClassInfo) -> tuple[SkipReason, str] | None:
        if cls.has(ClassFlag.PROTOCOL):
            return SkipReason.PROTOCOL, "a Protocol describes a type; it is not built"
        if cls.has(ClassFlag.ABSTRACT):
            return SkipReason.ABSTRACT, "abstract methods: " + ", ".join(cls.abstract_methods)
        if cls.has(ClassFlag.ENUM):
            return SkipReason.ENUM, "an enum's members exist once the module imports"
        if cls.has(ClassFlag.TYPED_DICT):
            return SkipReason.TYPED_DICT, "a TypedDict is a plain dict at run time"
        return None

    def plan_class(self, info: ModuleInfo, cls: ClassInfo, depth: int = 0) -> ClassPlan:
        base = ClassPlan(module=info.name, name=cls.name, location=cls.location)
        factory = self.factories.get(base.key)
        if factory is not None:
            module, _, func = factory.partition(":")
            return ClassPlan(
                info.name, cls.name, cls.location, BuildSource.FACTORY, factory=factory, imports=((module, func),)
            )
        skipped = self._skip(info, cls)
        if skipped is not None:
            return ClassPlan(info.name, cls.name, cls.location, skip=skipped[0], detail=skipped[1])
        if cls.constructor_source is ConstructorSource.UNKNOWN:
            return ClassPlan(info.name, cls.name, cls.location, BuildSource.INHERITED, forwards=True)
        forwards = any(p.kind in (ParamKind.VAR_POSITIONAL, ParamKind.VAR_KEYWORD) for p in cls.constructor)
        arguments: list[Argument] = []
        imports: set[tuple[str, str]] = set()
        for param in cls.constructor:
            if not param.required:
                continue
            value = self._argument(info, cls, param, depth)
            if isinstance(value, ClassPlan):
                return value
            arguments.append(Argument(None if param.kind is ParamKind.POSITIONAL_ONLY else param.name, value.code))
            imports.update(value.imports)
        source = BuildSource.SYNTHESISED if arguments else BuildSource.DEFAULTS
        return ClassPlan(
            info.name,
            cls.name,
            cls.location,
            source,
            arguments=tuple(arguments),
            imports=tuple(sorted(imports)),
            forwards=forwards,
        )

    def _argument(self, info: ModuleInfo, cls: ClassInfo, param: Param, depth: int) -> Value | ClassPlan:
        if param.annotation is None:
            return ClassPlan(
                info.name,
                cls.name,
                cls.location,
                skip=SkipReason.UNANNOTATED,
                detail=f"required parameter '{param.name}' has no annotation",
            )
        try:
            return self.value(info, param.annotation, depth)
        except Unsynthesisable as exc:
            return ClassPlan(
                info.name,
                cls.name,
                cls.location,
                skip=exc.reason,
                detail=f"required parameter '{param.name}': {exc.detail}",
            )

    def call_arguments(
        self, info: ModuleInfo, params: tuple[Param, ...]
    ) -> tuple[tuple[Argument, ...], tuple[tuple[str, str], ...]] | str:
        """Arguments for the required ``params`` of a function or method in ``info`` (and the imports
        their code needs), or why they cannot be made."""
        arguments: list[Argument] = []
        imports: set[tuple[str, str]] = set()
        for param in params:
            if not param.required:
                continue
            if param.kind in (ParamKind.VAR_POSITIONAL, ParamKind.VAR_KEYWORD):
                continue
            if param.annotation is None:
                return f"required parameter '{param.name}' has no annotation"
            try:
                value = self.value(info, param.annotation)
            except Unsynthesisable as exc:
                return f"required parameter '{param.name}': {exc.detail}"
            arguments.append(Argument(None if param.kind is ParamKind.POSITIONAL_ONLY else param.name, value.code))
            imports.update(value.imports)
        return tuple(arguments), tuple(sorted(imports))

    def plans(self, info: ModuleInfo) -> tuple[ClassPlan, ...]:
        """A plan for every public top-level class the module defines."""
        if not info.kind.imported:
            return ()
        public = [cls for cls in info.classes if "." not in cls.name and cls.is_public]
        if not all(part.isidentifier() for part in info.name.split(".")):
            detail = f"'{info.name}' is loaded by name (a Django migration), not by an import statement"
            return tuple(
                ClassPlan(info.name, cls.name, cls.location, skip=SkipReason.LOADED_BY_NAME, detail=detail)
                for cls in public
            )
        return tuple(self.plan_class(info, cls) for cls in public)


def plan_classes(model: ProjectModel, factories: Mapping[str, str] | None = None) -> dict[str, tuple[ClassPlan, ...]]:
    """Module name -> plans for its public classes (modules without any are left out)."""
    synthesiser = Synthesiser(model, factories)
    out: dict[str, tuple[ClassPlan, ...]] = {}
    for info in sorted(model.modules, key=lambda m: m.name):
        plans = synthesiser.plans(info)
        if plans:
            out[info.name] = plans
    return out
