"""Dotted module names for the linted files, the way Python would import them.

A file inside a package (its folder, or a folder above it, has an ``__init__.py``) is
named by the chain of packages above it, which is what ``import`` sees whatever the
root. A file outside every package (a loose module, or one in folders without
``__init__.py``: implicit namespace packages) is named by its path relative to the
deepest source root holding it. The source roots are the ones configured (``src =
[...]``), the project root, every folder below it holding a ``pyproject.toml`` (a
project of a monorepo) and the ``src/`` folder of each of those. Two files with one
name (two separate example apps, say) keep the first; the others get a ``#n`` suffix,
so each is still analysed on its own but never found by an import.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

_PROJECT_FILE = "pyproject.toml"


class _Packages:
    """Which folders are importable as what; asked once per folder per run.

    A folder with an ``__init__.py`` is a package, named after the folders above it; a
    folder without one inside a package is a namespace portion (PEP 420), so
    ``pkg/routers/audio/`` is ``pkg.routers.audio`` even when only ``pkg/`` and
    ``audio/`` have an ``__init__.py``. Above the topmost package (or at ``root``),
    names start.
    """

    def __init__(self, root: str) -> None:
        self._root = root
        self._known: dict[str, str | None] = {}

    def name(self, directory: str) -> str | None:
        """The dotted name ``directory`` is imported as, None outside every package."""
        if directory in self._known:
            return self._known[directory]
        parent = os.path.dirname(directory)
        above = None if parent == directory or directory == self._root else self.name(parent)
        found: str | None = None
        if above is not None:
            found = f"{above}.{os.path.basename(directory)}"
        elif os.path.isfile(os.path.join(directory, "__init__.py")):
            found = os.path.basename(directory)
        self._known[directory] = found
        return found


class _SourceRoots:
    """The folders loose modules are named from: configured, the root, project folders.

    A folder holding a ``pyproject.toml`` below the root is the root of one project of a
    monorepo (``services/api/app/main.py`` is ``app.main`` when ``services/api`` has
    one), and its ``src/`` folder, when there is one, is where its code lives.
    """

    def __init__(self, root: str, configured: Sequence[Path]) -> None:
        self._root = root
        self._configured = {os.path.abspath(folder) for folder in configured}
        self._is_root: dict[str, bool] = {}

    def holding(self, directory: str) -> str:
        """The deepest source root that ``directory`` is in (the root when none is)."""
        current = directory
        while True:
            if current == self._root or self._source_root(current):
                return current
            parent = os.path.dirname(current)
            if parent == current:
                return self._root
            current = parent

    def _source_root(self, directory: str) -> bool:
        known = self._is_root.get(directory)
        if known is None:
            known = directory in self._configured or self._project_folder(directory)
            self._is_root[directory] = known
        return known

    def _project_folder(self, directory: str) -> bool:
        if not directory.startswith(self._root + os.sep):
            return False
        if os.path.basename(directory) == "src":
            directory = os.path.dirname(directory)
            if directory == self._root:
                return True
        return os.path.isfile(os.path.join(directory, _PROJECT_FILE))


class ModuleNamer:
    """Names files as modules below one root, with the folder facts asked once each."""

    def __init__(self, root: Path, source_roots: Sequence[Path] = ()) -> None:
        self._root = os.path.abspath(root)
        self._packages = _Packages(str(root))
        self._roots = _SourceRoots(self._root, source_roots)

    def name(self, file: Path) -> str:
        package = self._packages.name(str(file.parent))
        if package is None:
            return self._loose_name(file)
        return package if file.stem == "__init__" else f"{package}.{file.stem}"

    def _loose_name(self, file: Path) -> str:
        absolute = os.path.abspath(file)
        base = self._roots.holding(os.path.dirname(absolute))
        if absolute.startswith(base + os.sep):
            parts = absolute[len(base) + 1 :].split(os.sep)
        else:
            parts = [os.path.basename(absolute)]
        parts[-1] = parts[-1].removesuffix(".py")
        if len(parts) > 1 and parts[-1] == "__init__":
            parts = parts[:-1]
        return ".".join(parts)


def module_name(file: Path, root: Path, source_roots: Sequence[Path] = ()) -> str:
    return ModuleNamer(root, source_roots).name(file)


def module_names(
    files: Sequence[Path | None],
    labels: Sequence[str],
    root: Path,
    source_roots: Sequence[Path] = (),
) -> list[str]:
    """One unique name per file; a file not on disk (standard input) is named by its label."""
    taken: set[str] = set()
    names: list[str] = []
    namer = ModuleNamer(root, source_roots)
    for file, label in zip(files, labels, strict=True):
        base = namer.name(file) if file is not None else Path(label).stem or "stdin"
        name, count = base, 1
        while name in taken:
            count += 1
            name = f"{base}#{count}"
        taken.add(name)
        names.append(name)
    return names


def common_root(files: Sequence[Path]) -> Path:
    """The deepest folder holding every file (the current directory for none)."""
    if not files:
        return Path.cwd()
    folders = [str(file.parent) for file in files]
    return Path(os.path.commonpath(folders))
