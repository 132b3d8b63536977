"""What running the project's code did (import and build verdicts), the plans for building its
classes, and the report of ``check``."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from smokegen.model.findings import Finding, Location


@dataclass(frozen=True, slots=True)
class Warned:
    """A deprecation warning raised at run time, where it points (a library's ``stacklevel`` points at
    the caller): ``DeprecationWarning``, ``PendingDeprecationWarning`` or ``FutureWarning``."""

    category: str
    message: str
    path: str  # absolute, as the interpreter names the file
    line: int


class ImportStatus(enum.Enum):
    """What a fresh ``import module`` did, in an isolated child process."""

    OK = "ok"
    ERROR = "error"  # raised an exception
    EXIT = "exit"  # sys.exit() or os._exit()
    SIGNAL = "signal"  # killed by a signal: segfault, abort
    TIMEOUT = "timeout"  # still running when its time was up
    PARENT_FAILED = "parent-failed"  # a parent package failed: reported on the parent
    LOST = "lost"  # not judged: the project's code took down the process that was judging it


@dataclass(frozen=True, slots=True)
class TraceFrame:
    path: str  # as the interpreter reported it (absolute for files)
    line: int
    function: str
    text: str = ""  # the source line, stripped


class SkipReason(enum.Enum):
    """Why a public class is not built. Never a failure: smokegen only builds what it can build
    honestly. The first seven are decided statically, the rest when the class is about to be built."""

    ABSTRACT = "abstract"  # abstract methods left unimplemented
    PROTOCOL = "protocol"
    ENUM = "enum"  # members exist already; calling the class looks one up
    TYPED_DICT = "typed-dict"
    UNANNOTATED = "unannotated"  # a required parameter without an annotation
    UNSYNTHESISABLE = "unsynthesisable"  # a required parameter whose type smokegen cannot make a value of
    LOADED_BY_NAME = "loaded-by-name"  # its module has no importable name (a Django migration): a framework loads it
    NOT_A_CLASS = "not-a-class"  # at run time the name is bound to something else (a decorator's result)
    METACLASS = "metaclass"  # a subclass of ``type``: class statements build it
    REQUIRED_ARGS = "required-args"  # the real signature needs arguments the source does not show
    NOT_IMPLEMENTED = "not-implemented"  # the constructor raises NotImplementedError: a base to subclass
    REJECTED = "rejected"  # the constructor refused the arguments on purpose (``raise ValueError(...)``)
    NOT_ATTEMPTED = "not-attempted"  # an earlier constructor took the (unforkable) process down with it


class BuildSource(enum.Enum):
    """Where a constructor call's arguments come from."""

    DEFAULTS = "defaults"  # no arguments: every parameter has a default
    SYNTHESISED = "synthesised"  # values made from the parameters' annotations
    FACTORY = "factory"  # a factory named in ``[tool.smokegen] factories``
    INHERITED = "inherited"  # a constructor from a base outside the module, called without arguments


@dataclass(frozen=True, slots=True)
class Argument:
    keyword: str | None  # None: passed by position
    code: str  # a Python expression


@dataclass(frozen=True, slots=True)
class ClassPlan:
    """How to build one public class of a module, or why not."""

    module: str
    name: str
    location: Location
    source: BuildSource | None = None  # None: skipped
    skip: SkipReason | None = None
    detail: str = ""  # what made it skip: "parameter 'a' has no annotation"
    arguments: tuple[Argument, ...] = ()
    # What the argument code needs: (module, name) for ``from module import name``, (module, "")
    # for ``import module``.
    imports: tuple[tuple[str, str], ...] = ()
    factory: str = ""  # "module:callable" for BuildSource.FACTORY
    # The constructor takes ``*args``/``**kwargs`` or comes from elsewhere: a TypeError about its
    # arguments is the one it forwards them to, asking for arguments the source does not show.
    forwards: bool = False

    @property
    def key(self) -> str:
        return f"{self.module}:{self.name}"

    def call(self) -> str:
        """The constructor call as source code: ``Keeper(name='')``."""
        if self.factory:
            return f"{self.factory.partition(':')[2]}()"
        args = ", ".join(a.code if a.keyword is None else f"{a.keyword}={a.code}" for a in self.arguments)
        return f"{self.name}({args})"


