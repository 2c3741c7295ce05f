"""``check --fix`` and ``check --diff``: fixes applied and written, or shown as a patch."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from fastapi_lint import registry
from fastapi_lint.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    STDIN,
    CheckRequest,
    emit,
    exit_code,
    report_internal_errors,
)
from fastapi_lint.cli.planning import planned_run, setup_here, stdin_rules
from fastapi_lint.cli.scope import narrowed
from fastapi_lint.config import Config
from fastapi_lint.files import exclude_patterns, is_excluded
from fastapi_lint.fixer.files import (
    FileFix,
    FixRun,
    fix_bytes,
    fix_files,
    fixed_count,
    fixes_listing,
)
from fastapi_lint.fixer.source import FixSettings
from fastapi_lint.models import FileResult, Report, RunContext
from fastapi_lint.rule import Rule
from fastapi_lint.runner.report import build_report, run_context


def _fix_settings(request: CheckRequest) -> FixSettings:
    return FixSettings(unsafe=request.unsafe_fixes, write=not request.diff)


def _fix_stdin(
    request: CheckRequest, config: Config, rules: Sequence[type[Rule]]
) -> tuple[FileFix, bytes] | None:
    """Fix standard input in memory; None when ``--force-exclude`` excludes its name."""
    name = request.stdin_filename or STDIN
    if request.stdin_filename and request.force_exclude:
        patterns = exclude_patterns(config.exclude, config.extend_exclude)
        if is_excluded(Path(name), root=config.root, patterns=patterns, respect_gitignore=True):
            return None
    data = sys.stdin.buffer.read()
    setup = setup_here(config, rules)
    file_rules, placement = stdin_rules(setup, Path(name).absolute(), data, config)
    settings = _fix_settings(request)
    return fix_bytes(data, name, file_rules, config.options, settings, placement), data


def _fix_paths(
    request: CheckRequest, config: Config, rules: Sequence[type[Rule]]
) -> tuple[list[FileFix], list[FileResult], bool, RunContext]:
    plan = planned_run(request, config, rules)
    settings = _fix_settings(request)
    run = FixRun(config.options, request.workers, plan.run, settings, plan.others)
    fixes, results = fix_files(plan.jobs, run)
    return fixes, results, plan.missing, run_context(plan.setup, plan.jobs)


def _fix_lines(fixes: Sequence[FileFix], request: CheckRequest, verb: str) -> list[str]:
    """``Fixed 3 problems.`` (``Would fix`` with ``--diff``), and the list with --show-fixes."""
    count = fixed_count(fixes)
    if not count:
        return [] if request.quiet or not request.diff else ["Nothing to fix."]
    lines = [] if request.quiet else [f"{verb} {count} problem{'' if count == 1 else 's'}."]
    if request.show_fixes:
        lines.extend(fixes_listing(fixes))
    return lines


def _report_fix_errors(fixes: Sequence[FileFix]) -> bool:
    for fix in fixes:
        if fix.error is not None:
            click.echo(f"fastapi-lint: error: {fix.path}: {fix.error}", err=True)
        elif fix.refused is not None:
            click.echo(f"fastapi-lint: warning: {fix.path}: {fix.refused}", err=True)
        elif fix.rejected:
            message = "fixes that made code that does not compile were left out"
            click.echo(f"fastapi-lint: warning: {fix.path}: {message}", err=True)
    return any(fix.error is not None for fix in fixes)


def _show_diff(fixes: Sequence[FileFix], request: CheckRequest, usage_problem: bool) -> int:
    """``--diff``: the patch on stdout, what it would fix on stderr; exit 1 when non-empty."""
    patch = "".join(fix.diff() for fix in fixes)
    click.echo(patch, nl=False)
    for line in _fix_lines(fixes, request, "Would fix"):
        click.echo(line, err=True)
    errors = [error for fix in fixes for error in fix.result.internal_errors]
    report_internal_errors(errors)
    if errors or usage_problem or _report_fix_errors(fixes):
        return EXIT_ERROR
    return EXIT_FINDINGS if patch and not request.exit_zero else EXIT_CLEAN


def _fix_report(results: Sequence[FileResult], context: RunContext | None = None) -> Report:
    report = build_report(results, [rule.info() for rule in registry.all_rules()], context)
    report_internal_errors(report.internal_errors)
    return report


def run_fix(request: CheckRequest, config: Config, rules: Sequence[type[Rule]]) -> int:
    if request.paths == (STDIN,):
        return _run_fix_stdin(request, config, rules)
    fixes, results, usage_problem, context = _fix_paths(request, config, rules)
    if request.diff:
        return _show_diff(fixes, request, usage_problem)
    report = _fix_report(results, context)
    report = narrowed(report, request, complete=not usage_problem)
    emit(report, request)
    # Next to a human-readable report, else on stderr so JSON or SARIF stay parseable.
    to_stderr = request.output_file is not None or request.output_format not in _HUMAN
    for line in _fix_lines(fixes, request, "Fixed"):
        click.echo(line, err=to_stderr)
    write_failed = _report_fix_errors(fixes)
    return exit_code(report, request, usage_problem or write_failed)


_HUMAN = frozenset({"text", "concise"})


def _run_fix_stdin(request: CheckRequest, config: Config, rules: Sequence[type[Rule]]) -> int:
    """Standard input: the fixed source on stdout (editors), the findings left on stderr."""
    fixed = _fix_stdin(request, config, rules)
    if fixed is None:
        return EXIT_CLEAN
    fix, data = fixed
    if request.diff:
        return _show_diff([fix], request, False)
    output = sys.stdout.buffer
    output.write(fix.content if fix.content is not None else data)
    output.flush()
    report = _fix_report([fix.result])
    report = narrowed(report, request, complete=True)
    emit(report, request, err=True)
    for line in _fix_lines([fix], request, "Fixed"):
        click.echo(line, err=True)
    return exit_code(report, request, False)
