"""What the project's interpreter has installed, asked of that interpreter without importing anything.

The probe runs in the target interpreter (``--python``, default: the active
virtualenv, else the interpreter smokegen runs in) and reads only standard
library state and distribution metadata: its version, ``sys.path``, the
standard library's module names, the installed distributions and the import
names each provides. No project or third-party code is imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from smokegen.project.config import ConfigError

# The oldest Python smokegen imports a project under: importlib.metadata (the installed
# distributions) is 3.8's; the import runner needs 3.7's ``from __future__ import annotations``.
OLDEST_TARGET = (3, 8)

PROBE = r"""
import json, os, platform, sys
try:
    from importlib import metadata
except ImportError:
    metadata = None

def norm(name):
    import re
    return re.sub(r"[-_.]+", "-", name).lower()

def tops(dist):
    text = dist.read_text("top_level.txt")
    if text:
        return {line.strip() for line in text.split() if line.strip()}
    found = set()
    for f in dist.files or ():
        parts = f.parts
        if not parts or parts[0].endswith((".dist-info", ".egg-info")) or parts[0] in ("..", "__pycache__"):
            continue
        if len(parts) == 1:
            name = parts[0]
            if name.endswith(".py"):
                found.add(name[:-3])
            elif name.endswith((".so", ".pyd")):
                found.add(name.split(".")[0])
        else:
            found.add(parts[0])
    return {t for t in found if t.isidentifier()}

packages, dists = {}, {}
if metadata is not None:
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        key = norm(name)
        if key in dists:
            continue  # the first on sys.path wins, as for imports
        dists[key] = {"version": dist.version, "requires": list(dist.requires or [])}
        for top in tops(dist):
            packages.setdefault(top, [])
            if key not in packages[top]:
                packages[top].append(key)

stdlib = getattr(sys, "stdlib_module_names", None)
if stdlib is None:
    import sysconfig
    stdlib = set(sys.builtin_module_names)
    root = sysconfig.get_paths()["stdlib"]
    for entry in os.listdir(root):
        if entry.endswith(".py"):
            stdlib.add(entry[:-3])
        elif os.path.isdir(os.path.join(root, entry)) and entry.isidentifier():
            stdlib.add(entry)
# Top-level names served by import hooks installed through .pth files: setuptools' distutils
# shim, editable installs' finders (their MAPPING). What they serve is not on sys.path as files.
hooked = set()
for finder in sys.meta_path:
    cls = finder if isinstance(finder, type) else type(finder)
    owner = getattr(cls, "__module__", "") or ""
    if owner.startswith("_distutils_hack"):
        hooked.add("distutils")
    mapping = getattr(sys.modules.get(owner), "MAPPING", None)
    if isinstance(mapping, dict):
        hooked.update(k for k in mapping if isinstance(k, str))
markers = {
    "implementation_name": sys.implementation.name,
    "implementation_version": "%d.%d.%d" % sys.implementation.version[:3],
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "platform_python_implementation": platform.python_implementation(),
    "python_version": "%d.%d" % sys.version_info[:2],
    "sys_platform": sys.platform,
}
print(json.dumps({
    "executable": sys.executable,
    "version": list(sys.version_info[:2]),
    "path": [p for p in sys.path if p and os.path.isdir(p)],
    "stdlib": sorted(stdlib),
    "packages": packages,
    "distributions": dists,
    "markers": markers,
    "hooked": sorted(hooked),
}))
"""


@dataclass(frozen=True, slots=True)
class Distribution:
    name: str  # normalised (PEP 503)
    version: str
    requires: tuple[str, ...]  # Requires-Dist lines


@dataclass(frozen=True, slots=True)
class Environment:
    executable: str
    version: tuple[int, int]
    sys_path: tuple[str, ...]
    stdlib: frozenset[str]
    packages: Mapping[str, tuple[str, ...]]  # top-level import name -> distributions providing it
    distributions: Mapping[str, Distribution]
    markers: Mapping[str, str]  # PEP 508 marker environment of the target interpreter
    hooked: frozenset[str] = frozenset()  # top-level names served by import hooks, not files


def _venv_python(folder: Path) -> Path | None:
    for candidate in (folder / "bin" / "python", folder / "Scripts" / "python.exe"):
        if candidate.is_file():
            return candidate
    return None


def _active_virtualenv() -> Path | None:
    venv = os.environ.get("VIRTUAL_ENV")
    return _venv_python(Path(venv)) if venv else None


def default_python() -> str:
    """The active virtualenv's interpreter, else the one smokegen runs in."""
    active = _active_virtualenv()
    return str(active) if active is not None else sys.executable


