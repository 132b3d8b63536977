"""The project model: what the scanner reads from each module, statically. Every type round-trips
through JSON (:mod:`smokegen.model.serialize`): the scan cache and ``smokegen scan --format json``."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from smokegen.model.findings import Finding, Location


class ModuleKind(enum.Enum):
    MODULE = "module"  # a plain ``name.py``
    PACKAGE = "package"  # a regular package's ``__init__.py``
    MAIN = "main"  # ``__main__.py``: importing it runs the program
    SCRIPT = "script"  # run by a tool, never imported (Alembic's env.py and revisions): static checks only

    @property
    def imported(self) -> bool:
        """Something imports it; a ``__main__`` or a script is run instead, and never imported."""
        return self is ModuleKind.MODULE or self is ModuleKind.PACKAGE


class GuardKind(enum.Enum):
    """What an import sits under; an import can sit under several (outermost first)."""

    TRY_IMPORT_ERROR = (
        "try-import-error"  # ``except ImportError`` / ``ModuleNotFoundError`` / ``suppress(ImportError)``
    )
    TRY_BROAD = "try-broad"  # ``except Exception`` / ``BaseException`` / bare ``except:``
    TRY_OTHER = "try-other"  # a ``try`` whose handlers do not catch ImportError
    TRY_FALLBACK = "try-fallback"  # in an ``except`` handler: runs only when the ``try`` body raised
    TRY_ELSE = "try-else"  # in a ``try``'s ``else``: runs only when the body raised nothing
    TYPE_CHECKING = "type-checking"  # ``if TYPE_CHECKING:`` (never runs)
    FUNCTION = "function"  # inside a function or lambda: runs when called, not on import
    VERSION = "version"  # under ``if sys.version_info ...``
    PLATFORM = "platform"  # under ``if sys.platform ...`` / ``os.name`` / ``platform.system()``
    CONDITION = "condition"  # under any other ``if``/``while``: may or may not run
    MAIN_BLOCK = "main-block"  # under ``if __name__ == "__main__":``


@dataclass(frozen=True, slots=True)
class Guard:
    kind: GuardKind
    # The exceptions caught (``ImportError, AttributeError``) or the condition's source text.
    detail: str = ""
    line: int = 0  # the line of the guarding statement (try, if, def...)


@dataclass(frozen=True, slots=True)
class ImportInfo:
    """One imported name.

    ``import a.b as c``      -> module="a.b", name=None, alias="c"
    ``from x import y as z`` -> module="x",   name="y",  alias="z"
    ``from x import *``      -> module="x",   name="*"
    ``from . import y`` in package ``p`` -> module="p", name="y", level=1
    """

    module: str
    name: str | None
    alias: str | None
    level: int
    location: Location
    guards: tuple[Guard, ...] = ()
    # False for a relative import that climbs above the top-level package.
    resolved: bool = True

    @property
    def bound_name(self) -> str | None:
        """The name this import binds in the importing namespace (None for ``*``)."""
        if self.alias is not None:
            return self.alias
        if self.name is None:
            return self.module.split(".", 1)[0]
        return None if self.name == "*" else self.name

    @property
    def at_import_time(self) -> bool:
        """True when the import runs whenever the module is imported (no guard at all)."""
        return not self.guards


class BindingKind(enum.Enum):
    FUNCTION = "function"
    CLASS = "class"
    ASSIGNMENT = "assignment"  # ``x = ...``, ``x += ...``, ``for x in``, ``with ... as x``, walrus
    ANNOTATION = "annotation"  # ``x: int`` without a value (binds nothing at run time)
    IMPORT = "import"
    TYPE_ALIAS = "type-alias"  # ``type X = ...`` (3.12)


@dataclass(frozen=True, slots=True)
class Binding:
    """A name bound at module level, with where it is first bound."""

    name: str
    kind: BindingKind
    location: Location
    # True when every binding of the name sits under an ``if``/``try``/guard.
    conditional: bool = False
    # True when the name is bound only under ``if TYPE_CHECKING:`` (absent at run time).
    type_only: bool = False


@dataclass(frozen=True, slots=True)
class AttributeUse:
    """``pkg.sub.name`` evaluated at import time, where ``pkg`` was bound by a plain ``import``."""

    chain: str  # the dotted expression as written, rooted at the imported name
    location: Location  # the statement that evaluates it


@dataclass(frozen=True, slots=True)
class Suppression:
    """``# smokegen: ignore[SG101,SG104]`` on a line; empty codes silence every code on that line."""

    line: int
    codes: tuple[str, ...] = ()


