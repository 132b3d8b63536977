"""The ``smokegen`` command: parses options, calls the library, prints, returns an exit code.

This is the only module that prints or decides exit codes (see exitcodes.py). The modules that
render code or read tests with LibCST are imported by the commands that use them: ``check``, the
pre-commit hook's command, loads the parser only when a file has changed since the last run.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from smokegen import __version__
from smokegen.checks.typecheck import MypyConfig, find_mypy_config
from smokegen.cli import exitcodes
from smokegen.graph.affected import affected_modules
from smokegen.model import Severity
from smokegen.pipeline import MypyStage, run_checks
from smokegen.project.config import INTEGER, NUMBER, Config, ConfigError, settings_for
from smokegen.project.environment import Environment, describe_distribution, resolve_python, start_probe
from smokegen.reporting.formats import CHECK_FORMATS
from smokegen.reporting.scan import render_scan_json, render_scan_text
from smokegen.runtime.imports import RunnerError, RuntimeOptions
from smokegen.scan.loader import LoadedProject, Progress, default_jobs, load_installed, load_project, project_settings
from smokegen.util.files import write_atomic


def _progress_bar(verb: str = "scanning", noun: str = "files") -> Progress | None:
    """A one-line counter on stderr when a person is watching; nothing in CI or in a pipe."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{verb} {done}/{total} {noun}{end}")
        sys.stderr.flush()

    return show


def _runtime_options(config: Config) -> RuntimeOptions:
    """The runtime stage's options, from the merged settings."""
    return RuntimeOptions(
        python=resolve_python(config.python or None),
        timeout=config.timeout,
        jobs=config.jobs or default_jobs(),
        env=config.env,
    )


_FLAG_PREFIX = "setting_"


def _settings(command_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The flags of every setting ``command_name`` takes (see config.SETTINGS), passed to the
    command as one ``flags`` mapping of key -> raw value for ``load_project``."""
    chosen = settings_for(command_name)

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            flags = {s.key: kwargs.pop(_FLAG_PREFIX + s.key) for s in chosen}
            return command(flags=flags, **kwargs)

        for setting in reversed(chosen):
            names = [setting.flag, _FLAG_PREFIX + setting.key]
            if setting.key == "jobs":
                names.insert(0, "-j")
            extra: dict[str, Any] = {}
            if setting.repeatable:
                extra["multiple"] = True
            elif setting.kind == NUMBER:
                extra["type"] = float
            elif setting.kind == INTEGER:
                extra["type"] = int
            wrapper = click.option(
                *names,
                default=None,
                metavar=setting.metavar or None,
                help=f"{setting.help} [key: {setting.key}; default: {setting.default}]",
                **extra,
            )(wrapper)
        return wrapper

    return decorate


def _report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--format`` and ``--output``, as check and mocks take them."""
    command = click.option(
        "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE."
    )(command)
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(sorted(CHECK_FORMATS)),
        default="text",
        show_default=True,
        help="text, json, github (Actions annotations), junit (XML), sarif (2.1.0, for code scanning).",
    )(command)


def _load_with_environment(path: Path, flags: dict[str, Any]) -> tuple[LoadedProject, Environment]:
    """The project scanned, and its interpreter asked about itself meanwhile."""
    settings = project_settings(path, flags)
    with start_probe(settings.config.python or None) as pending:
        loaded = load_project(path, settings=settings, progress=_progress_bar())
        return loaded, pending.result()


def _emit(text: str, output: Path | None) -> None:
    """The report to ``output`` (atomically) or to standard output."""
    if output is not None:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="smokegen")
@click.option("--debug", is_flag=True, help="Show the full traceback when smokegen itself fails.")
def cli(debug: bool) -> None:
    """Catch the import errors that mocked unit tests let through."""


