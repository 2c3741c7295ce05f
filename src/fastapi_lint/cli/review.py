"""``check --output-format html``: the API review page, from the run's own records.

The route table is built from the summaries the run made (every file is summarised for
this format), exactly as ``fastapi-lint routes`` builds it, so the page and that command
list the same routes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import click

from fastapi_lint.cli.common import CheckRequest
from fastapi_lint.cli.planning import Plan
from fastapi_lint.models import FileResult, Report
from fastapi_lint.reporters.html_report import render_review
from fastapi_lint.runner.project import build_project
from fastapi_lint.runner.review import build_review


def summarised(plan: Plan) -> Plan:
    """The plan with every file summarised: the page needs the route table."""
    jobs = [dataclasses.replace(job, summarise=True) for job in plan.jobs]
    return dataclasses.replace(plan, jobs=jobs)


def emit_review(
    report: Report, request: CheckRequest, plan: Plan, results: Sequence[FileResult]
) -> None:
    project = build_project(plan.jobs, results, plan.run.root, plan.run.options)
    review = build_review(
        report,
        plan.jobs,
        results,
        project,
        baseline=str(request.baseline) if request.baseline is not None else None,
        diff_from=request.diff_from,
    )
    page = render_review(review)
    if request.output_file is None:
        click.echo(page, nl=False)
        return
    request.output_file.parent.mkdir(parents=True, exist_ok=True)
    request.output_file.write_text(page, encoding="utf-8")
