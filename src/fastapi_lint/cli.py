"""The command line: turns flags into options, runs the engine, picks exit codes."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import click

from fastapi_lint import __version__, registry, reporters, route_report
from fastapi_lint.baseline import BaselineError, load_baseline, without_baselined, write_baseline
from fastapi_lint.cache import CACHE_DIR_ENV, CACHE_DIR_NAME
from fastapi_lint.changed_lines import (
    GitError,
    changed_lines,
    only_changed,
    repository_root,
    resolve,
)
from fastapi_lint.config import PYPROJECT, Config, ConfigError, load_config, with_overrides
from fastapi_lint.docs import render_rule_docs, rules_as_json, rules_as_text
from fastapi_lint.files import discover, exclude_patterns, is_excluded
from fastapi_lint.fixer import (
    FileFix,
    FixRun,
    FixSettings,
    fix_bytes,
    fix_files,
    fixed_count,
    fixes_listing,
)
from fastapi_lint.models import FileResult, InternalError, Report
from fastapi_lint.project.step import project_rules
from fastapi_lint.project_model.modules import common_root
from fastapi_lint.project_model.routes import route_table
from fastapi_lint.reporters.statistics import render_statistics, render_statistics_json
from fastapi_lint.rule import Rule
from fastapi_lint.runner.jobs import FileJob, available_cpus, run_jobs
from fastapi_lint.runner.project import ProjectRun, build_project, with_project_findings
from fastapi_lint.runner.report import build_report
from fastapi_lint.runner.single_file import lint_bytes
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
    fix: bool
    unsafe_fixes: bool
    diff: bool
    show_fixes: bool
    baseline: Path | None
    write_baseline: Path | None
    diff_from: str | None
    statistics: bool


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


@dataclass(frozen=True, slots=True)
class _Plan:
    """The files a ``check`` of paths works on, and how their project step runs."""

    jobs: list[FileJob]
    run: ProjectRun
    missing: bool


def _plan(request: CheckRequest, config: Config, rules: Sequence[type[Rule]]) -> _Plan:
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
    run = ProjectRun(rules, project_root(config, discovery.files), config.options, cache_dir)
    return _Plan(jobs, run, bool(discovery.missing))


def _lint_paths(
    request: CheckRequest, config: Config, rules: Sequence[type[Rule]]
) -> tuple[list[FileResult], bool]:
    plan = _plan(request, config, rules)
    cache_dir = plan.run.cache_dir
    results = run_jobs(plan.jobs, config.options, workers=request.workers, cache_dir=cache_dir)
    return with_project_findings(plan.jobs, results, plan.run), plan.missing


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


def _emit(report: Report, request: CheckRequest, *, err: bool = False) -> None:
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


def _exit_code(report: Report, request: CheckRequest, usage_problem: bool) -> int:
    if report.internal_errors or usage_problem:
        return EXIT_ERROR
    if report.diagnostics and not request.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def run_check(request: CheckRequest, config: Config) -> int:
    rules = _selected_rules(config)
    _check_scope_flags(request)
    if request.fixing:
        return run_fix(request, config, rules)
    usage_problem = False
    if request.paths == (STDIN,):
        results = _lint_stdin(request, config, rules)
    else:
        results, usage_problem = _lint_paths(request, config, rules)
    report = build_report(results, [rule.info() for rule in registry.all_rules()])
    _report_internal_errors(report.internal_errors)
    report = _narrowed(report, request, complete=not usage_problem)
    _emit(report, request)
    return _exit_code(report, request, usage_problem)


# -- check --baseline / --write-baseline / --diff-from -----------------------------------

_CONFLICTS = (
    ("write_baseline", "baseline"),
    ("write_baseline", "diff_from"),
    ("diff", "baseline"),
    ("diff", "write_baseline"),
    ("diff", "diff_from"),
    ("diff", "statistics"),
)


def _check_scope_flags(request: CheckRequest) -> None:
    """Refuse conflicting flags, a bad baseline file or git revision before linting."""
    for first, second in _CONFLICTS:
        if getattr(request, first) and getattr(request, second):
            flags = (f"--{name.replace('_', '-')}" for name in (first, second))
            raise _fail("{} cannot be combined with {}".format(*flags))
    if request.diff_from is not None and request.paths == (STDIN,):
        raise _fail("--diff-from reads changes from git, so it cannot check standard input")
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
        raise _fail(str(error)) from None


def _narrowed(report: Report, request: CheckRequest, *, complete: bool) -> Report:
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
        raise _fail(f"cannot write baseline file {file}: {error}") from None
    if not quiet:
        noun = "finding" if count == 1 else "findings"
        click.echo(f"fastapi-lint: recorded {count} {noun} in {file}", err=True)
    return True


# -- check --fix / --diff ----------------------------------------------------------------


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
    file_rules = rules_for_path(rules, Path(name).absolute(), config)
    data = sys.stdin.buffer.read()
    return fix_bytes(data, name, file_rules, config.options, _fix_settings(request)), data


def _fix_paths(
    request: CheckRequest, config: Config, rules: Sequence[type[Rule]]
) -> tuple[list[FileFix], list[FileResult], bool]:
    plan = _plan(request, config, rules)
    run = FixRun(config.options, request.workers, plan.run, _fix_settings(request))
    fixes, results = fix_files(plan.jobs, run)
    return fixes, results, plan.missing


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
    _report_internal_errors(errors)
    if errors or usage_problem or _report_fix_errors(fixes):
        return EXIT_ERROR
    return EXIT_FINDINGS if patch and not request.exit_zero else EXIT_CLEAN


def _fix_report(fixes: Sequence[FileFix], results: Sequence[FileResult]) -> Report:
    report = build_report(results, [rule.info() for rule in registry.all_rules()])
    _report_internal_errors(report.internal_errors)
    return report


def run_fix(request: CheckRequest, config: Config, rules: Sequence[type[Rule]]) -> int:
    if request.paths == (STDIN,):
        return _run_fix_stdin(request, config, rules)
    fixes, results, usage_problem = _fix_paths(request, config, rules)
    if request.diff:
        return _show_diff(fixes, request, usage_problem)
    report = _fix_report(fixes, results)
    report = _narrowed(report, request, complete=not usage_problem)
    _emit(report, request)
    # Next to a human-readable report, else on stderr so JSON or SARIF stay parseable.
    to_stderr = request.output_file is not None or request.output_format not in _HUMAN
    for line in _fix_lines(fixes, request, "Fixed"):
        click.echo(line, err=to_stderr)
    write_failed = _report_fix_errors(fixes)
    return _exit_code(report, request, usage_problem or write_failed)


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
    report = _fix_report([fix], [fix.result])
    report = _narrowed(report, request, complete=True)
    _emit(report, request, err=True)
    for line in _fix_lines([fix], request, "Fixed"):
        click.echo(line, err=True)
    return _exit_code(report, request, False)


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


@cli.command(name="server")
def language_server() -> None:
    """Run the language server (LSP over stdio) for editors: live findings and quick fixes."""
    # Imported here: `check` and the other commands never load pygls.
    from fastapi_lint.server import serve

    serve()


def main() -> None:
    try:
        cli.main(prog_name="fastapi-lint", standalone_mode=True)
    except KeyboardInterrupt:  # a user's Ctrl-C is not an internal error
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - never show users a traceback
        text = str(error)[:300]
        click.echo(f"fastapi-lint: internal error: {type(error).__name__}: {text}", err=True)
        sys.exit(EXIT_ERROR)
