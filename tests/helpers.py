"""Shared helpers for smokegen's own tests."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

from smokegen.model import ModuleInfo, ModuleKind, ProjectModel, ScanFailure, SourceFile
from smokegen.scan.source import scan_source

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures_repo"
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.toml").is_file())


def dedent(code: str) -> str:
    return textwrap.dedent(code).lstrip("\n")


def scan_code(code: str, name: str = "pkg.mod", kind: ModuleKind = ModuleKind.MODULE) -> ModuleInfo:
    """Scan a code string as module ``name``; fails the test if it does not scan."""
    path = name.replace(".", "/") + ("/__init__.py" if kind is ModuleKind.PACKAGE else ".py")
    result = scan_source(dedent(code).encode(), SourceFile(name, path, kind))
    assert isinstance(result, ModuleInfo), result
    return result


def scan_bytes(data: bytes, name: str = "pkg.mod") -> ModuleInfo | ScanFailure:
    return scan_source(data, SourceFile(name, name.replace(".", "/") + ".py", ModuleKind.MODULE))


def expected(project: str) -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((FIXTURES / project / "expected.toml").read_text(encoding="utf-8"))
    return data


def copy_fixture(project: str, dest: Path) -> Path:
    target = dest / project
    shutil.copytree(FIXTURES / project, target, ignore=shutil.ignore_patterns("__pycache__", ".smokegen_cache"))
    return target


def project_from(sources: dict[str, str], namespaces: tuple[str, ...] = ()) -> ProjectModel:
    """A ProjectModel from {"pkg.mod": code}; a name ending in ``.__init__`` is a package."""
    modules: list[ModuleInfo] = []
    failures: list[ScanFailure] = []
    for key, code in sources.items():
        is_package = key.endswith(".__init__")
        name = key[: -len(".__init__")] if is_package else key
        kind = ModuleKind.PACKAGE if is_package else ModuleKind.MODULE
        path = key.replace(".", "/") + ".py"
        result = scan_source(dedent(code).encode(), SourceFile(name, path, kind))
        if isinstance(result, ModuleInfo):
            modules.append(result)
        else:
            failures.append(result)
    return ProjectModel(
        name="demo",
        source_roots=(".",),
        namespace_packages=namespaces,
        modules=tuple(sorted(modules, key=lambda m: m.name)),
        failures=tuple(failures),
    )


def write_project(root: Path, files: dict[str, str], config: str = "") -> Path:
    """A project named ``pkg`` in ``root``: a pyproject.toml (``config`` appended) and ``files``
    (path -> dedented text)."""
    (root / "pyproject.toml").write_text('[project]\nname = "pkg"\nversion = "0"\ndependencies = []\n\n' + config)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dedent(text))
    return root


def install_distribution(
    site: Path, name: str, files: dict[str, str], version: str = "1.0", requires: tuple[str, ...] = ()
) -> None:
    """Install ``files`` (path -> dedented text) into ``site`` as the distribution ``name``: the files,
    and a ``.dist-info`` with its METADATA (``requires`` as Requires-Dist) and a RECORD listing them."""
    for rel, text in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    requirements = "".join(f"Requires-Dist: {r}\n" for r in requires)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requirements}", encoding="utf-8"
    )
    record = [f"{rel},," for rel in files] + [f"{info.name}/METADATA,,", f"{info.name}/RECORD,,"]
    (info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")
