"""Dotted module names for the linted files, the way Python would import them.

A file inside a package (its folder, or a folder above it, has an ``__init__.py``) is
named by the chain of packages above it, which is what ``import`` sees whatever the
root; ``src/`` layouts need nothing special then. A file outside any package is named
by its path relative to the project root, with a leading ``src/`` dropped. Two files
with one name (two separate example apps, say) keep the first; the others get a
``#n`` suffix, so each is still analysed on its own but never found by an import.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


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


def _relative_name(file: Path, root: Path) -> str:
    try:
        parts = list(file.relative_to(root).with_suffix("").parts)
    except ValueError:
        parts = [file.stem]
    if len(parts) > 1 and parts[0] == "src":
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def module_name(file: Path, root: Path, packages: _Packages | None = None) -> str:
    package = (packages or _Packages(str(root))).name(str(file.parent))
    if package is None:
        return _relative_name(file, root)
    return package if file.stem == "__init__" else f"{package}.{file.stem}"


def module_names(files: Sequence[Path | None], labels: Sequence[str], root: Path) -> list[str]:
    """One unique name per file; a file not on disk (standard input) is named by its label."""
    taken: set[str] = set()
    names: list[str] = []
    packages = _Packages(str(root))
    for file, label in zip(files, labels, strict=True):
        base = (
            module_name(file, root, packages) if file is not None else Path(label).stem or "stdin"
        )
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
