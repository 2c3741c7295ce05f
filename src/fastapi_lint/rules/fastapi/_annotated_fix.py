"""FAPI501's fix: ``param: T = Depends(x)`` becomes ``param: Annotated[T, Depends(x)]``.

The marker call moves into the annotation as written, less the default value of
``Query``/``Body``/... (its first argument or ``default=``), which becomes the plain
default; ``...`` (required) leaves no default. An ``Annotated[...]`` annotation gets the
marker as one more element. ``Annotated`` is spelled as the module already has it
(``Annotated`` or an alias of it, else ``typing.Annotated`` after ``import typing``);
otherwise the fix imports it from ``typing``: into the module's ``from typing import``
line when there is one, else on a line of its own where isort would put it among the
standard library imports (or above the first import, as a section of its own).

The rewrite is refused where the annotation would not mean what the default meant:
a string annotation (FastAPI evaluates a string annotation, not a string inside
``Annotated``), and, under ``from __future__ import annotations``, an annotation naming
anything but builtins and module-level names bound at run time before the ``def``:
FastAPI evaluates deferred annotations in the module's globals when the route is
declared, and an annotation it cannot evaluate silently loses its marker.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import takewhile

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import Lookup
from fastapi_lint.fastapi_model.syntax import child_statements, dotted_name
from fastapi_lint.fixes import NodeEdit, PendingFix, insert_before, replace
from fastapi_lint.rules.fastapi._call_arguments import comments, without_argument

_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_TYPING_MODULES = ("typing", "typing_extensions")
_TYPE_CHECKING = frozenset({"TYPE_CHECKING", "typing.TYPE_CHECKING"})
_BUILTINS = frozenset(dir(builtins))
_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
_ANNOTATED_ALIAS = cst.ImportAlias(name=cst.Name("Annotated"))
_IMPORT = cst.SimpleStatementLine(
    body=[cst.ImportFrom(module=cst.Name("typing"), names=[_ANNOTATED_ALIAS])]
)
NEEDS_NOTHING: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class Target:
    """The parameter to rewrite and where it stands."""

    param: cst.Param
    moved: cst.Arg | None  # the marker's argument that becomes the plain default
    annotated: bool  # the annotation is ``Annotated[...]`` already
    statement: cst.CSTNode | None  # the top-level statement holding the ``def``


# -- names the fixed annotation may use --------------------------------------------------


def _type_checking_names(module: cst.Module, model: ModuleModel) -> set[str]:
    """Names bound under a top-level ``if TYPE_CHECKING:``: they do not exist at run time."""
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.If) and dotted_name(statement.test) in _TYPE_CHECKING:
            for child in statement.body.body:
                names.update(_bound_names(child, model))
    return names


def _bound_names(node: cst.CSTNode, model: ModuleModel) -> Iterator[str]:
    """Names a statement binds in its scope, those of nested blocks included (not of defs)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield from (name for name, _ in model.statement_bindings(current, model.module_value))
        if not isinstance(current, cst.FunctionDef | cst.ClassDef):
            stack.extend(child_statements(current))


def _globals_before(module: cst.Module, model: ModuleModel, statement: cst.CSTNode) -> set[str]:
    """Module-level names bound at run time by the statements before ``statement``."""
    names: set[str] = set()
    for top in module.body:
        if top is statement:
            break
        names.update(_bound_names(top, model))
    return names - _type_checking_names(module, model)


class _ReadNames(cst.CSTVisitor):
    """The names an expression reads (not attribute names, nor keywords of calls)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False


def _deferred(model: ModuleModel) -> bool:
    future = model.module_value("annotations")
    return future is not None and future.qualified == "__future__.annotations"


def _evaluates_alike(
    module: cst.Module, model: ModuleModel, parts: tuple[cst.CSTNode, ...], target: Target
) -> bool:
    """FastAPI can evaluate the fixed annotation's ``parts`` as the def evaluated the default."""
    if not _deferred(model):
        return True  # annotations and defaults are evaluated together, in the same scope
    if target.statement is None:
        return False
    reader = _ReadNames()
    for part in parts:
        part.visit(reader)
    known = _globals_before(module, model, target.statement) | _BUILTINS
    return reader.names <= known


# -- spelling and importing ``Annotated`` ------------------------------------------------


def _runtime_imports(
    module: cst.Module, model: ModuleModel, lookup: Lookup
) -> list[tuple[str, str]]:
    """Module names bound to imports at run time and seen as such where the def is."""
    hidden = _type_checking_names(module, model)
    bound = [
        (name, value.qualified)
        for name, value in model.module_bindings.values.items()
        if not value.is_instance and lookup(name) == value
    ]
    return [(name, qualified) for name, qualified in bound if name not in hidden]


