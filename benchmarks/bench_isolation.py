"""Isolation at what price: ``smokegen check`` on source checkouts, against the usual ways to import every module.

    python benchmarks/bench_isolation.py                               # Sphinx and Django: about 25 minutes on 2 cores
    python benchmarks/bench_isolation.py --projects sphinx --repeat 1

Each project is a *source checkout*: its sdist (``pip download --no-binary :all:``) unpacked in a
temporary folder, with a virtualenv holding the project installed from that source (with its
dependencies), smokegen (editable, from this repository) and ``pytest-import-check``. Every command
runs as a user runs it, in a subprocess, from the checkout, under the virtualenv's interpreter;
``check`` with ``--no-mypy --python VENV -j JOBS``. No ``DJANGO_SETTINGS_MODULE`` is set: both sides
import Django without settings, so many of its modules fail, the same way. "Cold" means no project
cache (``.smokegen_cache`` deleted) and an empty user cache (``SMOKEGEN_CACHE_DIR`` pointed at a new
folder). Figures are medians of ``--repeat`` rounds measured in this run, each round running every
command once in the order below (a change of the machine's load touches every figure alike):

- ``per module``: one fresh ``python -c "import m"`` per module, ``--jobs`` at a time (the naive
  isolation: the baseline of the ratios), over exactly the modules smokegen imports (from
  ``smokegen scan --format json``: every scanned module but ``__main__``); written
  ``importlib.import_module('m')``, which is ``import m`` for any name, Django's migrations
  (``0002_logentry_remove_auto_add``) too, which an import statement cannot name;
- ``one process``: ``pytest -p no:python --import-check FILES`` (pytest-import-check) over the same
  modules' files, with an empty pytest configuration (the checkout's own ``addopts`` and warning
  filters left out): every module imported in one process, not isolated, the floor;
- ``check, cold``: ``smokegen check`` with both caches empty (scan, static checks, every module
  imported in isolation, every buildable class built);
- ``check, warm``: the same again, nothing changed;
- ``check, leaf edited`` / ``check, hub edited``: the same after a comment line was appended to one
  module no project module imports / to the module that most project modules import directly, at
  run time (a new line before each run, so every run sees an edit; the file restored, and one run
  untimed, between the two);
- ``--installed, cold`` / ``--installed, second``: ``smokegen check --installed NAME`` (the
  distribution as installed in the virtualenv, run from an empty folder) with an empty user cache,
  then again.

The ratios: per module / check cold (goal: 4x or more), installed cold / installed second (goal: 3x or
more); warm and one edit are goals in seconds (under 2). Then, module by module, whether ``check``'s
import verdict (its JSON report's ``imports``: "ok" or a failure) is the fresh interpreter's (exit
code 0 or not); any module that differs is listed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import venv
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from _common import median_time  # benchmarks/ is on sys.path when a script in it runs

from smokegen.scan.loader import default_jobs

SMOKEGEN = Path(__file__).resolve().parent.parent
PROJECTS = {"sphinx": ("sphinx==9.0.4", "sphinx"), "django": ("django==5.2.19", "django")}
GOAL_COLD = 4.0
GOAL_SECONDS = 2.0
GOAL_INSTALLED = 3.0


@dataclass(frozen=True, slots=True)
class Checkout:
    """A project's source checkout with its virtualenv."""

    requirement: str
    dist: str
    root: Path
    python: str
    modules: tuple[str, ...]  # what smokegen imports, sorted
    paths: tuple[str, ...]  # their files, relative to the root
    leaf: Path
    hub: Path


