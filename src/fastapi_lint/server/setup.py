"""How one document is linted: the nearest configuration, its rules, its project.

Read again for every lint (a few ``stat`` calls and one small TOML file), so an edit
to ``pyproject.toml`` applies from the next keystroke with nothing to watch.
A broken configuration never stops the linting: the problem is reported to the
client and the defaults apply.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_lint import registry
from fastapi_lint.cache_folder import CACHE_DIR_ENV, CACHE_DIR_NAME
from fastapi_lint.config import PYPROJECT, Config, ConfigError, load_config
from fastapi_lint.context.project import ALONE, Placement
from fastapi_lint.context.versions import DECLARATION_FILES
from fastapi_lint.files import exclude_patterns, is_excluded
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.runner.context import ProjectSetup, for_role, project_setup
from fastapi_lint.runner.jobs import FileJob
from fastapi_lint.runner.project_files import project_files
from fastapi_lint.selection import rules_for_path


@dataclass(frozen=True, slots=True)
class ProjectKey:
    """A project as analysed: its folder, and the settings its summaries were made with."""

    root: Path
    options: RuleOptions
    codes: tuple[str, ...]
    # The target versions and router builders its files were linted with.
    context: str = ""


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
    # The project's context as ``check`` builds it: target versions, roles, router builders.
    context: ProjectSetup | None = None

    def placed(self, text: str) -> tuple[tuple[type[Rule], ...], Placement]:
        """The rules for the document's ``text`` (its role decides them) and its placement."""
        if self.context is None:
            return self.file_rules, ALONE
        role = self.context.role_of_text(self.file or Path(self.display), text)
        return for_role(self.file_rules, role), self.context.placement(role)

    def job_for(self, rules: tuple[type[Rule], ...], placement: Placement) -> FileJob:
        file = self.file or Path(self.display)
        return FileJob(file, self.display, rules, True, role=placement.role)

    @property
    def job(self) -> FileJob:
        return FileJob(self.file or Path(self.display), self.display, self.file_rules, True)


def setup_for(file: Path | None, name: str, folders: Sequence[Path]) -> DocumentSetup:
    """The setup of the document at ``file`` (or, not on disk, called ``name``)."""
    base = file.parent if file is not None else (folders[0] if folders else Path.cwd())
    config, problems = _config(base)
    selection, _, more = _rules(config, file)
    root = _project_root(config, file, folders)
    context = project_context(config, root or config.root, selection)
    rules = context.rules  # the selection without the rules off for the project's targets
    file_rules = rules_for_path(rules, file or config.root, config)
    key = _context_key(context)
    codes = tuple(rule.code for rule in rules)
    project = ProjectKey(root, config.options, codes, key) if root else None
    return DocumentSetup(
        file=file,
        display=display_path(file, root or config.root) if file is not None else name,
        config=config,
        rules=rules,
        file_rules=file_rules,
        project=project,
        excluded=file is not None and _excluded(file, config),
        problems=(*problems, *more),
        context=context,
    )


# A project's context is built once per project and configuration, and again when one of
# its declaration files (pyproject.toml, a lock, requirements*.txt) changes.
_CONTEXTS: dict[tuple[str, str, tuple[str, ...]], tuple[object, ProjectSetup]] = {}
_CONTEXTS_LOCK = threading.Lock()


def project_context(config: Config, root: Path, rules: Sequence[type[Rule]]) -> ProjectSetup:
    """The project's setup as ``check`` makes it, kept while its declarations are unchanged."""
    key = (str(root), repr(config), tuple(rule.code for rule in rules))
    stamp = _declarations_stamp(root)
    with _CONTEXTS_LOCK:
        known = _CONTEXTS.get(key)
    if known is not None and known[0] == stamp:
        return known[1]
    built = project_setup(config, root, rules, project_files(config, root))
    with _CONTEXTS_LOCK:
        _CONTEXTS[key] = (stamp, built)
    return built


def _declarations_stamp(root: Path) -> object:
    """Size and time of each file the target versions are read from."""
    try:
        names = sorted(name for name in os.listdir(root) if _is_declaration(name))
    except OSError:
        return ()
    stamp = []
    for name in names:
        try:
            found = os.stat(root / name)
        except OSError:
            continue
        stamp.append((name, found.st_size, found.st_mtime_ns))
    return tuple(stamp)


def _is_declaration(name: str) -> bool:
    return name in DECLARATION_FILES or name.startswith("requirements")


def _context_key(context: ProjectSetup) -> str:
    project = context.context
    return f"{project.targets.fingerprint()}|{project.routers.fingerprint()}"


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
