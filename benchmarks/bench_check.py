"""Static checks over a large installed package, next to the scan they stand on.

    python benchmarks/bench_check.py                  # Django, in a fresh virtualenv
    python benchmarks/bench_check.py --package sphinx --repeat 5
    python benchmarks/bench_check.py --runtime      # also the import stage, with and without kept verdicts

The package is installed with its dependencies into a temporary virtualenv, which is also the
target interpreter (``--python``). Every figure is the median of ``--repeat`` runs in this run:
- ``scan, cold`` / ``scan, warm``: the project model, with an empty / a filled cache;
- ``probe``: asking the target interpreter for sys.path and distribution metadata;
- ``static checks``: every check of ``smokegen check --static`` on the warm model (installed
  packages' sources read from the warm cache);
- ``smokegen check --static, warm``: the whole command as a user runs it, in a subprocess;
  then with one file edited since the last run (the incremental case: that file is scanned again,
  every other one comes from the cache), and the pre-commit hook's ``--affected FILE`` form.
- with ``--runtime``, ``smokegen check`` with its import stage: no verdict kept (the baseline),
  every verdict kept and nothing changed, and one file edited since the last run (a clean verdict
  is kept while no project file it loads changed; failures are always imported again).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from _common import installed_project, median_time  # benchmarks/ is on sys.path when a script in it runs

from smokegen.pipeline import run_checks
from smokegen.project.config import Config
from smokegen.project.environment import probe
from smokegen.scan.loader import LoadedProject, build_model, default_jobs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", default="django", help="a requirement to install and check")
    parser.add_argument("--import-name", default=None, help="its top-level import name (default: the package name)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--runtime", action="store_true", help="also time the import stage and its verdict cache")
    args = parser.parse_args()
    name = args.import_name or args.package.split("=")[0].lower()

    with tempfile.TemporaryDirectory() as tmp:
        python_path, root = installed_project(args.package, name, Path(tmp))
        python = Path(python_path)
        cache_dir = root / ".smokegen_cache"
        config = Config(source_roots=("sp",), packages=(name,))

        def clear() -> None:
            shutil.rmtree(cache_dir, ignore_errors=True)

        def scan() -> object:
            return build_model(root, config, project_name=args.package, jobs=args.jobs)

        cold = median_time(scan, args.repeat, before=clear)
        warm = median_time(scan, args.repeat)
        model, stats = build_model(root, config, project_name=args.package, jobs=args.jobs)
        project = LoadedProject(root, config, model, stats)
        probe_time = median_time(lambda: probe(str(python)), args.repeat)
        env = probe(str(python))
        run_checks(project, env)  # fill the cache with installed sources
        checks = median_time(lambda: run_checks(project, env), args.repeat)
        report = run_checks(project, env)
        command = [sys.executable, "-m", "smokegen", "check", "--static", "--python", str(python), str(root)]
        whole = median_time(lambda: subprocess.run(command, capture_output=True, check=False), args.repeat)

        # One file edited since the last run (a new comment each time: its cache entry misses).
        edited = root / model.modules[len(model.modules) // 2].path
        original = edited.read_bytes()
        edits = iter(range(10_000))

        def edit() -> None:
            edited.write_bytes(original + f"\n# edit {next(edits)}\n".encode())

        one_file = median_time(
            lambda: subprocess.run(command, capture_output=True, check=False), args.repeat, before=edit
        )
        affected_command = [*command[:-1], "--affected", str(edited)]
        affected = median_time(
            lambda: subprocess.run(affected_command, capture_output=True, check=False, cwd=root),
            args.repeat,
            before=edit,
        )
        runtime_rows: list[tuple[str, float]] = []
        if args.runtime:
            run = [
                sys.executable,
                "-m",
                "smokegen",
                "check",
                "--no-mypy",
                "--python",
                str(python),
                "-j",
                str(args.jobs),
                str(root),
            ]
            notes: dict[str, str] = {}

            def timed(label: str) -> Callable[[], object]:
                def action() -> object:
                    done = subprocess.run(run, capture_output=True, text=True, check=False)
                    notes[label] = next((line for line in done.stderr.splitlines() if "not imported again" in line), "")
                    return done

                return action

            verdicts = cache_dir / "verdicts"
            runtime_rows.append(
                (
                    "check, no verdict kept",
                    median_time(timed("cold"), args.repeat, before=lambda: shutil.rmtree(verdicts, ignore_errors=True)),
                )
            )
            runtime_rows.append(("check, verdicts kept, no change", median_time(timed("warm"), args.repeat)))
            runtime_rows.append(
                ("check, verdicts kept, one file edited", median_time(timed("edit"), args.repeat, before=edit))
            )
            for label in ("warm", "edit"):
                print(f"{label}: {notes[label].removeprefix('note: ')}")
        edited.write_bytes(original)

        modules = len(model.modules) + len(model.failures)
        imports = sum(len(m.imports) for m in model.modules)
        print(
            f"{args.package}: {modules} modules, {imports} imports, {len(report.findings)} findings; "
            f"{args.jobs} jobs, median of {args.repeat}"
        )
        rows = [
            ("scan, cold", cold),
            ("scan, warm", warm),
            ("probe of the target interpreter", probe_time),
            ("static checks (warm model)", checks),
            ("smokegen check --static, warm", whole),
            ("  one file edited", one_file),
            ("  one file edited, --affected FILE", affected),
        ]
        print(f"edited file: {edited.relative_to(root)}")
        print(f"{'':38} {'seconds':>8} {'vs warm scan':>13}")
        for label, seconds in rows:
            print(f"{label:38} {seconds:8.2f} {seconds / warm:12.2f}x")
        if runtime_rows:
            baseline = runtime_rows[0][1]
            print(f"{'':38} {'seconds':>8} {'vs no verdict kept':>19}")
            for label, seconds in runtime_rows:
                print(f"{label:38} {seconds:8.2f} {seconds / baseline:18.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