def quiet(command: list[str | Path], cwd: Path | None = None) -> None:
    """Run ``command``; its output is shown only when it fails."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise subprocess.CalledProcessError(done.returncode, command)


def checkout(requirement: str, dist: str, folder: Path) -> Checkout:
    """Download and unpack ``requirement``'s sdist into ``folder``, install it with its dependencies,
    smokegen and pytest-import-check into a new virtualenv, and read the modules smokegen imports."""
    quiet(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", requirement, "-d", folder]
    )
    (sdist,) = folder.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(folder, filter="data")
    (root,) = (p for p in folder.iterdir() if p.is_dir())
    venv.create(folder / "venv", with_pip=True)
    python = str(folder / "venv" / "bin" / "python")
    quiet([python, "-m", "pip", "install", "-q", f"./{root.name}", "pytest-import-check", "-e", SMOKEGEN], cwd=folder)
    scan = subprocess.run(
        [python, "-m", "smokegen", "scan", "--format", "json", "."],
        cwd=root,
        env=environment(folder / "scan-cache"),
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(root / ".smokegen_cache", ignore_errors=True)
    found = [m for m in json.loads(scan.stdout)["project"]["modules"] if m["kind"] in ("module", "package")]
    found.sort(key=lambda m: str(m["name"]))
    leaf, hub = leaf_and_hub(found)
    return Checkout(
        requirement,
        dist,
        root,
        python,
        tuple(m["name"] for m in found),
        tuple(m["path"] for m in found),
        root / leaf,
        root / hub,
    )


def leaf_and_hub(modules: list[dict[str, object]]) -> tuple[str, str]:
    """The paths of the first plain module no project module imports, and of the plain module most
    project modules import directly, at run time (``from pkg import mod`` counts for ``pkg.mod``; an
    import under ``if TYPE_CHECKING:`` does not count)."""
    names = {str(m["name"]) for m in modules}
    importers: dict[str, set[str]] = {name: set() for name in names}
    for module in modules:
        name = str(module["name"])
        for record in module["imports"]:  # type: ignore[attr-defined]
            if any(guard["kind"] == "type-checking" for guard in record["guards"]):
                continue  # never runs
            target = str(record["module"])  # absolute, relative imports too
            for candidate in (target, f"{target}.{record['name']}"):
                if candidate in names and candidate != name:
                    importers[candidate].add(name)
    plain = [m for m in modules if m["kind"] == "module"]
    leaf = next(m for m in plain if not importers[str(m["name"])])
    hub = max(plain, key=lambda m: (len(importers[str(m["name"])]), str(m["name"])))
    print(f"  leaf: {leaf['name']}; hub: {hub['name']} (imported by {len(importers[str(hub['name'])])} modules)")
    return str(leaf["path"]), str(hub["path"])


def environment(cache: Path) -> dict[str, str]:
    """This process's environment with ``SMOKEGEN_CACHE_DIR`` at ``cache`` and no Django settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONPATH")}
    env["SMOKEGEN_CACHE_DIR"] = str(cache)
    return env


def fresh_folder(parent: Path) -> Iterator[Path]:
    """New empty folders under ``parent``, one per ``next``."""
    count = 0
    while True:
        count += 1
        folder = parent / f"cache{count}"
        folder.mkdir(parents=True)
        yield folder


