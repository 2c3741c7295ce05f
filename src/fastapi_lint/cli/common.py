"""What the commands share: exit codes, configuration, the files a run works on, its output."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from fastapi_lint import registry, reporters
from fastapi_lint.cache import CACHE_DIR_ENV, CACHE_DIR_NAME
from fastapi_lint.config import PYPROJECT, Config, ConfigError, load_config, with_overrides
from fastapi_lint.files import discover
from fastapi_lint.models import InternalError, Report
from fastapi_lint.project.step import project_rules
from fastapi_lint.project_model.modules import common_root
from fastapi_lint.reporters.statistics import render_statistics, render_statistics_json
from fastapi_lint.rule import Rule
from fastapi_lint.runner.jobs import FileJob
from fastapi_lint.runner.project import ProjectRun
from fastapi_lint.selection import jobs_for

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


STDIN = "-"


def split_values(values: Sequence[str]) -> tuple[str, ...] | None:
    """Flags may repeat and hold comma-separated lists; None when not given at all."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def fail(message: str) -> click.exceptions.Exit:
    click.echo(f"fastapi-lint: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


@dataclass(frozen=True, slots=True)
class CheckRequest:
    paths: tuple[str, ...]
    output_format: str
    output_file: Path | None
    exit_zero: bool
    color: bool
    quiet: bool
    force_exclude: bool
    stdin_filename: str | None
    workers: int = 1
    cache_dir: Path | None = None
    no_cache: bool = False
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    show_fixes: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    diff_from: str | None = None
    statistics: bool = False

    @property
    def fixing(self) -> bool:
        """``--fix`` or ``--diff``: fixes are computed, then written or shown."""
        return self.fix or self.diff


def display_path(file: Path, cwd: Path) -> str:
    """Relative to the working directory when under it, else as given."""
    try:
        return file.absolute().relative_to(cwd).as_posix()
    except ValueError:
        return file.as_posix()


def load_config_or_exit(
    config_path: Path | None, overrides: dict[str, tuple[str, ...] | None]
) -> Config:
    try:
        return with_overrides(load_config(Path.cwd(), config_path), **overrides)
    except ConfigError as error:
        raise fail(str(error)) from None


def selected_rules(config: Config) -> tuple[type[Rule], ...]:
    try:
        return registry.select_rules(config.select, config.ignore, config.extend_select)
    except registry.SelectionError as error:
        raise fail(str(error)) from None


@dataclass(frozen=True, slots=True)
class Plan:
    """The files a ``check`` of paths works on, and how their project step runs."""

    jobs: list[FileJob]
    run: ProjectRun
    missing: bool


def planned_run(request: CheckRequest, config: Config, rules: Sequence[type[Rule]]) -> Plan:
    discovery = discover(
        request.paths,
        root=config.root,
        exclude=config.exclude,
        extend_exclude=config.extend_exclude,
        force_exclude=request.force_exclude,
    )
    for missing in discovery.missing:
        click.echo(f"fastapi-lint: error: {missing}: no such file or directory", err=True)
    cwd = Path.cwd()
    jobs: list[FileJob] = jobs_for(discovery.files, rules, config, lambda f: display_path(f, cwd))
    # Chains run through every file, so all are summarised when any project rule is on.
    summarise = bool(project_rules(rules))
    jobs = [dataclasses.replace(job, summarise=summarise) for job in jobs]
    cache_dir = chosen_cache_dir(request, config)
    run = ProjectRun(rules, project_root(config, discovery.files), config.options, cache_dir)
    return Plan(jobs, run, bool(discovery.missing))


def project_root(config: Config, files: Sequence[Path]) -> Path:
    """The folder holding pyproject.toml, else the common folder of the files linted."""
    if (config.root / PYPROJECT).is_file():
        return config.root
    return common_root(files)


def chosen_cache_dir(request: CheckRequest, config: Config) -> Path | None:
    if request.no_cache:
        return None
    if request.cache_dir is not None:
        return request.cache_dir
    from_environment = os.environ.get(CACHE_DIR_ENV)
    return Path(from_environment) if from_environment else config.root / CACHE_DIR_NAME


def report_internal_errors(errors: Sequence[InternalError]) -> None:
    for error in errors:
        click.echo(
            f"fastapi-lint: internal error in rule {error.rule} on {error.path}: {error.message}",
            err=True,
        )


def emit(report: Report, request: CheckRequest, *, err: bool = False) -> None:
    output = _rendered(report, request)
    if request.output_file is None:
        click.echo(output, nl=False, color=request.color, err=err)
        return
    request.output_file.parent.mkdir(parents=True, exist_ok=True)
    request.output_file.write_text(output, encoding="utf-8")


def _rendered(report: Report, request: CheckRequest) -> str:
    if request.statistics:  # like ruff: JSON for json, the text table for any other format
        json_wanted = request.output_format == "json"
        return render_statistics_json(report) if json_wanted else render_statistics(report)
    return reporters.render(report, request.output_format, color=request.color, quiet=request.quiet)


def exit_code(report: Report, request: CheckRequest, usage_problem: bool) -> int:
    if report.internal_errors or usage_problem:
        return EXIT_ERROR
    if report.diagnostics and not request.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN
