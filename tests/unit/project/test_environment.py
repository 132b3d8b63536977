from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from smokegen.project.config import ConfigError
from smokegen.project.environment import default_python, probe


def test_probe_reads_the_interpreter_without_importing_packages() -> None:
    env = probe(sys.executable)
    assert env.version == sys.version_info[:2]
    assert "os" in env.stdlib and "json" in env.stdlib
    assert "libcst" in env.packages and "libcst" in env.packages["libcst"]
    assert "yaml" in env.packages and env.packages["yaml"] == ("pyyaml",)
    assert env.distributions["libcst"].version
    assert env.markers["python_version"] == f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert all(Path(p).is_dir() for p in env.sys_path)


def test_probe_of_something_that_is_not_python(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'not python' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(ConfigError, match="not a working Python interpreter"):
        probe(str(fake))
    with pytest.raises(ConfigError, match="cannot run it"):
        probe(str(tmp_path / "missing"))


def test_default_python_prefers_the_active_virtualenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").write_text("")
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path))
    assert default_python() == str(tmp_path / "bin" / "python")
    monkeypatch.delenv("VIRTUAL_ENV")
    assert default_python() == sys.executable


def test_an_interpreter_older_than_3_8_is_a_usage_error(tmp_path: Path) -> None:
    """Python 3.6 has no importlib.metadata: its packages would all look missing (SG108 everywhere),
    and the import runner cannot start. Said once, as a usage error, instead."""
    fake = tmp_path / "python3.6"
    answer = {
        "executable": str(fake), "version": [3, 6], "path": [], "stdlib": [], "packages": {},
        "distributions": {}, "markers": {},
    }  # fmt: skip
    fake.write_text(f"#!/bin/sh\necho '{json.dumps(answer)}'\n")
    fake.chmod(0o755)
    with pytest.raises(ConfigError, match=r"Python 3\.6 is too old: smokegen imports a project under Python 3\.8"):
        probe(str(fake))