@cli.command()
@click.argument("path", default=".", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a readable summary and findings; json: the whole project model.",
)
@_settings("scan")
def scan(path: Path, output_format: str, flags: dict[str, Any]) -> int:
    """Scan the project containing PATH (default: the current folder) and print its model.

    Exits 1 when a file cannot be scanned or holds an import that cannot work.
    """
    from smokegen.project.testsuite import test_files
    from smokegen.scan.tested import imported_by_tests, untested_modules

    loaded = load_project(path, flags=flags, progress=_progress_bar())
    model = loaded.model
    imported = imported_by_tests(loaded.root, test_files(loaded.root, loaded.config), loaded.cache())
    untested = untested_modules(model, imported)
    text = render_scan_json(model, untested) if output_format == "json" else render_scan_text(model, untested)
    sys.stdout.write(text)
    sys.stdout.flush()
    failed = any(f.severity is Severity.ERROR for f in model.findings)
    return exitcodes.FINDINGS if failed else exitcodes.OK


@cli.command()
@click.argument("args", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--affected",
    is_flag=True,
    help="ARGS are changed files (as pre-commit passes them): check the modules they are, and every module "
    "that imports them, transitively; report only their findings; no mypy unless --mypy.",
)
@click.option(
    "--installed",
    metavar="NAME",
    default=None,
    help="Check a distribution (or top-level package) as installed in --python's environment, "
    "instead of a source tree: every module it ships, its entry points, its declared dependencies.",
)
@_report_options
@_settings("check")
def check(
    args: tuple[Path, ...],
    affected: bool,
    installed: str | None,
    output_format: str,
    output: Path | None,
    flags: dict[str, Any],
) -> int:
    """Check the project containing ARGS (one folder, default: the current one): statically (imports resolve, no failing cycle, dependencies
    declared), then by importing every module in isolation in the project's interpreter and
    building every public class that can be built.

    Exits 1 when there is a finding of error severity.
    """
    entry_points_file = "pyproject.toml"
    if affected:
        path, changed = Path("."), [a.absolute() for a in args]
        if installed is not None:
            raise click.UsageError("--affected checks a source tree, not --installed")
    elif len(args) > 1:
        raise click.UsageError("check takes one project folder (changed files go with --affected)")
    else:
        path, changed = (args[0] if args else Path(".")), []
    if installed is not None:
        dist = describe_distribution(installed, flags.get("python"))
        with start_probe(flags.get("python")) as pending:
            loaded = load_installed(dist, flags=flags, progress=_progress_bar())
            env = pending.result()
        entry_points_file = f"{dist.info_dir}/entry_points.txt"
    else:
        loaded, env = _load_with_environment(path, flags)
    config = loaded.config
    runtime = None if config.static else _runtime_options(config)
    scope = None
    if affected:
        relative = []
        for file in changed:
            for candidate in (file, file.resolve()):  # a source root may be a symlink; the root is resolved
                for root in (loaded.root, loaded.root.resolve()):
                    if candidate.is_relative_to(root):
                        relative.append(candidate.relative_to(root).as_posix())
                        break
                else:
                    continue
                break  # else: outside the project
        scope = frozenset(affected_modules(loaded.model, relative))
        if flags.get("mypy") is None:
            config = dataclasses.replace(config, mypy=False)  # mypy over the whole project is not the fast hook's job
    notes: list[str] = []
    if installed is None:
        run_mypy, mypy_config = _mypy_wanted(config.mypy, loaded.root)
        if not run_mypy and config.mypy is None:
            notes.append(
                "mypy stage skipped: the project has no mypy configuration (mypy.ini, [tool.mypy]...); "
                "--mypy runs it with mypy's defaults"
            )
    else:
        run_mypy, mypy_config = bool(config.mypy), None
    report = run_checks(
        loaded.root,
        loaded.model,
        config,
        env,
        loaded.cache(),
        runtime,
        _progress_bar("importing", "modules"),
        entry_points_file,
        MypyStage(resolve_python(config.python or None), mypy_config) if run_mypy else None,
        scope,
        loaded.stats.fingerprints,
    )
    report = dataclasses.replace(report, notes=report.notes + tuple(notes))
    _emit(CHECK_FORMATS[output_format](report), output)
    if output_format in ("text", "github"):
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
    failed = any(f.severity is Severity.ERROR for f in report.findings)
    return exitcodes.FINDINGS if failed else exitcodes.OK


