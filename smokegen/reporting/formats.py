"""The report formats of ``check`` (and ``mocks``) by their ``--format`` name: one module each."""

from __future__ import annotations

from collections.abc import Callable

from smokegen.model import CheckReport
from smokegen.reporting.github import render_check_github
from smokegen.reporting.json_report import render_check_json
from smokegen.reporting.junit import render_check_junit
from smokegen.reporting.sarif import render_check_sarif
from smokegen.reporting.text import render_check_text

CHECK_FORMATS: dict[str, Callable[[CheckReport], str]] = {
    "text": render_check_text,
    "json": render_check_json,
    "github": render_check_github,
    "junit": render_check_junit,
    "sarif": render_check_sarif,
}
