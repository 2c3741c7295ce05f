"""The command line: turns flags into options, runs the engine, picks exit codes."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import click

from fastapi_lint import __version__, registry, reporters, route_report
from fastapi_lint.cache import CACHE_DIR_ENV, CACHE_DIR_NAME
from fastapi_lint.config import PYPROJECT, Config, ConfigError, load_config, with_overrides
from fastapi_lint.docs import render_rule_docs, rules_as_json, rules_as_text
from fastapi_lint.engine import FileJob, build_report, lint_bytes
from fastapi_lint.files import discover, exclude_patterns, is_excluded
from fastapi_lint.models import FileResult, InternalError, Report
from fastapi_lint.project.analysis import (
    ProjectRun,
    build_project,
    project_rules,
    with_project_findings,
)
from fastapi_lint.project.modules import common_root
from fastapi_lint.project.routes import route_table
from fastapi_lint.rule import Rule
from fastapi_lint.runner import available_cpus, run_jobs
from fastapi_lint.selection import jobs_for, rules_for_path

if TYPE_CHECKING:
    from typing_extensions import Unpack

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = "-"


def _split(values: Sequence[str]) -> tuple[str, ...] | None:
    """Flags may repeat and hold comma-separated lists; None when not given at all."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _fail(message: str) -> click.exceptions.Exit:
    click.echo(f"fastapi-lint: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


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


def _wants_color(no_color: bool, output_file: Path | None) -> bool:
    if no_color or output_file is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _display_path(file: Path, cwd: Path) -> str:
    """Relative to the working directory when under it, else as given."""
    try:
        return file.absolute().relative_to(cwd).as_posix()
    except ValueError:
        return file.as_posix()


def _load(config_path: Path | None, overrides: dict[str, tuple[str, ...] | None]) -> Config:
    try:
        return with_overrides(load_config(Path.cwd(), config_path), **overrides)
    except ConfigError as error:
        raise _fail(str(error)) from None


def _selected_rules(config: Config) -> tuple[type[Rule], ...]:
    try:
        return registry.select_rules(config.select, config.ignore, config.extend_select)
    except registry.SelectionError as error:
        raise _fail(str(error)) from None


def _lint_stdin(
    request: CheckRequest, config: Config, rules: Sequence[type[Rule]]
) -> list[FileResult]:
    name = request.stdin_filename or STDIN
    if request.stdin_filename and request.force_exclude:
        patterns = exclude_patterns(config.exclude, config.extend_exclude)
        if is_excluded(Path(name), root=config.root, patterns=patterns, respect_gitignore=True):
            return []
    file_rules = rules_for_path(rules, Path(name).absolute(), config)
    data = sys.stdin.buffer.read()
    return [lint_bytes(data, name, file_rules, config.options)]


def _lint_paths(
    request: CheckRequest, config: Config, rules: Sequence[type[Rule]]
) -> tuple[list[FileResult], bool]:
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
    jobs: list[FileJob] = jobs_for(discovery.files, rules, config, lambda f: _display_path(f, cwd))
    # Chains run through every file, so all are summarised when any project rule is on.
    summarise = bool(project_rules(rules))
    jobs = [dataclasses.replace(job, summarise=summarise) for job in jobs]
    cache_dir = _cache_dir(request, config)
    results = run_jobs(jobs, config.options, workers=request.workers, cache_dir=cache_dir)
    run = ProjectRun(rules, project_root(config, discovery.files), config.options, cache_dir)
    return with_project_findings(jobs, results, run), bool(discovery.missing)


def project_root(config: Config, files: Sequence[Path]) -> Path:
    """The folder holding pyproject.toml, else the common folder of the files linted."""
    if (config.root / PYPROJECT).is_file():
        return config.root
    return common_root(files)


def _cache_dir(request: CheckRequest, config: Config) -> Path | None:
    if request.no_cache:
        return None
    if request.cache_dir is not None:
        return request.cache_dir
    from_environment = os.environ.get(CACHE_DIR_ENV)
    return Path(from_environment) if from_environment else config.root / CACHE_DIR_NAME


def _report_internal_errors(errors: Sequence[InternalError]) -> None:
    for error in errors:
        click.echo(
            f"fastapi-lint: internal error in rule {error.rule} on {error.path}: {error.message}",
            err=True,
        )


def _emit(report: Report, request: CheckRequest) -> None:
    output = reporters.render(
        report, request.output_format, color=request.color, quiet=request.quiet
    )
    if request.output_file is None:
        click.echo(output, nl=False, color=request.color)
        return
    request.output_file.parent.mkdir(parents=True, exist_ok=True)
    request.output_file.write_text(output, encoding="utf-8")


def _exit_code(report: Report, request: CheckRequest, usage_problem: bool) -> int:
    if report.internal_errors or usage_problem:
        return EXIT_ERROR
    if report.diagnostics and not request.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def run_check(request: CheckRequest, config: Config) -> int:
    rules = _selected_rules(config)
    usage_problem = False
    if request.paths == (STDIN,):
        results = _lint_stdin(request, config, rules)
    else:
        results, usage_problem = _lint_paths(request, config, rules)
    report = build_report(results, [rule.info() for rule in registry.all_rules()])
    _report_internal_errors(report.internal_errors)
    _emit(report, request)
    return _exit_code(report, request, usage_problem)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="fastapi-lint")
