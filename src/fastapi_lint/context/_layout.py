"""What the folders around a file say: Alembic script directories and Django migrations.

Every answer is cached per directory, so a run lists each directory once and reads each
``env.py`` and ``alembic.ini`` once, however many files sit below them.

An Alembic script directory is recognised by its own content, not by its name (it may be
``alembic/``, ``migrations/``, ``database/revisions/tenant/``): it holds
``script.py.mako`` (Alembic's revision template) or an ``env.py`` that imports
``alembic.context``. Everything below it is migration code: the revisions in
``versions/`` at any depth, ``env.py``, and the helpers the revisions import. The
``script_location`` and ``version_locations`` named in an ``alembic.ini`` (at the project
root or in a folder above the file) count too. An ``env.py`` alone, without Alembic in it,
is an ordinary settings module and says nothing.
"""

from __future__ import annotations

import configparser
import os
import re
from pathlib import Path

from fastapi_lint.context._role_signals import ALEMBIC_CONTEXT
from fastapi_lint.run_inputs import listed
from fastapi_lint.small_files import SETTINGS_LIMIT, SmallFileError, read_small_file

_DJANGO_MIGRATION = re.compile(r"^\d{4}_\w*\.py$")
_ALEMBIC_INI = "alembic.ini"
_HERE = "%(here)s"
# How far above a file outside the project root the layout is looked for.
_OUTSIDE_ROOT_DEPTH = 3
_SEPARATORS = {"space": r"\s+", "newline": r"\n+", ":": ":", ";": ";", ",": ","}
_LEGACY_SEPARATOR = r"[\s,]+"


class Layout:
    """Directory facts below one project root, each computed once."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._names: dict[str, frozenset[str]] = {}
        self._script_dirs: dict[str, str | None] = {}
        self._ini_locations: dict[str, tuple[str, ...]] = {}

    def names(self, directory: str) -> frozenset[str]:
        names = self._names.get(directory)
        if names is None:
            names = self._names[directory] = listed(directory)
        return names

    def is_package(self, directory: str) -> bool:
        """The folder holds an ``__init__.py``: its modules are importable by the app."""
        return "__init__.py" in self.names(directory)

    def migration_reason(self, directory: str, name: str) -> str | None:
        """Why the file ``name`` in ``directory`` is migration code by its folders, or None."""
        django = self._django(directory, name)
        if django is not None:
            return django
        ancestors = self.ancestors(directory)
        for ancestor in ancestors:
            found = self._script_dir(ancestor)
            if found is not None:
                return f"inside Alembic script directory '{self.display(ancestor)}' ({found})"
        return self._declared_location(directory, ancestors)

    def ancestors(self, directory: str) -> list[str]:
        """``directory`` and its parents strictly below the root (a few, outside it)."""
        inside = directory.startswith(self.root + os.sep)
        found: list[str] = []
        while directory != self.root and (inside or len(found) < _OUTSIDE_ROOT_DEPTH):
            found.append(directory)
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        return found

    def display(self, directory: str) -> str:
        if directory.startswith(self.root + os.sep):
            directory = directory[len(self.root) + 1 :]
        return directory.replace(os.sep, "/")

    def _django(self, directory: str, name: str) -> str | None:
        if os.path.basename(directory) != "migrations":
            return None
        if _DJANGO_MIGRATION.match(name):
            return "Django migration (migrations/NNNN_*.py)"
        names = self.names(directory)
        if name == "__init__.py" and any(map(_DJANGO_MIGRATION.match, names)):
            return "Django migrations package"
        return None

    def _script_dir(self, directory: str) -> str | None:
        if directory not in self._script_dirs:
            self._script_dirs[directory] = self._script_dir_reason(directory)
        return self._script_dirs[directory]

    def _script_dir_reason(self, directory: str) -> str | None:
        names = self.names(directory)
        if "script.py.mako" in names:
            return "script.py.mako"
        if "env.py" in names and _uses_alembic(os.path.join(directory, "env.py")):
            return "env.py uses alembic.context"
        return None

    def _declared_location(self, directory: str, ancestors: list[str]) -> str | None:
        """Inside a script_location or version_locations folder named by an alembic.ini."""
        for folder in (*ancestors, self.root):
            if _ALEMBIC_INI not in self.names(folder):
                continue
            for location in self._locations(folder):
                if directory == location or directory.startswith(location + os.sep):
                    ini = self.display(os.path.join(folder, _ALEMBIC_INI))
                    return f"inside '{self.display(location)}', an Alembic location in {ini}"
        return None

    def _locations(self, folder: str) -> tuple[str, ...]:
        if folder not in self._ini_locations:
            self._ini_locations[folder] = _read_ini_locations(folder)
        return self._ini_locations[folder]


def _small_text(path: str) -> str | None:
    """The text of a regular file of a sane size (a pipe named env.py would block)."""
    try:
        return read_small_file(Path(path), SETTINGS_LIMIT).decode("utf-8", errors="replace")
    except (OSError, SmallFileError):
        return None


def _uses_alembic(path: str) -> bool:
    text = _small_text(path)
    return text is not None and ALEMBIC_CONTEXT.search(text) is not None


def _read_ini_locations(folder: str) -> tuple[str, ...]:
    """``script_location`` and ``version_locations`` of ``folder/alembic.ini``, absolute."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(_small_text(os.path.join(folder, _ALEMBIC_INI)) or "")
    except configparser.Error:
        return ()
    get = parser.get
    script = get("alembic", "script_location", fallback="")
    versions = get("alembic", "version_locations", fallback="")
    separator = get("alembic", "version_path_separator", fallback="")
    entries = [script] if ":" not in script else []
    entries += re.split(_separator(separator), versions) if versions else []
    return tuple(_absolute(folder, entry) for entry in entries if entry.strip())


def _separator(setting: str) -> str:
    if setting == "os":
        return re.escape(os.pathsep)
    return _SEPARATORS.get(setting, _LEGACY_SEPARATOR)


def _absolute(folder: str, entry: str) -> str:
    path = entry.strip().replace(_HERE, folder)
    return os.path.normpath(os.path.join(folder, path))
