"""What the commands share: exit codes, configuration, the files a run works on, its output."""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from fastapi_lint import registry, reporters
from fastapi_lint.cache import CACHE_DIR_ENV, CACHE_DIR_NAME
from fastapi_lint.config import (
    PYPROJECT,
    Config,
    ConfigError,
    check_settings_file,
    load_config,
    with_overrides,
)
from fastapi_lint.context.project import Placement
from fastapi_lint.decoding import decode_source
from fastapi_lint.files import discover
from fastapi_lint.models import FileResult, InternalError, Report
from fastapi_lint.project.step import project_rules
from fastapi_lint.project_model.modules import common_root
from fastapi_lint.reporters.statistics import render_statistics, render_statistics_json
from fastapi_lint.rule import Rule
from fastapi_lint.runner.context import ProjectSetup, for_role, project_files, project_setup
from fastapi_lint.runner.jobs import FileJob, run_jobs
from fastapi_lint.runner.project import ProjectRun, with_whole_project
from fastapi_lint.runner.single_file import lint_bytes
from fastapi_lint.selection import jobs_for, rules_for_path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


STDIN = "-"


def split_values(values: Sequence[str]) -> tuple[str, ...] | None:
    """Flags may repeat and hold comma-separated lists; None when not given at all.

    Empty parts are kept (``--select ''``), for the configuration to refuse them.
    """
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(","))


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
        return with_overrides(load_config(working_folder(), config_path), **overrides)
    except ConfigError as error:
        raise fail(str(error)) from None


def working_folder() -> Path:
    """The working directory; a usage error when it was deleted (or cannot be read)."""
    try:
        return Path.cwd()
    except OSError as error:
        # $PWD names it, unless it is stale (it still exists: another folder).
        shown = os.environ.get("PWD", "")
        where = f" {shown}" if shown and not os.path.exists(shown) else ""
        gone = isinstance(error, FileNotFoundError)
        problem = "no longer exists" if gone else f"cannot be read ({error.strerror})"
        raise fail(f"the working directory{where} {problem}; run from an existing one") from None


def selected_rules(config: Config) -> tuple[type[Rule], ...]:
    try:
        return registry.select_rules(config.select, config.ignore, config.extend_select)
    except registry.SelectionError as error:
        raise fail(str(error)) from None


@dataclass(frozen=True, slots=True)
class Plan:
    """The files a ``check`` of paths works on, and how their project step runs.

    ``others`` are the project's files the run was not given (a partial run: pre-commit,
    an editor, ``check FILE``): summarised so that the project rules see the whole
    project, and never reported on.
    """

    jobs: list[FileJob]
    run: ProjectRun
    missing: bool
    setup: ProjectSetup
    others: list[FileJob] = dataclasses.field(default_factory=list)


def planned_run(
    request: CheckRequest,
    config: Config,
    rules: Sequence[type[Rule]],
    *,
    all_targets: bool = False,
) -> Plan:
    """The jobs of a ``check`` of ``request.paths``, each file given its role and rules.

    ``all_targets`` resolves every target version, not only those the rules read.
    """
    discovery = discover(
        request.paths,
        root=config.root,
        exclude=config.exclude,
        extend_exclude=config.extend_exclude,
        force_exclude=request.force_exclude,
    )
    for problem in discovery.problems:
        click.echo(f"fastapi-lint: error: {problem.path}: {problem.reason}", err=True)
    root = checked_project_root(config, discovery.files)
    files = project_files(config, root, discovery.files)
    setup = project_setup(config, root, rules, files, all_targets=all_targets)
    # Chains run through every file, so all are summarised when any project rule is on.
    summarise = bool(project_rules(setup.rules))
    shown = functools.partial(display_path, cwd=Path.cwd())
    jobs = _summarised(jobs_for(discovery.files, setup.rules, config, shown, setup), summarise)
    given = {file.absolute() for file in discovery.files}
    rest = [file for file in files() if file.absolute() not in given] if summarise else []
    others = _summarised(jobs_for(rest, setup.rules, config, shown, setup), summarise)
    cache_dir = chosen_cache_dir(request, config)
    run = ProjectRun(setup.rules, root, config.options, cache_dir, setup.context)
    return Plan(jobs, run, bool(discovery.missing), setup, others)


