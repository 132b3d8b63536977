from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.helpers import copy_fixture

pytest_plugins = ("pytester",)

# smokegen's user-level cache (installed code's parse results): one of this test process's own, never
# the user's; inherited by every smokegen the tests start.
os.environ["SMOKEGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="smokegen-user-cache-")


@pytest.fixture
def fixture_project(tmp_path: Path):
    """Copy a fixtures_repo project into tmp_path: ``fixture_project("renamed_class")``."""

    def make(name: str) -> Path:
        return copy_fixture(name, tmp_path)

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden from what smokegen generates now (review the diff).",
    )
