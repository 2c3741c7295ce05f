"""``check``: lint the paths (or standard input), report, and choose the exit code.

A run whose files, settings and configuration are as they were when it was last done is
answered from its snapshot (``whole_run``) without importing the rules or LibCST: this
module and those it imports at the top stay light, and ``linting`` (which imports the
rules) is imported only when something must be linted.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import click

from fastapi_lint import reporters
from fastapi_lint.cache_folder import CACHE_DIR_ENV, CACHE_DIR_NAME
from fastapi_lint.cli import whole_run
from fastapi_lint.cli.common import (
    STDIN,
    CheckRequest,
    Outcome,
    emit,
    exit_code,
    exit_code_of,
    load_config_or_exit,
    report_internal_errors,
    split_values,
    write_output,
)
from fastapi_lint.cli.scope import check_scope_flags, narrowed, recorded_all
from fastapi_lint.config import Config
from fastapi_lint.replay import Command, Recorder
from fastapi_lint.run_inputs import InputLog, recording
from fastapi_lint.runner.cpus import available_cpus

if TYPE_CHECKING:
    from typing_extensions import Unpack


class CheckFlags(TypedDict):
    """The options of `check`, as Click passes them."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    output_format: str
    output_file: Path | None
    config_path: Path | None
    exit_zero: bool
    no_color: bool
    quiet: bool
    force_exclude: bool
    stdin_filename: str | None
    jobs: int | None
    cache_dir: Path | None
    no_cache: bool
    fix: bool
    unsafe_fixes: bool
    diff: bool
    show_fixes: bool
    baseline: Path | None
    write_baseline: Path | None
    diff_from: str | None
    statistics: bool


def _wants_color(no_color: bool, output_file: Path | None) -> bool:
    if no_color or output_file is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def run_check(request: CheckRequest, config: Config, recorder: Recorder | None = None) -> int:
    """Check as ``request`` asks; ``recorder`` keeps the command's replay when it can."""
    check_scope_flags(request)
    if request.fixing:
        from fastapi_lint.cli.linting import fix  # imports the rules (see _lint)

        return fix(request, config)
    probe = whole_run.probe(request, config)
    answer = probe.answer() if probe is not None else None
    printed = answer.printed(request) if answer is not None else None
    if answer is not None and printed is not None:
        code = _print_again(answer, printed, request)
        answer.keep_replay(recorder, request, printed, code)
        return code
    outcome: Outcome | None = answer.outcome() if answer is not None else None
    if outcome is None:
        outcome, answer = _linted(request, config, probe)
    return _report(outcome, request, answer, recorder)


def _print_again(answer: whole_run.Answer, printed: str, request: CheckRequest) -> int:
    """An identical run's output, printed as it was."""
    if answer.nothing_linted:
        _warn_nothing_linted(request.paths)
    write_output(printed, request)
    return exit_code_of(request, found=answer.snapshot.findings > 0)


def _report(
    outcome: Outcome,
    request: CheckRequest,
    answer: whole_run.Answer | None,
    recorder: Recorder | None,
) -> int:
    if outcome.nothing_linted:
        _warn_nothing_linted(request.paths)
    report_internal_errors(outcome.report.internal_errors)
    report = narrowed(outcome.report, request, complete=not outcome.usage_problem)
    printed = None
    if outcome.review is not None:
        outcome.review(report)
    elif not recorded_all(report, request):
        printed = emit(report, request)
    code = exit_code(report, request, outcome.usage_problem)
    if answer is not None and printed is not None:
        answer.keep_printed(request, printed)
        answer.keep_replay(recorder, request, printed, code)
    return code


def _linted(
    request: CheckRequest, config: Config, probe: whole_run.RunProbe | None
) -> tuple[Outcome, whole_run.Answer | None]:
    """Lint, recording what the run reads; keep the run's snapshot, and answer from it."""
    with recording() as inputs:
        outcome = _lint(request, config)
    answer = probe.remember(inputs, outcome) if probe is not None else None
    return outcome, answer


def _lint(request: CheckRequest, config: Config) -> Outcome:
    # Imported here, not at the top: it imports every rule and LibCST, which a run
    # answered from its snapshot never needs (a third of a second, more than ruff's run).
    from fastapi_lint.cli.linting import lint

    return lint(request, config)


