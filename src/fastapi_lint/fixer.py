"""Apply fixes to files: choose them, apply them in rounds, check the result, write it safely.

A round applies every chosen fix whose edits do not overlap one already taken (earlier
fixes first); the others wait for the next round, when the file is linted again and
their rules recompute them against the new text. Rounds go on until nothing is left
to fix, at most ``max_rounds`` times. Each round's result must compile, or the round
is thrown away and fixing stops: a broken file is never written, and a file that does
not compile to begin with is never touched.

Edits are applied to the decoded text, whose line endings are the file's own, and the
text is encoded back with the file's encoding (BOM included). Files are replaced
atomically: a temporary file in the same folder, flushed to disk, given the original
file's mode, then ``os.replace``. An interrupted run leaves each file old or new.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import re
import stat
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_lint.decoding import source_encoding
from fastapi_lint.engine.lint import unreadable
from fastapi_lint.fixes import LineIndex
from fastapi_lint.models import Diagnostic, FileResult, Fix, InternalError
from fastapi_lint.options import RuleOptions
from fastapi_lint.project.step import project_rules
from fastapi_lint.rule import Rule
from fastapi_lint.rules.syntax.syntax_error import SyntaxErrorRule
from fastapi_lint.runner.jobs import FileJob, lint_data, map_jobs, project_mode, remember
from fastapi_lint.runner.project import ProjectRun, with_project_findings
from fastapi_lint.runner.single_file import lint_bytes, lint_source

MAX_ROUNDS = 10
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_Span = tuple[int, int, str]  # start offset, end offset, new text


@dataclass(frozen=True, slots=True)
class FixSettings:
    """Which fixes to apply, and whether the result is written or only shown."""

    unsafe: bool = False
    write: bool = True
    max_rounds: int = MAX_ROUNDS

    def wants(self, fix: Fix | None) -> bool:
        return fix is not None and (fix.applicability == "safe" or self.unsafe)


@dataclass(frozen=True, slots=True)
class AppliedFix:
    """One finding that a fix removed."""

    code: str
    name: str
    message: str


@dataclass(frozen=True, slots=True)
class FixedSource:
    """Text after fixing, the fixes applied, and the findings left in it."""

    text: str
    result: FileResult
    applied: tuple[AppliedFix, ...] = ()
    rounds: int = 0
    rejected: bool = False  # a round made code that did not compile and was thrown away


# -- one round ---------------------------------------------------------------------------


def _spans(fix: Fix, lines: LineIndex, size: int) -> list[_Span] | None:
    """The fix's edits as offsets, or None if one falls outside the text or two overlap."""
    spans: list[_Span] = []
    for edit in fix.edits:
        if not 1 <= edit.line <= edit.end_line <= len(lines.starts):
            return None
        start = lines.offset(edit.line, edit.column - 1)
        end = lines.offset(edit.end_line, edit.end_column - 1)
        if not 0 <= start <= end <= size:
            return None
        spans.append((start, end, edit.content))
    spans.sort()
    overlapping = any(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False))
    return None if overlapping else spans


def _clash(a: _Span, b: _Span) -> bool:
    # Touching edits clash too: which one goes first would be a guess.
    return a[0] <= b[1] and b[0] <= a[1]


def _fix_order(diagnostic: Diagnostic) -> tuple[int, int, str]:
    assert diagnostic.fix is not None
    first = min(diagnostic.fix.edits, key=lambda edit: (edit.line, edit.column), default=None)
    return (first.line, first.column, diagnostic.code) if first else (0, 0, diagnostic.code)


