"""Reports of ``smokegen mocks``: text and JSON of their own; the CI formats (GitHub, JUnit, SARIF)
are the shared ones, over the audit's findings."""

from __future__ import annotations

import json
from collections import Counter

from smokegen.checks.mocks import MocksReport, TargetKind, shown_form
from smokegen.model import CheckReport, Severity
from smokegen.reporting.formats import CHECK_FORMATS
from smokegen.reporting.json_report import REPORT_SCHEMA, finding_to_json
from smokegen.reporting.safe import safe


def as_check_report(report: MocksReport) -> CheckReport:
    return CheckReport(report.findings, (), len(report.files), 0)


def _per_file(report: MocksReport) -> dict[str, Counter[TargetKind]]:
    counts: dict[str, Counter[TargetKind]] = {path: Counter() for path in report.files}
    for item in report.targets:
        counts.setdefault(item.patch.location.path, Counter())[item.kind] += 1
    return counts


def render_mocks_text(report: MocksReport) -> str:
    report = safe(report)
    lines = [str(f) for f in report.findings]
    counts = _per_file(report)
    patched = {path: c for path, c in counts.items() if sum(c.values())}
    if patched:
        lines += ["", "mock targets per test file (internal / external / module-hiding):"]
        for path, c in sorted(patched.items()):
            lines.append(
                f"  {path}: {c[TargetKind.INTERNAL]} / {c[TargetKind.EXTERNAL]} / {c[TargetKind.MODULE_HIDING]}"
            )
    internal = [t.patch for t in report.targets if t.kind is TargetKind.INTERNAL]
    if internal:
        lines += ["", "internal targets (the project's own code; mock external boundaries instead):"]
        for patch in internal:
            extra = " (create=True)" if patch.create else ""
            test = f" in {patch.test}" if patch.test else ""
            lines.append(f"  {patch.location}: {patch.target}{extra}{test}")
    hidden = [t.patch for t in report.targets if t.kind is TargetKind.MODULE_HIDING]
    if hidden:
        lines += ["", "modules hidden from the tests (sys.modules patched: a fake stands in for the real module):"]
        for patch in hidden:
            name = patch.target or "(modules not known statically)"
            test = f" in {patch.test}" if patch.test else " at module level"
            lines.append(f"  {patch.location}: {name}{test}, with {shown_form(patch.form)}")
    through = [t for t in report.targets if t.through]
    if through:
        lines += ["", "external targets reached through the project's modules (where the project uses them):"]
        for item in through:
            test = f" in {item.patch.test}" if item.patch.test else ""
            lines.append(f"  {item.patch.location}: patches {item.origin} through {item.through}{test}")
    errors = sum(f.severity is Severity.ERROR for f in report.findings)
    warnings = len(report.findings) - errors
    total = Counter(t.kind for t in report.targets)
    lines += [
        "" if len(lines) else "",
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}: "
        f"{len(report.targets)} mock targets in {len(report.files)} test files "
        f"({total[TargetKind.INTERNAL]} internal, {total[TargetKind.EXTERNAL]} external, "
        f"{total[TargetKind.MODULE_HIDING]} module-hiding)",
    ]
    return "\n".join(line for i, line in enumerate(lines) if line or i) + "\n"


def render_mocks_json(report: MocksReport) -> str:
    report = safe(report)
    data = {
        "schema": REPORT_SCHEMA,
        "findings": [finding_to_json(f) for f in report.findings],
        "files": {path: {kind.value: c[kind] for kind in TargetKind} for path, c in sorted(_per_file(report).items())},
        "targets": [
            {
                "path": t.patch.location.path,
                "line": t.patch.location.line,
                "column": t.patch.location.column,
                "test": t.patch.test,
                "form": t.patch.form,
                "target": t.patch.target,
                "create": t.patch.create,
                "kind": t.kind.value,
                "through": t.through,
                "origin": t.origin,
            }
            for t in report.targets
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def render_mocks(report: MocksReport, output_format: str) -> str:
    if output_format == "text":
        return render_mocks_text(report)
    if output_format == "json":
        return render_mocks_json(report)
    return CHECK_FORMATS[output_format](as_check_report(report))
