"""FAPI907: a Python file whose name is not a lowercase, importable module name."""

from __future__ import annotations

import keyword
import os
import re
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.rule import Invalid, Rule, Valid

_SNAKE_CASE = re.compile(r"[a-z_][a-z0-9_]*")
# Alembic and Django name migrations after a revision or a number: never imported by name.
_MIGRATION = re.compile(r"[a-z0-9_]+")
_MIGRATION_FOLDERS = frozenset({"versions", "migrations"})
_SUFFIX = ".py"
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
# Names made only of ASCII letters, digits and word separators can be spelled in snake_case.
_SPELLABLE = re.compile(r"[A-Za-z0-9_\- .]+")


_PASCAL_CASE = re.compile(r"[A-Z][A-Za-z0-9]*")
_CAMEL_CASE = re.compile(r"[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*")
# A folder whose files mostly share one other style has chosen it (one module per
# Strawberry or GraphQL type, named after the type): renaming one file breaks the pattern.
_CONVENTION_MIN_FILES = 3


def _snake_case(stem: str) -> str | None:
    """``UserService`` -> ``user_service``, ``user-service`` -> ``user_service``.

    None when no snake_case name can be made from the words without guessing
    (``2024_05_14-add_users``: the name would still start with a digit; ``Ünits``:
    a letter would be lost).
    """
    if not _SPELLABLE.fullmatch(stem):
        return None
    words = _SEPARATORS.split(_CAMEL_HUMP.sub("_", stem).lower())
    name = "_".join(word for word in words if word)
    return name if _SNAKE_CASE.fullmatch(name) and not keyword.iskeyword(name) else None


def _style(stem: str) -> str:
    if _SNAKE_CASE.fullmatch(stem):
        return "snake"
    if _PASCAL_CASE.fullmatch(stem):
        return "pascal"
    return "camel" if _CAMEL_CASE.fullmatch(stem) else "other"


def follows_folder_convention(path: str) -> bool:
    """Whether most Python files of the file's folder share its own non-snake style."""
    folder = os.path.dirname(path) or "."
    try:
        names = os.listdir(folder)
    except OSError:
        return False  # standard input, a file named on its own, an unreadable folder
    stems = [
        name[: -len(_SUFFIX)]
        for name in names
        if name.endswith(_SUFFIX) and not name.startswith("__")
    ]
    own = _style(os.path.basename(path)[: -len(_SUFFIX)])
    alike = sum(_style(stem) == own for stem in stems)
    return own != "other" and alike >= _CONVENTION_MIN_FILES and alike * 2 > len(stems)


def problem(path: str) -> str | None:
    """Why the file's name is not a good module name, or None when it is one."""
    folder, name = os.path.split(path.replace("\\", "/"))
    stem = name[: -len(_SUFFIX)]
    if os.path.basename(folder) in _MIGRATION_FOLDERS and _MIGRATION.fullmatch(stem):
        return None
    if keyword.iskeyword(stem):
        return f"is the Python keyword `{stem}` and cannot be imported; rename the file"
    if _SNAKE_CASE.fullmatch(stem):
        return None
    if stem[:1].isdigit():
        return "starts with a digit and cannot be imported; rename it to start with a letter"
    suggestion = _snake_case(stem)
    if suggestion is None:
        return "is not snake_case; rename it with lowercase letters, digits and underscores"
    return f"is not snake_case; rename it `{suggestion}.py`"


class ModuleNameNotSnakeCase(Rule):
    """
    ## What it does
    Flags a Python file whose name is not a lowercase module name: letters, digits and
    underscores, not starting with a digit (`UserService.py`, `user-service.py`,
    `1_setup.py`), or that is a Python keyword (`class.py`). `__init__.py` and
    `__main__.py` are fine; files in `versions/` and `migrations/` folders may start with
    a digit, as Alembic and Django name them. A CamelCase or PascalCase file in a folder
    where most Python files (at least three) share that style is the folder's convention
    (one module per GraphQL type, named after the type) and is not flagged. The finding
    is at line 1, column 1, and the suggested name is itself a valid module name.

    ## Why is this bad?
    PEP 8 asks for short, all-lowercase module names. A name with a dash, a space, a
    leading digit or a keyword cannot be imported at all, and a CamelCase one breaks on
    case-insensitive file systems (macOS, Windows) as soon as someone imports it with
    another spelling, and reads like a class.

    ## Example
    ```python
    # app/services/UserService.py
    class UserService: ...
    ```

    ## Use instead
    ```python
    # app/services/user_service.py
    class UserService: ...
    ```

    ## Options
    None.

    ## Known limitations
    Only the file name is checked, not the names of the package folders above it. The
    folder's convention is read from the files on disk when the file is linted: a cached
    result is not refreshed when other files of the folder are renamed. Ruff's
    N999 (invalid-module-name) checks files inside packages only (and a package's folder
    name through its `__init__.py`); every file-name finding it makes is also ours, and
    ours include stand-alone scripts outside packages.
    """

    code = "FAPI907"
    name = "module-name-not-snake-case"
    family = "ops"
    roles = frozenset({Role.APP, Role.SCRIPT, Role.TEST})
    severity = "warning"
    message = "Module name `{module}` {problem}"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid("# app/user_service.py\nclass UserService: ...\n", path="app/user_service.py"),
        Valid("# app/__init__.py\n", path="app/__init__.py"),
        Valid(
            "# alembic/versions/1975ea83b712_create_users.py\n",
            path="alembic/versions/1975ea83b712_create_users.py",
        ),
        Valid("# app/oauth2.py\n", path="app/oauth2.py"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "# app/services/UserService.py\nclass UserService: ...\n",
            line=1,
            column=1,
            message_contains="rename it `user_service.py`",
            path="app/services/UserService.py",
        ),
        Invalid(
            "# user-service.py\n",
            line=1,
            column=1,
            message_contains="`user-service` is not snake_case",
            path="user-service.py",
        ),
        Invalid(
            "# app/class.py\n", line=1, column=1, message_contains="keyword", path="app/class.py"
        ),
    )

    def visit_Module(self, node: cst.Module) -> None:
        path = self.context.path
        if not path.endswith(_SUFFIX):
            return  # standard input, or a file named explicitly whatever its suffix
        found = problem(path)
        if found is not None and not follows_folder_convention(path):
            stem = os.path.basename(path)[: -len(_SUFFIX)]
            self.report(node, module=stem, problem=found, length=0)