def _warn_nothing_linted(paths: Sequence[str]) -> None:
    """Say so when no file was linted: "No files checked." alone is easy to miss in CI.

    The exit code stays 0, as ruff's does: pre-commit and editors name files that the
    configuration may exclude, and nothing to lint is then nothing wrong.
    """
    named = " ".join(paths) if len(paths) <= 3 else f"the {len(paths)} paths given"
    click.echo(
        f"fastapi-lint: warning: no Python files to lint in {named} (none there, or all "
        "excluded): nothing was checked",
        err=True,
    )


_FORMAT = click.Choice(reporters.FORMATS)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--select", multiple=True, help="Rules to enable: codes, prefixes (FAPI1), families, ALL."
)
@click.option("--ignore", multiple=True, help="Rules to disable (same forms as --select).")
@click.option("--extend-select", multiple=True, help="Rules to enable on top of the selection.")
@click.option("--exclude", multiple=True, help="Glob patterns to exclude (replaces the defaults).")
@click.option("--extend-exclude", multiple=True, help="Glob patterns to exclude on top.")
@click.option("--output-format", type=_FORMAT, default="text", show_default=True)
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--no-color", is_flag=True, help="Plain output (NO_COLOR is honoured too).")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named explicitly.")
@click.option("--stdin-filename", help="The file name to use for standard input (path '-').")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Worker processes (default: the CPUs available).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Result cache folder (default: ${CACHE_DIR_ENV}, else {CACHE_DIR_NAME}/ at the root).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--fix", is_flag=True, help="Apply safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--show-fixes", is_flag=True, help="With --fix, list the fixes made per file.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report and fail only on findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record every finding in this baseline file; exit 0 unless a file does not parse.",
)
@click.option(
    "--diff-from",
    metavar="REF",
    help="Report only findings on lines added or changed since git revision REF.",
)
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of the findings.")
def check(paths: tuple[str, ...], **flags: Unpack[CheckFlags]) -> None:
    """Lint PATHS (default: the current directory); '-' reads standard input."""
    # Everything the command reads is recorded, from its configuration on: a replay of
    # the command (``replay``) is right only while all of it is unchanged.
    with recording() as observed:
        config = load_config_or_exit(flags["config_path"], _overrides(flags))
        code = run_check(_request(paths, flags), config, _recorder(observed))
    raise click.exceptions.Exit(code)


def _recorder(observed: InputLog) -> Recorder | None:
    """The command's recorder, when the command line was given by ``launch`` (whose
    arguments are the replay's key); not in tests that invoke the command in process."""
    command = click.get_current_context().obj
    return Recorder(command, observed) if isinstance(command, Command) else None


def _overrides(flags: CheckFlags) -> dict[str, tuple[str, ...] | None]:
    return {
        "select": split_values(flags["select"]),
        "ignore": split_values(flags["ignore"]),
        "extend_select": split_values(flags["extend_select"]),
        "exclude": split_values(flags["exclude"]),
        "extend_exclude": split_values(flags["extend_exclude"]),
    }


def _request(paths: tuple[str, ...], flags: CheckFlags) -> CheckRequest:
    stdin_filename = flags["stdin_filename"]
    if stdin_filename and not paths:
        paths = (STDIN,)
    output_format = flags["output_format"]
    color = _wants_color(flags["no_color"], flags["output_file"]) and output_format == "text"
    request = CheckRequest(
        paths=paths or (".",),
        output_format=output_format,
        output_file=flags["output_file"],
        exit_zero=flags["exit_zero"],
        color=color,
        quiet=flags["quiet"],
        force_exclude=flags["force_exclude"],
        stdin_filename=stdin_filename,
        workers=flags["jobs"] or available_cpus(),
        cache_dir=flags["cache_dir"],
        no_cache=flags["no_cache"],
    )
    return _with_scope_flags(_with_fix_flags(request, flags), flags)


def _with_fix_flags(request: CheckRequest, flags: CheckFlags) -> CheckRequest:
    return dataclasses.replace(
        request,
        fix=flags["fix"],
        unsafe_fixes=flags["unsafe_fixes"],
        diff=flags["diff"],
        show_fixes=flags["show_fixes"],
    )


def _with_scope_flags(request: CheckRequest, flags: CheckFlags) -> CheckRequest:
    return dataclasses.replace(
        request,
        baseline=flags["baseline"],
        write_baseline=flags["write_baseline"],
        diff_from=flags["diff_from"],
        statistics=flags["statistics"],
    )
