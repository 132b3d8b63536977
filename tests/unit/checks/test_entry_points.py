"""A broken entry point's message says what it breaks: a command, or a group's plugin loader."""

from __future__ import annotations

from dataclasses import replace

from smokegen.checks.entry_points import check_entry_points
from smokegen.graph.index import ProjectIndex
from smokegen.model import EntryPoint, Location
from tests.helpers import project_from


def test_a_command_fails_on_every_run_a_plugin_fails_whatever_loads_its_group() -> None:
    model = project_from({"app.__init__": "", "app.cli": "def main() -> None: ...\n"})
    points = {
        EntryPoint("console_scripts", "app", "app.cli:gone"): Location("pyproject.toml", 9, 7),
        EntryPoint("babel.extractors", "app", "app.cli:extract"): Location("pyproject.toml", 12, 1),
    }
    model = replace(model, entry_points=tuple(points))
    messages = sorted(f.message for f in check_entry_points(ProjectIndex(model), points))
    assert messages == [
        "babel.extractors 'app' = 'app.cli:extract': module 'app.cli' has no attribute 'extract'; "
        "whatever loads the 'babel.extractors' entry points fails to load it",
        "console script 'app' = 'app.cli:gone': module 'app.cli' has no attribute 'gone'; "
        "the installed command fails on every run",
    ]
