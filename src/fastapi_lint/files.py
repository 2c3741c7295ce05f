"""Find the Python files to lint: walk directories, honour excludes and ``.gitignore``.

Exclude patterns and ``.gitignore`` lines share gitignore syntax (via ``pathspec``).
Excludes are matched against the path relative to the project root, so an unanchored
pattern such as ``build`` matches a directory of that name at any depth, and an anchored
one such as ``tests/fixtures/*.py`` matches from the root. Excluded and ignored
directories are pruned, never walked.

Paths named explicitly are linted even when excluded or ignored, unless
``force_exclude`` is set; an explicitly named directory that is itself excluded is
walked as a tree of its own (patterns relative to it, no ancestor ``.gitignore``),
because its own name would otherwise exclude everything inside it.

A walk never leaves the trees it was given: symlinked directories met on the way are
not followed (as git and ruff do not), so ``--fix`` cannot write outside them. A
symlinked file is linted once, at its real location, and only when that lies inside
a tree given (or it was named itself). Only regular files are read: a named pipe or a
device named on the command line is a problem reported, never opened.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from pathspec import GitIgnoreSpec

from fastapi_lint.run_inputs import note_read, note_scan
from fastapi_lint.small_files import DECLARATIONS_LIMIT

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "__pycache__",
    "node_modules",
    "build",
    "dist",
    "site-packages",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".fastapi_lint_cache",
    ".eggs",
    "*.egg-info",
)
GITIGNORE = ".gitignore"
# Read whole, whatever the size; a recorded read is checked again with this bound (a
# larger file is then never found unchanged, so a replay is only ever missed).
GITIGNORE_LIMIT = DECLARATIONS_LIMIT
_PYTHON_SUFFIX = ".py"


@dataclass(frozen=True, slots=True)
class PathProblem:
    """A path given or met that cannot be linted, and why (``no such file or directory``)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Discovery:
    files: tuple[Path, ...]
    """Absolute (not symlink-resolved) paths, unique, sorted by their string form."""
    problems: tuple[PathProblem, ...] = ()
    """Named paths that cannot be linted (as given), and folders a walk could not read."""

    @property
    def missing(self) -> tuple[str, ...]:
        """The paths of ``problems``: a run that has any is incomplete."""
        return tuple(problem.path for problem in self.problems)


def exclude_patterns(
    exclude: Sequence[str] | None, extend_exclude: Sequence[str]
) -> tuple[str, ...]:
    """The patterns in force: ``exclude`` replaces the defaults, ``extend_exclude`` adds."""
    return (*(DEFAULT_EXCLUDES if exclude is None else exclude), *extend_exclude)


def invalid_pattern(patterns: Iterable[str]) -> str | None:
    """The first pattern pathspec cannot compile, so config can report it by name."""
    for pattern in patterns:
        try:
            GitIgnoreSpec.from_lines([pattern])
        except (ValueError, re.error):
            return pattern
    return None


def discover(
    paths: Sequence[str],
    *,
    root: Path,
    exclude: Sequence[str] | None,
    extend_exclude: Sequence[str],
    force_exclude: bool = False,
    respect_gitignore: bool = True,
) -> Discovery:
    """Expand ``paths`` (files and directories) into the ``.py`` files to lint."""
    root_dir = _absolute(root)
    spec = _compile(exclude_patterns(exclude, extend_exclude))
    walker = _Walker(root_dir, spec, _GitIgnores(root_dir) if respect_gitignore else None)
    problems: list[PathProblem] = []
    for raw in paths:
        path = _absolute(raw)
        reason = _not_lintable(path)
        if reason is not None:
            problems.append(PathProblem(raw, reason))
            continue
        walker.add_explicit(path, force_exclude=force_exclude)
    found = sorted(walker.files)
    problems.extend(walker.problems)
    return Discovery(files=tuple(Path(file) for file in found), problems=tuple(problems))


def _not_lintable(path: str) -> str | None:
    """Why a named path cannot be linted: gone, a symlink loop, a pipe; None if it can."""
    try:
        status = os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "too many levels of symbolic links (a symlink loop)"
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return "no such file or directory"
        return (error.strerror or type(error).__name__).lower()
    if stat.S_ISDIR(status.st_mode) or stat.S_ISREG(status.st_mode):
        return None
    return "not a regular file (a pipe, socket or device is never read)"


