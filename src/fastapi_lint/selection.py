"""Which rules run on which file: the run's selection minus per-file ignores, for its role."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from fastapi_lint import registry
from fastapi_lint.config import Config
from fastapi_lint.files import is_excluded
from fastapi_lint.rule import Rule
from fastapi_lint.runner.context import ProjectSetup
from fastapi_lint.runner.jobs import FileJob


def ignored_for_path(path: Path, config: Config) -> frozenset[type[Rule]]:
    """Rules that ``per-file-ignores`` turns off for ``path``."""
    ignored: set[type[Rule]] = set()
    for glob, selectors in config.per_file_ignores:
        if is_excluded(path, root=config.root, patterns=[glob]):
            ignored |= registry.rules_matching(selectors, setting=f"per-file-ignores.{glob}")
    return frozenset(ignored)


def rules_for_path(
    rules: Sequence[type[Rule]], path: Path, config: Config
) -> tuple[type[Rule], ...]:
    if not config.per_file_ignores:
        return tuple(rules)
    ignored = ignored_for_path(path, config)
    return tuple(rule for rule in rules if rule not in ignored)


def jobs_for(
    files: Iterable[Path],
    rules: Sequence[type[Rule]],
    config: Config,
    display: Callable[[Path], str],
    setup: ProjectSetup | None = None,
) -> list[FileJob]:
    """One job per file; with a project ``setup``, each file's rules are those of its role."""
    if setup is None:
        return [FileJob(f, display(f), rules_for_path(rules, f, config)) for f in files]
    return [job_in_project(file, display(file), rules, config, setup) for file in files]


def job_in_project(
    file: Path, shown: str, rules: Sequence[type[Rule]], config: Config, setup: ProjectSetup
) -> FileJob:
    """The job of a file of the project: its role read, the rules of that role chosen."""
    role = setup.role_of(file)
    chosen = setup.rules_for_role(rules_for_path(rules, file, config), role)
    return FileJob(file, shown, chosen, role=role, context_key=setup.cache_key(role, chosen))
