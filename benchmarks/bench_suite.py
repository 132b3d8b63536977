"""The generated smoke suite and ``pytest --smokegen`` against the ``smokegen check`` they report (issue 14).

    python -B benchmarks/bench_suite.py --package sphinx              # Sphinx, in a fresh virtualenv
    python -B benchmarks/bench_suite.py --project ~/app --python ~/app/.venv/bin/python
    python -B benchmarks/bench_suite.py --project ~/app --python ~/app/.venv/bin/python \\
        --smoke-dir smoke_suite --ini addopts=--nomigrations --repeat 5

Both the suite and the plugin run ``smokegen check --format json --no-mypy`` once per pytest run and
split its verdict into tests, so they should cost about what ``check`` costs. Every command runs as a
user runs it, in a subprocess, in the project's root, with the project's interpreter (``--python``;
for ``--package``: a new virtualenv with the package, smokegen and pytest-xdist installed, whose
site-packages is the project's source root). The interpreter needs smokegen and pytest-xdist; if it
lacks one, the script prints the ``pip install`` to run and exits 2.

The commands, each timed as a whole (wall seconds):
- ``check``: ``PY -m smokegen check --no-mypy --python PY ROOT``, the baseline;
- ``suite``, ``suite -n 2``: ``PY -m pytest -p no:cacheprovider -q [-n 2] SMOKE_DIR``, the suite that
  ``PY -m smokegen generate --no-mypy`` wrote once beforehand (``--smoke-dir``, default ``tests/smoke``;
  a folder the script created is removed at the end);
- ``plugin``, ``plugin -n 2``: ``PY -m pytest -p no:cacheprovider -q [-n 2] --smokegen
  --smokegen-project ROOT EMPTY``, EMPTY an empty temporary folder, so none of the project's own tests
  run;
- ``floor``, ``floor -n 2``: ``PY -m pytest -p no:cacheprovider -q [-n 2] --smokegen-project ROOT
  FLOOR``, FLOOR a temporary folder with one test that does nothing: what pytest costs on this
  project (its configuration and plugins: pytest-django's ``django.setup()``) before any smoke test,
  the least the suite and the plugin can take. ``--smokegen-project ROOT`` without ``--smokegen``
  does nothing but what it does to the plugin's command: pytest, which reads its configuration
  before it loads plugins, takes ROOT for a path to test and finds the project's ``pytest.ini``
  there (and pytest-django its settings), as for ``plugin``.
``--ini KEY=VALUE`` adds ``-o KEY=VALUE`` to both pytest commands (a project whose ``addopts`` needs
the cache plugin, ``--ff``, cannot run under ``-p no:cacheprovider`` otherwise).

Each repetition runs every command twice in a row, the commands one after the other (so a change of
the machine's load falls on all of them alike):
- ``cold``: smokegen's caches emptied before the run: the project's ``.smokegen_cache`` deleted and
  ``SMOKEGEN_CACHE_DIR`` a new empty folder (nothing scanned, no verdict kept);
- ``warm``: the same command again right after, with the caches the cold run left.
The table shows, for each state, the median wall seconds of ``--repeat`` repetitions, their ratio to
``check``'s median in the same state measured in this run, and the median CPU seconds (user + system)
of the command's whole process tree (less sensitive than wall time to a busy machine); then the exit
codes and what every run reported (pytest's counts, check's errors and warnings; runs that differ are
joined by ``|``), so a reader sees that the runs did the same work.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import installed_project  # benchmarks/ is on sys.path when a script in it runs

REPOSITORY = Path(__file__).resolve().parent.parent
REQUIRED = {"smokegen": f"-e {REPOSITORY}", "xdist": "pytest-xdist"}  # import name -> what pip installs
PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed|deselected)\b")
CHECK_COUNT = re.compile(r"(\d+) errors?, (\d+) warnings? in (\d+) modules?")


@dataclass(frozen=True, slots=True)
class Command:
    label: str
    argv: tuple[str, ...]
    pytest: bool  # its outcome is pytest's last line, else check's summary


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    cpu: float  # user + system seconds of the command's process tree (every process that was waited for)
    exit: int
    outcome: str


def missing(python: str) -> list[str]:
    """What ``pip install`` must add to ``python``'s environment for the benchmark."""
    probe = (
        "import importlib.util, sys; print(' '.join(n for n in sys.argv[1:] if importlib.util.find_spec(n) is None))"
    )
    done = subprocess.run([python, "-c", probe, *REQUIRED], capture_output=True, text=True, check=True)
    return [REQUIRED[name] for name in done.stdout.split()]


def outcome(command: Command, out: str) -> str:
    """pytest's counts (from its last summary line) or check's errors and warnings."""
    if command.pytest:
        lines = [line for line in out.splitlines() if PYTEST_COUNT.search(line)]
        if not lines:
            return "no summary"
        counts = {
            kind.rstrip("s") if kind.startswith("error") else kind: n for n, kind in PYTEST_COUNT.findall(lines[-1])
        }
        return ", ".join(f"{n} {kind}" for kind, n in counts.items())
    found = CHECK_COUNT.search(out)
    return f"{found[1]} errors, {found[2]} warnings, {found[3]} modules" if found else "no summary"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: Command, root: Path, env: dict[str, str]) -> Run:
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        command.argv, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode not in (0, 1):  # 0 clean, 1 findings or failed tests; anything else: it did not run
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        print(f"{command.label}: exit {done.returncode}\n{tail}", file=sys.stderr)
    return Run(seconds, cpu, done.returncode, outcome(command, done.stdout + "\n" + done.stderr))


