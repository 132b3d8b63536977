"""Scale: time and peak memory on a generated 3,000-module project and on single 1 MB and 5 MB modules.

    python benchmarks/bench_scale.py                           # everything: about 15 minutes on 2 cores
    python benchmarks/bench_scale.py --modules 1000 --sizes 1 --repeat 1
    python benchmarks/bench_scale.py --no-runtime              # scan and check --static only

Every command runs as a user runs it, ``python -m smokegen ... --no-cache -j JOBS`` in a subprocess
(``check`` with ``--no-mypy``, its ``--python`` this interpreter). Figures are medians of ``--repeat`` runs
(``check`` with its import stage: of ``--runtime-repeat``), measured in this run:

- ``seconds``: wall time of the whole command;
- ``tree MB``: the peak, over the run, of the memory of smokegen's process and all its descendants
  together (scan workers, the interpreter probe, the import runner and the children it forks): the
  sum of their proportional set sizes (PSS: a page shared by n processes counts 1/n in each, so a
  forked child is not counted twice), sampled from /proc every 50 ms or more (Linux only; the
  sampling takes at most a tenth of a core; a peak shorter than the interval can be missed);
- ``largest MB``: the peak RSS of the largest single process of the tree (``ru_maxrss`` of the
  waited-for descendants, as ``/usr/bin/time -v`` reports it: the maximum over processes, not
  their sum).

(a) A project of ``--modules`` modules in packages of 100, each module importing two others (one of
    its package, one of another package: import closures of a few dozen modules), with stdlib imports,
    a class with a constructor, a dataclass, functions and constants: about 2 KB a module.
(b) For each of ``--sizes`` (MB), a project of one module of that size, twice: generated code
    (classes, functions, assignments) and generated data (one dict literal, the usual huge module).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from smokegen.scan.loader import default_jobs

PACKAGE_SIZE = 100
# Runs a command and prints the largest peak RSS among the processes it waited for (KB on Linux).
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n"
)


def module_source(package: int, index: int, packages: int) -> str:
    imports = ["import dataclasses", "import json", "from typing import Any"]
    if index:
        imports.append(f"from scaleproj.p{package:03d}.m{index // 2:03d} import Model{index // 2}")
    if package:
        imports.append(f"from scaleproj.p{package // 2:03d} import m{index:03d} as other")
    return (
        f'"""Module {index} of package {package} of a generated project."""\n\n'
        "from __future__ import annotations\n\n" + "\n".join(imports) + "\n\n"
        f"LIMIT = {index}\n"
        f"NAMES = ('alpha', 'beta', 'gamma', {index})\n\n\n"
        f"class Model{index}:\n"
        f'    """A model with a constructor."""\n\n'
        f"    def __init__(self, name: str = 'x', size: int = {index}, *, tags: tuple[str, ...] = ()) -> None:\n"
        "        self.name = name\n        self.size = size\n        self.tags = tags\n\n"
        "    def describe(self) -> str:\n"
        "        return json.dumps({'name': self.name, 'size': self.size, 'tags': list(self.tags)})\n\n"
        "    def grow(self, by: int = 1) -> int:\n"
        "        if by < 0:\n            raise ValueError(by)\n"
        "        self.size += by * LIMIT\n        return self.size\n\n\n"
        "@dataclasses.dataclass\n"
        f"class Record{index}:\n"
        "    key: str = 'k'\n    value: int = 0\n"
        "    extra: dict[str, Any] = dataclasses.field(default_factory=dict)\n\n\n"
        f"def helper_{index}(value: int, *items: str) -> list[str]:\n"
        "    out = [item.upper() for item in items if item]\n"
        "    for position, item in enumerate(out):\n"
        "        out[position] = f'{item}-{value}-{LIMIT}'\n"
        "    return out\n"
    )


def make_project(root: Path, modules: int) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "scaleproj"\ndependencies = []\n')
    top = root / "src" / "scaleproj"
    top.mkdir(parents=True)
    (top / "__init__.py").write_text('"""A generated project."""\n')
    packages = -(-modules // PACKAGE_SIZE)
    for package in range(packages):
        folder = top / f"p{package:03d}"
        folder.mkdir()
        (folder / "__init__.py").write_text(f'"""Package {package}."""\n')
        for index in range(min(PACKAGE_SIZE, modules - package * PACKAGE_SIZE)):
            (folder / f"m{index:03d}.py").write_text(module_source(package, index, packages))
    return root


def code_module(size: int) -> str:
    parts = ['"""Generated code."""\n\nimport os\nfrom collections import OrderedDict\n']
    total, n = len(parts[0]), 0
    while total < size:
        chunk = (
            f"\n\nCONSTANT_{n} = {{'name': 'value {n}', 'items': [1, 2, 3], 'flag': True}}\n\n\n"
            f"class Model{n}(object):\n"
            f'    """Docstring of model {n}."""\n\n'
            f"    limit = {n}\n\n"
            "    def __init__(self, name, value=None, *args, **kwargs):\n"
            "        self.name = name\n"
            "        self.value = value if value is not None else os.getcwd()\n"
            "        self.items = [x * 2 for x in range(self.limit) if x % 3]\n\n"
            "    def describe(self, prefix: str = '') -> str:\n"
            "        return f'{prefix}{self.name}: {self.value!r}'\n\n\n"
            f"def helper_{n}(a, b=1, *, c=2):\n"
            "    if a > b:\n        return a + b * c\n"
            "    try:\n        return OrderedDict(a=a)\n"
            "    except (TypeError, ValueError) as exc:\n        raise RuntimeError(str(exc))\n"
        )
        parts.append(chunk)
        total, n = total + len(chunk), n + 1
    return "".join(parts)


def data_module(size: int) -> str:
    parts = ['"""Generated data."""\n\nDATA = {\n']
    total, n = len(parts[0]), 0
    while total < size:
        line = f"    'key_{n:07d}': {{'id': {n}, 'label': 'Label number {n}', 'ratio': {n / 7:.6f}, 'tags': ['a', 'b']}},\n"
        parts.append(line)
        total, n = total + len(line), n + 1
    parts.append("}\n")
    return "".join(parts)


def one_module_project(root: Path, source: str) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "onemodule"\ndependencies = []\n')
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "big.py").write_text(source)
    return root


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure(command: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, the tree's peak PSS (MB), the largest process's peak RSS (MB), the exit code."""
    peak = 0
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", _WRAPPER, *command], stdout=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        pause = 0.05
        while not done.wait(pause):
            began = time.perf_counter()
            peak = max(peak, sum(_pss_kb(pid) for pid in _descendants(process.pid)[1:]))  # not the wrapper
            # reading the PSS of a process of gigabytes takes milliseconds: at most a tenth of a core
            pause = max(0.05, 9 * (time.perf_counter() - began))

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    largest, code = (int(x) for x in out.split())
    return seconds, peak / 1024, largest / 1024, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modules", type=int, default=3000)
    parser.add_argument(
        "--sizes", default="1,5", help='sizes of the single modules, in MB (comma-separated; "" for none)'
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--runtime-repeat", type=int, default=1)
    parser.add_argument("--no-runtime", action="store_true", help="leave out check with its import stage")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()

    smokegen = [sys.executable, "-m", "smokegen"]
    common = ["--no-cache", "-j", str(args.jobs)]
    check = ["check", "--no-mypy", "--python", sys.executable, *common]
    commands = [("scan", ["scan", *common], args.repeat), ("check --static", [*check, "--static"], args.repeat)]
    if not args.no_runtime:
        commands.append(("check", check, args.runtime_repeat))
    with tempfile.TemporaryDirectory() as tmp:
        projects = [(f"{args.modules} modules", make_project(Path(tmp) / "project", args.modules))]
        for size in (float(s) for s in args.sizes.split(",") if s.strip()):  # --sizes "": the project only
            for kind, make in (("code", code_module), ("data", data_module)):
                source = make(int(size * 1_000_000))
                projects.append(
                    (f"one {size:g} MB {kind} module", one_module_project(Path(tmp) / f"{kind}{size}", source))
                )
        load = os.getloadavg()[0]
        print(f"{args.jobs} jobs, {os.cpu_count()} CPUs, load {load:.1f} at the start; medians")
        print(f"{'':26} {'command':16} {'runs':>4} {'seconds':>8} {'tree MB':>8} {'largest MB':>10}  exit")
        for label, root in projects:
            for name, command, repeat in commands:
                runs = [measure([*smokegen, *command, str(root)]) for _ in range(repeat)]
                seconds, tree, largest = (statistics.median(r[i] for r in runs) for i in range(3))
                codes = sorted({r[3] for r in runs})
                print(
                    f"{label:26} {name:16} {repeat:4} {seconds:8.2f} {tree:8.0f} {largest:10.0f}  {codes}", flush=True
                )
        print(f"load {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
