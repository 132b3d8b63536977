"""Which modules no test imports, and the direct-test scaffolds for them (written, verified).

"Untested" is decided statically: the project's test files (``test_patterns``, the smoke suite's
folder left out, since it imports everything) are scanned like any file, and a module counts as
tested when a test imports it, a submodule of it, or names it in ``from package import module``.

Scaffolds are people's files: one that exists is never touched (``force`` overwrites it). Before
writing, smokegen runs the candidate scaffolds with pytest in the project's interpreter, in a
scratch folder: a method call that fails is left as a comment saying what it raised, a class
that does not build becomes a skip with a template, so what is written passes on a healthy
project without edits.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from smokegen.generate.scaffold import ClassScaffold, Variant, render_scaffold, scaffold_classes, scaffold_name
from smokegen.model import ModuleInfo, ModuleKind, ProjectModel, SourceFile
from smokegen.plan.synth import Synthesiser, plan_classes
from smokegen.project.config import Config
from smokegen.project.discover import ROOT_MARKERS, SKIP_DIRS, match_glob
from smokegen.runtime.imports import project_sys_path
from smokegen.scan.cache import ScanCache
from smokegen.scan.loader import scan_files
from smokegen.util.files import write_atomic


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


def imported_by_tests(root: Path, files: Iterable[str], cache: ScanCache | None = None) -> set[str]:
    """Every dotted name the test files import (``a.b`` and, for ``from a.b import c``, ``a.b.c``);
    the files are scanned through the scan cache like any other."""
    names: set[str] = set()
    sources = [SourceFile(rel[: -len(".py")].replace("/", "."), rel, ModuleKind.MODULE) for rel in files]
    results, _ = scan_files(root, sources, cache or ScanCache(None))
    for result in results:
        if not isinstance(result, ModuleInfo):
            continue
        for imp in result.imports:
            names.add(imp.module)
            if imp.name not in (None, "*"):
                names.add(f"{imp.module}.{imp.name}")
    return names


def untested_modules(model: ProjectModel, imported: set[str]) -> list[str]:
    """Project modules no test imports (a module counts as imported when a submodule of it is)."""
    covered: set[str] = set()
    for name in imported:
        parts = name.split(".")
        covered.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return sorted(m.name for m in model.modules if m.kind is not ModuleKind.MAIN and m.name not in covered)


def direct_folder(root: Path, config: Config) -> str:
    if config.direct_dir:
        return config.direct_dir
    if not (root / "tests").is_dir() and (root / "test").is_dir():
        return "test"
    return "tests"


@dataclass
class DirectResult:
    folder: str
    written: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)  # left alone
    unverified: str = ""  # why the scaffolds could not be run before writing ("" when they were)


def _run_candidates(
    root: Path, model: ProjectModel, python: str, files: Mapping[str, str], timeout: float
) -> dict[tuple[str, str], tuple[str, str]] | str:
    """Run candidate scaffolds with pytest in a scratch folder; (file, test) -> (outcome, message),
    or why they could not be run."""
    with tempfile.TemporaryDirectory(prefix="smokegen-direct-") as scratch:
        folder = Path(scratch)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # not the project's addopts
        report = folder / "report.xml"
        paths = [*project_sys_path(root, model), str(root)]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(paths + [os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        }
        try:
            done = subprocess.run(
                [
                    python,
                    "-m",
                    "pytest",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "-c",
                    str(folder / "pytest.ini"),
                    f"--rootdir={folder}",
                    f"--junitxml={report}",
                    str(folder),
                ],
                cwd=root,
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"running them failed ({exc})"
        if not report.is_file():
            tail = (done.stderr.strip().splitlines() or done.stdout.strip().splitlines() or ["no output"])[-1]
            return f"pytest did not run in {python} ({tail})"
        outcomes: dict[tuple[str, str], tuple[str, str]] = {}
        for case in ET.parse(report).getroot().iter("testcase"):
            module = case.get("classname", "").rpartition(".")[2] + ".py"
            outcome, message = "passed", ""
            for child in case:
                if child.tag in ("failure", "error"):
                    outcome, message = "failed", (child.get("message") or "").splitlines()[0][:200]
                    break
                if child.tag == "skipped":
                    outcome = "skipped"
            outcomes[(module, case.get("name", ""))] = (outcome, message)
        return outcomes


def write_direct(
    root: Path,
    model: ProjectModel,
    config: Config,
    modules: Sequence[str],
    python: str,
    *,
    dry_run: bool = False,
    force: bool = False,
) -> DirectResult:
    """Scaffold each of ``modules`` that has no scaffold yet (``force``: all of them)."""
    folder = direct_folder(root, config)
    result = DirectResult(folder)
    plans = plan_classes(model, dict(config.factories))
    synthesiser = Synthesiser(model, dict(config.factories))
    todo: dict[str, tuple[ModuleInfo, list[ClassScaffold]]] = {}
    for name in sorted(set(modules)):
        info = model.module(name)
        if info is None:
            continue
        target = f"{folder}/{scaffold_name(name)}"
        if (root / target).exists() and not force:
            result.existing.append(target)
            continue
        todo[scaffold_name(name)] = (info, scaffold_classes(synthesiser, info, plans.get(name, ())))
    variants: dict[str, dict[str, tuple[Variant, str]]] = {file: {} for file in todo}
    # Two rounds at most: all calls; then, for what failed, the build alone; then a skip.
    for fallback in (Variant.BUILD, Variant.SKIP):
        candidates = {
            file: render_scaffold(info, scaffolds, variants[file]) for file, (info, scaffolds) in todo.items()
        }
        if not candidates:
            break
        ran = _run_candidates(root, model, python, candidates, timeout=60 + 5 * len(candidates) * (1 + config.timeout))
        if isinstance(ran, str):
            result.unverified = ran
            break
        changed = False
        for file, (_info, scaffolds) in todo.items():
            for scaffold in scaffolds:
                outcome, message = ran.get((file, scaffold.function), ("passed", ""))
                if outcome == "failed":
                    variants[file][scaffold.function] = (fallback, message)
                    changed = True
        if not changed:
            break
    for file, (info, scaffolds) in sorted(todo.items()):
        target = f"{folder}/{file}"
        result.written.append(target)
        if not dry_run:
            (root / folder).mkdir(parents=True, exist_ok=True)
            write_atomic(root / target, render_scaffold(info, scaffolds, variants[file]))
    return result
