"""Installed (third-party and standard library) modules, found and read the way the import system
would find them on the target interpreter's ``sys.path``, without importing anything.

Whatever cannot be known statically is ``None`` (unknown), never a guess: compiled
extension modules, sourceless ``.pyc`` files, modules served by import hooks,
modules with ``__getattr__`` or ``sys.modules`` tricks.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from smokegen.model import ModuleInfo, ModuleKind, ScanResult, SourceFile
from smokegen.project.environment import Environment
from smokegen.scan.cache import ScanCache, cache_key, decode_result, encode_result

_EXTENSION_SUFFIXES = (".so", ".pyd")


class Kind(enum.Enum):
    PACKAGE = "package"  # a folder with __init__.py
    MODULE = "module"  # a .py file
    NAMESPACE = "namespace"  # folders without __init__.py (one or more portions)
    OPAQUE = "opaque"  # exists, but has no source to read (extension, .pyc)


@dataclass(frozen=True, slots=True)
class Located:
    kind: Kind
    source: Path | None = None  # the file to read (module or __init__.py)
    portions: tuple[Path, ...] = ()  # folders submodules are searched in


def _find_in(folder: Path, name: str, listing: Callable[[Path], tuple[str, ...]]) -> Located | None | Path:
    """Located, None (nothing here), or a namespace portion folder (keep searching); ``listing``
    gives a folder's entry names."""
    directory = folder / name
    init = directory / "__init__.py"
    if init.is_file():
        return Located(Kind.PACKAGE, init, (directory,))
    if directory.is_dir() and any((directory / f"__init__{s}").is_file() for s in (".pyc", *_EXTENSION_SUFFIXES)):
        return Located(Kind.OPAQUE, None, (directory,))
    suffixes = {entry[len(name) :] for entry in listing(folder) if entry.startswith(name + ".")}
    if any(s.endswith(_EXTENSION_SUFFIXES) for s in suffixes):  # extensions win over source, as in FileFinder
        return Located(Kind.OPAQUE)
    source = folder / f"{name}.py"
    if source.is_file():
        return Located(Kind.MODULE, source)
    if ".pyc" in suffixes:
        return Located(Kind.OPAQUE)
    if directory.is_dir():
        return directory
    return None


@dataclass
class Installed:
    """Looks modules up on the environment's ``sys.path`` and scans their source (cached)."""

    env: Environment
    cache: ScanCache
    _located: dict[str, Located | None] = field(default_factory=dict)
    _scanned: dict[str, ModuleInfo | None] = field(default_factory=dict)
    _listings: dict[Path, tuple[str, ...]] = field(default_factory=dict)

    def _listing(self, folder: Path) -> tuple[str, ...]:
        """The names in ``folder`` (read once: site-packages is searched for every third-party import)."""
        names = self._listings.get(folder)
        if names is None:
            try:
                names = tuple(os.listdir(folder))
            except OSError:
                names = ()
            self._listings[folder] = names
        return names

    def locate(self, module: str) -> Located | None:
        """Where ``module`` is, or None when no file on ``sys.path`` provides it."""
        if module in self._located:
            return self._located[module]
        parent, _, leaf = module.rpartition(".")
        if not parent:
            folders: tuple[Path, ...] = tuple(Path(p) for p in self.env.sys_path)
        else:
            above = self.locate(parent)
            folders = () if above is None else above.portions
        found: Located | None = None
        portions: list[Path] = []
        for folder in folders:
            hit = _find_in(folder, leaf, self._listing)
            if isinstance(hit, Path):
                portions.append(hit)
            elif hit is not None:
                found = hit
                break
        if found is None and portions:
            found = Located(Kind.NAMESPACE, None, tuple(portions))
        self._located[module] = found
        return found

    def info(self, module: str) -> ModuleInfo | None:
        """The scanned source of ``module``; None when it has none or it does not parse."""
        if module in self._scanned:
            return self._scanned[module]
        located = self.locate(module)
        result: ModuleInfo | None = None
        if located is not None and located.source is not None:
            kind = ModuleKind.PACKAGE if located.kind is Kind.PACKAGE else ModuleKind.MODULE
            file = SourceFile(module, located.source.as_posix(), kind)
            try:
                data = located.source.read_bytes()
            except OSError:
                data = None
            if data is not None:
                key = cache_key(file, data)
                scanned: ScanResult | None = None
                cached = self.cache.get(key)
                if cached is not None:
                    try:
                        scanned = decode_result(cached)
                    except (ValueError, TypeError, KeyError):
                        scanned = None
                if scanned is None:
                    from smokegen.scan.source import scan_source  # LibCST: only for a source not cached yet

                    scanned = scan_source(data, file)
                    self.cache.put(key, encode_result(scanned))
                result = scanned if isinstance(scanned, ModuleInfo) else None
        self._scanned[module] = result
        return result

    def prefetch(self, modules: list[str], jobs: int) -> None:
        """Scan the sources of ``modules`` not read yet in ``jobs`` worker processes, at once, instead
        of one after another in this process when :meth:`info` first asks (the results are the same,
        and cached the same way)."""
        files: list[SourceFile] = []
        for module in dict.fromkeys(modules):
            if module in self._scanned:
                continue
            located = self.locate(module)
            if located is None or located.source is None:
                continue
            kind = ModuleKind.PACKAGE if located.kind is Kind.PACKAGE else ModuleKind.MODULE
            files.append(SourceFile(module, located.source.as_posix(), kind))
        if len(files) < 2 * max(1, jobs) or jobs <= 1:
            return  # too few to be worth the workers: read when asked
        from smokegen.scan.loader import scan_files

        results, _ = scan_files(Path("/"), files, self.cache, jobs=jobs)
        for file, result in zip(files, results, strict=True):
            self._scanned[file.name] = result if isinstance(result, ModuleInfo) else None

    def opaque(self, module: str) -> bool:
        """True when ``module``'s contents cannot be read statically."""
        info = self.info(module)
        return info is None or info.has_getattr or info.dynamic_globals or info.extends_path