def _mypy_wanted(wanted: bool | None, root: Path) -> tuple[bool, MypyConfig | None]:
    """Whether the mypy stage runs: ``--mypy/--no-mypy`` or ``[tool.smokegen] mypy``, else when the project
    configures mypy."""
    found = find_mypy_config(root)
    return (wanted if wanted is not None else found is not None), found


@cli.command()
@click.argument("args", nargs=-1)
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 naming each file that is out of date.")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite files smokegen did not write (never done otherwise).")
@click.option(
    "--direct",
    is_flag=True,
    help="Write direct-test scaffolds (yours to own) for the modules no test imports; ARGS are module names "
    "to limit it to [default: all].",
)
@click.option(
    "--project",
    "project_path",
    type=click.Path(path_type=Path),
    default=None,
    help="The project (with --direct) [default: .].",
)
@_settings("generate")
def generate(
    args: tuple[str, ...],
    check_only: bool,
    dry_run: bool,
    force: bool,
    direct: bool,
    project_path: Path | None,
    flags: dict[str, Any],
) -> int:
    """Write the smoke suite into the project at ARGS (default: the current folder), in
    [tool.smokegen] smoke_dir (default tests/smoke): imports, instantiation, mypy, entry points.

    With --direct, write per-module direct-test scaffolds instead (ARGS: module names).
    """
    from smokegen.generate.write import generated_by, regenerate_command, suite_files, write_suite

    if direct:
        path = project_path or Path(".")
        modules = args
    else:
        if len(args) > 1:
            raise click.UsageError("generate takes one project path (module names go with --direct)")
        if project_path is not None and args:
            raise click.UsageError("give the project as PATH or as --project, not both")
        path = project_path or (Path(args[0]) if args else Path("."))
        modules = ()
    loaded = load_project(path, flags=flags, progress=_progress_bar())
    if direct:
        return _generate_direct(loaded, modules, check_only, dry_run, force)
    run_mypy, _ = _mypy_wanted(loaded.config.mypy, loaded.root)
    files = suite_files(loaded.root, loaded.model, loaded.config, run_mypy, regenerate_command(flags))
    result = write_suite(loaded.root, files, loaded.config, check=check_only or dry_run, force=force)
    for rel in result.refused:
        click.echo(
            f"smokegen: error: {rel} was not written by smokegen (no generated header); move it away, choose "
            "another folder (--smoke-dir, or [tool.smokegen] smoke_dir), or pass --force to overwrite it",
            err=True,
        )
    if check_only:
        command = regenerate_command(flags)
        for rel in result.written:
            made_by = generated_by(loaded.root / rel)
            if made_by is not None and made_by != command:
                click.echo(
                    f"{rel}: out of date for `{command}`; it was made by `{made_by}`: give every run the same "
                    "settings, best in [tool.smokegen]"
                )
            else:
                click.echo(f"{rel}: out of date; run `{command}`")
        for rel in result.removed:
            click.echo(f"{rel}: no longer part of the suite; run `{command}`")
        if result.refused:
            return exitcodes.USAGE
        return exitcodes.FINDINGS if result.written or result.removed else exitcodes.OK
    verb = "would write" if dry_run else "wrote"
    for rel in result.written:
        click.echo(f"{verb} {rel}")
    for rel in result.removed:
        click.echo(f"{'would remove' if dry_run else 'removed'} {rel}")
    if not result.written and not result.removed and not result.refused:
        click.echo(f"{result.folder}: up to date ({len(result.unchanged)} files)")
    return exitcodes.USAGE if result.refused else exitcodes.OK


