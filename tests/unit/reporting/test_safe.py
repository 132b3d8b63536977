"""The project's text made safe for every format: whatever an exception says, each report is valid
and carries no terminal escape sequence."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from smokegen.checks.mocks import AuditedTarget, MocksReport, PatchTarget, TargetKind
from smokegen.model import CheckReport, ClassOutcome, Finding, Location, Outcome, ProjectModel, Severity
from smokegen.reporting.formats import CHECK_FORMATS
from smokegen.reporting.mocks import render_mocks
from smokegen.reporting.safe import safe
from smokegen.reporting.scan import render_scan_text
from smokegen.util.text import printable
from tests.helpers import scan_code

HOSTILE = "\x00\x1b[31mred\x07\x9b2J\r\udcff\ufffe\u202eevil\x7f"
# Every code point a report must not carry raw: C0 but tab and newline, DEL, C1, lone surrogates,
# U+FFFE/U+FFFF, bidirectional controls.
UNSAFE = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0xD800, 0xDFFF, 0xFFFE, 0xFFFF]]
UNSAFE += ["\u061c", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069"]

FINDING = Finding(Location(f"pkg/{HOSTILE}.py", 1, 1), "SG201", f"`import pkg.bad` fails: RuntimeError: {HOSTILE}")
WARNING = Finding(Location("pkg/w.py", 2, 1), "SG206", f"needs configuration:\n{HOSTILE}", Severity.WARNING)
REPORT = CheckReport(
    findings=(FINDING, WARNING),
    notes=(f"the project's code ran under /venv/{HOSTILE}/python",),
    modules=2,
    silenced=0,
    classes=(ClassOutcome("pkg.bad:Thing", Outcome.FAILED, detail=HOSTILE),),
)


def raw_controls(text: str) -> list[str]:
    return sorted({c for c in text if c in UNSAFE})


def test_printable_escapes_every_unsafe_character_and_keeps_newlines_and_tabs() -> None:
    for char in UNSAFE:
        shown = printable(f"a{char}b")
        assert raw_controls(shown) == [] and shown.startswith("a\\") and shown.endswith("b"), repr(char)
    assert printable("\x1b[31mred\x07") == "\\x1b[31mred\\x07"
    assert printable("\x9b\udcff\u202e") == "\\x9b\\udcff\\u202e"
    assert printable(printable(HOSTILE)) == printable(HOSTILE)  # once is enough, twice changes nothing


def test_printable_noop() -> None:
    text = "line one\n\tline two: caf\u00e9 \u2013 \U0001f600 \\x1b"
    assert printable(text) is text


def test_safe_rebuilds_only_what_changed() -> None:
    clean = CheckReport((Finding(Location("a.py", 1, 1), "SG101", "ok\n\tmore"),), ("a note",), 1, 0)
    assert safe(clean) is clean
    cleaned = safe(REPORT)
    assert cleaned.findings[0].message == printable(FINDING.message)
    assert cleaned.findings[0].location.path == printable(FINDING.location.path)
    assert cleaned.classes[0].detail == printable(HOSTILE) and cleaned.classes[0].outcome is Outcome.FAILED
    assert cleaned.notes == (printable(REPORT.notes[0]),)
    assert safe({"k\x1b": ["v\x00"]}) == {"k\\x1b": ["v\\x00"]}


@pytest.mark.parametrize("name", sorted(CHECK_FORMATS))
def test_every_check_format_carries_no_raw_control_character(name: str) -> None:
    out = CHECK_FORMATS[name](REPORT)
    assert raw_controls(out) == [], name
    out.encode("utf-8")  # no lone surrogate: it can be written
    assert "\\x1b[31mred" in out.replace("\\\\", "\\"), name  # shown, not dropped


def test_junit_is_well_formed_xml_whatever_the_exception_says() -> None:
    root = ET.fromstring(CHECK_FORMATS["junit"](REPORT).split("\n", 1)[1])
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == printable(FINDING.message)


@pytest.mark.parametrize("name", ["json", "sarif"])
def test_json_formats_carry_the_printable_message(name: str) -> None:
    data = json.loads(CHECK_FORMATS[name](REPORT))
    messages = (
        [f["message"] for f in data["findings"]]
        if name == "json"
        else [r["message"]["text"] for r in data["runs"][0]["results"]]
    )
    assert messages[0] == printable(FINDING.message)
    assert raw_controls(json.dumps(data, ensure_ascii=False)) == []  # what a consumer decodes is clean too


def test_the_text_format_keeps_a_message_on_its_lines() -> None:
    out = CHECK_FORMATS["text"](REPORT)
    assert f"pkg/w.py:2:1: SG206 needs configuration:\n{printable(HOSTILE)}\n" in out


def test_mocks_and_scan_reports_carry_no_raw_control_character() -> None:
    target = PatchTarget(Location("tests/test_a.py", 3, 5), f"test_{HOSTILE}", "patch", f"pkg.{HOSTILE}")
    report = MocksReport((AuditedTarget(target, TargetKind.INTERNAL),), (FINDING,), ("tests/test_a.py",))
    for name in ["text", "json", *sorted(CHECK_FORMATS)]:
        assert raw_controls(render_mocks(report, name)) == [], name
    model = ProjectModel(
        name=f"pkg{HOSTILE}",
        source_roots=(f"src{HOSTILE}",),
        namespace_packages=(),
        modules=(replace(scan_code("class Thing: pass", "pkg"), path=f"src{HOSTILE}/pkg.py"),),
        failures=(),
        findings=(FINDING,),
    )
    out = render_scan_text(model, (f"pkg.{HOSTILE}",))
    assert raw_controls(out) == [] and printable(FINDING.message) in out