def _bound_spelling(
    module: cst.Module, model: ModuleModel, lookup: Lookup
) -> cst.BaseExpression | None:
    """``Annotated`` (or an alias) if the module imports it, else ``typing.Annotated``..."""
    bound = sorted(_runtime_imports(module, model, lookup), key=lambda item: item[0] != "Annotated")
    annotated = next((name for name, qualified in bound if qualified in _ANNOTATED), None)
    if annotated is not None:
        return cst.Name(annotated)
    for wanted in _TYPING_MODULES:
        found = next((name for name, qualified in bound if qualified == wanted), None)
        if found is not None:
            return cst.Attribute(value=cst.Name(found), attr=cst.Name("Annotated"))
    return None


def _import_lines(
    module: cst.Module, until: cst.CSTNode | None
) -> list[cst.SimpleStatementLine] | None:
    """Top-level import lines above ``until`` but ``__future__`` ones; None for a star import.

    An import added below the ``def`` would not be there yet when its annotation is evaluated.
    """
    lines: list[cst.SimpleStatementLine] = []
    for line in module.body:
        if line is until:
            break
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        imports = [small for small in line.body if isinstance(small, cst.Import | cst.ImportFrom)]
        if any(isinstance(getattr(i, "names", None), cst.ImportStar) for i in imports):
            return None  # it might bind ``Annotated`` to anything
        if imports and _from_module(line) != "__future__":
            lines.append(line)
    return lines


def _from_module(line: cst.SimpleStatementLine) -> str | None:
    """``typing`` for the line ``from typing import ...`` alone; None for any other line."""
    if len(line.body) != 1 or not isinstance(line.body[0], cst.ImportFrom):
        return None
    node = line.body[0]
    return None if node.relative else dotted_name(node.module)


def _is_standard(line: cst.SimpleStatementLine) -> bool:
    """The line imports standard library modules only."""
    modules: list[str] = []
    for small in line.body:
        if isinstance(small, cst.ImportFrom):
            modules.append("" if small.relative else dotted_name(small.module) or "")
        elif isinstance(small, cst.Import):
            modules.extend(dotted_name(alias.name) or "" for alias in small.names)
    return all(name.partition(".")[0] in sys.stdlib_module_names for name in modules)


