"""Isolated imports: smokegen's runtime stage against the usual ways, with the verdicts compared.

    python benchmarks/bench_imports.py                         # Django, in a fresh virtualenv
    python benchmarks/bench_imports.py --package attrs --import-name attr

Measured in one run, median of ``--repeat``:
(a) one process importing every module in sequence: no isolation, the floor;
(b) one fresh ``python -c "import m"`` per module, ``--jobs`` at a time: the usual isolation;
(c) smokegen's runtime stage (``run_imports``) with ``--jobs`` workers, imports only;
(c0) the same without sharing common imports (every module imported from its ancestors alone);
(d) the runtime stage as ``smokegen check`` runs it: imports, then every buildable class built.
It then checks that (b), (c) and (c0) give the same verdict (imports or fails) for every module.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import installed_project, median_time  # benchmarks/ is on sys.path when a script in it runs

from smokegen.model import ImportStatus, ImportVerdict
from smokegen.plan.synth import plan_classes
from smokegen.project.config import Config
from smokegen.runtime.imports import RuntimeOptions, importable_modules, run_imports
from smokegen.scan.loader import build_model, default_jobs

SEQUENTIAL = """
import importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except BaseException:
        pass
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", default="django")
    parser.add_argument("--import-name", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    name = args.import_name or args.package.split("=")[0].lower()

    with tempfile.TemporaryDirectory() as tmp:
        python, root = installed_project(args.package, name, Path(tmp))
        model, _ = build_model(root, Config(source_roots=("sp",), packages=(name,)), use_cache=False)
        modules = importable_modules(model)

        def sequential() -> None:
            subprocess.run([python, "-c", SEQUENTIAL, *modules], capture_output=True, check=False, cwd=root)

        naive_ok: dict[str, bool] = {}

        def one(module: str) -> None:
            try:
                done = subprocess.run(
                    [python, "-c", f"import {module}"],
                    capture_output=True,
                    stdin=subprocess.DEVNULL,
                    timeout=args.timeout,
                    check=False,
                    cwd=root,
                )
                naive_ok[module] = done.returncode == 0
            except subprocess.TimeoutExpired:
                naive_ok[module] = False

        def naive() -> None:
            with ThreadPoolExecutor(args.jobs) as pool:
                list(pool.map(one, modules))

        options = RuntimeOptions(python=python, timeout=args.timeout, jobs=args.jobs)
        unshared = RuntimeOptions(python=python, timeout=args.timeout, jobs=args.jobs, share_imports=False)
        plans = plan_classes(model)
        verdicts: list[ImportVerdict] = []
        verdicts0: list[ImportVerdict] = []
        built: list[int] = [0]

        def smokegen() -> None:
            verdicts[:] = run_imports(root, model, options)

        def smokegen_unshared() -> None:
            verdicts0[:] = run_imports(root, model, unshared)

        def smokegen_build() -> None:
            done = run_imports(root, model, options, plans=plans)
            built[0] = sum(1 for v in done for b in v.builds)

        a = median_time(sequential, args.repeat)
        b = median_time(naive, args.repeat)
        c = median_time(smokegen, args.repeat)
        c0 = median_time(smokegen_unshared, args.repeat)
        d = median_time(smokegen_build, args.repeat)
        ours = {v.module: v.status is ImportStatus.OK for v in verdicts}
        ours0 = {v.module: v.status is ImportStatus.OK for v in verdicts0}
        differ = sorted(m for m in modules if ours.get(m) != naive_ok.get(m))
        differ0 = sorted(m for m in modules if ours0.get(m) != naive_ok.get(m))
        print(f"{args.package}: {len(modules)} modules, {args.jobs} jobs, median of {args.repeat}")
        print(f"{'':46} {'seconds':>8} {'ms/module':>10} {'vs (b)':>8}")
        for label, seconds in (
            ("(a) one process, every module in sequence", a),
            ("(b) one fresh `python -c import m` per module", b),
            ("(c) smokegen runtime stage, imports", c),
            ("(c0) the same, without sharing imports", c0),
            (f"(d) imports + {built[0]} classes built", d),
        ):
            print(f"{label:46} {seconds:8.2f} {1000 * seconds / len(modules):10.1f} {b / seconds:7.1f}x")
        failing = sum(1 for ok in naive_ok.values() if not ok)
        print(
            f"verdicts (c): {len(modules) - len(differ)}/{len(modules)} identical ({failing} fail in (b)); differ: {differ[:10]}"
        )
        print(f"verdicts (c0): {len(modules) - len(differ0)}/{len(modules)} identical; differ: {differ0[:10]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
