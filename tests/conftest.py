from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_fixture


@pytest.fixture
def fixture_project(tmp_path: Path):
    """Copy a fixtures_repo project into tmp_path: ``fixture_project("renamed_class")``."""

    def make(name: str) -> Path:
        return copy_fixture(name, tmp_path)

    return make
