"""Declared dependencies wherever an application declares them, runtime apart from development."""

from __future__ import annotations

from pathlib import Path

from smokegen.project.deps import read_dependencies, requirement_files
from tests.helpers import dedent


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


def test_requirement_files_split_runtime_from_development(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "requirements.txt": "",
            "requirements-dev.txt": "",
            "dev-requirements.txt": "",
            "requirements_test.in": "",
            "requirements/base.txt": "",
            "requirements/production.txt": "",
            "requirements/local.txt": "",
            "requirements/docs.txt": "",
            "notes.txt": "",
        },
    )
    runtime, dev = requirement_files(tmp_path)
    assert runtime == ["requirements.txt", "requirements/base.txt", "requirements/production.txt"]
    assert dev == [
        "dev-requirements.txt",
        "requirements-dev.txt",
        "requirements_test.in",
        "requirements/docs.txt",
        "requirements/local.txt",
    ]


def test_requirements_lines_as_pip_reads_them(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "requirements.txt": """
                --index-url https://pypi.example/simple
                -r requirements/base.txt
                -c constraints.txt
                Django>=5.0,<6  # the framework
                celery[redis]==5.4 \\
                    --hash=sha256:0123
                pywin32; sys_platform == "win32"
                -e git+https://github.com/acme/tool.git@v1#egg=acme-tool
                -e .
                https://files.example/pkgs/Some_Lib-1.2.3-py3-none-any.whl
                https://files.example/archive/master.zip
                what is this
            """,
            "requirements/base.txt": "requests>=2\n",
            "constraints.txt": "urllib3<3\n",
            "requirements-dev.txt": "-r requirements.txt\npytest\n",
        },
    )
    deps = read_dependencies(tmp_path, None, {})
    assert deps.source == "requirements.txt, requirements/base.txt"
    assert sorted(d.name for d in deps.declared) == ["acme-tool", "celery", "django", "pywin32", "requests", "some-lib"]
    assert [d.name for d in deps.dev] == ["pytest"]  # what requirements-dev.txt includes stays runtime
    found = {d.name: d for d in deps.declared}
    assert (found["requests"].file, found["requests"].line) == ("requirements/base.txt", 1)
    assert (found["celery"].file, found["celery"].line) == ("requirements.txt", 5)
    assert found["pywin32"].marker == 'sys_platform == "win32"'
    assert deps.notes == (
        "requirements.txt:11: cannot read 'https://files.example/archive/master.zip' as a requirement; "
        "what it installs is not known",
        "requirements.txt:12: cannot read 'what is this' as a requirement; what it installs is not known",
    )


def test_pipfile_and_dependency_groups(tmp_path: Path) -> None:
    make(tmp_path, {"Pipfile": '[packages]\nflask = "*"\n[dev-packages]\nblack = "*"\n'})
    deps = read_dependencies(tmp_path, None, {})
    assert (deps.source, [d.name for d in deps.declared], [d.name for d in deps.dev]) == (
        "Pipfile [packages]",
        ["flask"],
        ["black"],
    )
    make(
        tmp_path / "svc",
        {
            "pyproject.toml": """
                [project]
                name = "svc"
                dependencies = ["fastapi"]
                [dependency-groups]
                dev = ["pytest", "ruff"]
            """
        },
    )
    deps = read_dependencies(tmp_path / "svc", "svc", {})
    assert [d.name for d in deps.declared] == ["fastapi"]
    assert sorted(d.name for d in deps.dev) == ["pytest", "ruff"]


def test_no_declaration_is_unknown_noop(tmp_path: Path) -> None:
    deps = read_dependencies(tmp_path, None, {})
    assert not deps.known and deps.declared == () and deps.notes == ()