def apply_fixes(text: str, diagnostics: Sequence[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """One round: the fixes of ``diagnostics`` that do not clash, earlier ones first.

    Returns the new text and the diagnostics whose fixes went in. An edit identical to
    one already taken (two fixes adding the same import) is shared, not a clash.
    """
    lines = LineIndex(text)
    taken: list[_Span] = []
    used: list[Diagnostic] = []
    for diagnostic in sorted((d for d in diagnostics if d.fix), key=_fix_order):
        assert diagnostic.fix is not None
        fresh = _fresh_spans(_spans(diagnostic.fix, lines, len(text)), taken)
        if fresh is not None:
            taken.extend(fresh)
            used.append(diagnostic)
    for start, end, content in sorted(taken, reverse=True):
        text = text[:start] + content + text[end:]
    return text, used


def _fresh_spans(spans: list[_Span] | None, taken: list[_Span]) -> list[_Span] | None:
    """The spans not taken yet, or None when the fix is invalid or clashes with one taken."""
    if spans is None:
        return None
    fresh = [span for span in spans if span not in taken]
    clashes = any(_clash(span, other) for span in fresh for other in taken)
    return None if clashes else fresh


def compiles(text: str, path: str) -> bool:
    """CPython compiles it: parsed, and no error the compiler finds (``await`` misplaced...)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to print
            compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# -- rounds ------------------------------------------------------------------------------

Lint = Callable[[str], FileResult]


def _fixable_start(text: str, result: FileResult) -> bool:
    has_syntax_error = any(d.code == SyntaxErrorRule.code for d in result.diagnostics)
    return not has_syntax_error and compiles(text, result.path)


def _applied(diagnostics: Sequence[Diagnostic]) -> tuple[AppliedFix, ...]:
    return tuple(AppliedFix(d.code, d.name, d.fix.message if d.fix else "") for d in diagnostics)


def fix_source(text: str, first: FileResult, lint: Lint, settings: FixSettings) -> FixedSource:
    """Fix ``text`` (whose findings are ``first``) round after round; ``lint`` relints it."""
    current = FixedSource(text, first)
    if not any(settings.wants(d.fix) for d in first.diagnostics):
        return current
    if not _fixable_start(text, first):
        return current
    for number in range(1, settings.max_rounds + 1):
        following = _round(current, lint, settings, number)
        if following is None or following.text == current.text:
            return following or current
        current = following
    return current


def _round(
    current: FixedSource, lint: Lint, settings: FixSettings, number: int
) -> FixedSource | None:
    """The text after one more round; None when nothing applies.

    When the round's code does not compile, the fixes that break it on their own are
    left out (``rejected``) and the others applied; if that fails too, the round is.
    """
    chosen = [d for d in current.result.diagnostics if settings.wants(d.fix)]
    new_text, used = apply_fixes(current.text, chosen)
    if not used or new_text == current.text:
        return None
    rejected = current.rejected
    path = current.result.path
    if not compiles(new_text, path):
        rejected = True
        good = [d for d in used if compiles(apply_fixes(current.text, [d])[0], path)]
        new_text, used = apply_fixes(current.text, good)
        if not used or not compiles(new_text, path):
            return dataclasses.replace(current, rounds=number, rejected=True)
    applied = current.applied + _applied(used)
    return FixedSource(new_text, lint(new_text), applied, number, rejected)


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
    return FileFix(first.path, first, data, encoding)


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
    data: bytes, path: str, rules: Sequence[type[Rule]], options: RuleOptions, settings: FixSettings
) -> FileFix:
    """Fix content that is not a file on disk (standard input), which is its own project."""

    def lint(text: str) -> FileResult:
        return lint_source(text, path, rules, options)

    return _continued(_opened(data, lint_bytes(data, path, rules, options)), lint, settings)


def _job_lint(job: FileJob, options: RuleOptions) -> Lint:
    def lint(text: str) -> FileResult:
        return lint_source(text, job.display_path, job.rules, options, project_mode(job))

    return lint


def fix_job(
    job: FileJob, options: RuleOptions, cache_dir: Path | None, settings: FixSettings
) -> FileFix:
    """Fix one file in memory; its first findings come from the cache when it has them."""
    try:
        data = job.file.read_bytes()
    except OSError as error:
        return FileFix(job.display_path, unreadable(job.display_path, error))
    first = lint_data(job, data, options, cache_dir)
    return _continued(_opened(data, first), _job_lint(job, options), settings)


def refix_job(
    item: tuple[FileJob, FileFix], options: RuleOptions, settings: FixSettings
) -> FileFix:
    """Go on fixing a file whose text changed in memory (by project rules' fixes)."""
    job, state = item
    lint = _job_lint(job, options)
    return _continued(dataclasses.replace(state, result=lint(state.current)), lint, settings)


def _crashed(item: object) -> FileFix:
    job = item[0] if isinstance(item, tuple) else item
    assert isinstance(job, FileJob)
    error = InternalError(job.display_path, "engine", "a worker process crashed")
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
    return dataclasses.replace(state, text=text, applied=state.applied + _applied(used))


@dataclass(frozen=True, slots=True)
class FixRun:
    """How ``fix_files`` runs: workers, cache, the project step, which fixes."""

    options: RuleOptions
    workers: int
    project: ProjectRun
    settings: FixSettings


def fix_files(jobs: Sequence[FileJob], run: FixRun) -> tuple[list[FileFix], list[FileResult]]:
    """Fix every file, the project rules' fixes included; write them unless only diffing.

    Returns each file's state and its findings left, project findings included.
    """
    cache_dir, settings = run.project.cache_dir, run.settings
    work = functools.partial(fix_job, options=run.options, cache_dir=cache_dir, settings=settings)
    states = map_jobs(work, jobs, run.workers, _crashed)
    merged = _project_rounds(jobs, states, run)
    if settings.write:
        pairs = zip(jobs, states, strict=True)
        states = [_written(job, state, run.options, cache_dir) for job, state in pairs]
    return states, merged


def _project_rounds(
    jobs: Sequence[FileJob], states: list[FileFix], run: FixRun
) -> list[FileResult]:
    """Apply the project rules' fixes, relinting and refixing the files they change.

    Project findings need every file's summary, so they come after the files' own
    rounds; their fixes are applied in rounds too, until none is left (bounded).
    Returns every file's findings, project findings included.
    """
    codes = frozenset(rule.code for rule in project_rules(run.project.rules))
    merged = with_project_findings(jobs, [state.result for state in states], run.project)
    again = functools.partial(refix_job, options=run.options, settings=run.settings)
    for _ in range(run.settings.max_rounds if codes else 0):
        changed = apply_project_fixes(states, merged, codes, run.settings)
        if not changed:
            break
        redone = map_jobs(again, [(jobs[i], states[i]) for i in changed], run.workers, _crashed)
        for index, state in zip(changed, redone, strict=True):
            states[index] = state
        merged = with_project_findings(jobs, [state.result for state in states], run.project)
    return merged


def _written(job: FileJob, state: FileFix, options: RuleOptions, cache_dir: Path | None) -> FileFix:
    content = state.content
    if content is None or state.original is None:
        return state
    try:
        write_atomically(job.file, content, expected=state.original)
    except OSError as error:
        reason = error.strerror or str(error)
        return dataclasses.replace(state, applied=(), error=f"not fixed: {reason}")
    if cache_dir is None:
        return state
    return dataclasses.replace(
        state, result=remember(job, content, state.result, options, cache_dir)
    )


# -- writing -----------------------------------------------------------------------------


class FileChangedError(OSError):
    """The file changed on disk while it was being fixed."""


def write_atomically(target: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace ``target``'s content with ``data``, all at once, keeping its mode.

    A symlink's target is what gets replaced, so the link stays a link. ``expected`` is
    the content the fix was computed from: if the file no longer holds it, nothing is
    written (another program changed it meanwhile).
    """
    real = Path(os.path.realpath(target))
    mode = stat.S_IMODE(real.stat().st_mode)
    if expected is not None and real.read_bytes() != expected:
        raise FileChangedError(0, "the file changed while it was being fixed")
    handle, temporary = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(real.parent)


def _sync_folder(folder: Path) -> None:
    # The rename itself reaches the disk only once the folder is synced (POSIX).
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse: the data is safe, only the rename may lag
    finally:
        os.close(descriptor)


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
