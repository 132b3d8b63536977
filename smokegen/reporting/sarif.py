"""SARIF 2.1.0, for code scanning: one rule per code used, one result per finding. Pure."""

from __future__ import annotations

import json

from smokegen.model import CheckReport, Severity
from smokegen.reporting.safe import safe


def render_check_sarif(report: CheckReport) -> str:
    """SARIF 2.1.0, for code scanning: one rule per code used, one result per finding."""
    from smokegen import __version__
    from smokegen.model.codes import ALL_CODES

    report = safe(report)
    by_code = {c.code: c for c in ALL_CODES}
    used = sorted({f.code for f in report.findings})
    rules = [
        {
            "id": code,
            "name": by_code[code].title.title().replace(" ", "") if code in by_code else code,
            "shortDescription": {"text": by_code[code].title if code in by_code else code},
            "defaultConfiguration": {
                "level": "error" if by_code.get(code) and by_code[code].severity is Severity.ERROR else "warning"
            },
        }
        for code in used
    ]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": used.index(f.code),
            "level": "error" if f.severity is Severity.ERROR else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.location.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.location.line, "startColumn": f.location.column},
                    }
                }
            ],
        }
        for f in report.findings
    ]
    data = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "smokegen", "version": __version__, "rules": rules}},
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the project root"}}},
                "results": results,
            }
        ],
    }
    return json.dumps(data, indent=2) + "\n"
