"""What each finding of ``check`` is about: the one test of the generated suite (and item of the
plugin) it fails, when an error, or skips, when a warning. Pure.

The split is by where the finding is, so that every finding has exactly one subject and the suite
fails exactly where ``check`` reports errors:

- the mypy stage's findings (SG3xx): the mypy test;
- a constructor finding (SG210-SG212) at a planned class's line: that class's build test;
- a finding at an entry point's declaration (SG113, SG208, SG216): that entry point's test;
- an import failure (SG201-SG207, SG214): the module whose import fails (``origins``), even when
  the line that raised is another module's;
- any other finding in a module's file (its static findings, a deprecated use): that module's test;
- anything else (a dependency list, ``pyproject.toml``, installed code, a script or a ``__main__``,
  which have no import test): the project test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from smokegen.model import ClassPlan, EntryPoint, Finding, Location, ProjectModel, Subject, SubjectKind

BUILD_CODES = frozenset({"SG210", "SG211", "SG212"})


def subjects_of(
    findings: Iterable[Finding],
    model: ProjectModel,
    plans: Iterable[ClassPlan],
    entry_points: Mapping[EntryPoint, Location],
    origins: Mapping[Finding, str] = MappingProxyType({}),
) -> dict[Finding, Subject]:
    """Each finding's subject; ``origins``: the module each import failure speaks for."""
    # a module with an import test; a script's or a ``__main__``'s findings go to the project test
    modules = {m.path: m.name for m in model.modules if m.kind.imported}
    modules |= {f.path: f.name for f in model.failures if f.kind.imported}
    classes: dict[tuple[str, int], str] = {}
    for plan in sorted(plans, key=lambda p: p.key, reverse=True):  # the first key wins a shared line
        classes[(plan.location.path, plan.location.line)] = plan.key
    points: dict[tuple[str, int], str] = {}
    for point, declared in sorted(entry_points.items(), key=lambda item: (item[0].group, item[0].name), reverse=True):
        points[(declared.path, declared.line)] = f"{point.group}:{point.name}"
    out: dict[Finding, Subject] = {}
    for finding in findings:
        where = (finding.location.path, finding.location.line)
        if finding.code.startswith("SG3"):
            subject = Subject(SubjectKind.MYPY)
        elif finding in origins:
            subject = Subject(SubjectKind.MODULE, origins[finding])
        elif finding.code in BUILD_CODES and where in classes:
            subject = Subject(SubjectKind.CLASS, classes[where])
        elif where in points:
            subject = Subject(SubjectKind.ENTRY_POINT, points[where])
        elif finding.location.path in modules:
            subject = Subject(SubjectKind.MODULE, modules[finding.location.path])
        else:
            subject = Subject(SubjectKind.PROJECT)
        out[finding] = subject
    return out


def import_modules(model: ProjectModel) -> list[str]:
    """Every module a fresh import is tried on: scanned or not (a file that does not parse fails
    its import), never a ``__main__`` (that runs the program). The generated suite's and the
    plugin's import tests, one each."""
    names = {m.name for m in model.modules if m.kind.imported}
    names |= {f.name for f in model.failures if f.kind.imported}
    return sorted(names)


def entry_point_ids(points: Iterable[EntryPoint]) -> list[str]:
    """``group:name`` of each entry point: the generated suite's and the plugin's entry-point tests."""
    return sorted({f"{p.group}:{p.name}" for p in points})
