"""The ``smokegen`` command: parses options, calls the library, prints, returns an exit code.

This is the only module that prints or decides exit codes (see exitcodes.py). The modules that
render code or read tests with LibCST are imported by the commands that use them: ``check``, the
pre-commit hook's command, loads the parser only when a file has changed since the last run.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from smokegen import __version__, pipeline
from smokegen.cli import exitcodes
from smokegen.graph.shards import Shard, parse_shard
from smokegen.model import Severity
from smokegen.project.config import INTEGER, NUMBER, ConfigError, settings_for
from smokegen.reporting.formats import CHECK_FORMATS
from smokegen.reporting.scan import render_scan_json, render_scan_text
from smokegen.runtime import processes
from smokegen.runtime.imports import RunnerError
from smokegen.scan.loader import Progress
from smokegen.util.files import remove_leftovers, write_atomic
from smokegen.util.text import printable


def _echo(message: str, err: bool = False) -> None:
    """One line to standard output (or error). Paths, notes and errors carry the project's text (a folder's
    name, pytest's last line): shown printable, never as the terminal's escape sequences."""
    click.echo(printable(message), err=err)


def _progress_bar(verb: str, noun: str) -> Progress | None:
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


def _writable(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """``--output`` checked before the run, not after it: its folder exists and can be written."""
    if value is not None:
        folder = value.absolute().parent
        if not folder.is_dir():
            raise click.BadParameter(f"the folder {folder} does not exist; create it or write the report elsewhere")
        if not os.access(folder, os.W_OK):
            raise click.BadParameter(f"the folder {folder} cannot be written; write the report elsewhere")
    return value


def _shard_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--format`` and ``--output``, as check and mocks take them."""
    command = click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=_writable,
        help="Write the report to FILE.",
    )(command)
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(sorted(CHECK_FORMATS)),
        default="text",
        show_default=True,
        help="text, json, github (Actions annotations), junit (XML), sarif (2.1.0, for code scanning).",
    )(command)


def _emit(text: str, output: Path | None) -> None:
    """The report to ``output`` (atomically) or to standard output."""
    if output is not None:
        try:
            write_atomic(output, text)
            remove_leftovers(output.absolute().parent, output.name)  # of a run killed mid-write
        except OSError as exc:
            raise click.ClickException(
                f"{output}: the report cannot be written ({exc.strerror}); write it elsewhere"
            ) from None
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
    found = pipeline.scan(pipeline.ScanRequest(path, flags), _progress_bar)
    model, untested = found.model, found.untested
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
@click.option(
    "--shard",
    metavar="K/N",
    default=None,
    callback=_shard_option,
    help="Check only the K-th of N deterministic, package-aligned shares of the modules (a CI matrix: "
    "the N shards' findings together are the whole run's); shard 1 also reports what belongs to no module.",
)
@_report_options
@_settings("check")
def check(
    args: tuple[Path, ...],
    affected: bool,
    installed: str | None,
    shard: Shard | None,
    output_format: str,
    output: Path | None,
    flags: dict[str, Any],
) -> int:
    """Check the project containing ARGS (one folder, default: the current one): statically (imports resolve, no failing cycle, dependencies
    declared), then by importing every module in isolation in the project's interpreter and
    building every public class that can be built.

    Exits 1 when there is a finding of error severity.
    """
    if affected:
        if installed is not None:
            raise click.UsageError("--affected checks a source tree, not --installed")
        if shard is not None:
            raise click.UsageError("--affected checks what a change can break, not a shard: drop one of them")
        request = pipeline.CheckRequest(Path("."), flags, changed=tuple(a.absolute() for a in args))
    elif len(args) > 1:
        raise click.UsageError("check takes one project folder (changed files go with --affected)")
    else:
        request = pipeline.CheckRequest(args[0] if args else Path("."), flags, installed=installed, shard=shard)
    report = pipeline.check(request, _progress_bar)
    _emit(CHECK_FORMATS[output_format](report), output)
    if output_format in ("text", "github"):
        for note in report.notes:
            _echo(f"note: {note}", err=True)
    failed = any(f.severity is Severity.ERROR for f in report.findings)
    return exitcodes.FINDINGS if failed else exitcodes.OK


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
    if direct:
        if check_only:
            raise click.UsageError("--check is for the smoke suite; direct scaffolds are yours and never go stale")
        return _generate_direct(pipeline.DirectRequest(project_path or Path("."), flags, args, dry_run, force))
    if len(args) > 1:
        raise click.UsageError("generate takes one project path (module names go with --direct)")
    if project_path is not None and args:
        raise click.UsageError("give the project as PATH or as --project, not both")
    path = project_path or (Path(args[0]) if args else Path("."))
    outcome = pipeline.generate(pipeline.GenerateRequest(path, flags, check_only, dry_run, force), _progress_bar)
    result, command = outcome.result, outcome.command
    for rel in result.refused:
        _echo(
            f"smokegen: error: {rel} was not written by smokegen (no generated header); move it away, choose "
            "another folder (--smoke-dir, or [tool.smokegen] smoke_dir), or pass --force to overwrite it",
            err=True,
        )
    if check_only:
        for rel in result.written:
            made_by = outcome.made_by.get(rel)
            if made_by is not None and made_by != command:
                _echo(
                    f"{rel}: out of date for `{command}`; it was made by `{made_by}`: give every run the same "
                    "settings, best in [tool.smokegen]"
                )
            else:
                _echo(f"{rel}: out of date; run `{command}`")
        for rel in result.removed:
            _echo(f"{rel}: no longer part of the suite; run `{command}`")
        if result.refused:
            return exitcodes.USAGE
        return exitcodes.FINDINGS if result.written or result.removed else exitcodes.OK
    verb = "would write" if dry_run else "wrote"
    for rel in result.written:
        _echo(f"{verb} {rel}")
    for rel in result.removed:
        _echo(f"{'would remove' if dry_run else 'removed'} {rel}")
    if not result.written and not result.removed and not result.refused:
        _echo(f"{result.folder}: up to date ({len(result.unchanged)} files)")
    return exitcodes.USAGE if result.refused else exitcodes.OK