def is_excluded(
    path: Path,
    *,
    root: Path,
    patterns: Sequence[str],
    respect_gitignore: bool = False,
) -> bool:
    """Whether ``path`` (or a directory above it, up to ``root``) matches ``patterns``.

    ``patterns`` are the full list in force (see ``exclude_patterns``). A path outside
    ``root`` is matched by its name only, since relative patterns cannot apply to it.
    With ``respect_gitignore`` a path ignored by git counts as excluded too.
    """
    root_dir, file = _absolute(root), _absolute(path)
    is_dir = os.path.isdir(file)
    if _matches(_compile(tuple(patterns)), file, root_dir, is_dir=is_dir):
        return True
    if not respect_gitignore:
        return False
    return _ignored(file, is_dir, _GitIgnores(root_dir).ancestors(file))


def _absolute(path: str | Path) -> str:
    # Lexical only: resolving symlinks would move files out from under the root and
    # change the paths users see in reports. Strings, not Paths, because building
    # Path objects dominated the walk's profile.
    return os.path.abspath(path)


@functools.lru_cache(maxsize=16)
def _compile(patterns: tuple[str, ...]) -> GitIgnoreSpec:
    return GitIgnoreSpec.from_lines(patterns)


def _prefix(base: str) -> str:
    return base if base.endswith(os.sep) else base + os.sep


def _is_under(path: str, base: str) -> bool:
    return path.startswith(_prefix(base))


def _relative(path: str, base: str, *, is_dir: bool) -> str:
    """The gitignore-style subject: posix, relative to ``base``, ``/``-suffixed for dirs."""
    prefix = _prefix(base)
    rel = path[len(prefix) :] if path.startswith(prefix) else os.path.basename(path)
    if os.sep != "/":
        rel = rel.replace(os.sep, "/")
    return f"{rel}/" if is_dir else rel


def _matches(spec: GitIgnoreSpec, path: str, base: str, *, is_dir: bool) -> bool:
    if path == base:
        return False
    return bool(spec.match_file(_relative(path, base, is_dir=is_dir)))


@dataclass(frozen=True, slots=True)
class _Layer:
    """One ``.gitignore`` file: its patterns apply below ``base``."""

    base: str
    spec: GitIgnoreSpec


Layers = tuple[_Layer, ...]


def _ignored(path: str, is_dir: bool, layers: Layers) -> bool:
    """Git's verdict: the deepest ``.gitignore`` with a matching line decides."""
    verdict: bool | None = None
    for layer in layers:
        include = layer.spec.check_file(_relative(path, layer.base, is_dir=is_dir)).include
        if include is not None:
            verdict = include
    return verdict is True


def _read_gitignore(file: str) -> GitIgnoreSpec | None:
    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as error:  # absent (the usual case), a directory, or unreadable
        note_read(file, GITIGNORE_LIMIT, error)
        return None
    note_read(file, GITIGNORE_LIMIT, data)
    lines = data.decode("utf-8", errors="replace").splitlines()
    try:
        return GitIgnoreSpec.from_lines(lines)
    except (ValueError, re.error):
        # Git skips lines it cannot parse rather than rejecting the whole file.
        return GitIgnoreSpec.from_lines(line for line in lines if invalid_pattern([line]) is None)


class _GitIgnores:
    """Reads each ``.gitignore`` at most once per discovery."""

    def __init__(self, root: str) -> None:
        self._root = root
        self._cache: dict[str, GitIgnoreSpec | None] = {}

    def layer(self, directory: str) -> Layers:
        if directory not in self._cache:
            self._cache[directory] = _read_gitignore(os.path.join(directory, GITIGNORE))
        spec = self._cache[directory]
        return () if spec is None else (_Layer(directory, spec),)

    def ancestors(self, path: str) -> Layers:
        """Layers of the directories above ``path``, from the repository top down."""
        top = self._top(Path(path))
        if top is None:
            return ()
        above = [str(d) for d in reversed(Path(path).parents) if d.is_relative_to(top)]
        return tuple(layer for directory in above for layer in self.layer(directory))

    def _top(self, path: Path) -> Path | None:
        """The nearest repository top, else the root when ``path`` is under it."""
        for directory in (path, *path.parents):
            if (directory / ".git").exists():
                return directory
        return Path(self._root) if path.is_relative_to(self._root) else None


class _Kind(Enum):
    DIRECTORY = "directory"
    PYTHON_FILE = "python file"


