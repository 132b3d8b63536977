"""The text report: ``path:line:col: CODE message`` per finding, what became of the classes, one
summary line. Pure: returns strings, prints nothing."""

from __future__ import annotations

from collections import Counter

from smokegen.model import CheckReport, Finding, Outcome, Severity
from smokegen.reporting.safe import safe


def render_findings(findings: tuple[Finding, ...]) -> str:
    """One ``path:line:col: CODE message`` line per finding."""
    return "".join(f"{f}\n" for f in safe(findings))


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def counts(findings: tuple[Finding, ...]) -> tuple[int, int]:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return errors, len(findings) - errors


def class_summary(report: CheckReport) -> str:
    """``classes: 40 built, 3 failed, 12 skipped (6 abstract, 4 enum, 2 unannotated)``, or nothing."""
    if not report.classes:
        return ""
    outcomes = Counter(o.outcome for o in report.classes)
    reasons = Counter(o.skip.value for o in report.classes if o.outcome is Outcome.SKIPPED and o.skip is not None)
    parts = [f"{outcomes[Outcome.BUILT]} built"]
    if outcomes[Outcome.FAILED]:
        parts.append(f"{outcomes[Outcome.FAILED]} failed")
    if outcomes[Outcome.SKIPPED]:
        parts.append(
            f"{outcomes[Outcome.SKIPPED]} skipped ("
            + ", ".join(
                f"{count} {reason}" for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            + ")"
        )
    if outcomes[Outcome.NOT_IMPORTED]:
        parts.append(f"{outcomes[Outcome.NOT_IMPORTED]} in modules that did not import")
    return "classes: " + ", ".join(parts)


def render_check_text(report: CheckReport) -> str:
    """Findings one per line, then what became of the classes, then one summary line."""
    report = safe(report)
    errors, warnings = counts(report.findings)
    summary = f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(report.modules, 'module')}"
    if report.silenced:
        summary += f" ({report.silenced} silenced)"
    classes = class_summary(report)
    return render_findings(report.findings) + (classes + "\n" if classes else "") + summary + "\n"
