"""Scan speed on a large real package, against a plain ``ast.parse`` of the same files.

    python benchmarks/bench_scan.py                 # installs Django into a temp folder
    python benchmarks/bench_scan.py --package sympy --repeat 5
    python benchmarks/bench_scan.py --path /some/project

Every figure is the median of ``--repeat`` runs, measured in this one run:
- ``ast.parse``: read + ``ast.parse`` of every file, one process (the baseline);
- ``libcst.parse_module``: read + parse only, one process (what any LibCST tool pays);
- ``smokegen cold, 1 job`` / ``cold, N jobs``: the full scan with an empty cache;
- ``smokegen warm``: the same with the cache filled by the previous run.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import libcst
from _common import median_time  # benchmarks/ is on sys.path when a script in it runs

from smokegen.project.config import Config
from smokegen.project.discover import discover
from smokegen.scan.loader import build_model, default_jobs


def install(package: str, into: Path) -> Path:
    target = into / "lib"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), package],
        check=True,
    )
    (into / "pyproject.toml").write_text('[project]\nname = "bench"\n')
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", default="django", help="a PyPI requirement to install and scan")
    parser.add_argument("--path", type=Path, help="scan this project instead of installing a package")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.path:
            root, config = args.path.resolve(), Config()
        else:
            root = install(args.package, Path(tmp))
            config = Config(source_roots=("lib",))
        files = discover(root, config).files
        paths = [root / f.path for f in files]
        sources = [p.read_bytes() for p in paths]
        size = sum(len(s) for s in sources) / 1e6
        print(
            f"{len(files)} files, {size:.1f} MB, {args.jobs} jobs, median of {args.repeat}; libcst {metadata.version('libcst')}"
        )

        def parse_ast() -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for p in paths:
                    try:
                        ast.parse(p.read_bytes())
                    except SyntaxError:
                        pass

        def parse_cst() -> None:
            for p in paths:
                try:
                    libcst.parse_module(p.read_bytes())
                except Exception:
                    pass

        cache_dir = Path(tmp) / "cache"

        def clear() -> None:
            import shutil

            shutil.rmtree(cache_dir, ignore_errors=True)

        def scan(jobs: int) -> Callable[[], object]:
            cfg = Config(
                source_roots=config.source_roots,
                exclude=config.exclude,
                test_patterns=config.test_patterns,
                cache_dir=str(cache_dir),
            )
            return lambda: build_model(root, cfg, jobs=jobs)

        rows = [
            ("ast.parse (baseline)", median_time(parse_ast, args.repeat)),
            ("libcst.parse_module", median_time(parse_cst, args.repeat)),
            ("smokegen cold, 1 job", median_time(scan(1), args.repeat, before=clear)),
            (f"smokegen cold, {args.jobs} jobs", median_time(scan(args.jobs), args.repeat, before=clear)),
            ("smokegen warm", median_time(scan(args.jobs), args.repeat)),
        ]
        baseline = rows[0][1]
        print(f"{'':32} {'seconds':>8} {'files/s':>9} {'vs ast':>8}")
        for label, seconds in rows:
            print(f"{label:32} {seconds:8.2f} {len(files) / seconds:9.0f} {seconds / baseline:7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