def _kind(entry: os.DirEntry[str]) -> _Kind | None:
    """A directory (never through a symlink) or a regular Python file; else None."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return _Kind.DIRECTORY
        if entry.name.endswith(_PYTHON_SUFFIX) and entry.is_file():
            return _Kind.PYTHON_FILE
    except OSError:  # the entry vanished or cannot be stat-ed: nothing to lint
        return None
    return None


def _scan(directory: str) -> list[os.DirEntry[str]] | OSError:
    try:
        with os.scandir(directory) as entries:
            found: list[os.DirEntry[str]] | OSError = sorted(entries, key=lambda e: e.name)
    except OSError as error:  # permission denied, or vanished meanwhile
        found = error
    note_scan(directory, found)
    return found


def _identity(directory: str) -> tuple[int, int] | None:
    """Device and inode: one stat, where realpath costs one per path component."""
    try:
        status = os.stat(directory)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


@dataclass(slots=True)
class _Walk:
    """One directory walk: where excludes are relative to, and what is still to visit."""

    base: str
    pending: list[tuple[str, Layers]]

    def next(self) -> tuple[str, Layers] | None:
        return self.pending.pop() if self.pending else None


class _Walker:
    def __init__(self, root: str, spec: GitIgnoreSpec, gitignores: _GitIgnores | None) -> None:
        self.files: set[str] = set()
        self.problems: list[PathProblem] = []
        self._root = root
        self._spec = spec
        self._gitignores = gitignores
        self._visited: set[tuple[int, int]] = set()
        self._trees: list[str] = []  # the directories given: symlinked files stay inside

    def add_explicit(self, path: str, *, force_exclude: bool) -> None:
        is_dir = os.path.isdir(path)
        skipped = (is_dir or force_exclude) and self._skipped_explicitly(path, is_dir)
        if skipped and force_exclude:
            return
        if is_dir:
            self._trees.append(path)
            self._walk(path, standalone=skipped)
        else:
            self._add_file(path, named=True)

    def _add_file(self, path: str, *, named: bool) -> None:
        """A file to lint; a symlinked one at its real location, inside a tree given."""
        if not os.path.islink(path):
            self.files.add(path)
            return
        real = _located_in(os.path.realpath(path), self._trees)
        if real is not None:
            self.files.add(real)
        elif named:
            self.files.add(os.path.realpath(path))

    def _skipped_explicitly(self, path: str, is_dir: bool) -> bool:
        if _matches(self._spec, path, self._root, is_dir=is_dir):
            return True
        if self._gitignores is None:
            return False
        return _ignored(path, is_dir, self._gitignores.ancestors(path))

    def _walk(self, start: str, *, standalone: bool) -> None:
        under_root = start == self._root or _is_under(start, self._root)
        base = self._root if under_root and not standalone else start
        layers: Layers = ()
        if self._gitignores is not None and not standalone:
            layers = self._gitignores.ancestors(start)
        walk = _Walk(base, [(start, layers)])
        while (item := walk.next()) is not None:
            self._visit_directory(walk, *item)

    def _first_visit(self, directory: str) -> bool:
        identity = _identity(directory)
        if identity is None or identity in self._visited:  # gone, a loop, or walked already
            return False
        self._visited.add(identity)
        return True

    def _visit_directory(self, walk: _Walk, directory: str, inherited: Layers) -> None:
        if not self._first_visit(directory):
            return
        entries = _scan(directory)
        if isinstance(entries, OSError):
            reason = (entries.strerror or type(entries).__name__).lower()
            self.problems.append(PathProblem(directory, f"cannot read folder: {reason}"))
            return
        if any(entry.name == ".git" for entry in entries):
            inherited = ()  # a nested repository does not see the outer .gitignore files
        layers = inherited + self._own_layer(directory)
        for entry in entries:
            self._visit_entry(walk, entry, layers)

    def _own_layer(self, directory: str) -> Layers:
        return () if self._gitignores is None else self._gitignores.layer(directory)

    def _visit_entry(self, walk: _Walk, entry: os.DirEntry[str], layers: Layers) -> None:
        kind = _kind(entry)
        if kind is None:
            return
        path, is_dir = entry.path, kind is _Kind.DIRECTORY
        if _matches(self._spec, path, walk.base, is_dir=is_dir) or _ignored(path, is_dir, layers):
            return
        if is_dir:  # never a symlinked one (see ``_kind``)
            walk.pending.append((path, layers))
        else:
            self._add_file(path, named=False)


def _located_in(real: str, trees: Sequence[str]) -> str | None:
    """``real`` as a path under the first of ``trees`` (given lexically) that holds it."""
    for tree in trees:
        real_tree = os.path.realpath(tree)
        if real == real_tree or _is_under(real, real_tree):
            return os.path.join(tree, os.path.relpath(real, real_tree))
    return None
