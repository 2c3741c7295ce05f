"""How a fix names something it needs imported (``ConfigDict``), adding the import if needed.

The name is reused when an import above the class binds it already (under any alias),
added to an existing ``from pydantic import ...`` line otherwise, reached through the
module (``pydantic.ConfigDict``) after ``import pydantic``, or imported on a line of its
own, just above the first import. Only imports of the module's top level that come before
the statement needing the name count: a later one would run too late. Whatever may
already bind the name differently (another import of it, a star import) means no fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.fixes import NodeEdit


@dataclass(frozen=True, slots=True)
class Wanted:
    """``ConfigDict`` of ``pydantic``, also known as ``pydantic.config.ConfigDict``."""

    module: str
    name: str
    aliases: frozenset[str]  # qualified names that are the same object

    @property
    def qualified(self) -> frozenset[str]:
        return self.aliases | {f"{self.module}.{self.name}"}


@dataclass(frozen=True, slots=True)
class Reference:
    """The expression naming the wanted object, and the import edit it needs, if any."""

    expression: cst.BaseExpression
    edit: NodeEdit | None = None

    @property
    def root(self) -> str:
        """The local name the expression starts with (``ConfigDict``, ``pydantic``)."""
        return (dotted_name(self.expression) or "").partition(".")[0]


_ImportLine = tuple[cst.SimpleStatementLine, cst.Import | cst.ImportFrom]


def _import_lines(module: cst.Module, before: cst.CSTNode) -> Iterator[_ImportLine]:
    """Top-level import statements above ``before`` (``__future__`` ones left out)."""
    for statement in module.body:
        if statement is before:
            return
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import | cst.ImportFrom) and not _is_future(small):
                yield statement, small


def _is_future(node: cst.Import | cst.ImportFrom) -> bool:
    return isinstance(node, cst.ImportFrom) and dotted_name(node.module) == "__future__"


def _has_foreign_star(module: cst.Module, source: str) -> bool:
    """A star import from another module anywhere at the top level: it may bind the name."""
    return any(
        isinstance(small, cst.ImportFrom)
        and isinstance(small.names, cst.ImportStar)
        and (small.relative or dotted_name(small.module) != source)
        for statement in module.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
    )


def reference(
    module: cst.Module, model: ModuleModel, wanted: Wanted, before: cst.CSTNode
) -> Reference | None:
    """How the statement ``before`` (top level) can name ``wanted``; None if not for sure."""
    lines = list(_import_lines(module, before))
    bound = _bound_alias(model, lines, wanted)
    if bound is not None:
        return Reference(cst.Name(bound))
    free = model.module_value(wanted.name) is None and not _has_foreign_star(module, wanted.module)
    added = _added_to_from_import(lines, wanted) if free else None
    if added is not None:
        return added
    through = _through_module(model, lines, wanted)
    if through is not None or not free:
        return through
    return _new_import_line(lines, wanted)


def _bound_alias(model: ModuleModel, lines: list[_ImportLine], wanted: Wanted) -> str | None:
    """A name an earlier import binds to the wanted object, bound to nothing else."""
    for _, node in lines:
        if not isinstance(node, cst.ImportFrom) or node.relative:
            continue
        for local, qualified in _from_import_names(node):
            value = model.module_value(local)
            same = value is not None and value.qualified in wanted.qualified
            if qualified in wanted.qualified and same:
                return local
    return None


def _from_import_names(node: cst.ImportFrom) -> Iterator[tuple[str, str]]:
    """``from a import b as c``: ("c", "a.b")."""
    if isinstance(node.names, cst.ImportStar):
        return
    source = dotted_name(node.module) or ""
    for alias in node.names:
        name = dotted_name(alias.name) or ""
        asname = alias.asname.name if alias.asname is not None else None
        local = asname.value if isinstance(asname, cst.Name) else name
        yield local, f"{source}.{name}"


def _through_module(
    model: ModuleModel, lines: list[_ImportLine], wanted: Wanted
) -> Reference | None:
    """``pydantic.ConfigDict`` after ``import pydantic`` (or ``import pydantic as pd``)."""
    for _, node in lines:
        for local, target in _module_names(node):
            value = model.module_value(local)
            if target == wanted.module and value is not None and value.qualified == target:
                return Reference(cst.parse_expression(f"{local}.{wanted.name}"))
    return None


def _module_names(node: cst.Import | cst.ImportFrom) -> Iterator[tuple[str, str]]:
    """``import a.b`` binds "a" to ``a``; ``import a.b as c`` binds "c" to ``a.b``."""
    if isinstance(node, cst.ImportFrom):
        return
    for alias in node.names:
        full = dotted_name(alias.name) or ""
        asname = alias.asname.name if alias.asname is not None else None
        if isinstance(asname, cst.Name):
            yield asname.value, full
        else:
            root = full.partition(".")[0]
            yield root, root


def _added_to_from_import(lines: list[_ImportLine], wanted: Wanted) -> Reference | None:
    """``from pydantic import BaseModel`` -> ``from pydantic import BaseModel, ConfigDict``."""
    for line, node in lines:
        if len(line.body) != 1 or not isinstance(node, cst.ImportFrom) or node.relative:
            continue
        if dotted_name(node.module) != wanted.module or isinstance(node.names, cst.ImportStar):
            continue
        names = with_name(list(node.names), wanted.name)
        new = line.with_changes(body=[node.with_changes(names=names)])
        return Reference(cst.Name(wanted.name), NodeEdit(line, (new,)))
    return None


def _new_import_line(lines: list[_ImportLine], wanted: Wanted) -> Reference | None:
    """``from pydantic import ConfigDict`` above the first import of the package, or the first."""
    if not lines:
        return None
    package = wanted.module.partition(".")[0]
    near = [line for line, node in lines if package in _imported_packages(node)]
    anchor = near[0] if near else lines[0][0]
    statement = cst.parse_statement(f"from {wanted.module} import {wanted.name}\n")
    moved = statement.with_changes(leading_lines=anchor.leading_lines)
    edit = NodeEdit(anchor, (moved, anchor.with_changes(leading_lines=())))
    return Reference(cst.Name(wanted.name), edit)


def _imported_packages(node: cst.Import | cst.ImportFrom) -> set[str]:
    if isinstance(node, cst.ImportFrom):
        return set() if node.relative else {(dotted_name(node.module) or "").partition(".")[0]}
    return {(dotted_name(alias.name) or "").partition(".")[0] for alias in node.names}


# -- adding a name to a from-import, in the list's own style -----------------------------


def _sort_key(name: str) -> tuple[int, str]:
    """isort's and ruff's order by type: CONSTANTS, then Classes, then functions."""
    if name.isupper() and len(name) > 1:
        return 0, name.lower()
    return (1 if name[:1].isupper() else 2), name.lower()


def _alias_name(alias: cst.ImportAlias) -> str:
    return dotted_name(alias.name) or ""


def with_name(names: list[cst.ImportAlias], name: str) -> list[cst.ImportAlias]:
    """``names`` with ``name`` added: in order if they are sorted, else last.

    The new name takes the separator the list uses between names, so a one-name-a-line
    list stays one name a line; the trailing comma (or its absence) stays at the end.
    """
    keys = [_sort_key(_alias_name(alias)) for alias in names]
    index = len(names)
    if keys == sorted(keys):
        index = next((i for i, key in enumerate(keys) if key > _sort_key(name)), len(names))
    separator = next(
        (alias.comma for alias in names[:-1] if isinstance(alias.comma, cst.Comma)),
        cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
    )
    added = cst.ImportAlias(name=cst.Name(name), comma=separator)
    if index < len(names):
        return [*names[:index], added, *names[index:]]
    last = names[-1]
    return [*names[:-1], last.with_changes(comma=separator), added.with_changes(comma=last.comma)]
