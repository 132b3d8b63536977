"""The runner's launcher, unit by unit."""

from __future__ import annotations

from smokegen.runtime.imports import _cause


def test_a_runner_that_could_not_start_says_why() -> None:
    stderr = (
        "Python path configuration:\n  PYTHONHOME = '/nonexistent'\n"
        "Fatal Python error: init_fs_encoding: failed to get the Python codec of the filesystem encoding\n"
        "Python runtime state: core initialized\nModuleNotFoundError: No module named 'encodings'\n\n"
        "Current thread 0x00007f (most recent call first):\n  <no Python frame>\n"
    )
    assert _cause(stderr).startswith(
        "Fatal Python error: init_fs_encoding: failed to get the Python codec of the filesystem encoding; "
        "ModuleNotFoundError: No module named 'encodings' (the interpreter could not start"
    )
    assert _cause("Traceback...\nRuntimeError: boom\n") == "RuntimeError: boom"
    assert _cause("") == "no output"
