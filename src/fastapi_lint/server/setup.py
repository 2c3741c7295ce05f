"""How one document is linted: the nearest configuration, its rules, its project.

Read again for every lint (a few ``stat`` calls and one small TOML file), so an edit
to ``pyproject.toml`` applies from the next keystroke with nothing to watch.
A broken configuration never stops the linting: the problem is reported to the
client and the defaults apply.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint import registry
from fastapi_lint.cache import CACHE_DIR_ENV, CACHE_DIR_NAME
from fastapi_lint.config import PYPROJECT, Config, ConfigError, load_config
from fastapi_lint.files import exclude_patterns, is_excluded
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.runner.jobs import FileJob
from fastapi_lint.selection import rules_for_path


@dataclass(frozen=True, slots=True)
class ProjectKey:
    """A project as analysed: its folder, and the settings its summaries were made with."""

    root: Path
    options: RuleOptions
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocumentSetup:
    """Everything about linting one document except its text."""

    file: Path | None  # None for a document not on disk (an unsaved "untitled" buffer)
    display: str  # its path as findings name it: relative to the project root
    config: Config
    rules: tuple[type[Rule], ...]  # the selection; project rules look at every file with it
    file_rules: tuple[type[Rule], ...]  # the selection minus this file's per-file-ignores
    project: ProjectKey | None = None
    excluded: bool = False
    problems: tuple[str, ...] = ()

    @property
    def job(self) -> FileJob:
        return FileJob(self.file or Path(self.display), self.display, self.file_rules, True)


def setup_for(file: Path | None, name: str, folders: Sequence[Path]) -> DocumentSetup:
    """The setup of the document at ``file`` (or, not on disk, called ``name``)."""
    base = file.parent if file is not None else (folders[0] if folders else Path.cwd())
    config, problems = _config(base)
    rules, file_rules, more = _rules(config, file)
    root = _project_root(config, file, folders)
    project = ProjectKey(root, config.options, tuple(r.code for r in rules)) if root else None
    return DocumentSetup(
        file=file,
        display=display_path(file, root or config.root) if file is not None else name,
        config=config,
        rules=rules,
        file_rules=file_rules,
        project=project,
        excluded=file is not None and _excluded(file, config),
        problems=(*problems, *more),
    )


def _config(base: Path) -> tuple[Config, tuple[str, ...]]:
    try:
        return load_config(base), ()
    except ConfigError as error:
        fallback = Config(base, None, None, options=RuleOptions(project_root=str(base)))
        return fallback, (f"{error} (linting with the default settings)",)


def _rules(
    config: Config, file: Path | None
) -> tuple[tuple[type[Rule], ...], tuple[type[Rule], ...], tuple[str, ...]]:
    """The selection and this file's rules; the defaults when a selector is unknown."""
    try:
        rules = registry.select_rules(config.select, config.ignore, config.extend_select)
        return rules, rules_for_path(rules, file or config.root, config), ()
    except registry.SelectionError as error:
        defaults = registry.select_rules()
        return defaults, defaults, (f"{error} (linting with the default rules)",)


def _project_root(config: Config, file: Path | None, folders: Sequence[Path]) -> Path | None:
    """The folder holding pyproject.toml, else the innermost workspace folder holding the file."""
    if file is None:
        return None
    if (config.root / PYPROJECT).is_file():
        return config.root
    holding = [folder for folder in folders if file.is_relative_to(folder)]
    return max(holding, key=lambda folder: len(folder.parts), default=None)


def display_path(file: Path, root: Path) -> str:
    """Relative to the project root, as ``check`` run there prints it (and caches it)."""
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


def _excluded(file: Path, config: Config) -> bool:
    """Excluded by the configuration, as ``check --force-exclude`` would have it."""
    patterns = exclude_patterns(config.exclude, config.extend_exclude)
    return is_excluded(file, root=config.root, patterns=patterns, respect_gitignore=True)


def cache_dir(config: Config) -> Path:
    """The result cache ``check`` uses by default, so either one warms it for the other."""
    from_environment = os.environ.get(CACHE_DIR_ENV)
    return Path(from_environment) if from_environment else config.root / CACHE_DIR_NAME