def project_virtualenv(root: Path) -> Path | None:
    """The interpreter of the project's own virtualenv (``.venv`` or ``venv`` with a ``pyvenv.cfg``,
    as uv, Poetry in-project and ``python -m venv`` make it), or None."""
    for name in (".venv", "venv"):
        folder = root / name
        if (folder / "pyvenv.cfg").is_file():
            found = _venv_python(folder)
            if found is not None:
                return found
    return None


def choose_python(configured: str, root: Path) -> tuple[str, str]:
    """The interpreter that runs the project's code, and where it came from: ``configured`` (the
    ``--python`` flag or the ``python`` key), else the active virtualenv, else the project's own
    ``.venv``/``venv``, else the interpreter smokegen runs in."""
    if configured:
        return resolve_python(configured), "--python, or the python setting"
    active = _active_virtualenv()
    if active is not None:
        return str(active), "the active virtualenv"
    own = project_virtualenv(root)
    if own is not None:
        return str(own), f"the project's {own.parent.parent.name}, not activated"
    return sys.executable, "smokegen's own: no virtualenv is active and the project has none (.venv, venv)"


def resolve_python(python: str | None) -> str:
    """``--python`` as an absolute path: relative to the current folder, or looked up on PATH."""
    if not python:
        return default_python()
    if os.sep in python or (os.altsep and os.altsep in python):
        return os.path.abspath(python)
    return shutil.which(python) or python


