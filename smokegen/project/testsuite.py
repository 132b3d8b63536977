"""The project's own test files: found by ``test_patterns``, with the smoke suite's folder, ``exclude``d
paths, virtualenvs and nested projects left out."""

from __future__ import annotations

import os
from pathlib import Path

from smokegen.project.config import Config
from smokegen.project.discover import ROOT_MARKERS, SKIP_DIRS, match_glob


def test_files(root: Path, config: Config) -> list[str]:
    """The project's test files (POSIX, relative to the root): the smoke suite's folder, ``exclude``d
    paths and nested projects (a folder with its own pyproject.toml, setup.py or setup.cfg) left out."""
    smoke = config.smoke_dir.strip("/")
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        rel_folder = here.relative_to(root).as_posix()
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIP_DIRS
            and not (here / d / "pyvenv.cfg").is_file()
            and (f"{rel_folder}/{d}" if rel_folder != "." else d) != smoke
            and not any((here / d / marker).is_file() for marker in ROOT_MARKERS)  # another project
            and not any(match_glob(f"{rel_folder}/{d}" if rel_folder != "." else d, p) for p in config.exclude)
        )
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            rel = f"{rel_folder}/{name}" if rel_folder != "." else name
            if any(match_glob(rel, pattern) for pattern in config.test_patterns):
                found.append(rel)
    return found
