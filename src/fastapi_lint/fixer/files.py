"""Fix files: each read once, fixed in rounds, written back safely; then shown or listed.

A file is fixed only if its text reads back to the same bytes (encoding, BOM, line
endings kept) and compiles to begin with. The project rules' fixes are applied once
every file is fixed on its own, and the files they touch are linted again.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_lint.context.project import ALONE, Placement, ProjectContext
from fastapi_lint.decoding import source_encoding
from fastapi_lint.engine.lint import unreadable
from fastapi_lint.fixer.source import (
    AppliedFix,
    FixSettings,
    Lint,
    applied_fixes,
    apply_fixes,
    compiles,
    fix_source,
)
from fastapi_lint.fixer.writing import ReadOnlyError, write_atomically
from fastapi_lint.models import WORKER_CRASHED, Diagnostic, FileResult, InternalError
from fastapi_lint.options import RuleOptions
from fastapi_lint.project.step import project_rules
from fastapi_lint.rule import Rule
from fastapi_lint.rules.syntax.syntax_error import SyntaxErrorRule
from fastapi_lint.runner.jobs import (
    FileJob,
    lint_data,
    map_jobs,
    project_mode,
    remember,
    run_jobs,
)
from fastapi_lint.runner.project import Entry, ProjectRun, with_whole_project
from fastapi_lint.runner.single_file import lint_bytes, lint_source
from fastapi_lint.small_files import read_source_file

_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


# -- files -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileFix:
    """One file (or standard input) being fixed: its content before, and now.

    ``original`` is None when the file cannot be fixed at all (unreadable, or an encoding
    that does not read back to the same bytes). ``result`` holds the file's own findings
    in ``text``; the whole-project step adds the project rules' findings later.
    """

    path: str
    result: FileResult
    original: bytes | None = field(default=None, repr=False)
    encoding: str = "utf-8"
    text: str | None = field(default=None, repr=False)  # set once fixing changed something
    applied: tuple[AppliedFix, ...] = ()
    rounds: int = 0
    rejected: bool = False  # some fix made code that did not compile; it was left out
    error: str | None = None  # the fixed content could not be written
    # Not fixed on purpose, and why (a read-only file): said, but not a failure.
    refused: str | None = None
    # The findings of the file as it is on disk, reported if the fixes cannot be written.
    on_disk: FileResult | None = field(default=None, repr=False)

    @property
    def current(self) -> str:
        if self.text is not None:
            return self.text
        return self.original.decode(self.encoding) if self.original is not None else ""

    @property
    def content(self) -> bytes | None:
        """The new bytes, when fixing changed the text (encodable: checked when set)."""
        return None if self.text is None else self.text.encode(self.encoding)

    def diff(self) -> str:
        if self.text is None or self.original is None:
            return ""
        return unified_diff(self.path, self.original.decode(self.encoding), self.text)


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeError, LookupError):
        return False
    return True


def _opened(data: bytes, first: FileResult) -> FileFix:
    """The state of a file about to be fixed; not fixable if its text does not round-trip."""
    if any(d.code == SyntaxErrorRule.code for d in first.diagnostics):
        return FileFix(first.path, first)  # undecodable, or a syntax error: never rewritten
    encoding = source_encoding(data)
    text = data.decode(encoding)
    if not _encodable(text, encoding) or text.encode(encoding) != data:
        return FileFix(first.path, first)
    return FileFix(first.path, first, data, encoding, on_disk=first)


def _continued(state: FileFix, lint: Lint, settings: FixSettings) -> FileFix:
    """Apply rounds of fixes to the file's current text (and its findings in ``result``)."""
    if state.original is None:
        return state
    text = state.current
    fixed = fix_source(text, state.result, lint, settings)
    rejected = state.rejected or fixed.rejected
    if fixed.text == text:
        return dataclasses.replace(state, rejected=rejected)
    if not _encodable(fixed.text, state.encoding):
        return dataclasses.replace(state, rejected=True)
    return dataclasses.replace(
        state,
        result=fixed.result,
        text=fixed.text,
        applied=state.applied + fixed.applied,
        rounds=state.rounds + fixed.rounds,
        rejected=rejected,
    )


