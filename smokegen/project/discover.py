"""Project root + Config -> the importable source files and their dotted names.

Packages are found from the file system, not ``pkgutil`` (which silently skips
PEP 420 namespace packages). Every file gets the module name it has at run
time, so relative imports in namespace subpackages resolve. Files that look
importable but are not (``my-script.py``) are reported, never dropped silently.
"""

from __future__ import annotations

import configparser
import difflib
import keyword
import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from smokegen.model import Finding, Location, ModuleKind, SourceFile, codes
from smokegen.project.config import Config, ConfigError, read_toml

# A folder holding one of these is a project's root: a package's build configuration, smokegen's own
# configuration file, or an application's markers (Django's manage.py, a requirements file or folder,
# a Pipfile or a lock file). The nearest folder holding any of them is the root.
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
APPLICATION_MARKERS = (".smokegen.toml", "smokegen.toml", "manage.py", "Pipfile", "uv.lock", "poetry.lock", "pdm.lock")
_REQUIREMENTS = re.compile(r"requirements.*\.(txt|in)")


def _is_root(folder: Path) -> bool:
    if any((folder / marker).is_file() for marker in ROOT_MARKERS + APPLICATION_MARKERS):
        return True
    if (folder / "requirements").is_dir():
        return True
    try:
        with os.scandir(folder) as entries:
            return any(_REQUIREMENTS.fullmatch(entry.name) is not None and entry.is_file() for entry in entries)
    except OSError:
        return False


EXTENSION_SUFFIXES = (".so", ".pyd")

# Never scanned, whatever the configuration says.
SKIP_DIRS = frozenset({"__pycache__", "site-packages", "node_modules", "__pypackages__"})
# Build output, skipped at the project root and source roots only: ``pip/_internal/operations/build``
# is a real package.
TOP_SKIP_DIRS = frozenset({"build", "dist"})

# In a flat layout, top-level folders without ``__init__.py`` with these names are
# project furniture, not namespace packages (the list setuptools' flat-layout
# discovery uses, trimmed). Regular packages (with ``__init__.py``) are always kept.
FLAT_LAYOUT_NOT_PACKAGES = frozenset(
    {
        "bin",
        "ci",
        "debian",
        "doc",
        "docs",
        "documentation",
        "examples",
        "example",
        "manpages",
        "news",
        "newsfragments",
        "changelog",
        "requirements",
        "scripts",
        "script",
        "tools",
        "benchmarks",
        "benchmark",
        "env",
        "venv",
        "htmlcov",
        "site_scons",
        "exercises",
        "tasks",
    }
)
# Top-level scripts of a flat layout that must never be imported (importing setup.py runs setup()).
FLAT_LAYOUT_NOT_MODULES = frozenset(
    {"setup", "conftest", "noxfile", "toxfile", "fabfile", "pavement", "dodo", "tasks", "conanfile", "manage"}
)


