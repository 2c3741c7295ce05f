"""Lint one file or one source text, the project step included when a project rule is on.

The per-file engine only summarises a file; here, when the rules include a project rule,
the file is also taken as the whole project (a lone file, an example, standard input)
and the project step runs over it, so its findings come back with the file's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Literal

from fastapi_lint.context.project import ALONE, Placement
from fastapi_lint.engine import lint as engine
from fastapi_lint.models import FileResult
from fastapi_lint.options import RuleOptions
from fastapi_lint.project.step import with_single_file_findings
from fastapi_lint.rule import Rule, is_project_rule

# What a lint call does about whole-project analysis: "auto" treats the one file as the
# project (it is summarised and the project rules run when any is selected); "collect"
# only summarises, for a caller that runs the project step over every file; "skip" does
# neither.
ProjectMode = Literal["auto", "collect", "skip"]


Lint = Callable[[bool], FileResult]  # the engine's lint of the file, told whether to summarise


def _linted(
    rules: Sequence[type[Rule]], project: ProjectMode, lint: Lint, placement: Placement
) -> FileResult:
    single_file_project = project == "auto" and any(is_project_rule(rule) for rule in rules)
    result = lint(project == "collect" or single_file_project)
    if not single_file_project:
        return result
    targets = placement.project.targets if placement.project is not None else None
    return with_single_file_findings(result, rules, targets)


def lint_source(
    source: str,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    project: ProjectMode = "auto",
    *,
    placement: Placement = ALONE,
) -> FileResult:
    """Lint already-decoded source text. Never raises for bad input.

    Every rule given runs (choosing them by the file's role is the caller's part);
    ``placement`` gives them the project's context and gates the fixes by its targets.
    """
    lint = partial(engine.lint_source, source, path, rules, options, placement=placement)
    return _linted(rules, project, lint, placement)


def lint_bytes(
    data: bytes,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    project: ProjectMode = "auto",
    *,
    placement: Placement = ALONE,
) -> FileResult:
    """Decode (BOM, coding cookie, UTF-8) then lint; undecodable input is one FAPI000."""
    lint = partial(engine.lint_bytes, data, path, rules, options, placement=placement)
    return _linted(rules, project, lint, placement)


def lint_file(
    file: Path,
    display_path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    project: ProjectMode = "auto",
    *,
    placement: Placement = ALONE,
) -> FileResult:
    """Read and lint one file."""
    lint = partial(engine.lint_file, file, display_path, rules, options, placement=placement)
    return _linted(rules, project, lint, placement)
