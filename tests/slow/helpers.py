"""A virtualenv with pinned distributions, for the slow suite."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path


def make_site(root: Path, pins: list[str]) -> tuple[str, Path]:
    """Create a virtualenv in ``root``, install ``pins``; its interpreter and site-packages folder."""
    venv.create(root, with_pip=True)
    python = str(root / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", *pins], check=True)
    out = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return python, Path(out.stdout.strip())