class ParamKind(enum.Enum):
    POSITIONAL_ONLY = "positional-only"
    POSITIONAL_OR_KEYWORD = "positional-or-keyword"
    VAR_POSITIONAL = "var-positional"
    KEYWORD_ONLY = "keyword-only"
    VAR_KEYWORD = "var-keyword"


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: ParamKind
    default: str | None = None  # source text of the default, None when required
    annotation: str | None = None  # source text of the annotation

    @property
    def required(self) -> bool:
        return self.default is None and self.kind not in (ParamKind.VAR_POSITIONAL, ParamKind.VAR_KEYWORD)


class MethodKind(enum.Enum):
    INSTANCE = "instance"
    CLASS = "classmethod"
    STATIC = "staticmethod"
    PROPERTY = "property"


@dataclass(frozen=True, slots=True)
class MethodInfo:
    """A public method (name not starting with ``_``); params exclude ``self``/``cls``."""

    name: str
    kind: MethodKind
    params: tuple[Param, ...]
    location: Location
    is_async: bool = False
    is_abstract: bool = False
    returns: str | None = None


class ConstructorSource(enum.Enum):
    """Where the constructor signature in :class:`ClassInfo` comes from."""

    INIT = "init"  # the class's own ``__init__``
    NEW = "new"  # the class's own ``__new__`` (no ``__init__``)
    DATACLASS = "dataclass"  # fields of a dataclass (or attrs class) known statically
    NAMEDTUPLE = "namedtuple"  # fields of a ``typing.NamedTuple`` subclass
    MODEL = "model"  # fields of a pydantic or SQLModel model, as keyword arguments
    BASE = "base"  # inherited from a base class in the same module
    OBJECT = "object"  # no bases and no ``__init__``: takes no arguments
    UNKNOWN = "unknown"  # inherited from a base smokegen cannot see statically


class ClassFlag(enum.Enum):
    ABSTRACT = "abstract"  # ABC/ABCMeta with abstract methods left unimplemented
    PROTOCOL = "protocol"
    ENUM = "enum"
    TYPED_DICT = "typed-dict"
    NAMED_TUPLE = "named-tuple"
    DATACLASS = "dataclass"  # dataclasses.dataclass, attrs, or pydantic-style dataclass decorators
    EXCEPTION = "exception"
    GENERIC = "generic"  # subscripted ``Generic[...]``/type parameters
    MODEL = "model"  # a pydantic BaseModel/BaseSettings or SQLModel: its fields are keyword arguments


