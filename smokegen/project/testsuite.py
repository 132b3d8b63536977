"""The project's own test files: found by ``test_patterns``, with the smoke suite's folder, ``exclude``d
paths, virtualenvs and nested projects left out; and the name pytest imports each under."""

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


def pytest_module_name(root: Path, rel: str) -> tuple[str, str]:
    """(the dotted name pytest imports a test file under, the folder it puts on ``sys.path`` for it,
    relative to the root, "." for the root), as its default ``prepend`` import mode does: the first
    folder up from the file without an ``__init__.py`` goes on ``sys.path``, and the name is the
    path below it (``tests/test_x.py`` without ``tests/__init__.py``: ``test_x``, with ``tests/`` on
    ``sys.path``, so ``from helpers import x`` finds ``tests/helpers.py``)."""
    parts = rel[: -len(".py")].split("/")
    folder = len(parts) - 1  # the file's folder: parts[:folder]
    while folder > 0 and (root.joinpath(*parts[:folder]) / "__init__.py").is_file():
        folder -= 1
    name = parts[folder:]
    if name[-1] == "__init__":
        name = name[:-1] or parts[folder - 1 : folder]
    return ".".join(name), "/".join(parts[:folder]) or "."