def _summarised(jobs: list[FileJob], summarise: bool) -> list[FileJob]:
    return [dataclasses.replace(job, summarise=summarise) for job in jobs]


def setup_here(config: Config, rules: Sequence[type[Rule]]) -> ProjectSetup:
    """The project of the working folder (standard input belongs to it): the folder of the
    configuration's pyproject.toml, else the working folder itself (whose files are not
    walked: it may be any folder)."""
    root = config.root if (config.root / PYPROJECT).is_file() else Path.cwd()
    return project_setup(config, root, rules, project_files(config, root))


def stdin_rules(
    setup: ProjectSetup, file: Path, data: bytes, config: Config
) -> tuple[tuple[type[Rule], ...], Placement]:
    """The rules for standard input named ``file``, chosen by the role its text gives it."""
    decoded = decode_source(data)
    role = setup.role_of_text(file, decoded if isinstance(decoded, str) else "")
    return for_role(rules_for_path(setup.rules, file, config), role), setup.placement(role)


def lint_stdin(
    request: CheckRequest, config: Config, rules: Sequence[type[Rule]], data: bytes
) -> FileResult:
    """Standard input, linted as the file it is named after (``--stdin-filename``).

    In a project, the project rules see the whole project with the text standing in for
    that file, as ``check`` of the saved file would (an editor's partial run).
    """
    name = request.stdin_filename or STDIN
    setup = setup_here(config, rules)
    file = Path(name).absolute()
    chosen, placement = stdin_rules(setup, file, data, config)
    others = _stdin_others(request, config, setup, file)
    if not others:
        return lint_bytes(data, name, chosen, config.options, placement=placement)
    job = FileJob(file, name, chosen, summarise=True, role=placement.role)
    own = lint_bytes(data, name, chosen, config.options, "collect", placement=placement)
    cache_dir = chosen_cache_dir(request, config)
    found = run_jobs(
        others, config.options, workers=request.workers, cache_dir=cache_dir, project=setup.context
    )
    run = ProjectRun(setup.rules, setup.context.root, config.options, cache_dir, setup.context)
    return with_whole_project([job], [own], run, list(zip(others, found, strict=True)))[0]


def _stdin_others(
    request: CheckRequest, config: Config, setup: ProjectSetup, file: Path
) -> list[FileJob]:
    """The project's other files, when standard input stands for one file of a project."""
    root = setup.context.root
    if not request.stdin_filename or not project_rules(setup.rules):
        return []
    if not (root / PYPROJECT).is_file() or not file.is_relative_to(root.absolute()):
        return []
    rest = [other for other in project_files(config, root)() if other.absolute() != file]
    shown = functools.partial(display_path, cwd=Path.cwd())
    return _summarised(jobs_for(rest, setup.rules, config, shown, setup), True)


def project_root(config: Config, files: Sequence[Path]) -> Path:
    """The project the files linted belong to: the nearest folder above them holding a
    pyproject.toml, else the configuration's folder, else their common folder.

    The nearest one, not the working folder's: ``check ../other-app`` run from another
    project, or ``check services/billing`` in a repository of several projects, reviews
    that project, with its declared versions and only its modules.
    """
    common = common_root(files).absolute()
    nearest = _nearest_project(common) if files else None
    if nearest is not None:
        return config.root if nearest == config.root.absolute() else nearest
    if (config.root / PYPROJECT).is_file():
        return config.root
    return common


def checked_project_root(config: Config, files: Sequence[Path]) -> Path:
    """``project_root``, whose pyproject.toml (read for target versions) is readable."""
    root = project_root(config, files)
    try:
        check_settings_file(root / PYPROJECT)
    except ConfigError as error:
        raise fail(str(error)) from None
    return root


def _nearest_project(folder: Path) -> Path | None:
    return next((each for each in (folder, *folder.parents) if (each / PYPROJECT).is_file()), None)


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
