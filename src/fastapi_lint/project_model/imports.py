"""An absolute import the project's module names do not know, tried again the way it may run.

Module names start at a source root, but a project is often linted from a folder that
is not the one its code runs from: a repository root above ``backend/`` whose modules
import ``app.core`` (named ``backend.app.core`` here), or the folder of a namespace
package itself (``myapp/``, whose modules import ``myapp.core``, named ``core`` here). A
failed absolute import is retried against those folders: without the name of the folder
linted (``myapp.core`` -> ``core``), then below another folder of the project
(``app.core`` -> ``backend.app.core``) when exactly one folder fits, or when one holds
the importing module itself. Only imports whose first name is a folder there are
retried, so ``import json`` never becomes a project module named ``json``.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

_STDLIB = frozenset(sys.stdlib_module_names)


class RetriedImports:
    """Second answers for absolute imports, from the project's module and folder names."""

    def __init__(
        self,
        modules: Collection[str],
        packages: Collection[str],
        regular_packages: Iterable[str],
        roots: Sequence[Path],
    ) -> None:
        self._modules = modules
        self._packages = packages
        self._regular = frozenset(regular_packages)
        self._root_names = frozenset(root.name for root in roots if root.name)
        self._folders_above: dict[str, list[str]] | None = None
        self._folders: dict[str, list[str]] = {}

    def absolute(self, importer: str, name: str) -> str | None:
        """The project module ``import name`` in ``importer`` most likely means, or None."""
        if name.partition(".")[0] in _STDLIB:
            return None
        return self._without_root_name(name) or self._below_a_folder(importer, name)

    def _known(self, name: str) -> bool:
        return name in self._modules or name in self._packages

    def _without_root_name(self, name: str) -> str | None:
        first, _, rest = name.partition(".")
        if first in self._root_names and rest and self._known(rest):
            return rest
        return None

    def _below_a_folder(self, importer: str, name: str) -> str | None:
        folders = self._folders_for(name)
        holding = [folder for folder in folders if importer.startswith(folder + ".")]
        if holding:
            return f"{max(holding, key=len)}.{name}"
        return f"{folders[0]}.{name}" if len(folders) == 1 else None

    def _folders_for(self, name: str) -> list[str]:
        """The namespace folders ``name`` may sit below, whoever imports it (once per name:
        a common tail such as ``utils`` sits below dozens of folders)."""
        found = self._folders.get(name)
        if found is None:
            first = name.partition(".")[0]
            found = self._folders[name] = [
                folder
                for folder in self._index().get(name, ())
                if f"{folder}.{first}" in self._packages and folder not in self._regular
            ]
        return found

    def _index(self) -> dict[str, list[str]]:
        """Every dotted tail of every name, with the folders it sits below (built once)."""
        if self._folders_above is None:
            index: dict[str, list[str]] = {}
            for full in {*self._modules, *self._packages}:
                parts = full.split(".")
                for cut in range(1, len(parts)):
                    tail = ".".join(parts[cut:])
                    index.setdefault(tail, []).append(".".join(parts[:cut]))
            self._folders_above = index
        return self._folders_above