@dataclass(frozen=True, slots=True)
class ClassInfo:
    name: str  # dotted within the module for nested classes: ``Outer.Inner``
    location: Location
    bases: tuple[str, ...] = ()  # source text of each positional base
    metaclass: str | None = None
    decorators: tuple[str, ...] = ()  # source text, without the ``@``
    flags: tuple[ClassFlag, ...] = ()
    abstract_methods: tuple[str, ...] = ()
    constructor: tuple[Param, ...] = ()
    constructor_source: ConstructorSource = ConstructorSource.OBJECT
    methods: tuple[MethodInfo, ...] = ()
    enum_members: tuple[str, ...] = ()  # an enum's member names, in definition order

    def has(self, flag: ClassFlag) -> bool:
        return flag in self.flags

    @property
    def is_public(self) -> bool:
        return not any(part.startswith("_") for part in self.name.split("."))


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """Everything the scanner learned about one importable file, statically."""

    name: str  # dotted module name: ``pkg.sub.mod``, ``pkg`` for ``pkg/__init__.py``
    path: str  # POSIX, relative to the project root
    kind: ModuleKind
    imports: tuple[ImportInfo, ...] = ()
    bindings: tuple[Binding, ...] = ()
    classes: tuple[ClassInfo, ...] = ()
    # ``__all__`` when statically known; None when the module has none.
    all_names: tuple[str, ...] | None = None
    # ``__all__`` (or ``globals()``) is changed in a way the scanner cannot follow.
    dynamic_all: bool = False
    dynamic_globals: bool = False
    has_getattr: bool = False  # module-level ``__getattr__`` (PEP 562)
    has_main_block: bool = False  # ``if __name__ == "__main__":``
    empty: bool = False  # no statements at all (whitespace and comments only)
    # Dotted uses of plainly imported modules evaluated at import time (module level, class
    # bodies, decorators, defaults), for the import-order check.
    attribute_uses: tuple[AttributeUse, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    # ``__path__`` is assigned (pkgutil.extend_path and friends): submodules may live elsewhere.
    extends_path: bool = False
    findings: tuple[Finding, ...] = ()  # problems found in this file alone (SG005)

    @property
    def package(self) -> str:
        """The package relative imports resolve against."""
        if self.kind is ModuleKind.PACKAGE:
            return self.name
        return self.name.rpartition(".")[0]

    def bound_names(self) -> frozenset[str]:
        """Names that exist at run time (bindings under ``if TYPE_CHECKING:`` excluded)."""
        return frozenset(b.name for b in self.bindings if not b.type_only)


class FailureReason(enum.Enum):
    SYNTAX = "syntax"  # does not parse
    DECODE = "decode"  # not valid text in its declared encoding
    SCANNER_LIMIT = "scanner-limit"  # valid Python that libcst cannot parse
    UNREADABLE = "unreadable"  # the file could not be read (permissions, vanished mid-scan)


@dataclass(frozen=True, slots=True)
class ScanFailure:
    """A file that could not be scanned; reported as a finding, never a crash."""

    name: str
    path: str
    kind: ModuleKind
    reason: FailureReason
    message: str
    location: Location


ScanResult = ModuleInfo | ScanFailure


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file discovery found: what the scanner needs to know about it besides its text."""

    name: str
    path: str
    kind: ModuleKind


@dataclass(frozen=True, slots=True, order=True)
class EntryPoint:
    """A declared entry point: ``[project.scripts] tool = "tool.cli:main"``."""

    group: str  # console_scripts, gui_scripts, or the group of [project.entry-points.<group>]
    name: str
    value: str  # "module:attr" or "module"

    @property
    def module(self) -> str:
        return self.value.split(":", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class ProjectModel:
    """The whole project as smokegen sees it; the single source of truth for later stages."""

    name: str | None  # ``[project].name`` when declared
    source_roots: tuple[str, ...]  # POSIX, relative to the project root ("." for flat layouts)
    namespace_packages: tuple[str, ...]  # PEP 420 packages (directories without ``__init__.py``)
    modules: tuple[ModuleInfo, ...]
    failures: tuple[ScanFailure, ...] = ()
    findings: tuple[Finding, ...] = ()  # discovery and scan findings, sorted
    # Compiled extension modules (``name.cpython-311-x86_64-linux-gnu.so``, ``.pyd``): importable,
    # but nothing can be read from them statically.
    extension_modules: tuple[str, ...] = ()
    # Modules with a ``.pyi`` stub beside them: type checkers read the stub, not the source.
    stub_modules: tuple[str, ...] = ()
    entry_points: tuple[EntryPoint, ...] = ()  # as declared in pyproject.toml
    # Importable folders and files left out by ``exclude``/``test_patterns``: they exist, unscanned.
    excluded_modules: tuple[str, ...] = ()

    def module(self, name: str) -> ModuleInfo | None:
        for info in self.modules:
            if info.name == name:
                return info
        return None

    @property
    def module_names(self) -> tuple[str, ...]:
        return tuple(sorted([m.name for m in self.modules] + [f.name for f in self.failures]))
