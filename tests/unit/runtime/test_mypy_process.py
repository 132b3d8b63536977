"""How smokegen starts mypy."""

from __future__ import annotations

import importlib.metadata

import pytest

from smokegen.project.config import ConfigError
from smokegen.runtime.mypy_process import mypy_command


def test_smokegens_own_mypy_missing_is_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """smokegen installed without its dependencies (pip --no-deps): not a PackageNotFoundError
    traceback, but a one-line error naming the fix."""

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    with pytest.raises(ConfigError, match=r"mypy is not installed .*--no-mypy"):
        mypy_command("python", None)