def _sort_key(name: str) -> tuple[int, str]:
    """isort's order within a ``from`` import: constants, then classes, then the rest."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower()


def _separator(node: cst.ImportFrom) -> cst.Comma:
    """What goes between two names of a one-name import: a line break if it is laid out so."""
    space = node.lpar.whitespace_after if node.lpar is not None else None
    if isinstance(space, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=space)
    return _COMMA


def _with_annotated(line: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    """``from typing import Any`` -> ``from typing import Annotated, Any``, layout kept."""
    node = line.body[0]
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    key = _sort_key("Annotated")
    index = next((i for i, a in enumerate(names) if _sort_key(a.evaluated_name) > key), len(names))
    separator = names[0].comma if len(names) > 1 else _separator(node)
    if index < len(names):
        names.insert(index, _ANNOTATED_ALIAS.with_changes(comma=separator))
    else:  # a new last name: it takes over the trailing comma, if any
        last = names[-1]
        names[-1] = last.with_changes(comma=separator)
        names.append(_ANNOTATED_ALIAS.with_changes(comma=last.comma))
    return line.with_changes(body=[node.with_changes(names=names)])


def _new_section(first: cst.SimpleStatementLine) -> NodeEdit:
    """The import as a section of its own above ``first``; comments leading to it stay."""
    leading = list(first.leading_lines)
    blank = list(takewhile(lambda line: line.comment is None, leading))
    above = _IMPORT.with_changes(leading_lines=blank)
    below = first.with_changes(leading_lines=[cst.EmptyLine(), *leading[len(blank) :]])
    return NodeEdit(first, (above, below))


def _new_import(lines: list[cst.SimpleStatementLine]) -> NodeEdit | None:
    """``from typing import Annotated`` among the standard library imports that lead."""
    if not lines:
        return None
    standard = list(takewhile(_is_standard, lines))
    if not standard:
        return _new_section(lines[0])
    after = next((line for line in standard if (_from_module(line) or "") > "typing"), None)
    if after is not None:
        return insert_before(after, _IMPORT)
    return NodeEdit(standard[-1], (standard[-1], _IMPORT))


def _spelling(
    module: cst.Module, model: ModuleModel, lookup: Lookup, statement: cst.CSTNode | None
) -> tuple[cst.BaseExpression, NodeEdit | None] | None:
    """How the fix writes ``Annotated``, with the import edit it needs; None if it cannot."""
    bound = _bound_spelling(module, model, lookup)
    if bound is not None:
        return bound, None
    lines = _import_lines(module, statement)
    if lookup("Annotated") is not None or lines is None:
        return None  # the name is taken
    typing_line = next((line for line in lines if _from_module(line) == "typing"), None)
    if typing_line is not None:
        return cst.Name("Annotated"), NodeEdit(typing_line, (_with_annotated(typing_line),))
    edit = _new_import(lines)
    return None if edit is None else (cst.Name("Annotated"), edit)


# -- the parameter -----------------------------------------------------------------------


def _wrapped(
    spelling: cst.BaseExpression, annotation: cst.BaseExpression, metadata: cst.BaseExpression
) -> cst.Subscript:
    return cst.Subscript(
        value=spelling,
        slice=[
            cst.SubscriptElement(cst.Index(annotation), comma=_COMMA),
            cst.SubscriptElement(cst.Index(metadata)),
        ],
    )


def _extended(annotation: cst.BaseExpression, metadata: cst.BaseExpression) -> cst.Subscript:
    """``Annotated[T, x]`` -> ``Annotated[T, x, metadata]``, a trailing comma kept last."""
    assert isinstance(annotation, cst.Subscript)
    elements = list(annotation.slice)
    last = elements[-1]
    separator = elements[0].comma if len(elements) > 1 else _COMMA
    elements[-1] = last.with_changes(comma=separator)
    elements.append(cst.SubscriptElement(cst.Index(metadata), comma=last.comma))
    return annotation.with_changes(slice=elements)


def _metadata(target: Target) -> cst.Call:
    """The marker call as it goes into ``Annotated``: without the default it held."""
    call = target.param.default
    assert isinstance(call, cst.Call)
    return call if target.moved is None else without_argument(call, target.moved)


def _rewritten(
    target: Target, metadata: cst.Call, spelling: cst.BaseExpression | None
) -> cst.Param:
    param, moved = target.param, target.moved
    assert param.annotation is not None
    default = None if moved is None or isinstance(moved.value, cst.Ellipsis) else moved.value
    annotation = param.annotation.annotation
    if spelling is None:
        annotation = _extended(annotation, metadata)
    else:
        annotation = _wrapped(spelling, annotation, metadata)
    return param.with_changes(
        annotation=param.annotation.with_changes(annotation=annotation),
        default=default,
        equal=param.equal if default is not None else cst.MaybeSentinel.DEFAULT,
    )


def annotated_fix(
    module: cst.Module, model: ModuleModel, lookup: Lookup, target: Target
) -> PendingFix | None:
    """The fix of ``target``, whose default is a marker call; None where it is not certain."""
    param = target.param
    if param.annotation is None:
        return None  # the type is unknown
    if isinstance(param.annotation.annotation, cst.SimpleString | cst.ConcatenatedString):
        return None
    spelled = (
        (None, None) if target.annotated else _spelling(module, model, lookup, target.statement)
    )
    if spelled is None:
        return None
    metadata = _metadata(target)
    new = _rewritten(target, metadata, spelled[0])
    if comments(new) != comments(param):
        return None  # a comment inside the default argument would go
    if not _evaluates_alike(module, model, (param.annotation.annotation, metadata), target):
        return None
    message = f"Declare `{param.name.value}` with `Annotated`"
    needs = None if _brings_typing_annotated(spelled, lookup) else NEEDS_NOTHING
    fix = replace(param, new, message, unsafe=True, requires=needs)
    return fix if spelled[1] is None else fix.plus(spelled[1])


def _brings_typing_annotated(
    spelled: tuple[cst.BaseExpression | None, NodeEdit | None], lookup: Lookup
) -> bool:
    """The fix writes ``typing.Annotated`` where the module did not use it: Python 3.9+.

    Reusing an ``Annotated`` the module imports already, or ``typing_extensions``'s,
    needs nothing the code does not have.
    """
    spelling, import_edit = spelled
    if import_edit is not None:
        return True  # ``from typing import Annotated`` is added
    if isinstance(spelling, cst.Attribute) and isinstance(spelling.value, cst.Name):
        module = lookup(spelling.value.value)
        return module is not None and module.qualified == "typing"
    return False