def cli() -> None:
    """fastapi-lint: the review a senior FastAPI engineer would give, automated."""


_FORMAT = click.Choice(reporters.FORMATS)


@cli.command()
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
def check(paths: tuple[str, ...], **flags: Unpack[CheckFlags]) -> None:
    """Lint PATHS (default: the current directory); '-' reads standard input."""
    config = _load(flags["config_path"], _overrides(flags))
    raise click.exceptions.Exit(run_check(_request(paths, flags), config))


def _overrides(flags: CheckFlags) -> dict[str, tuple[str, ...] | None]:
    return {
        "select": _split(flags["select"]),
        "ignore": _split(flags["ignore"]),
        "extend_select": _split(flags["extend_select"]),
        "exclude": _split(flags["exclude"]),
        "extend_exclude": _split(flags["extend_exclude"]),
    }


def _request(paths: tuple[str, ...], flags: CheckFlags) -> CheckRequest:
    stdin_filename = flags["stdin_filename"]
    if stdin_filename and not paths:
        paths = (STDIN,)
    output_format = flags["output_format"]
    color = _wants_color(flags["no_color"], flags["output_file"]) and output_format == "text"
    return CheckRequest(
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


@cli.command(name="rules")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
def list_rules(output_format: str) -> None:
    """List every rule: code, name, family, default state, fixable."""
    infos = [rule.info() for rule in registry.all_rules()]
    text = rules_as_json(infos) if output_format == "json" else rules_as_text(infos)
    click.echo(text, nl=False)


class RoutesFlags(TypedDict):
    """The options of `routes`, as Click passes them."""

    output_format: str
    config_path: Path | None
    jobs: int | None
    cache_dir: Path | None
    no_cache: bool


@cli.command(name="routes")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
def list_routes(paths: tuple[str, ...], **flags: Unpack[RoutesFlags]) -> None:
    """Print every route of the project in PATHS (default: the current directory)."""
    config = _load(flags["config_path"], {})
    request = CheckRequest(
        paths=paths or (".",),
        output_format=flags["output_format"],
        output_file=None,
        exit_zero=False,
        color=False,
        quiet=False,
        force_exclude=False,
        stdin_filename=None,
        workers=flags["jobs"] or available_cpus(),
        cache_dir=flags["cache_dir"],
        no_cache=flags["no_cache"],
    )
    raise click.exceptions.Exit(run_routes(request, config))


def run_routes(request: CheckRequest, config: Config) -> int:
    discovery = discover(
        request.paths,
        root=config.root,
        exclude=config.exclude,
        extend_exclude=config.extend_exclude,
    )
    for missing in discovery.missing:
        click.echo(f"fastapi-lint: error: {missing}: no such file or directory", err=True)
    cwd = Path.cwd()
    jobs = [FileJob(f, _display_path(f, cwd), (), summarise=True) for f in discovery.files]
    cache_dir = _cache_dir(request, config)
    results = run_jobs(jobs, config.options, workers=request.workers, cache_dir=cache_dir)
    errors = [error for result in results for error in result.internal_errors]
    _report_internal_errors(errors)
    project = build_project(jobs, results, project_root(config, discovery.files), config.options)
    entries = route_table(project)
    render = route_report.as_json if request.output_format == "json" else route_report.as_text
    click.echo(render(entries), nl=False)
    return EXIT_ERROR if errors or discovery.missing else EXIT_CLEAN


@cli.command(name="rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Show the full documentation of one rule."""
    rule = registry.rule_by_code(code)
    if rule is None:
        raise _fail(f"unknown rule code {code!r} (see `fastapi-lint rules`)")
    click.echo(render_rule_docs(rule, color=sys.stdout.isatty()), nl=False)


def main() -> None:
    try:
        cli.main(prog_name="fastapi-lint", standalone_mode=True)
    except KeyboardInterrupt:  # a user's Ctrl-C is not an internal error
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - never show users a traceback
        text = str(error)[:300]
        click.echo(f"fastapi-lint: internal error: {type(error).__name__}: {text}", err=True)
        sys.exit(EXIT_ERROR)