def fix_bytes(
    data: bytes,
    path: str,
    rules: Sequence[type[Rule]],
    options: RuleOptions,
    settings: FixSettings,
    placement: Placement = ALONE,
) -> FileFix:
    """Fix content that is not a file on disk (standard input), which is its own project."""

    def lint(text: str) -> FileResult:
        return lint_source(text, path, rules, options, placement=placement)

    first = lint_bytes(data, path, rules, options, placement=placement)
    return _continued(_opened(data, first), lint, settings)


def _job_lint(job: FileJob, options: RuleOptions, project: ProjectContext | None) -> Lint:
    placement = job.placement(project)

    def lint(text: str) -> FileResult:
        mode = project_mode(job)
        return lint_source(text, job.display_path, job.rules, options, mode, placement=placement)

    return lint


def fix_job(
    job: FileJob,
    options: RuleOptions,
    cache_dir: Path | None,
    settings: FixSettings,
    project: ProjectContext | None = None,
) -> FileFix:
    """Fix one file in memory; its first findings come from the cache when it has them."""
    try:
        data = read_source_file(job.file)
    except OSError as error:
        return FileFix(job.display_path, unreadable(job.display_path, error))
    first = lint_data(job, data, options, cache_dir, project)
    return _continued(_opened(data, first), _job_lint(job, options, project), settings)


def refix_job(
    item: tuple[FileJob, FileFix],
    options: RuleOptions,
    settings: FixSettings,
    project: ProjectContext | None = None,
) -> FileFix:
    """Go on fixing a file whose text changed in memory (by project rules' fixes)."""
    job, state = item
    lint = _job_lint(job, options, project)
    return _continued(dataclasses.replace(state, result=lint(state.current)), lint, settings)


def _crashed(item: object) -> FileFix:
    job = item[0] if isinstance(item, tuple) else item
    assert isinstance(job, FileJob)
    error = InternalError(job.display_path, "engine", WORKER_CRASHED)
    return FileFix(job.display_path, FileResult(job.display_path, internal_errors=(error,)))


def apply_project_fixes(
    states: list[FileFix],
    merged: Sequence[FileResult],
    codes: frozenset[str],
    settings: FixSettings,
) -> list[int]:
    """One round of the project rules' fixes, file by file; the indexes of files changed."""
    changed: list[int] = []
    for index, (state, result) in enumerate(zip(states, merged, strict=True)):
        chosen = [d for d in result.diagnostics if d.code in codes and settings.wants(d.fix)]
        fixed = _with_project_fixes(state, chosen)
        if fixed is None:
            continue
        states[index] = fixed
        if not fixed.rejected:
            changed.append(index)
    return changed


def _with_project_fixes(state: FileFix, chosen: list[Diagnostic]) -> FileFix | None:
    """``state`` with one round of ``chosen`` applied (or rejected); None if nothing applies."""
    if not chosen or state.original is None:
        return None
    text, used = apply_fixes(state.current, chosen)
    if not used or text == state.current:
        return None
    if not compiles(text, state.path) or not _encodable(text, state.encoding):
        return dataclasses.replace(state, rejected=True)
    return dataclasses.replace(state, text=text, applied=state.applied + applied_fixes(used))


@dataclass(frozen=True, slots=True)
class FixRun:
    """How ``fix_files`` runs: workers, cache, the project step, which fixes."""

    options: RuleOptions
    workers: int
    project: ProjectRun
    settings: FixSettings
    # The project's files the run was not given: their summaries feed the project step,
    # they are neither fixed nor reported.
    others: Sequence[FileJob] = ()