def commands(python: str, root: Path, smoke_dir: str, empty: Path, floor: Path, ini: Sequence[str]) -> list[Command]:
    pytest = [python, "-m", "pytest", "-p", "no:cacheprovider", "-q", *(part for item in ini for part in ("-o", item))]
    plugin = ["--smokegen", "--smokegen-project", str(root), str(empty)]
    return [
        Command("check", (python, "-m", "smokegen", "check", "--no-mypy", "--python", python, str(root)), False),
        Command("floor", (*pytest, "--smokegen-project", str(root), str(floor)), True),
        Command("floor -n 2", (*pytest, "-n", "2", "--smokegen-project", str(root), str(floor)), True),
        Command("suite", (*pytest, smoke_dir), True),
        Command("suite -n 2", (*pytest, "-n", "2", smoke_dir), True),
        Command("plugin", (*pytest, *plugin), True),
        Command("plugin -n 2", (*pytest, "-n", "2", *plugin), True),
    ]


def measured_commit() -> str:
    """The commit of the smokegen measured, and whether its working tree had changes under smokegen/."""
    git = ["git", "-C", str(REPOSITORY)]
    try:
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        status = subprocess.run([*git, "status", "--porcelain", "smokegen"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "smokegen: not a git checkout"
    dirty = len(status.stdout.splitlines())
    return f"smokegen at {commit.stdout.strip()}" + (f", {dirty} files changed under smokegen/ since" if dirty else "")


def measure(python: str, root: Path, smoke_dir: str, ini: Sequence[str], repeat: int, label: str) -> None:
    """Generate the suite, time every command cold and warm ``repeat`` times, print the table."""
    created = not (root / smoke_dir).exists()
    generate = [python, "-m", "smokegen", "generate", "--no-mypy", "--smoke-dir", smoke_dir, str(root)]
    subprocess.run(generate, cwd=root, check=True, capture_output=True)
    runs: dict[tuple[str, str], list[Run]] = {}
    started = f"{measured_commit()}, {time.strftime('%Y-%m-%d %H:%M')}"
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        empty = Path(tmp) / "empty"
        empty.mkdir()
        floor = Path(tmp) / "floor"
        floor.mkdir()
        (floor / "test_floor.py").write_text("def test_floor() -> None:\n    pass\n")
        chosen = commands(python, root, smoke_dir, empty, floor, ini)
        load = os.getloadavg()[0]
        for repetition in range(repeat):
            for command in chosen:
                shutil.rmtree(root / ".smokegen_cache", ignore_errors=True)
                cache = Path(tempfile.mkdtemp(prefix=f"cache{repetition}-", dir=tmp))
                env = {**os.environ, "SMOKEGEN_CACHE_DIR": str(cache)}
                for state in ("cold", "warm"):
                    runs.setdefault((command.label, state), []).append(run(command, root, env))
            print(f"repetition {repetition + 1} of {repeat} done", file=sys.stderr, flush=True)
        shutil.rmtree(root / ".smokegen_cache", ignore_errors=True)
    if created:
        shutil.rmtree(root / smoke_dir, ignore_errors=True)

    def median(name: str, state: str) -> float:
        return statistics.median(r.seconds for r in runs[(name, state)])

    def cpu(name: str, state: str) -> float:
        return statistics.median(r.cpu for r in runs[(name, state)])

    print(
        f"{label}: median of {repeat}, {os.cpu_count()} CPUs, load {load:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end; {started}"
    )
    print(
        f"{'':12} {'cold s':>6} {'vs check':>8} {'CPU s':>6} {'warm s':>6} {'vs check':>8} {'CPU s':>6}  exit  outcome"
    )
    for command in chosen:
        cells = []
        for state in ("cold", "warm"):
            seconds = median(command.label, state)
            cells.append(f"{seconds:6.2f} {seconds / median('check', state):7.2f}x {cpu(command.label, state):6.1f}")
        every = [*runs[(command.label, "cold")], *runs[(command.label, "warm")]]
        codes = ",".join(str(c) for c in sorted({r.exit for r in every}))
        outcomes = " | ".join(sorted({r.outcome for r in every}))
        print(f"{command.label:12} {' '.join(cells)}  {codes:>4}  {outcomes}")
    print("commands (in the project's root):")
    for command in chosen:
        shown = " ".join(command.argv).replace(python, "PY").replace(str(root), "ROOT")
        shown = shown.replace(str(empty), "EMPTY").replace(str(floor), "FLOOR")
        print(f"  {command.label:12} {shown}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--project", type=Path, help="an application's root folder (with --python)")
    target.add_argument("--package", help="a requirement to install into a fresh virtualenv and measure")
    parser.add_argument("--python", help="the application's interpreter (with --project)")
    parser.add_argument("--import-name", default=None, help="the package's top-level import name (default: its name)")
    parser.add_argument("--smoke-dir", default="tests/smoke", help="where generate writes the suite, from the root")
    parser.add_argument("--ini", action="append", default=[], metavar="KEY=VALUE", help="pytest -o KEY=VALUE")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    if args.project is not None:
        if not args.python:
            parser.error("--project needs --python, the application's interpreter")
        root = args.project.resolve()
        lacking = missing(args.python)
        if lacking:
            print(f"{args.python} lacks what the benchmark runs; install it with:", file=sys.stderr)
            print(f"    {args.python} -m pip install {' '.join(lacking)}", file=sys.stderr)
            return 2
        measure(args.python, root, args.smoke_dir, args.ini, args.repeat, root.name)
        return 0
    name = args.import_name or args.package.split("=")[0].lower()
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        python, root = installed_project(args.package, name, Path(tmp))
        subprocess.run([python, "-m", "pip", "install", "-q", *" ".join(REQUIRED.values()).split()], check=True)
        measure(python, root, args.smoke_dir, args.ini, args.repeat, args.package)
    return 0


if __name__ == "__main__":
    sys.exit(main())