def measure(project: Checkout, repeat: int, jobs: int, tmp: Path) -> None:
    root, python = project.root, project.python
    caches = fresh_folder(tmp / "caches")
    cache = next(caches)

    def cold() -> None:
        nonlocal cache
        shutil.rmtree(root / ".smokegen_cache", ignore_errors=True)
        cache = next(caches)

    # one fresh interpreter per module
    fresh_ok: dict[str, bool] = {}
    plain_env = environment(tmp / "unused-cache")

    def one(module: str) -> None:
        try:
            done = subprocess.run(
                [python, "-c", f"import importlib; importlib.import_module({module!r})"],
                cwd=root,
                env=plain_env,
                capture_output=True,
                stdin=subprocess.DEVNULL,
                timeout=60,
                check=False,
            )
            fresh_ok[module] = done.returncode == 0
        except subprocess.TimeoutExpired:
            fresh_ok[module] = False

    def per_module() -> None:
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(one, project.modules))

    # every module in one process
    empty_ini = tmp / "empty.ini"
    empty_ini.write_text("[pytest]\n")
    summary: list[str] = [""]

    def one_process() -> None:
        done = subprocess.run(
            [python, "-m", "pytest", "-p", "no:python", "-p", "no:cacheprovider", "--import-check", "-q"]
            + ["-c", str(empty_ini), "--rootdir", str(root), *project.paths],
            cwd=root,
            env=plain_env,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            text=True,
            check=False,
        )
        summary[0] = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]

    # smokegen check
    check = [python, "-m", "smokegen", "check", "--no-mypy", "--python", python, "-j", str(jobs), "--format", "json"]
    reports: dict[str, dict[str, object]] = {}

    def run_check(label: str, command: list[str], cwd: Path) -> Callable[[], object]:
        def action() -> None:
            done = subprocess.run(command, cwd=cwd, env=environment(cache), capture_output=True, text=True, check=False)
            try:
                reports[label] = json.loads(done.stdout)
            except json.JSONDecodeError:
                print(f"  {label}: exit {done.returncode}, no JSON report: {done.stderr[-500:]}")

        return action

    edits = iter(range(1_000_000))
    originals = {path: path.read_bytes() for path in (project.leaf, project.hub)}

    def edit(path: Path) -> Callable[[], None]:
        def action() -> None:
            path.write_bytes(originals[path] + f"\n# edit {next(edits)}\n".encode())

        return action

    installed_cwd = tmp / "installed"
    installed_cwd.mkdir()
    installed = [*check, "--installed", project.dist]

    def restore(path: Path) -> Callable[[], None]:
        def action() -> None:
            path.write_bytes(originals[path])
            run_check("settle", [*check, "."], root)()  # the next figure starts from a warm cache of the original

        return action

    steps: list[tuple[str, Callable[[], object], Callable[[], object] | None, Callable[[], object] | None]] = [
        ("per module (python -c 'import m')", per_module, None, None),
        ("one process (pytest --import-check)", one_process, None, None),
        ("check, cold", run_check("cold", [*check, "."], root), cold, None),
        ("check, warm", run_check("warm", [*check, "."], root), None, None),
        ("check, leaf edited", run_check("leaf", [*check, "."], root), edit(project.leaf), restore(project.leaf)),
        ("check, hub edited", run_check("hub", [*check, "."], root), edit(project.hub), restore(project.hub)),
        ("--installed, cold", run_check("inst", installed, installed_cwd), cold, None),
        ("--installed, second", run_check("inst2", installed, installed_cwd), None, None),
    ]
    # In rounds, every figure once a round: a change of the machine's load touches every figure alike.
    times: dict[str, list[float]] = {label: [] for label, *_ in steps}
    for round_ in range(repeat):
        for label, action, before, after in steps:
            times[label].append(median_time(action, 1, before=before))
            if after is not None:
                after()
        print(f"  round {round_ + 1}: " + ", ".join(f"{t[-1]:.1f}" for t in times.values()), flush=True)
    rows = [(label, statistics.median(values)) for label, values in times.items()]

    seconds = dict(rows)
    failing = sum(1 for ok in fresh_ok.values() if not ok)
    print(f"{project.requirement}: {len(project.modules)} modules imported ({failing} fail in a fresh interpreter)")
    print(f"  one process: {summary[0]}")
    print(f"  {'':38} {'seconds':>8}  ratio, goal")
    baseline = rows[0][1]
    for label, value in rows:
        if label == "check, cold":
            note = f"{baseline / value:.2f}x faster than per module (goal >= {GOAL_COLD:g}x)"
        elif label in ("check, warm", "check, leaf edited", "check, hub edited"):
            note = f"goal < {GOAL_SECONDS:g} s: {'met' if value < GOAL_SECONDS else 'not met'}"
        elif label == "--installed, second":
            ratio = seconds["--installed, cold"] / value
            note = f"{ratio:.1f}x faster than cold (goal >= {GOAL_INSTALLED:g}x)"
        elif label == rows[0][0]:
            note = "baseline"
        else:
            note = f"{baseline / value:.2f}x faster than per module"
        print(f"  {label:38} {value:8.2f}  {note}")
    imports = reports.get("cold", {}).get("imports", {})
    assert isinstance(imports, dict)
    differ = [
        f"{m} (check: {imports.get(m, 'missing')}, fresh: {'ok' if fresh_ok[m] else 'failed'})"
        for m in project.modules
        if (imports.get(m) == "ok") != fresh_ok[m]
    ]
    same = len(project.modules) - len(differ)
    print(f"  verdicts, check cold vs per module: {same}/{len(project.modules)} identical; differ: {differ or 'none'}")
    for label in ("warm", "leaf", "hub"):
        other = reports.get(label, {}).get("imports", {})
        if other != imports:
            print(f"  note: check {label}'s import verdicts differ from check cold's")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", default="sphinx,django", help=f"comma-separated, of: {', '.join(PROJECTS)}")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=SMOKEGEN, capture_output=True, text=True)
    print(
        f"smokegen {commit.stdout.strip()}, {args.jobs} jobs, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f} at the start; median of {args.repeat}",
        flush=True,
    )
    for name in args.projects.split(","):
        requirement, dist = PROJECTS[name]
        with tempfile.TemporaryDirectory() as tmp:
            print(f"{requirement}: setting up the checkout and its virtualenv", flush=True)
            project = checkout(requirement, dist, Path(tmp) / "src")
            measure(project, args.repeat, args.jobs, Path(tmp))
        print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
