"""Helpers shared by the benchmark scripts: timing, and a package installed into a fresh virtualenv."""

from __future__ import annotations

import statistics
import subprocess
import time
import venv
from collections.abc import Callable
from pathlib import Path


def median_time(action: Callable[[], object], repeat: int, before: Callable[[], object] | None = None) -> float:
    """Median wall time of ``action`` over ``repeat`` runs, ``before`` run untimed before each."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def installed_project(package: str, import_name: str, folder: Path) -> tuple[str, Path]:
    """Install ``package`` (with its dependencies) into a new virtualenv under ``folder`` and lay out a
    project whose source root is that virtualenv's site-packages, scanning only ``import_name``.
    Returns the virtualenv's interpreter and the project root."""
    env_dir = folder / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", package], check=True)
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    root = folder / "project"
    root.mkdir()
    (root / "sp").symlink_to(purelib)
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{package.split("=")[0]}"\ndynamic = ["dependencies", "version"]\n'
        f'[tool.smokegen]\nsource_roots = ["sp"]\npackages = ["{import_name}"]\n'
    )
    return python, root
