"""What a ``check`` reports: ``--baseline``, ``--write-baseline`` and ``--diff-from``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from fastapi_lint.baseline import BaselineError, load_baseline, without_baselined, write_baseline
from fastapi_lint.changed_lines import (
    GitError,
    changed_lines,
    only_changed,
    repository_root,
    resolve,
)
from fastapi_lint.cli.common import STDIN, CheckRequest, fail
from fastapi_lint.models import Report

_CONFLICTS = (
    ("write_baseline", "baseline"),
    ("write_baseline", "diff_from"),
    ("diff", "baseline"),
    ("diff", "write_baseline"),
    ("diff", "diff_from"),
    ("diff", "statistics"),
)


def check_scope_flags(request: CheckRequest) -> None:
    """Refuse conflicting flags, a bad baseline file or git revision before linting."""
    for first, second in _CONFLICTS:
        if getattr(request, first) and getattr(request, second):
            flags = (f"--{name.replace('_', '-')}" for name in (first, second))
            raise fail("{} cannot be combined with {}".format(*flags))
    if request.diff_from is not None and request.paths == (STDIN,):
        raise fail("--diff-from reads changes from git, so it cannot check standard input")
    with _usage_errors():
        if request.baseline is not None:
            load_baseline(request.baseline)
        if request.diff_from is not None:
            resolve(request.diff_from, repository_root(Path.cwd()))


@contextmanager
def _usage_errors() -> Iterator[None]:
    """A baseline or git problem is the user's to fix: a message and exit 2, no traceback."""
    try:
        yield
    except (BaselineError, GitError) as error:
        raise fail(str(error)) from None


def narrowed(report: Report, request: CheckRequest, *, complete: bool) -> Report:
    """Write the baseline, or leave out what the baseline and ``--diff-from`` hide."""
    baseline = request.baseline
    if request.write_baseline is not None:
        if not _wrote_baseline(report, request.write_baseline, request.quiet, complete):
            return report
        # Read back, so the run reports exactly what `--baseline FILE` will.
        baseline = request.write_baseline
    with _usage_errors():
        if baseline is not None:
            report = without_baselined(report, load_baseline(baseline))
        if request.diff_from is not None:
            report = only_changed(report, changed_lines(request.diff_from, Path.cwd()))
    return report


def _wrote_baseline(report: Report, file: Path, quiet: bool, complete: bool) -> bool:
    """Record every finding; not after a crash or a missing path (it would be partial)."""
    if not complete or report.internal_errors:
        click.echo(f"fastapi-lint: error: {file} not written: the run had errors", err=True)
        return False
    try:
        count = write_baseline(file, report)
    except OSError as error:
        raise fail(f"cannot write baseline file {file}: {error}") from None
    if not quiet:
        noun = "finding" if count == 1 else "findings"
        click.echo(f"fastapi-lint: recorded {count} {noun} in {file}", err=True)
    return True


def recorded_all(report: Report, request: CheckRequest) -> bool:
    """After ``--write-baseline``, nothing is left to show on the terminal.

    Every finding is in the file just written (which the run read back), and
    "recorded N findings" already said so: a report saying "All checks passed!" right
    after it would read as if the code were clean. Files and machine formats still get it.
    """
    terminal = request.output_file is None and request.output_format in ("text", "concise")
    return request.write_baseline is not None and not report.diagnostics and terminal