def fix_files(jobs: Sequence[FileJob], run: FixRun) -> tuple[list[FileFix], list[FileResult]]:
    """Fix every file, the project rules' fixes included; write them unless only diffing.

    Returns each file's state and its findings left, project findings included.
    """
    cache_dir, settings, project = run.project.cache_dir, run.settings, run.project.context
    work = functools.partial(
        fix_job, options=run.options, cache_dir=cache_dir, settings=settings, project=project
    )
    states = map_jobs(work, jobs, run.workers, _crashed)
    found = run_jobs(
        run.others, run.options, workers=run.workers, cache_dir=cache_dir, project=project
    )
    others = list(zip(run.others, found, strict=True))
    merged = _project_rounds(jobs, states, run, others)
    if not settings.write:
        return states, merged
    pairs = zip(jobs, states, strict=True)
    states = [_written(job, state, run.options, cache_dir) for job, state in pairs]
    if any(state.error is not None or state.refused is not None for state in states):
        # Report what is on disk: the files not written keep their old findings, and
        # the project rules see them as they are.
        merged = with_whole_project(jobs, [state.result for state in states], run.project, others)
    return states, merged


def _project_rounds(
    jobs: Sequence[FileJob], states: list[FileFix], run: FixRun, others: Sequence[Entry]
) -> list[FileResult]:
    """Apply the project rules' fixes, relinting and refixing the files they change.

    Project findings need every file's summary, so they come after the files' own
    rounds; their fixes are applied in rounds too, until none is left (bounded).
    Returns every file's findings, project findings included.
    """
    codes = frozenset(rule.code for rule in project_rules(run.project.rules))
    merged = with_whole_project(jobs, [state.result for state in states], run.project, others)
    again = functools.partial(
        refix_job, options=run.options, settings=run.settings, project=run.project.context
    )
    for _ in range(run.settings.max_rounds if codes else 0):
        changed = apply_project_fixes(states, merged, codes, run.settings)
        if not changed:
            break
        redone = map_jobs(again, [(jobs[i], states[i]) for i in changed], run.workers, _crashed)
        for index, state in zip(changed, redone, strict=True):
            states[index] = state
        merged = with_whole_project(jobs, [state.result for state in states], run.project, others)
    return merged


def _written(job: FileJob, state: FileFix, options: RuleOptions, cache_dir: Path | None) -> FileFix:
    content = state.content
    if content is None or state.original is None:
        return state
    try:
        write_atomically(job.file, content, expected=state.original)
    except OSError as error:
        reason = error.strerror or str(error)
        result = state.on_disk if state.on_disk is not None else state.result
        failed = dataclasses.replace(state, result=result, text=None, applied=())
        if isinstance(error, ReadOnlyError):
            return dataclasses.replace(failed, refused=f"not fixed: {reason}")
        return dataclasses.replace(failed, error=f"not fixed: {reason}")
    if cache_dir is None:
        return state
    return dataclasses.replace(
        state, result=remember(job, content, state.result, options, cache_dir)
    )


# -- showing -----------------------------------------------------------------------------


def unified_diff(path: str, old: str, new: str) -> str:
    """A patch-ready unified diff of one file (``\\ No newline at end of file`` included)."""
    if old == new:
        return ""
    lines = difflib.unified_diff(_physical_lines(old), _physical_lines(new), path, path)
    return "".join(
        line if line.endswith(("\n", "\r")) else f"{line}\n\\ No newline at end of file\n"
        for line in lines
    )


def _physical_lines(text: str) -> list[str]:
    # Python's own line breaks only: str.splitlines would also split at form feeds.
    return _PHYSICAL_LINE.findall(text)


def fixed_count(files: Sequence[FileFix]) -> int:
    return sum(len(file.applied) for file in files)


def fixes_listing(files: Sequence[FileFix]) -> list[str]:
    """``--show-fixes``: per file, how many findings of each rule its fixes removed."""
    lines: list[str] = []
    for file in files:
        if not file.applied:
            continue
        lines.append(f"- {file.path}:")
        counts = Counter((fix.code, fix.name) for fix in file.applied)
        lines.extend(f"    {n} × {code} ({name})" for (code, name), n in sorted(counts.items()))
    return lines
