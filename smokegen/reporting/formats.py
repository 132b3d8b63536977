"""Model -> text or JSON for ``smokegen scan``. Pure: returns strings, prints nothing."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from smokegen.model import CheckReport, ClassFlag, Finding, GuardKind, ModuleKind, ProjectModel, Severity
from smokegen.model.serialize import project_to_json

REPORT_SCHEMA = 1


def render_findings(findings: tuple[Finding, ...]) -> str:
    """One ``path:line:col: CODE message`` line per finding."""
    return "".join(f"{f}\n" for f in findings)


def render_scan_json(model: ProjectModel, untested: Sequence[str] = ()) -> str:
    data = project_to_json(model)
    data["untested_modules"] = list(untested)
    return json.dumps(data, indent=2) + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def render_scan_text(model: ProjectModel, untested: Sequence[str] = ()) -> str:
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
    if untested:
        lines.append(
            f"never imported by any test ({_plural(len(untested), 'module')}; "
            "`smokegen generate --direct` scaffolds tests for them):"
        )
        lines.extend(f"  {name}" for name in untested)
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


def class_summary(report: CheckReport) -> str:
    """``classes: 40 built, 3 failed, 12 skipped (6 abstract, 4 enum, 2 unannotated)``, or nothing."""
    if not report.classes:
        return ""
    outcomes = Counter(o.outcome for o in report.classes)
    reasons = Counter(o.skip.value for o in report.classes if o.outcome == "skipped" and o.skip is not None)
    parts = [f"{outcomes['built']} built"]
    if outcomes["failed"]:
        parts.append(f"{outcomes['failed']} failed")
    if outcomes["skipped"]:
        parts.append(
            f"{outcomes['skipped']} skipped ("
            + ", ".join(
                f"{count} {reason}" for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            + ")"
        )
    if outcomes["not-imported"]:
        parts.append(f"{outcomes['not-imported']} in modules that did not import")
    return "classes: " + ", ".join(parts)


def render_check_text(report: CheckReport) -> str:
    """Findings one per line, then what became of the classes, then one summary line."""
    errors, warnings = _counts(report.findings)
    summary = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {_plural(report.modules, 'module')}"
    if report.silenced:
        summary += f" ({report.silenced} silenced)"
    classes = class_summary(report)
    return render_findings(report.findings) + (classes + "\n" if classes else "") + summary + "\n"


def finding_to_json(finding: Finding) -> dict[str, object]:
    """One finding as the JSON reports carry it."""
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
    """The documented JSON report (README, "JSON report")."""
    errors, warnings = _counts(report.findings)
    data = {
        "schema": REPORT_SCHEMA,
        "findings": [finding_to_json(f) for f in report.findings],
        "summary": {"errors": errors, "warnings": warnings, "modules": report.modules, "silenced": report.silenced},
        "notes": list(report.notes),
        "classes": [
            {
                "class": o.key,
                "outcome": o.outcome,
                "arguments": o.source.value if o.source is not None else None,
                "skip_reason": o.skip.value if o.skip is not None else None,
                "detail": o.detail,
            }
            for o in report.classes
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_check_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    lines = []
    for f in report.findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        props = (
            f"file={_escape_property(f.location.path)},line={f.location.line},col={f.location.column},"
            f"title={_escape_property(f.code)}"
        )
        lines.append(f"::{level} {props}::{_escape_data(f.code + ' ' + f.message)}")
    return "".join(line + "\n" for line in lines) + render_check_text(report).splitlines()[-1] + "\n"


def render_check_junit(report: CheckReport) -> str:
    """JUnit XML: one test case per finding (failure for errors, skipped-with-message for warnings)."""
    import xml.etree.ElementTree as ET

    errors, warnings = _counts(report.findings)
    suites = ET.Element("testsuites", name="smokegen")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="smokegen check",
        tests=str(max(1, len(report.findings))),
        failures=str(errors),
        skipped=str(warnings),
        errors="0",
    )
    if not report.findings:
        ET.SubElement(suite, "testcase", classname="smokegen", name=f"{report.modules} modules")
    for f in report.findings:
        case = ET.SubElement(suite, "testcase", classname=f.code, name=str(f.location))
        if f.severity is Severity.ERROR:
            failure = ET.SubElement(case, "failure", message=f.message, type=f.code)
            failure.text = str(f)
        else:
            ET.SubElement(case, "skipped", message=f"{f.code} (warning) {f.message}")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def render_check_sarif(report: CheckReport) -> str:
    """SARIF 2.1.0, for code scanning: one rule per code used, one result per finding."""
    from smokegen import __version__
    from smokegen.model.codes import ALL_CODES

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


CHECK_FORMATS = {
    "text": render_check_text,
    "json": render_check_json,
    "github": render_check_github,
    "junit": render_check_junit,
    "sarif": render_check_sarif,
}