@dataclass(frozen=True, slots=True)
class BuildVerdict:
    """What building one class did, in an isolated child of the process that imported its module."""

    module: str
    name: str
    status: ImportStatus
    skip: SkipReason | None = None  # OK with a reason: skipped when about to be built
    exc_type: str = ""
    message: str = ""
    frames: tuple[TraceFrame, ...] = ()
    detail: str = ""  # the exit code, the signal name, the timeout, or what made it skip
    bases: tuple[str, ...] = ()  # the exception's built-in base classes (``OSError``...)
    open_signature: bool = False  # takes ``*args``/``**kwargs`` (or its signature is unknown) and got none
    compiled: bool = False  # its module is compiled (mypyc, Cython): not the source smokegen read
    # ``from module import Name`` itself failed (a module ``__getattr__`` that raises): never a refusal
    by_name: bool = False
    warnings: tuple[Warned, ...] = ()  # deprecation warnings the call raised


@dataclass(frozen=True, slots=True)
class ImportVerdict:
    module: str
    status: ImportStatus
    exc_type: str = ""  # the exception's name; for EXIT, "sys.exit" or "os._exit"
    message: str = ""
    frames: tuple[TraceFrame, ...] = ()
    detail: str = ""  # the exit code, the signal name, the parent package, the timeout, or why it went unjudged
    output: str = ""  # what the import printed, truncated
    # For a failed import: the status when the module's passing siblings were imported first.
    after_siblings: ImportStatus | None = None
    missing: str = ""  # the module a ModuleNotFoundError (or its cause) names
    builds: tuple[BuildVerdict, ...] = ()  # the module's planned classes, when it imported
    # Absolute paths of the project files a passing import loaded (when the runner was asked for them).
    loaded: tuple[str, ...] = ()
    warnings: tuple[Warned, ...] = ()  # deprecation warnings the import raised


class Outcome(enum.Enum):
    """What became of a public class in ``check``."""

    BUILT = "built"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_IMPORTED = "not-imported"  # its module did not import, so it was not tried


@dataclass(frozen=True, slots=True)
class ClassOutcome:
    """One public class in the report: built, failed, skipped (with its reason), or not tried
    because its module did not import."""

    key: str  # "module:Class"
    outcome: Outcome
    source: BuildSource | None = None
    skip: SkipReason | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What ``smokegen check`` found, for the reporters."""

    findings: tuple[Finding, ...]  # sorted, silenced ones removed
    notes: tuple[str, ...]  # what was not checked, and why
    modules: int
    silenced: int
    classes: tuple[ClassOutcome, ...] = ()  # empty without the runtime stage
    subjects: dict[Finding, Subject] = field(default_factory=dict)  # what each finding is about
    shard: str = ""  # "K/N" with --shard: this report is that share of the modules
    shard_modules: tuple[str, ...] = ()  # with --shard: the modules of the share
    imports: tuple[tuple[str, str], ...] = ()  # (module, ImportStatus value) of each module imported, sorted


class SubjectKind(enum.Enum):
    """What a finding is about, as the generated suite and the plugin split ``check`` into tests."""

    MODULE = "module"  # a finding in a module's file: its static findings and its import
    CLASS = "class"  # a constructor finding (SG210-SG212) at a planned class
    ENTRY_POINT = "entry-point"  # a finding at an entry point's declaration
    MYPY = "mypy"  # the mypy stage (SG3xx)
    PROJECT = "project"  # anything else: project files, dependency lists, installed code


@dataclass(frozen=True, slots=True)
class Subject:
    """The one test of the generated suite (and item of the plugin) a finding fails or skips.
    ``name``: the module, ``module:Class``, ``group:name`` of an entry point; empty otherwise."""

    kind: SubjectKind
    name: str = ""

    def __str__(self) -> str:
        return f"{self.kind.value}[{self.name}]" if self.name else self.kind.value
