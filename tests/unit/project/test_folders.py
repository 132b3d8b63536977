"""The folders smokegen writes into are inside the project, symlinks followed; the error names where
the value came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from smokegen.project.config import Config, ConfigError, Pyproject, apply_flags, check_folders, parse_config


def check(
    root: Path,
    file: dict[str, object] | None = None,
    flags: dict[str, object] | None = None,
    name: str = "pyproject.toml",
) -> None:
    section = "[tool.smokegen]" if name == "pyproject.toml" else ""
    pyproject = Pyproject(None, parse_config(file or {}, name, section), settings_file=name)
    check_folders(root, pyproject, apply_flags(pyproject.config, flags or {}), flags)


def test_folders_inside_the_project_noop(tmp_path: Path) -> None:
    check(tmp_path)
    check(tmp_path, {"cache_dir": "build/cache", "smoke_dir": "qa/smoke", "direct_dir": "qa"})
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    check(tmp_path, flags={"cache_dir": "linked/cache", "smoke_dir": "linked"})


@pytest.mark.parametrize(
    ("file", "flags", "name", "said"),
    [
        ({"cache_dir": "../x"}, None, "pyproject.toml", "pyproject.toml: [tool.smokegen] cache_dir = '../x' must be"),
        ({"cache-dir": "/tmp"}, None, ".smokegen.toml", ".smokegen.toml: cache_dir = '/tmp' must be"),
        ({"cache_dir": "../x"}, {"cache_dir": "/tmp"}, "pyproject.toml", "--cache-dir '/tmp' must be"),
        (
            None,
            {"cache_dir": "."},
            "pyproject.toml",
            "--cache-dir '.' must be a folder inside the project, but it resolves to",
        ),
        (None, {"cache_dir": "a/../.."}, "pyproject.toml", "--cache-dir 'a/../..' must be"),
    ],
)
def test_a_folder_outside_names_where_it_was_given(
    tmp_path: Path, file: dict[str, object] | None, flags: dict[str, object] | None, name: str, said: str
) -> None:
    with pytest.raises(ConfigError) as error:
        check(tmp_path, file, flags, name)
    assert str(error.value).startswith(said), str(error.value)
    assert str(error.value).endswith("; give a folder inside it, e.g. '.smokegen_cache'")
    assert "\n" not in str(error.value)


def test_the_default_direct_folder_is_checked_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "test").symlink_to(tmp_path.parent)  # only test/ exists: scaffolds would go there
    with pytest.raises(
        ConfigError,
        match=r"^direct_dir = 'test' \(the default\) must be a folder inside the project, "
        r"but test is a symlink to .*; remove the link, or set direct_dir \(--direct-dir\)",
    ):
        check(tmp_path)
    check(tmp_path, {"direct_dir": "tests"})
    assert Config().direct_dir == ""
