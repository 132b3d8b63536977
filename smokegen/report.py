"""Model -> text or JSON for ``smokegen scan``. Pure: returns strings, prints nothing."""

from __future__ import annotations

import json
from collections import Counter

from smokegen.model import ClassFlag, Finding, GuardKind, ModuleKind, ProjectModel, Severity
from smokegen.serialize import project_to_json, to_json
from smokegen.check import CheckReport

REPORT_SCHEMA = 1


def render_findings(findings: tuple[Finding, ...]) -> str:
    """One ``path:line:col: CODE message`` line per finding."""
    return "".join(f"{f}\n" for f in findings)


def render_scan_json(model: ProjectModel) -> str:
    return json.dumps(project_to_json(model), indent=2) + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def render_scan_text(model: ProjectModel) -> str:
    lines: list[str] = []
    title = model.name or "(unnamed project)"
    lines.append(f"{title}: source roots {', '.join(model.source_roots)}")
    if model.namespace_packages:
        lines.append(f"namespace packages: {', '.join(model.namespace_packages)}")
    lines.append("")
    width = max((len(m.name) for m in model.modules), default=0)
    width = max([width] + [len(f.name) for f in model.failures])
    rows = sorted(
        [(m.name, m.path, ", ".join(c.name for c in m.classes)) for m in model.modules]
        + [(f.name, f.path, f"(not scanned: {f.reason.value})") for f in model.failures]
    )
    for name, path, extra in rows:
        lines.append(f"  {name:<{width}}  {path}" + (f"  [{extra}]" if extra else ""))
    lines.append("")
    if model.findings:
        lines.append(render_findings(model.findings).rstrip("\n"))
        lines.append("")

    kinds = Counter(m.kind for m in model.modules)
    classes = [c for m in model.modules for c in m.classes]
    flags = Counter(flag for c in classes for flag in c.flags)
    imports = [i for m in model.modules for i in m.imports]
    lazy = sum(1 for i in imports if any(g.kind is GuardKind.FUNCTION for g in i.guards))
    type_only = sum(1 for i in imports if any(g.kind is GuardKind.TYPE_CHECKING for g in i.guards))
    guarded = sum(1 for i in imports if i.guards) - lazy - type_only
    errors = sum(1 for f in model.findings if f.severity is Severity.ERROR)
    warnings = len(model.findings) - errors
    flag_text = ", ".join(f"{flags[f]} {f.value}" for f in ClassFlag if flags[f])
    lines.append(
        f"{_plural(len(model.modules), 'module')} ({_plural(kinds[ModuleKind.PACKAGE], 'package')}, "
        f"{kinds[ModuleKind.MAIN]} __main__), {len(model.failures)} not scanned"
    )
    class_word = "class" if len(classes) == 1 else "classes"
    lines.append(f"{len(classes)} {class_word}" + (f" ({flag_text})" if flag_text else ""))
    lines.append(
        f"{_plural(len(imports), 'import')} ({guarded} guarded, {lazy} inside functions, {type_only} TYPE_CHECKING only)"
    )
    lines.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    return "\n".join(lines) + "\n"


def _counts(findings: tuple[Finding, ...]) -> tuple[int, int]:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return errors, len(findings) - errors


def render_check_text(report: CheckReport) -> str:
    """Findings one per line, then one summary line."""
    errors, warnings = _counts(report.findings)
    summary = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {_plural(report.modules, 'module')}"
    if report.silenced:
        summary += f" ({report.silenced} silenced)"
    return render_findings(report.findings) + summary + "\n"


def render_check_json(report: CheckReport) -> str:
    """The documented JSON report (README, "JSON report")."""
    errors, warnings = _counts(report.findings)
    data = {
        "schema": REPORT_SCHEMA,
        "findings": [
            {
                "path": f.location.path,
                "line": f.location.line,
                "column": f.location.column,
                "code": f.code,
                "severity": f.severity.value,
                "message": f.message,
            }
            for f in report.findings
        ],
        "summary": {"errors": errors, "warnings": warnings, "modules": report.modules, "silenced": report.silenced},
        "notes": to_json(report.notes),
    }
    return json.dumps(data, indent=2) + "\n"
