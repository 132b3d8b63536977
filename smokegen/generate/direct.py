"""The direct-test scaffolds for the modules no test imports (:mod:`smokegen.scan.tested` says which):
written, verified.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from smokegen.generate.scaffold import ClassScaffold, Variant, render_scaffold, scaffold_classes, scaffold_name
from smokegen.model import ModuleInfo, ProjectModel
from smokegen.plan.synth import Synthesiser, plan_classes
from smokegen.project.config import Config, direct_folder
from smokegen.runtime.imports import project_sys_path
from smokegen.util.files import remove_leftovers, write_atomic


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
    if not dry_run:
        remove_leftovers(root / folder, scaffold_name("*"))  # of a run killed mid-write
    return result
