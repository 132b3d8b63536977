"""GitHub Actions workflow commands: each finding an annotation on its line. Pure."""

from __future__ import annotations

from smokegen.model import CheckReport, Severity
from smokegen.reporting.safe import safe
from smokegen.reporting.text import render_check_text


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_check_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    report = safe(report)
    lines = []
    for f in report.findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        props = (
            f"file={_escape_property(f.location.path)},line={f.location.line},col={f.location.column},"
            f"title={_escape_property(f.code)}"
        )
        lines.append(f"::{level} {props}::{_escape_data(f.code + ' ' + f.message)}")
    return "".join(line + "\n" for line in lines) + render_check_text(report).splitlines()[-1] + "\n"
