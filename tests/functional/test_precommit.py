"""The pre-commit hooks, run for real by the `pre-commit` tool (`pre-commit try-repo`) in git
repositories made from fixtures_repo projects."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smokegen.cli.main import main
from tests.helpers import FIXTURES, REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git_project(name: str, tmp_path: Path) -> Path:
    project = tmp_path / name
    shutil.copytree(FIXTURES / name, project, ignore=shutil.ignore_patterns(".smokegen_cache", "__pycache__"))
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)
    return project


def try_repo(project: Path, hook: str, tmp_path: Path, *files: str) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)  # `smokegen` of this environment, as `language: system` finds it
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    selection = ["--files", *files] if files else ["--all-files"]
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--verbose", *selection],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_check_hook_passes_on_a_healthy_project(tmp_path: Path) -> None:
    done = try_repo(git_project("healthy_flat", tmp_path), "smokegen", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_check_hook_fails_with_the_finding_on_the_renamed_class(tmp_path: Path) -> None:
    project = git_project("renamed_class", tmp_path)
    done = try_repo(project, "smokegen", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "app/streaming/pipeline.py:3:37: SG101 cannot import name 'StreamingConsumer'" in done.stdout
    # the change that caused it: staging only the renamed module re-checks the module that imports it
    done = try_repo(project, "smokegen", tmp_path, "app/streaming/consumers.py")
    assert done.returncode == 1 and "SG101" in done.stdout
    # a change elsewhere does not re-report it
    done = try_repo(project, "smokegen", tmp_path, "app/api.py")
    assert done.returncode == 0, done.stdout


def test_generated_hook_passes_when_the_suite_is_current_and_fails_when_stale(tmp_path: Path, capsys) -> None:
    project = git_project("healthy_flat", tmp_path)
    assert main(["generate", str(project)]) == 0
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "suite"], cwd=project, check=True
    )
    done = try_repo(project, "smokegen-generated", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr

    stale = git_project("renamed_class", tmp_path)  # never generated
    done = try_repo(stale, "smokegen-generated", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "tests/smoke/test_smoke_imports.py: out of date; run `smokegen generate`" in done.stdout
