"""SG113: a declared entry point names a project module or attribute that does not exist (read
statically; loading each entry point in the project's interpreter is SG208, in
:mod:`smokegen.checks.import_verdicts`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from smokegen.graph.index import ProjectIndex, Verdict
from smokegen.model import EntryPoint, Finding, Location, codes


def point_consequence(point: EntryPoint) -> str:
    """What a broken entry point breaks: the installed command, or whatever loads the group's plugins."""
    if point.group in ("console_scripts", "gui_scripts"):
        return "the installed command fails on every run"
    return f"whatever loads the '{point.group}' entry points fails to load it"


def check_entry_points(index: ProjectIndex, locations: Mapping[EntryPoint, Location]) -> Iterator[Finding]:
    """SG113: a declared entry point names a project module or attribute that does not exist."""
    for point in index.model.entry_points:
        module = point.module
        if not index.is_project(module) or point not in locations:
            continue
        attr = point.value.partition(":")[2].split("[", 1)[0].strip()
        missing = index.first_missing(module)
        if missing is not None:
            problem = f"no module named '{missing}'"
        elif attr and index.provides(module, attr.split(".")[0]) is Verdict.NO:
            first = attr.split(".")[0]
            problem = f"module '{module}' has no attribute '{first}'{index.suggest(module, first)}"
        else:
            continue
        kind = {"console_scripts": "console script", "gui_scripts": "GUI script"}.get(point.group, point.group)
        yield codes.BROKEN_ENTRY_POINT_STATIC.at(
            locations[point],
            f"{kind} '{point.name}' = '{point.value}': {problem}; {point_consequence(point)}",
        )
