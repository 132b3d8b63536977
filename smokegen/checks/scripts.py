"""SG216: a console script that fails when it runs (``run_scripts``), placed at its declaration."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from smokegen.checks.import_verdicts import one_line
from smokegen.model import EntryPoint, Finding, Location, codes
from smokegen.runtime.scripts import ScriptRun


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    return one_line(lines[-1]) if lines else "no output"


def script_findings(
    runs: Mapping[EntryPoint, ScriptRun],
    locations: Mapping[EntryPoint, Location],
    args: tuple[str, ...],
    timeout: float,
) -> Iterator[Finding]:
    """SG216 for each console script that did not exit 0 (or printed a traceback) with ``args``."""
    shown = " ".join(args)
    for point, run in sorted(runs.items()):
        command = f"`{point.name} {shown}`" if shown else f"`{point.name}`"
        if run.status is None:
            why = f"was still running after {timeout} s"
        elif run.status != 0:
            why = f"exits with status {run.status}: {_last_line(run.output)}"
        elif "Traceback (most recent call last)" in run.output:
            why = f"prints a traceback: {_last_line(run.output)}"
        else:
            continue
        yield codes.SCRIPT_FAILS.at(
            locations[point], f"console script {command} {why}; every user who runs it the same way sees this"
        )
