"""Lint one file or one source text, the project step included when a project rule is on.

The per-file engine only summarises a file; here, when the rules include a project rule,
the file is also taken as the whole project (a lone file, an example, standard input)
and the project step runs over it, so its findings come back with the file's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

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


def _single_file_project(rules: Sequence[type[Rule]], project: ProjectMode) -> bool:
    return project == "auto" and any(is_project_rule(rule) for rule in rules)


def _finished(
    result: FileResult, rules: Sequence[type[Rule]], single_file_project: bool
) -> FileResult:
    return with_single_file_findings(result, rules) if single_file_project else result


def lint_source(
    source: str,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    project: ProjectMode = "auto",
) -> FileResult:
    """Lint already-decoded source text. Never raises for bad input."""
    single = _single_file_project(rules, project)
    result = engine.lint_source(source, path, rules, options, project == "collect" or single)
    return _finished(result, rules, single)


def lint_bytes(
    data: bytes,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    project: ProjectMode = "auto",
) -> FileResult:
    """Decode (BOM, coding cookie, UTF-8) then lint; undecodable input is one FAPI000."""
    single = _single_file_project(rules, project)
    result = engine.lint_bytes(data, path, rules, options, project == "collect" or single)
    return _finished(result, rules, single)


def lint_file(
    file: Path,
    display_path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions | None = None,
    project: ProjectMode = "auto",
) -> FileResult:
    """Read and lint one file."""
    single = _single_file_project(rules, project)
    summarise = project == "collect" or single
    result = engine.lint_file(file, display_path, rules, options, summarise)
    return _finished(result, rules, single)