def _generate_direct(
    loaded: LoadedProject, modules: tuple[str, ...], check_only: bool, dry_run: bool, force: bool
) -> int:
    from smokegen.generate.direct import write_direct
    from smokegen.project.testsuite import test_files
    from smokegen.scan.tested import imported_by_tests, untested_modules

    if check_only:
        raise click.UsageError("--check is for the smoke suite; direct scaffolds are yours and never go stale")
    known = {m.name for m in loaded.model.modules}
    for name in modules:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise click.UsageError(f"'{name}' is not a module of the project at {loaded.root}{hint}")
    if not modules:
        imported = imported_by_tests(loaded.root, test_files(loaded.root, loaded.config))
        modules = tuple(untested_modules(loaded.model, imported))
        if not modules:
            click.echo("every module is imported by a test: nothing to scaffold")
            return exitcodes.OK
    result = write_direct(
        loaded.root,
        loaded.model,
        loaded.config,
        modules,
        resolve_python(loaded.config.python or None),
        dry_run=dry_run,
        force=force,
    )
    for rel in result.existing:
        click.echo(f"{rel} exists; left alone (--force overwrites it)")
    for rel in result.written:
        click.echo(f"{'would write' if dry_run else 'wrote'} {rel}")
    if result.unverified:
        click.echo(f"note: the scaffolds were not run before writing: {result.unverified}", err=True)
    return exitcodes.OK


@cli.command()
@click.argument("path", default=".", type=click.Path(path_type=Path))
@_report_options
@_settings("mocks")
def mocks(path: Path, output_format: str, output: Path | None, flags: dict[str, Any]) -> int:
    """Audit the mock.patch targets in the tests of the project containing PATH: internal, external
    or module-hiding; stale ones (SG401) and ones that hide broken code (SG402).

    Exits 1 only on SG401/SG402, so it can gate CI.
    """
    from smokegen.checks.mocks import audit, find_patches
    from smokegen.project.testsuite import test_files
    from smokegen.reporting.mocks import render_mocks

    loaded, env = _load_with_environment(path, flags)
    runtime = None if loaded.config.static else _runtime_options(loaded.config)
    config = dataclasses.replace(loaded.config, instantiate=False)
    checked = run_checks(
        loaded.root,
        loaded.model,
        config,
        env,
        loaded.cache(),
        runtime,
        fingerprints=loaded.stats.fingerprints,
    )
    files = test_files(loaded.root, loaded.config)
    patches = []
    for rel in files:
        try:
            source = (loaded.root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        patches.extend(find_patches(source, rel))
    report = audit(loaded.model, patches, checked.findings, files)
    kept = tuple(f for f in report.findings if f.code not in loaded.config.ignore)
    report = dataclasses.replace(report, findings=kept)
    _emit(render_mocks(report, output_format), output)
    return exitcodes.FINDINGS if any(f.severity is Severity.ERROR for f in report.findings) else exitcodes.OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of exiting (``sys.exit(main())``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="smokegen", standalone_mode=False)
    except click.exceptions.ClickException as exc:
        exc.show()
        return exitcodes.USAGE
    except click.exceptions.Abort:
        click.echo("smokegen: interrupted", err=True)
        return 130
    except ConfigError as exc:
        click.echo(f"smokegen: error: {exc}", err=True)
        return exitcodes.USAGE
    except RunnerError as exc:
        click.echo(f"smokegen: {exc}", err=True)
        return exitcodes.INTERNAL
    except BrokenPipeError:
        # The reader went away (``smokegen scan | head``): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exitcodes.OK
    except Exception as exc:  # smokegen's own failure: one line, traceback on request
        if "--debug" in args:
            traceback.print_exc()
        click.echo(
            f"smokegen: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)",
            err=True,
        )
        return exitcodes.INTERNAL
    return result if isinstance(result, int) else exitcodes.OK