@dataclass(frozen=True, slots=True)
class Discovery:
    root: Path
    source_roots: tuple[str, ...]
    files: tuple[SourceFile, ...]
    namespace_packages: tuple[str, ...]
    findings: tuple[Finding, ...]
    extension_modules: tuple[str, ...] = ()
    stub_modules: tuple[str, ...] = ()
    excluded_modules: tuple[str, ...] = ()


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds a project's marker (:data:`ROOT_MARKERS`,
    :data:`APPLICATION_MARKERS`, ``requirements*.txt`` or a ``requirements/`` folder)."""
    start = start.resolve()
    if not start.exists():
        raise ConfigError(f"{start}: no such file or folder; pass the path of a project")
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if _is_root(folder):
            return folder
    looked_for = ", ".join((*ROOT_MARKERS, *APPLICATION_MARKERS, "requirements*.txt", "requirements/"))
    raise ConfigError(
        f"{start}: no project in this folder or any parent (looked for {looked_for}); run smokegen inside a "
        "project or pass its path"
    )


# Files that say the project is deployed as a service: Django's manage.py, a container or a platform's
# process description.
DEPLOYMENT_MARKERS = (
    "manage.py",
    "Dockerfile",
    "Containerfile",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "Procfile",
    "fly.toml",
    "app.yaml",
)


def is_application(root: Path) -> bool:
    """The project is deployed rather than distributed: it has Django's ``manage.py``, a container or
    platform description (:data:`DEPLOYMENT_MARKERS`), a ``[tool.fastapi]`` entry point, or nothing
    builds it into a distribution (no ``[build-system]`` in pyproject.toml, no setup.py or setup.cfg,
    or Poetry's ``package-mode = false``). In an application every module is loaded by something
    (a URLconf, a task queue, a WSGI server, a management command): none is an opt-in integration."""
    if any((root / marker).is_file() for marker in DEPLOYMENT_MARKERS):
        return True
    if (root / "setup.py").is_file() or (root / "setup.cfg").is_file():
        return False
    data = read_toml(root / "pyproject.toml")
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = (tool or {}).get("poetry")
    if isinstance(poetry, dict) and poetry.get("package-mode") is False:
        return True
    if isinstance((tool or {}).get("fastapi"), dict):
        return True
    return "build-system" not in data


def script_folders(root: Path) -> list[str]:
    """Folders of scripts a tool runs and nothing imports, relative to the root: Alembic's
    ``script_location`` (``alembic.ini``), whose ``env.py`` and revisions run inside ``alembic upgrade``."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(root / "alembic.ini", encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return []
    found = []
    # Alembic's folder wherever alembic.ini is (Flask-Migrate keeps it in migrations/): its template
    for template in sorted(
        [*root.glob("script.py.mako"), *root.glob("*/script.py.mako"), *root.glob("*/*/script.py.mako")]
    ):
        folder = template.parent.relative_to(root).as_posix()
        if (template.parent / "env.py").is_file() and folder != ".":
            found.append(folder)
    for section in parser.sections():
        location = parser.get(section, "script_location", fallback="").strip()
        location = location.replace("%(here)s", ".").replace("\\", "/")
        if location and ":" not in location:  # "package:folder" names a package resource
            folder = os.path.normpath(location).replace(os.sep, "/")
            if not folder.startswith(".."):
                found.append(folder)
    return found


def _loaded_by_name(package: str) -> bool:
    """Django's migrations (``app/migrations/0001_initial.py``) are loaded with ``import_module``, which
    takes any name the file system allows: importable, though no ``import`` statement can name them."""
    return package.rpartition(".")[2] == "migrations"


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A folder entry that is a folder; False for a symlink loop or a link to nowhere (not a crash)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def is_module_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    out = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{''.join(out)}(?:/.*)?$")


def match_glob(path: str, pattern: str) -> bool:
    """``.gitignore``-style matching of a POSIX path relative to the project root.

    A pattern without a slash matches a file or folder name at any depth (``tests``);
    a leading or inner slash anchors it to the project root (``/test``, ``src/legacy``);
    ``*`` and ``?`` stay inside one path segment, ``**`` spans segments; a pattern that
    matches a folder matches everything under it.
    """
    return _glob_regex(pattern).match(path) is not None


def _is_virtualenv(path: Path | str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg")) or os.path.isdir(os.path.join(path, "conda-meta"))


class _Walker:
    def __init__(self, root: Path, config: Config, application: bool = False, scripts: tuple[str, ...] = ()) -> None:
        self.root = root
        # a top-level tasks.py is invoke's in a library, and Celery's tasks in an application
        self.not_modules = FLAT_LAYOUT_NOT_MODULES - {"tasks"} if application else FLAT_LAYOUT_NOT_MODULES
        self.scripts = tuple(f"{folder}/" for folder in scripts)
        self.config = config
        self.files: list[SourceFile] = []
        self.namespaces: list[str] = []
        self.extensions: list[str] = []
        self.stubs: list[str] = []
        self.excluded: list[str] = []
        self.findings: list[Finding] = []
        self.seen_dirs: set[Path] = set()
        self.prefix = os.path.join(str(root), "")
        self.patterns = tuple(_glob_regex(p) for p in config.exclude + config.test_patterns)
        self.python_below: dict[str, bool] = {}

    def rel(self, path: Path | str) -> str:
        text = str(path)
        if text.startswith(self.prefix):  # the common case, without pathlib's parsing
            return text[len(self.prefix) :].replace(os.sep, "/")
        return Path(text).relative_to(self.root).as_posix()

    def skipped(self, path: Path | str) -> bool:
        rel = self.rel(path)
        return any(pattern.match(rel) is not None for pattern in self.patterns)

    def skip_dir(self, path: Path | str, *, top: bool = False) -> bool:
        name = os.path.basename(path)
        return (
            name.startswith(".")
            or name in SKIP_DIRS
            or (top and name in TOP_SKIP_DIRS)
            or name.endswith(".egg-info")
            or _is_virtualenv(path)
            or self.skipped(path)
        )

    def not_importable(self, path: Path, why: str) -> None:
        rel = self.rel(path)
        self.findings.append(codes.NOT_IMPORTABLE.at(Location(rel, 1, 1), why))

    def has_python(self, folder: Path | str) -> bool:
        """True when ``folder`` holds a .py file somewhere below it (skipped folders aside)."""
        key = str(folder)
        known = self.python_below.get(key)
        if known is not None:
            return known
        self.python_below[key] = False  # a symlink loop ends here
        try:
            entries = list(os.scandir(key))
        except OSError:
            return False
        found = False
        for entry in entries:
            if entry.name.endswith(".py") and entry.is_file() and not self.skipped(entry.path):
                found = True
                break
        if not found:
            found = any(
                _is_dir(entry) and not self.skip_dir(entry.path) and self.has_python(entry.path) for entry in entries
            )
        self.python_below[key] = found
        return found

    def first_python_file(self, folder: Path) -> Path:
        return min(p for p in folder.rglob("*.py"))

    def walk_package(self, folder: Path, dotted: str) -> None:
        real = folder.resolve()
        if real in self.seen_dirs:  # a symlink loop
            return
        self.seen_dirs.add(real)
        init = folder / "__init__.py"
        if init.is_file():
            self.files.append(SourceFile(dotted, self.rel(init), ModuleKind.PACKAGE))
        else:
            self.namespaces.append(dotted)
        self.walk_entries(folder, dotted)

    def walk_entries(self, folder: Path, prefix: str, *, top: bool = False) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        flat_top = top and folder == self.root
        dirs = {e.name: Path(e.path) for e in entries if _is_dir(e)}
        for entry in entries:
            path = Path(entry.path)
            if not top and entry.name.endswith(EXTENSION_SUFFIXES) and not _is_dir(entry):
                stem = entry.name.split(".", 1)[0]
                if is_module_name(stem) and stem != "__init__":
                    self.extensions.append(f"{prefix}.{stem}" if prefix else stem)
                continue
            if entry.name.endswith(".pyi") and not _is_dir(entry):
                stem = entry.name[:-4]
                if stem == "__init__" and prefix:
                    self.stubs.append(prefix)
                elif is_module_name(stem):
                    self.stubs.append(f"{prefix}.{stem}" if prefix else stem)
                continue
            if _is_dir(entry) or not entry.name.endswith(".py") or entry.name == "__init__.py":
                continue
            stem = entry.name[:-3]
            if self.skipped(path):
                if is_module_name(stem):
                    self.excluded.append(f"{prefix}.{stem}" if prefix else stem)
                continue
            if top and self.config.packages and stem not in self.config.packages:
                continue
            if flat_top and stem in self.not_modules and stem not in self.config.packages:
                continue
            script = bool(self.scripts) and self.rel(path).startswith(self.scripts)
            if not is_module_name(stem) and top:
                continue  # beside the packages, run or read by path: gunicorn.conf.py, a setup-dev.py script
            if not is_module_name(stem) and not (
                (script or _loaded_by_name(prefix)) and re.fullmatch(r"\w+", stem, re.ASCII)
            ):
                self.not_importable(
                    path,
                    f"'{entry.name}' cannot be imported by an import statement: '{stem}' is not a Python "
                    "identifier, only importlib.import_module can load it (rename it with underscores, or "
                    "exclude it if it is a script)",
                )
                continue
            if stem in dirs and (dirs[stem] / "__init__.py").is_file():
                rel_pkg = self.rel(dirs[stem])
                self.findings.append(
                    codes.SHADOWED.at(
                        Location(self.rel(path), 1, 1),
                        f"'{entry.name}' is never imported: the package '{rel_pkg}/' of the same name wins; "
                        "rename or delete one of them",
                    )
                )
                continue
            name = f"{prefix}.{stem}" if prefix else stem
            kind = ModuleKind.MAIN if stem == "__main__" else ModuleKind.MODULE
            if script:
                kind = ModuleKind.SCRIPT
            self.files.append(SourceFile(name, self.rel(path), kind))
        for name, path in dirs.items():
            if self.skip_dir(path, top=top):
                if self.skipped(path) and is_module_name(name):
                    self.excluded.append(f"{prefix}.{name}" if prefix else name)
                continue
            if top and self.config.packages and name not in self.config.packages:
                continue
            regular = (path / "__init__.py").is_file()
            if not regular:
                if flat_top and name in FLAT_LAYOUT_NOT_PACKAGES and name not in self.config.packages:
                    continue
                if not self.has_python(path):
                    continue
            if not is_module_name(name):
                self.not_importable(
                    self.first_python_file(path),
                    f"folder '{self.rel(path)}/' cannot be imported: '{name}' is not a Python identifier "
                    "(rename it with underscores, or exclude it)",
                )
                continue
            if not regular and (folder / f"{name}.py").is_file():
                self.findings.append(
                    codes.SHADOWED.at(
                        Location(self.rel(self.first_python_file(path)), 1, 1),
                        f"folder '{self.rel(path)}/' is never imported as a namespace package: "
                        f"the module '{name}.py' beside it wins; rename one of them",
                    )
                )
                continue
            self.walk_package(path, f"{prefix}.{name}" if prefix else name)


def _default_source_roots(root: Path, config: Config) -> tuple[str, ...]:
    src = root / "src"
    if src.is_dir() and _Walker(root, config).has_python(src) and not _src_is_a_package(src):
        return ("src",)
    return (".",)


_RELATIVE = re.compile(rb"^[ \t]*from[ \t]+(\.+)", re.MULTILINE)
_ABSOLUTE_SRC = re.compile(rb"^[ \t]*(?:from|import)[ \t]+src(?:\.|[ \t]|$)", re.MULTILINE)


def _src_is_a_package(src: Path, limit: int = 3000) -> bool:
    """``src/`` with an ``__init__.py`` whose code imports it as a package: ``from src.app import x``,
    or a relative import that climbs up to it (``src/scripts/seed.py``: ``from ..app.core import
    config``). Then the project root is the source root, not ``src`` (which a src layout, with no
    ``__init__.py`` there, would be)."""
    if not (src / "__init__.py").is_file():
        return False
    seen = 0
    for folder, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS]
        depth = len(Path(folder).relative_to(src).parts)  # the packages between src and the file
        for name in files:
            if not name.endswith(".py"):
                continue
            seen += 1
            if seen > limit:
                return False
            try:
                text = (Path(folder) / name).read_bytes()
            except OSError:
                continue
            if _ABSOLUTE_SRC.search(text) or any(len(m.group(1)) > depth for m in _RELATIVE.finditer(text)):
                return True
    return False


def discover(root: Path, config: Config, application: bool = False) -> Discovery:
    """Find every importable file under the project's source roots (``application``: see
    :func:`is_application`)."""
    roots = config.source_roots or _default_source_roots(root, config)
    walker = _Walker(root, config, application, tuple(script_folders(root)))
    for source_root in roots:
        # Not resolved: a symlinked source root keeps paths relative to the project root.
        folder = Path(os.path.normpath(root / source_root))
        if folder != root and root not in folder.parents:
            raise ConfigError(
                f"source root '{source_root}' is outside the project root {root}; "
                "fix --source-root or [tool.smokegen] source_roots in pyproject.toml"
            )
        if not folder.is_dir():
            raise ConfigError(
                f"source root '{source_root}' is not a folder of the project at {root}; "
                "fix --source-root or [tool.smokegen] source_roots in pyproject.toml"
            )
        walker.walk_entries(folder, "", top=True)
    found = {f.name.split(".", 1)[0] for f in walker.files} | {n.split(".", 1)[0] for n in walker.namespaces}
    missing = [p for p in walker.config.packages if p not in found]
    if missing:
        # What is there, whatever `packages` asked for: the names it could have meant.
        everything = _Walker(root, replace(config, packages=()))
        for source_root in roots:
            everything.walk_entries(Path(os.path.normpath(root / source_root)), "", top=True)
        there = sorted(
            {f.name.split(".", 1)[0] for f in everything.files} | {n.split(".", 1)[0] for n in everything.namespaces}
        )
        close = [hit for name in missing for hit in difflib.get_close_matches(name, there, n=1)]
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise ConfigError(
            f"packages names {', '.join(repr(m) for m in missing)}, not found under {', '.join(roots)}{hint}; "
            f"found: {', '.join(there) or 'nothing'}; fix --package or [tool.smokegen] packages in pyproject.toml"
        )
    files = sorted(walker.files, key=lambda f: (f.name, f.path))
    return Discovery(
        root=root,
        source_roots=tuple(roots),
        files=tuple(files),
        namespace_packages=tuple(sorted(walker.namespaces)),
        findings=tuple(sorted(walker.findings)),
        extension_modules=tuple(sorted(set(walker.extensions))),
        stub_modules=tuple(sorted(set(walker.stubs))),
        excluded_modules=tuple(sorted(set(walker.excluded))),
    )
