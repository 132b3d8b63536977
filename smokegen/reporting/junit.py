"""JUnit XML: one test case per finding, for any CI that reads JUnit. Pure."""

from __future__ import annotations

from smokegen.model import CheckReport, Severity
from smokegen.reporting.safe import safe
from smokegen.reporting.text import counts


def render_check_junit(report: CheckReport) -> str:
    """JUnit XML: one test case per finding (failure for errors, skipped-with-message for warnings)."""
    import xml.etree.ElementTree as ET

    report = safe(report)  # no character XML 1.0 forbids, not even as a reference
    errors, warnings = counts(report.findings)
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
