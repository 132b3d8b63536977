"""Per-file scan results cached by content hash.

The key covers the file's bytes, its module name, kind and path, and a
fingerprint of smokegen's scanner code and LibCST's version, so any change to
either invalidates old entries. The folder is safe to delete. Entries are
written atomically (temp file + rename), so concurrent runs never see half an
entry; an unreadable or corrupt entry is a miss and is rewritten.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from smokegen.model import ModuleInfo, ScanFailure, ScanResult, SourceFile
from smokegen.model.serialize import from_json, to_json
from smokegen.util.files import write_atomic

_SCANNER_MODULES = (
    "model/__init__.py",
    "model/findings.py",
    "model/project.py",
    "model/serialize.py",
    "scan/positions.py",
    "scan/cst_tools.py",
    "scan/source.py",
    "scan/guard.py",
    "scan/literals.py",
    "scan/results.py",
    "scan/imports.py",
    "scan/names.py",
    "scan/classes.py",
    "scan/attributes.py",
    "util/deepstack.py",
    "util/collector.py",
)
_README = "This folder is smokegen's cache. It is safe to delete.\n"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by smokegen.\n"


@cache
def scanner_fingerprint() -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(metadata.version("libcst").encode())
    here = Path(__file__).parent.parent
    for name in _SCANNER_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def cache_key(file: SourceFile, data: bytes) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(scanner_fingerprint().encode())
    digest.update(f"\0{file.name}\0{file.kind.value}\0{file.path}\0".encode())
    digest.update(data)
    return digest.hexdigest()


class ScanCache:
    """A folder of JSON entries; ``None`` folder disables caching."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._prepared = False

    def _path(self, key: str, section: str) -> Path:
        assert self.folder is not None
        return self.folder / section / key[:2] / f"{key}.json"

    def get(self, key: str, section: str = "scan") -> Any | None:
        """The entry stored under ``key`` in ``section`` (``scan``, ``verdicts``), or None."""
        if self.folder is None:
            return None
        try:
            with open(self._path(key, section), encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError, RecursionError):  # unreadable, corrupt or absurdly nested: a miss
            return None

    def _prepare(self) -> None:
        assert self.folder is not None
        if self._prepared:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "*\n"), ("README", _README)):
            target = self.folder / name
            if not target.exists():
                write_atomic(target, text)
        self._prepared = True

    def put(self, key: str, value: Any, section: str = "scan") -> None:
        """Store ``value``; a cache that cannot be written (read-only disk, full disk) is skipped silently."""
        if self.folder is None:
            return
        try:
            self._prepare()
            path = self._path(key, section)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(value, separators=(",", ":")))
        except OSError:
            return


def encode_result(result: ScanResult) -> dict[str, Any]:
    """A scan result in the JSON form the cache stores (and workers send back)."""
    tag = "failure" if isinstance(result, ScanFailure) else "module"
    return {"type": tag, "value": to_json(result)}


def decode_result(data: Any) -> ScanResult:
    """The inverse of :func:`encode_result`; ValueError/TypeError/KeyError for anything else."""
    if not isinstance(data, dict) or data.get("type") not in ("failure", "module"):
        raise ValueError("not a scan result")
    tp = ScanFailure if data["type"] == "failure" else ModuleInfo
    result: ScanResult = from_json(tp, data["value"])
    return result