class PendingProbe:
    """The target interpreter, asked about itself in the background (:func:`start_probe`); the
    answer is read by :meth:`result`. Scanning the project meanwhile hides the interpreter's start-up."""

    def __init__(self, python: str | None, timeout: float = 120.0) -> None:
        self.executable = resolve_python(python)
        self.timeout = timeout
        self._empty = tempfile.TemporaryDirectory()  # the working folder: '' on sys.path is no project folder
        try:
            self._proc = subprocess.Popen(
                [self.executable, "-c", PROBE],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
                cwd=self._empty.name,
                env={k: v for k, v in os.environ.items() if k != "PYTHONSTARTUP"},
            )
        except OSError as exc:
            self._empty.cleanup()
            raise self._cannot_run(exc) from None

    def _cannot_run(self, exc: Exception) -> ConfigError:
        return ConfigError(
            f"python {self.executable}: cannot run it ({exc}); pass the project's interpreter "
            "(--python, or [tool.smokegen] python)"
        )

    def __enter__(self) -> PendingProbe:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Leaving the block without the answer (an error meanwhile): stop the interpreter."""
        if self._proc.returncode is None:
            self._proc.kill()
            self._proc.communicate()
        self._empty.cleanup()

    def result(self) -> Environment:
        """The interpreter's answer; a usage error if it could not give one."""
        try:
            stdout, stderr = self._proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            self._proc.kill()
            self._proc.communicate()
            raise self._cannot_run(exc) from None
        finally:
            self._empty.cleanup()
        if self._proc.returncode != 0:
            last = (stderr.strip().splitlines() or ["no output"])[-1]
            raise ConfigError(f"python {self.executable}: not a working Python interpreter ({last})")
        try:
            data = json.loads(stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise ConfigError(f"python {self.executable}: unexpected output from the interpreter") from None
        major, minor = data["version"][0], data["version"][1]
        if (major, minor) < OLDEST_TARGET:
            raise ConfigError(
                f"python {self.executable}: Python {major}.{minor} is too old: smokegen imports a project "
                f"under Python {'.'.join(map(str, OLDEST_TARGET))} or newer; point --python (or the project's "
                ".venv) at one"
            )
        return Environment(
            executable=data["executable"],
            version=(data["version"][0], data["version"][1]),
            sys_path=tuple(data["path"]),
            stdlib=frozenset(data["stdlib"]),
            packages={k: tuple(v) for k, v in data["packages"].items()},
            distributions={
                k: Distribution(k, v["version"], tuple(v["requires"])) for k, v in data["distributions"].items()
            },
            markers=dict(data["markers"]),
            hooked=frozenset(data.get("hooked", ())),
        )


def start_probe(python: str | None = None, timeout: float = 120.0) -> PendingProbe:
    """Start asking the target interpreter about itself; ``.result()`` waits for the answer."""
    return PendingProbe(python, timeout)


def probe(python: str | None = None, timeout: float = 120.0) -> Environment:
    """Ask the target interpreter about itself; a usage error if it cannot be run."""
    return start_probe(python, timeout).result()


DESCRIBE = r"""
import json, sys
from importlib import metadata
name = sys.argv[1]
def owner(dotted):
    # the distribution that installed the package or module `dotted` (a namespace portion too)
    package = tuple(dotted.split("."))
    module = package[:-1] + (package[-1] + ".py",)
    for candidate in metadata.distributions():
        for f in candidate.files or ():
            if tuple(f.parts[: len(package)]) in (package, module):
                return candidate
    return None
try:
    dist = metadata.distribution(name)
except metadata.PackageNotFoundError:
    dist = None
if dist is None and "." in name and all(p.isidentifier() for p in name.split(".")):
    dist = owner(name)  # a namespace portion: google.protobuf, jaraco.functools
if dist is None:
    owners = getattr(metadata, "packages_distributions", lambda: {})().get(name, [])
    if len(owners) > 1:
        print(json.dumps({"error": "%r is shared by the distributions %s; name one of them" % (name, ", ".join(sorted(owners)))}))
        raise SystemExit(0)
    if not owners:
        print(json.dumps({"error": "no installed distribution or top-level package named %r" % name}))
        raise SystemExit(0)
    dist = metadata.distribution(owners[0])
tops = set()
text = dist.read_text("top_level.txt")
if text:
    tops.update(t.strip() for t in text.split() if t.strip())
for f in dist.files or ():
    parts = f.parts
    if not parts or parts[0].endswith((".dist-info", ".egg-info")) or parts[0] in ("..", "__pycache__"):
        continue
    if len(parts) == 1:
        if parts[0].endswith(".py"):
            tops.add(parts[0][:-3])
    else:
        tops.add(parts[0])
root = str(dist.locate_file(""))
info_dir = ""
for f in dist.files or ():
    if f.parts and f.parts[0].endswith(".dist-info"):
        info_dir = f.parts[0]
        break
files = sorted(
    f.as_posix() for f in dist.files or () if f.parts and f.parts[0] not in ("..", "__pycache__") and not f.parts[0].endswith((".dist-info", ".egg-info"))
)
print(json.dumps({
    "files": files,
    "name": dist.metadata["Name"],
    "version": dist.version,
    "root": root,
    "top_level": sorted(t for t in tops if t.isidentifier()),
    "entry_points": [[e.group, e.name, e.value] for e in dist.entry_points],
    "info_dir": info_dir,
}))
"""


@dataclass(frozen=True, slots=True)
class InstalledDistribution:
    """A distribution as installed in the target interpreter (``smokegen check --installed``)."""

    name: str
    version: str
    root: Path  # the folder its files are relative to (site-packages)
    top_level: tuple[str, ...]
    entry_points: tuple[tuple[str, str, str], ...]  # (group, name, value)
    info_dir: str  # "<name>-<version>.dist-info", relative to root
    # The files it installed (its RECORD), POSIX, relative to root: in a namespace package shared with
    # other distributions, only these are its own. Empty when the installer kept no record.
    files: tuple[str, ...] = ()


def describe_distribution(name: str, python: str | None = None, timeout: float = 60.0) -> InstalledDistribution:
    """Read an installed distribution's metadata in the target interpreter (nothing is imported)."""
    executable = resolve_python(python)
    try:
        with tempfile.TemporaryDirectory() as empty:
            result = subprocess.run(
                [executable, "-c", DESCRIBE, name],
                capture_output=True,
                text=True,
                cwd=empty,
                stdin=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
            )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(
            f"python {executable}: cannot run it ({exc}); pass the project's interpreter (--python, or [tool.smokegen] python)"
        ) from None
    try:
        data = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ConfigError(f"--python {executable}: cannot read installed distributions ({last})") from None
    if "error" in data:
        raise ConfigError(f"--installed {name}: {data['error']} in {executable}; install it, or pass --python")
    if not data["top_level"]:
        raise ConfigError(f"--installed {name}: the distribution installs no importable package or module")
    return InstalledDistribution(
        name=data["name"],
        version=data["version"],
        root=Path(data["root"]),
        top_level=tuple(data["top_level"]),
        entry_points=tuple((g, n, v) for g, n, v in data["entry_points"]),
        info_dir=data["info_dir"],
        files=tuple(data.get("files", ())),
    )
