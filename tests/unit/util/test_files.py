"""Atomic writes: the old file or the new one, the usual mode, and no leftovers of a killed run."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from smokegen.util.files import STALE_SECONDS, remove_leftovers, write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "a.py", "x = 1\n")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.py") == 0o666 & ~umask
    assert (tmp_path / "a.py").read_text() == "x = 1\n"
    assert os.listdir(tmp_path) == ["a.py"]


@pytest.mark.parametrize("kept", [0o600, 0o755, 0o664])
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, kept: int) -> None:
    target = tmp_path / "a.py"
    target.write_text("old\n")
    target.chmod(kept)
    write_atomic(target, "new\n")
    assert (target.read_text(), mode(target)) == ("new\n", kept)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "\udcff")
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["a.py"]


def test_remove_leftovers_deletes_only_stale_temporaries_of_the_targets_named(tmp_path: Path) -> None:
    now = time.time()
    names = {
        ".test_smoke_a.py.abc.tmp": STALE_SECONDS + 1,  # a killed run's (mkstemp or ours)
        ".test_smoke_b.py.k3j_9zq1.tmp": 3600,
        ".test_smoke_c.py.a1b2c3d4.tmp": 1,  # a concurrent run's write in progress
        ".conftest.py.abc.tmp": 3600,  # not a name the glob takes
        "test_smoke_d.py.abc.tmp": 3600,  # no leading dot: not write_atomic's
        ".test_smoke_e.py.ABC.tmp": 3600,  # not the random part's alphabet
        "test_smoke_f.py": 3600,
    }
    for name, age in names.items():
        (tmp_path / name).write_text("")
        os.utime(tmp_path / name, (now - age, now - age))
    (tmp_path / ".test_smoke_g.py.abc.tmp").mkdir()  # a folder is never removed
    os.utime(tmp_path / ".test_smoke_g.py.abc.tmp", (now - 3600, now - 3600))
    removed = remove_leftovers(tmp_path, "test_smoke_*.py", now=now)
    assert removed == [".test_smoke_a.py.abc.tmp", ".test_smoke_b.py.k3j_9zq1.tmp"]
    assert sorted(os.listdir(tmp_path)) == sorted(set(names) - set(removed) | {".test_smoke_g.py.abc.tmp"})


def test_remove_leftovers_noop(tmp_path: Path) -> None:
    assert remove_leftovers(tmp_path / "missing", "*.py") == []
    assert remove_leftovers(tmp_path, "*.py") == []


def test_cannot_write_in_names_what_stops_the_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from smokegen.util.files import cannot_write_in

    assert cannot_write_in(tmp_path / "tests" / "smoke") is None  # created as needed
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert cannot_write_in(tmp_path / "file" / "smoke") == f"{tmp_path / 'file'} is not a folder"
    (tmp_path / "link").symlink_to(tmp_path / "missing")
    assert cannot_write_in(tmp_path / "link") == f"{tmp_path / 'link'} is a dangling symbolic link"
    # a read-only checkout (running as root, permissions do not stop a write: ask os.access as a user would)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert cannot_write_in(tmp_path / "tests" / "smoke") == f"{tmp_path} is not writable"
