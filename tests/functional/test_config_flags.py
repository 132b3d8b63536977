"""Every setting is a [tool.smokegen] key and a flag: default < key < flag, validated in both places."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from smokegen.cli.main import main
from smokegen.project.config import Config, ConfigError, apply_flags, parse_config
from tests.helpers import write_project

BROKEN_IMPORT = {
    "pkg/__init__.py": "",
    "pkg/a.py": "from pkg.b import gone\n",
    "pkg/b.py": "present = 1\n",
}
RUNTIME_ONLY = {
    "pkg/__init__.py": "",
    "pkg/boom.py": "raise RuntimeError('boom at import')\n",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-mypy", "--python", sys.executable, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_flag_replaces_its_list_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path, BROKEN_IMPORT, '[tool.smokegen]\nignore = ["SG101"]\n')
    code, out, _ = run(capsys, "--static", str(project))
    assert code == 0 and "SG101" not in out  # the key silences it
    code, out, _ = run(capsys, "--static", "--ignore", "SG104,SG105", str(project))
    assert code == 1 and "pkg/a.py:1:19: SG101 cannot import name 'gone' from 'pkg.b'" in out  # the flag replaced it
    code, out, _ = run(capsys, "--static", "--ignore", "sg101", str(project))
    assert code == 0


def test_a_switch_beats_its_key_both_ways(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path, RUNTIME_ONLY)
    code, out, _ = run(capsys, str(project))
    assert code == 1 and "SG201" in out and "boom at import" in out  # the default runs the import
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text() + "[tool.smokegen]\nstatic = true\n"
    )
    code, out, _ = run(capsys, str(project))
    assert code == 0 and "SG201" not in out  # the key: static checks only
    code, out, _ = run(capsys, "--no-static", str(project))
    assert code == 1 and "SG201" in out  # the flag wins over the key


def test_table_flags_add_to_the_keys_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/settings.py": "import os\nA = os.environ['FROM_KEY']\nB = os.environ['FROM_FLAG']\n",
    }
    project = write_project(tmp_path, files, '[tool.smokegen]\nenv = {FROM_KEY = "1"}\n')
    code, out, _ = run(capsys, str(project))
    assert code == 0 and "SG206" in out and "FROM_FLAG" in out  # a missing variable is the machine's, a warning
    code, out, _ = run(capsys, "--env", "FROM_FLAG=2", str(project))
    assert code == 0 and "SG206" not in out  # both variables were set: the key's and the flag's


def test_discovery_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path, BROKEN_IMPORT, '[tool.smokegen]\nexclude = ["nothing"]\n')
    assert main(["scan", "--exclude", "pkg/a.py", str(project)]) == 0
    out, _ = capsys.readouterr()
    assert "pkg.a" not in out and "pkg.b" in out
    shutil.rmtree(project / ".smokegen_cache")
    assert main(["scan", "--no-cache", str(project)]) == 0
    out, _ = capsys.readouterr()
    assert "pkg.a" in out  # the key's exclude leaves it in
    assert not (project / ".smokegen_cache").exists()  # --no-cache beats the default
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + "cache = false\n")
    assert main(["scan", str(project)]) == 0
    assert not (project / ".smokegen_cache").exists()  # the key
    assert main(["scan", "--cache", "--cache-dir", "here", str(project)]) == 0
    capsys.readouterr()
    assert (project / "here" / "CACHEDIR.TAG").is_file()  # the flag beats the key


def test_python_key_is_relative_to_the_project_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "proj").mkdir()
    project = write_project(tmp_path / "proj", BROKEN_IMPORT, '[tool.smokegen]\npython = "venv/bin/python"\n')
    code = main(["check", "--static", "--no-mypy", str(project)])
    _, err = capsys.readouterr()
    assert code == 2 and f"python {project.resolve() / 'venv/bin/python'}: cannot run it" in err
    code = main(["check", "--static", "--no-mypy", "--python", sys.executable, str(project)])
    capsys.readouterr()
    assert code == 1  # the flag wins: the checks ran


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "0"], "smokegen: error: --timeout must be a positive number of seconds, at most 86400, got 0.0"),
        (
            ["--timeout", "1e12"],
            "smokegen: error: --timeout must be a positive number of seconds, at most 86400, got 1000000000000.0",
        ),
        (["--jobs", "0"], "smokegen: error: --jobs must be a whole number of worker processes, 1 or more, got 0"),
        (["--ignore", "E501"], "smokegen: error: --ignore: 'E501' is not a finding code (SG101...)"),
        (["--env", "NOVALUE"], "smokegen: error: --env: 'NOVALUE' is not NAME=VALUE"),
        (["--per-module-ignore", "app.*=E1"], "smokegen: error: --per-module-ignore.app.*: 'E1' is not a finding code"),
        (["--factory", "a.b.C=t:f"], "smokegen: error: --factory: key 'a.b.C' is not 'module:Class'"),
        (["--environment-error", "("], "smokegen: error: --environment-error: '(' is not a regular expression"),
        (["--timeout", "soon"], "Invalid value for '--timeout': 'soon' is not a valid float."),
    ],
)
def test_bad_flag_values_are_one_line_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    project = write_project(tmp_path, BROKEN_IMPORT)
    code, out, err = run(capsys, "--static", *args, str(project))
    assert code == 2 and out == "" and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"jobs": "4"},
            "pyproject.toml: [tool.smokegen] jobs must be a whole number of worker processes, 1 or more, got '4'",
        ),
        ({"static": "yes"}, "pyproject.toml: [tool.smokegen] static must be true or false, got 'yes'"),
        ({"python": ""}, "pyproject.toml: [tool.smokegen] python must be a non-empty string"),
        ({"cache": 0}, "pyproject.toml: [tool.smokegen] cache must be true or false, got 0"),
        ({"timeout": float("inf")}, "pyproject.toml: [tool.smokegen] timeout must be a positive number of seconds"),
    ],
)
def test_bad_keys_name_the_file_and_the_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(table)
    assert str(info.value).startswith(message)


def test_apply_flags_precedence() -> None:
    base = parse_config(
        {
            "exclude": ["a"],
            "env": {"X": "1", "Y": "2"},
            "timeout": 5,
            "mypy": True,
            "per_module_ignores": {"m.*": ["SG101"]},
        }
    )
    merged = apply_flags(
        base,
        {
            "exclude": ("b", "c"),
            "env": ("Y=3", "Z=4=5"),
            "timeout": None,
            "mypy": False,
            "packages": ("x,y", "z"),
            "per_module_ignores": ("n.*=SG104, SG105",),
        },
    )
    assert merged.exclude == ("b", "c")  # replaced
    assert merged.env == (("X", "1"), ("Y", "3"), ("Z", "4=5"))  # added to, one entry replaced
    assert merged.timeout == 5.0 and merged.mypy is False
    assert merged.packages == ("x", "y", "z")
    assert merged.per_module_ignores == (("m.*", ("SG101",)), ("n.*", ("SG104", "SG105")))
    assert apply_flags(base, {"exclude": ("",)}).exclude == ()  # an empty value clears the list
    assert apply_flags(Config(), {}) == Config()
