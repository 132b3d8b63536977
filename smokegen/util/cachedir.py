"""smokegen's user-level cache: what is worth keeping across projects and environments.

Parse results of installed code (third-party modules the project imports names from, and the
files of a distribution checked with ``--installed``) are the same wherever the same file is
installed, so they are kept once per user, keyed by content. The folder is
``$SMOKEGEN_CACHE_DIR`` if set, else the platform's cache folder: ``$XDG_CACHE_HOME/smokegen`` or
``~/.cache/smokegen`` (Linux and other Unix), ``~/Library/Caches/smokegen`` (macOS),
``%LOCALAPPDATA%\\smokegen\\Cache`` (Windows). CI keeps it between jobs as any tool's cache.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENVIRONMENT_VARIABLE = "SMOKEGEN_CACHE_DIR"


def user_cache_dir() -> Path:
    """The folder of smokegen's user-level cache (not created here)."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "smokegen" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "smokegen"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "smokegen"


def installed_code_cache() -> Path:
    """Where parse results (and, for ``--installed``, verdicts) of installed code are kept."""
    return user_cache_dir() / "installed"
