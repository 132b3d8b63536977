"""The environment a pytest run started with, recorded by smokegen's pytest plugin when pytest loads
it: before any ``conftest.py`` or plugin (pytest-django) sets variables for the tests. The check the
generated suite and the plugin run judges the project with this environment, as production would
start it, not with the test settings the test run switched to."""

from __future__ import annotations

import os

_RECORDED: list[dict[str, str]] = []


def record() -> None:
    """Keep the current environment, once per process."""
    if not _RECORDED:
        _RECORDED.append(dict(os.environ))


def started_with() -> dict[str, str]:
    """The recorded environment; the current one when nothing recorded it (the plugin disabled)."""
    return dict(_RECORDED[0]) if _RECORDED else dict(os.environ)