def _generate_direct(request: pipeline.DirectRequest) -> int:
    try:
        result = pipeline.generate_direct(request, _progress_bar)
    except pipeline.RequestError as exc:
        raise click.UsageError(printable(str(exc))) from None
    if result is None:
        _echo("every module is imported by a test: nothing to scaffold")
        return exitcodes.OK
    for rel in result.existing:
        _echo(f"{rel} exists; left alone (--force overwrites it)")
    for rel in result.written:
        _echo(f"{'would write' if request.dry_run else 'wrote'} {rel}")
    if result.unverified:
        _echo(f"note: the scaffolds were not run before writing: {result.unverified}", err=True)
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
    from smokegen.reporting.mocks import render_mocks

    report = pipeline.mocks(pipeline.MocksRequest(path, flags), _progress_bar)
    _emit(render_mocks(report, output_format), output)
    return exitcodes.FINDINGS if any(f.severity is Severity.ERROR for f in report.findings) else exitcodes.OK


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread: smokegen ends as on Ctrl-C, its runners' processes with it."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of exiting (``sys.exit(main())``). SIGINT and SIGTERM
    end every process the run started (the project's included) before it returns."""
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    processes.begin()
    code = exitcodes.INTERNAL
    try:
        code = _main(argv)
        return code
    finally:
        if code in (exitcodes.INTERNAL, 130, 143):  # interrupted, or failed: worker threads may still run some
            processes.end_all()
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="smokegen", standalone_mode=False)
    except click.exceptions.ClickException as exc:
        exc.show()
        return exitcodes.USAGE
    except click.exceptions.Abort as exc:
        _echo("smokegen: interrupted", err=True)
        return 143 if isinstance(exc.__cause__, _Terminated) else 130
    except _Terminated:
        _echo("smokegen: interrupted", err=True)
        return 143
    except (ConfigError, pipeline.RequestError) as exc:
        _echo(f"smokegen: error: {exc}", err=True)
        return exitcodes.USAGE
    except RunnerError as exc:
        _echo(f"smokegen: {exc}", err=True)
        return exitcodes.INTERNAL
    except BrokenPipeError:
        # The reader went away (``smokegen scan | head``): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exitcodes.OK
    except Exception as exc:  # smokegen's own failure: one line, traceback on request
        if "--debug" in args:
            traceback.print_exc()
        _echo(
            f"smokegen: internal error: {type(exc).__name__}: {exc} (rerun as `smokegen --debug ...` for the traceback)",
            err=True,
        )
        return exitcodes.INTERNAL
    return result if isinstance(result, int) else exitcodes.OK
