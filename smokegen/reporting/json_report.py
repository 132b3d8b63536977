"""The JSON report of ``check`` (and the findings of ``mocks``): ``{"schema": 1, "findings": [...],
"summary": {...}, "notes": [...], "classes": [...]}``. Pure."""

from __future__ import annotations

import json

from smokegen.model import CheckReport, Finding
from smokegen.reporting.safe import safe
from smokegen.reporting.text import counts

REPORT_SCHEMA = 1


def finding_to_json(finding: Finding) -> dict[str, object]:
    """One finding as the JSON reports carry it."""
    finding = safe(finding)
    where = finding.location
    return {
        "path": where.path,
        "line": where.line,
        "column": where.column,
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
    }


def render_check_json(report: CheckReport) -> str:
    """The documented JSON report (docs/commands.md, "JSON report")."""
    report = safe(report)
    errors, warnings = counts(report.findings)
    data = {
        "schema": REPORT_SCHEMA,
        "findings": [finding_to_json(f) for f in report.findings],
        "summary": {"errors": errors, "warnings": warnings, "modules": report.modules, "silenced": report.silenced},
        "notes": list(report.notes),
        "classes": [
            {
                "class": o.key,
                "outcome": o.outcome.value,
                "arguments": o.source.value if o.source is not None else None,
                "skip_reason": o.skip.value if o.skip is not None else None,
                "detail": o.detail,
            }
            for o in report.classes
        ],
    }
    return json.dumps(data, indent=2) + "\n"
