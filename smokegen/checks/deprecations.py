"""SG215: the project's own code uses something deprecated, as the run saw it: one release early.

The runtime stage records every ``DeprecationWarning``, ``PendingDeprecationWarning`` and
``FutureWarning`` raised while a module imports or a class is built, where the warning points (a
library warns with ``stacklevel`` pointing at its caller: the project's line that uses the
deprecated name). A warning that points into the checked code is a finding at that line; one that
points into a dependency or the standard library is the library talking about itself, not the
project's. ``deprecations = "error"`` makes them errors; ``"ignore"`` drops them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path

from smokegen.checks.import_verdicts import one_line, owned_files, project_frame
from smokegen.model import Finding, ImportVerdict, Location, ProjectModel, Severity, TraceFrame, Warned, codes


def deprecation_findings(
    verdicts: Iterable[ImportVerdict], model: ProjectModel, root: Path, mode: str = "warn"
) -> Iterator[Finding]:
    """SG215 at each project line a recorded deprecation warning points to, once per line and message."""
    if mode == "ignore":
        return
    owned = owned_files(root, model)
    seen: set[tuple[str, int, str]] = set()
    for verdict in verdicts:
        warned: list[Warned] = [*verdict.warnings, *(w for build in verdict.builds for w in build.warnings)]
        for warning in warned:
            where = project_frame((TraceFrame(warning.path, warning.line, "", ""),), root, owned)
            if where is None:
                continue  # a library's warning about itself
            text = f"{warning.category}: {one_line(warning.message)}"
            if (where[0], where[1], text) in seen:
                continue
            seen.add((where[0], where[1], text))
            finding = codes.DEPRECATED_USE.at(
                Location(where[0], where[1], 1),
                f"{text}; it stops working in the release that removes it: move off it now",
            )
            if mode == "error":
                finding = dataclasses.replace(finding, severity=Severity.ERROR)
            yield finding
