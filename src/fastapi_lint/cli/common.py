"""What the commands share: exit codes, configuration, the files a run works on, its output."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from fastapi_lint import reporters
from fastapi_lint.cache_folder import CACHE_DIR_ENV, CACHE_DIR_NAME
from fastapi_lint.config import (
    PYPROJECT,
    Config,
    ConfigError,
    check_settings_file,
    load_config,
    with_overrides,
)
from fastapi_lint.files import Discovery, discover
from fastapi_lint.models import InternalError, Report
from fastapi_lint.project_model.modules import common_root
from fastapi_lint.reporters.statistics import render_statistics, render_statistics_json

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

    @property
    def reviews(self) -> bool:
        """The HTML review page, which needs the project, not the report alone."""
        return self.output_format == "html" and not self.statistics


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a ``check`` found, before ``--baseline`` and ``--diff-from`` narrow it.

    ``review`` writes the review page of the report (``--output-format html``).
    """

    report: Report
    usage_problem: bool = False
    nothing_linted: bool = False
    review: Callable[[Report], None] | None = None


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


def discover_paths(request: CheckRequest, config: Config) -> Discovery:
    """The files the request's paths name, as the configuration's excludes leave them."""
    return discover(
        request.paths,
        root=config.root,
        exclude=config.exclude,
        extend_exclude=config.extend_exclude,
        force_exclude=request.force_exclude,
    )


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


def emit(report: Report, request: CheckRequest, *, err: bool = False) -> str:
    """Render ``report`` as the request asks and write it out; return what was written."""
    output = rendered(report, request)
    write_output(output, request, err=err)
    return output


def write_output(output: str, request: CheckRequest, *, err: bool = False) -> None:
    if request.output_file is None:
        click.echo(output, nl=False, color=request.color, err=err)
        return
    request.output_file.parent.mkdir(parents=True, exist_ok=True)
    request.output_file.write_text(output, encoding="utf-8")


def rendered(report: Report, request: CheckRequest) -> str:
    if request.statistics:  # like ruff: JSON for json, the text table for any other format
        json_wanted = request.output_format == "json"
        return render_statistics_json(report) if json_wanted else render_statistics(report)
    return reporters.render(report, request.output_format, color=request.color, quiet=request.quiet)


def exit_code(report: Report, request: CheckRequest, usage_problem: bool) -> int:
    failed = bool(report.internal_errors) or usage_problem
    return exit_code_of(request, found=bool(report.diagnostics), failed=failed)


def exit_code_of(request: CheckRequest, *, found: bool, failed: bool = False) -> int:
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if found and not request.exit_zero else EXIT_CLEAN
