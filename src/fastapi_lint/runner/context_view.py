"""What ``fastapi-lint context`` shows: the project as a run sees it, and why.

Assembled from a run's ``ProjectSetup`` and its file jobs (each with its role and the
rules chosen for it), so the command explains exactly what ``check`` would do: the
target versions and their sources, the files of each role with a few examples and the
reason for each, the project's own app and router builders, the rules switched off for
the whole project by version, and, per role, the rules that do not review it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint.config import Config
from fastapi_lint.context.roles import FileRole, Role
from fastapi_lint.rule import Rule
from fastapi_lint.runner.context import ProjectSetup, VersionGate, for_role
from fastapi_lint.runner.jobs import FileJob
from fastapi_lint.selection import ignored_for_path

EXAMPLES_PER_ROLE = 3


@dataclass(frozen=True, slots=True)
class RoleFiles:
    """The files of one role: how many, and a few of them with the reason each got it."""

    role: Role
    count: int
    examples: tuple[tuple[str, FileRole], ...]
    skipped: tuple[type[Rule], ...]
    """Selected rules (on for the project) that do not review this role."""


@dataclass(frozen=True, slots=True)
class SkippedRule:
    """A selected rule that does not run on one file, and why."""

    rule: type[Rule]
    why: str


@dataclass(frozen=True, slots=True)
class FileView:
    """One file: its role and reason, the rules that run on it, those that do not."""

    path: str
    role: FileRole
    runs: tuple[type[Rule], ...]
    skipped: tuple[SkippedRule, ...]


@dataclass(frozen=True, slots=True)
class ContextView:
    setup: ProjectSetup
    root_reason: str
    roles: tuple[RoleFiles, ...]
    file: FileView | None = None


def role_files(setup: ProjectSetup, jobs: Sequence[FileJob]) -> tuple[RoleFiles, ...]:
    """Per role present, its files (the first few as examples) and the rules it skips."""
    placed = [(job.display_path, job.role) for job in jobs if job.role is not None]
    found: list[RoleFiles] = []
    for role in Role:
        mine = [(path, given) for path, given in placed if given.role is role]
        if mine:
            skipped = tuple(rule for rule in setup.rules if role not in rule.roles)
            found.append(RoleFiles(role, len(mine), tuple(mine[:EXAMPLES_PER_ROLE]), skipped))
    return tuple(found)


def file_view(
    setup: ProjectSetup, file: Path, shown: str, selection: Sequence[type[Rule]], config: Config
) -> FileView:
    """Why each selected rule runs on ``file`` or not: role, version, per-file ignores."""
    role = setup.role_of(file)
    ignored = ignored_for_path(file.absolute(), config)
    reviewing = set(for_role(setup.rules, role))
    gates = {gate.rule: gate for gate in setup.off}
    skipped: list[SkippedRule] = []
    runs: list[type[Rule]] = []
    for rule in selection:
        why = _why_not(rule, role, gates.get(rule), rule in ignored, rule in reviewing)
        if why is None:
            runs.append(rule)
        else:
            skipped.append(SkippedRule(rule, why))
    return FileView(shown, role, tuple(runs), tuple(skipped))


def _why_not(
    rule: type[Rule], role: FileRole, gate: VersionGate | None, ignored: bool, reviews: bool
) -> str | None:
    if gate is not None:
        return f"off for the project's target versions (needs {gate.needs})"
    if not reviews:
        return f"does not review {role.role.value} files"
    if ignored:
        return "turned off for this file by per-file-ignores"
    return None
