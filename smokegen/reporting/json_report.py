"""The JSON report of ``check`` (and the findings of ``mocks``): ``{"schema": 1, "findings": [...],
"summary": {...}, "notes": [...], "classes": [...]}``. Pure."""

from __future__ import annotations

import json

from smokegen.model import CheckReport, Finding, Subject
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


def _with_subject(data: dict[str, object], subject: Subject | None) -> dict[str, object]:
    """The finding with what it is about: the generated suite's test and the plugin's item it fails
    or skips (:mod:`smokegen.checks.subjects`)."""
    if subject is not None:
        data["subject"] = {"kind": subject.kind.value, "name": subject.name}
    return data


def render_check_json(report: CheckReport) -> str:
    """The documented JSON report (docs/commands.md, "JSON report")."""
    report = safe(report)
    errors, warnings = counts(report.findings)
    data = {
        "schema": REPORT_SCHEMA,
        "findings": [_with_subject(finding_to_json(f), report.subjects.get(f)) for f in report.findings],
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
    if report.imports:
        data["imports"] = dict(report.imports)
    if report.shard:
        index, _, count = report.shard.partition("/")
        data["shard"] = {"index": int(index), "count": int(count), "modules": list(report.shard_modules)}
    return json.dumps(data, indent=2) + "\n"
