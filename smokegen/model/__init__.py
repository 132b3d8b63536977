"""The project model: frozen dataclasses that every later stage reads.

The model imports nothing else of smokegen: ``findings`` (Location, Finding), ``project`` (what
the scanner reads), ``verdicts`` (what running the code did, and the report); every name is
re-exported here. Every type here round-trips
through JSON (see :mod:`smokegen.model.serialize`), so the model can be cached,
printed with ``smokegen scan --format json`` and read back unchanged.

Conventions: paths are POSIX and relative to the project root; lines and
columns are 1-based (as editors and ``path:line:col`` output show them);
source fragments (annotations, defaults, bases) are kept as the exact source
text, never evaluated.
"""

from smokegen.model.findings import Finding, Location, Severity
from smokegen.model.project import (
    AttributeUse,
    Binding,
    BindingKind,
    ClassFlag,
    ClassInfo,
    ConstructorSource,
    EntryPoint,
    FailureReason,
    Guard,
    GuardKind,
    ImportInfo,
    MethodInfo,
    MethodKind,
    ModuleInfo,
    ModuleKind,
    Param,
    ParamKind,
    ProjectModel,
    ScanFailure,
    ScanResult,
    SourceFile,
    Suppression,
)
from smokegen.model.verdicts import (
    Argument,
    BuildSource,
    BuildVerdict,
    CheckReport,
    ClassOutcome,
    ClassPlan,
    ImportStatus,
    ImportVerdict,
    Outcome,
    SkipReason,
    Subject,
    SubjectKind,
    TraceFrame,
    Warned,
)

__all__ = [
    "Argument",
    "AttributeUse",
    "Binding",
    "BindingKind",
    "BuildSource",
    "BuildVerdict",
    "CheckReport",
    "ClassFlag",
    "ClassInfo",
    "ClassOutcome",
    "ClassPlan",
    "ConstructorSource",
    "EntryPoint",
    "FailureReason",
    "Finding",
    "Guard",
    "GuardKind",
    "ImportInfo",
    "ImportStatus",
    "ImportVerdict",
    "Location",
    "MethodInfo",
    "MethodKind",
    "ModuleInfo",
    "ModuleKind",
    "Outcome",
    "Param",
    "ParamKind",
    "ProjectModel",
    "ScanFailure",
    "ScanResult",
    "Severity",
    "SkipReason",
    "Subject",
    "SubjectKind",
    "SourceFile",
    "Suppression",
    "TraceFrame",
    "Warned",
]
