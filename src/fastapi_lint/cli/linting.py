"""``check``'s work when the run is not answered from a snapshot: lint, then build the report.

This module imports the rules (and so LibCST); ``check`` imports it only when something
must be linted or fixed.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from pathlib import Path

from fastapi_lint import registry
from fastapi_lint.cli.common import STDIN, CheckRequest, Outcome
from fastapi_lint.cli.planning import Plan, lint_stdin, planned_run, selected_rules
from fastapi_lint.config import Config
from fastapi_lint.files import exclude_patterns, is_excluded
from fastapi_lint.models import FileResult, Report, RunContext
from fastapi_lint.rule import Rule
from fastapi_lint.runner.jobs import run_jobs
from fastapi_lint.runner.project import with_whole_project
from fastapi_lint.runner.report import build_report, run_context


def fix(request: CheckRequest, config: Config) -> int:
    """``--fix`` or ``--diff``: fix, report what is left, and give the exit code."""
    from fastapi_lint.cli.fix import run_fix  # the fixer's modules, for fixing runs only

    return run_fix(request, config, selected_rules(config))


def lint(request: CheckRequest, config: Config) -> Outcome:
    """Lint the paths (or standard input) and build the run's report."""
    rules = selected_rules(config)
    if request.paths == (STDIN,):
        return Outcome(_report(_lint_stdin(request, config, rules), None))
    results, missing, context, plan = _lint_paths(request, config, rules)
    review = None
    if request.reviews:
        from fastapi_lint.cli.review import emit_review  # the page's modules, when asked for

        review = functools.partial(emit_review, request=request, plan=plan, results=results)
    nothing = not results and not missing
    return Outcome(_report(results, context), missing, nothing, review)


def _report(results: Sequence[FileResult], context: RunContext | None) -> Report:
    return build_report(results, [rule.info() for rule in registry.all_rules()], context)


def _lint_stdin(
    request: CheckRequest, config: Config, rules: Sequence[type[Rule]]
) -> list[FileResult]:
    name = request.stdin_filename or STDIN
    if request.stdin_filename and request.force_exclude:
        patterns = exclude_patterns(config.exclude, config.extend_exclude)
        if is_excluded(Path(name), root=config.root, patterns=patterns, respect_gitignore=True):
            return []
    return [lint_stdin(request, config, rules, sys.stdin.buffer.read())]


def _lint_paths(
    request: CheckRequest, config: Config, rules: Sequence[type[Rule]]
) -> tuple[list[FileResult], bool, RunContext, Plan]:
    plan = planned_run(request, config, rules)
    if request.reviews:
        from fastapi_lint.cli.review import summarised

        plan = summarised(plan)
    cache_dir, context = plan.run.cache_dir, plan.setup.context
    every = [*plan.jobs, *plan.others]  # a partial run: the project's other files too
    results = run_jobs(
        every, config.options, workers=request.workers, cache_dir=cache_dir, project=context
    )
    count = len(plan.jobs)
    others = list(zip(plan.others, results[count:], strict=True))
    linted = with_whole_project(plan.jobs, results[:count], plan.run, others)
    return linted, plan.missing, run_context(plan.setup, plan.jobs), plan
