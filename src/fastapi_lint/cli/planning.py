"""The files a ``check`` of paths works on, its rules, and its project step: the part of
the command line that needs the rules (and so LibCST) imported.

``check`` imports this module only when something must be linted; a run answered whole
from the cache (``whole_run``) never does.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from fastapi_lint import registry
from fastapi_lint.cli.common import (
    STDIN,
    CheckRequest,
    checked_project_root,
    chosen_cache_dir,
    discover_paths,
    display_path,
    fail,
)
from fastapi_lint.config import PYPROJECT, Config
from fastapi_lint.context.project import Placement
from fastapi_lint.decoding import decode_source
from fastapi_lint.models import FileResult
from fastapi_lint.project.step import project_rules
from fastapi_lint.rule import Rule
from fastapi_lint.runner.context import ProjectSetup, for_role, project_setup
from fastapi_lint.runner.jobs import FileJob, run_jobs
from fastapi_lint.runner.project import ProjectRun, with_whole_project
from fastapi_lint.runner.project_files import project_files
from fastapi_lint.runner.single_file import lint_bytes
from fastapi_lint.selection import jobs_for, rules_for_path


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
    discovery = discover_paths(request, config)
    for problem in discovery.problems:
        click.echo(f"fastapi-lint: error: {problem.path}: {problem.reason}", err=True)
    root = checked_project_root(config, discovery.files)
    files = project_files(config, root, discovery.files, complete=_names_root(request, root))
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


def _names_root(request: CheckRequest, root: Path) -> bool:
    """Whether the request named the project's root and nothing else, so that its
    discovery is the project's (``check .`` at the root)."""
    paths = request.paths
    same = len(paths) == 1 and os.path.abspath(paths[0]) == os.path.abspath(root)
    return same and not request.force_exclude


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
