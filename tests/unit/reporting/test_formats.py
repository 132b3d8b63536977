"""The check reporters, unit by unit: a CheckReport in, the text each format promises out."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from smokegen.model import BuildSource, CheckReport, ClassOutcome, Finding, Location, Outcome, Severity, SkipReason
from smokegen.reporting.formats import CHECK_FORMATS
from smokegen.reporting.github import render_check_github
from smokegen.reporting.json_report import REPORT_SCHEMA, render_check_json
from smokegen.reporting.junit import render_check_junit
from smokegen.reporting.sarif import render_check_sarif
from smokegen.reporting.text import class_summary, render_check_text

BROKEN = Finding(
    Location("app/pipeline.py", 3, 37),
    "SG101",
    "cannot import name 'StreamingConsumer' from 'app.consumers' (did you mean 'BaseStreamingConsumer'?)",
    Severity.ERROR,
)
WARNED = Finding(
    Location("app/jobs.py", 1, 1), "SG206", "`import app.jobs` needs configuration: a, b\nc", Severity.WARNING
)
REPORT = CheckReport(
    findings=(BROKEN, WARNED),
    notes=("mypy stage skipped",),
    modules=5,
    silenced=2,
    classes=(
        ClassOutcome("app.consumers:BaseStreamingConsumer", Outcome.BUILT, BuildSource.DEFAULTS),
        ClassOutcome("app.models:Shape", Outcome.SKIPPED, None, SkipReason.ABSTRACT),
        ClassOutcome("app.models:Colour", Outcome.SKIPPED, None, SkipReason.ENUM),
        ClassOutcome("app.models:Kind", Outcome.SKIPPED, None, SkipReason.ENUM),
        ClassOutcome("app.pipeline:EventPipeline", Outcome.NOT_IMPORTED, BuildSource.DEFAULTS),
    ),
)
CLEAN = CheckReport(findings=(), notes=(), modules=3, silenced=0)


def test_text_lists_findings_classes_and_summary() -> None:
    assert render_check_text(REPORT) == (
        f"{BROKEN}\n{WARNED}\n"
        "classes: 1 built, 3 skipped (2 enum, 1 abstract), 1 in modules that did not import\n"
        "1 error, 1 warning in 5 modules (2 silenced)\n"
    )
    assert str(BROKEN).startswith("app/pipeline.py:3:37: SG101 cannot import name")


def test_text_noop() -> None:
    assert render_check_text(CLEAN) == "0 errors, 0 warnings in 3 modules\n"
    assert class_summary(CLEAN) == ""


def test_json_report_is_the_documented_shape() -> None:
    data = json.loads(render_check_json(REPORT))
    assert data["schema"] == REPORT_SCHEMA
    assert data["summary"] == {"errors": 1, "warnings": 1, "modules": 5, "silenced": 2}
    assert data["findings"][0] == {
        "path": "app/pipeline.py",
        "line": 3,
        "column": 37,
        "code": "SG101",
        "severity": "error",
        "message": BROKEN.message,
    }
    assert data["notes"] == ["mypy stage skipped"]
    assert data["classes"][0] == {
        "class": "app.consumers:BaseStreamingConsumer",
        "outcome": "built",
        "arguments": "defaults",
        "skip_reason": None,
        "detail": "",
    }
    assert [c["outcome"] for c in data["classes"]] == ["built", "skipped", "skipped", "skipped", "not-imported"]


def test_github_annotations_escape_what_the_runner_would_misread() -> None:
    lines = render_check_github(REPORT).splitlines()
    assert lines[0].startswith("::error file=app/pipeline.py,line=3,col=37,title=SG101::SG101 cannot import")
    # a newline in a message would end the workflow command: it is escaped, as is a % sign
    assert (
        lines[1]
        == "::warning file=app/jobs.py,line=1,col=1,title=SG206::SG206 `import app.jobs` needs configuration: a, b%0Ac"
    )
    assert lines[-1] == "1 error, 1 warning in 5 modules (2 silenced)"


def test_junit_fails_errors_and_skips_warnings() -> None:
    root = ET.fromstring(render_check_junit(REPORT).split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("2", "1", "1")
    cases = suite.findall("testcase")
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "SG101" and failure.text == str(BROKEN)
    skipped = cases[1].find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith("SG206 (warning)")


def test_junit_noop_has_one_passing_case() -> None:
    root = ET.fromstring(render_check_junit(CLEAN).split("\n", 1)[1])
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 1 and list(cases[0]) == []


def test_sarif_one_rule_per_code_used() -> None:
    data = json.loads(render_check_sarif(REPORT))
    run = data["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["SG101", "SG206"]
    assert run["tool"]["driver"]["rules"][0]["defaultConfiguration"] == {"level": "error"}
    first, second = run["results"]
    assert (first["ruleId"], first["ruleIndex"], first["level"]) == ("SG101", 0, "error")
    assert (second["ruleId"], second["ruleIndex"], second["level"]) == ("SG206", 1, "warning")
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 37}


@pytest.mark.parametrize("name", sorted(CHECK_FORMATS))
def test_every_format_renders_a_clean_report(name: str) -> None:
    assert CHECK_FORMATS[name](CLEAN).endswith("\n")
