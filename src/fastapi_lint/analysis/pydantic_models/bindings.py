"""What each name of a file is bound to, scope by scope, and which classes are models."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from fastapi_lint.analysis.pydantic_models.v1_names import (
    CONSTRUCTORS,
    COPIES,
)
from fastapi_lint.fastapi_model.syntax import (
    all_params,
    assigned_names,
    dotted_name,
    string_value,
    subscript_args,
)
from fastapi_lint.tree import children

_VALIDATOR_DECORATORS = frozenset(
    {"classmethod", "validator", "root_validator", "field_validator", "model_validator"}
)
_CLASS_PARAMETER_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
_UNWRAPPED = frozenset({"Optional", "Annotated", "ClassVar", "Final", "Required", "type", "Type"})
# Collections whose elements all have the type of their one argument: ``list[User]``.
_COLLECTIONS = frozenset(
    {
        "list", "List", "set", "Set", "frozenset", "FrozenSet", "Sequence", "MutableSequence",
        "Iterable", "Iterator", "Collection", "AbstractSet", "MutableSet", "deque", "Deque",
        "tuple", "Tuple",
    }
)  # fmt: skip


BindingKind = Literal[
    "type",
    "class_of",
    "copy_of",
    "class",
    "import",
    "self",
    "cls",
    "elements",
    "element_of",
    "other",
]


@dataclass(frozen=True, slots=True)
class Binding:
    """What a name of one scope is: ``type`` an instance of the class ``text`` spells,
    ``class_of`` that class itself (``type[User]``), ``class`` a class the module defines,
    ``import`` what an import binds (``text`` its absolute name, "" when relative),
    ``self``/``cls`` the first parameter of a method of class ``text``, ``copy_of`` a copy
    of the value ``text`` names (``user.model_copy()``), ``elements`` a collection of
    instances of the class ``text`` spells (``list[User]``), ``element_of`` one element of
    the collection ``text`` names (``for user in users``)."""

    kind: BindingKind
    text: str = ""


OTHER = Binding("other")
Scope = cst.Module | cst.FunctionDef | cst.Lambda | cst.ClassDef
Table = dict[str, Binding]


def _annotation_binding(annotation: cst.BaseExpression) -> Binding:
    """``User``, ``Optional[User]``, ``User | None``, ``"User"``, ``type[User]``."""
    node: cst.BaseExpression | None = annotation
    kind: BindingKind = "type"
    while node is not None:
        text = dotted_name(node) or _forward_reference(node)
        if text:
            return Binding(kind, text)
        wrapper = last_name(dotted_name(node.value)) if isinstance(node, cst.Subscript) else ""
        if wrapper in ("type", "Type"):
            kind = "class_of"
        if wrapper in _COLLECTIONS and kind == "type":
            assert isinstance(node, cst.Subscript)
            return _elements(node)
        node = _inner_type(node)
    return OTHER


def _elements(node: cst.Subscript) -> Binding:
    """``list[User]``, ``tuple[User, ...]``: a collection of ``User``; else unknown."""
    args = subscript_args(node)
    if len(args) == 2 and isinstance(args[1], cst.Ellipsis):
        args = args[:1]
    text = (dotted_name(args[0]) or _forward_reference(args[0])) if len(args) == 1 else None
    return Binding("elements", text) if text else OTHER


def _forward_reference(node: cst.BaseExpression) -> str | None:
    text = string_value(node)
    return text if text and all(part.isidentifier() for part in text.split(".")) else None


def _inner_type(node: cst.BaseExpression) -> cst.BaseExpression | None:
    if isinstance(node, cst.Subscript):
        wrapper = last_name(dotted_name(node.value))
        args = subscript_args(node)
        return args[0] if args and wrapper in _UNWRAPPED else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        # ``User | None``; ``User | Admin`` has no one class
        if _is_none(node.left):
            return node.right
        return node.left if _is_none(node.right) else None
    return None


def last_name(dotted: str | None) -> str:
    return (dotted or "").rpartition(".")[2]


def value_binding(value: cst.BaseExpression) -> Binding:
    """``User(...)``, ``User.model_validate(...)``: an instance of the class called."""
    if isinstance(value, cst.NamedExpr):
        return value_binding(value.value)
    if not isinstance(value, cst.Call):
        return OTHER
    callee = dotted_name(value.func)
    if callee is None:
        return OTHER
    owner, _, method = callee.rpartition(".")
    if owner and method in CONSTRUCTORS:
        return Binding("type", owner)
    if owner and method in COPIES:
        return Binding("copy_of", owner)
    return Binding("type", callee)


def _is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _names_of(target: cst.BaseExpression, value: Binding) -> Iterator[tuple[str, Binding]]:
    if isinstance(target, cst.Name):
        yield target.value, value
        return
    for name in assigned_names(target):  # unpacking: the class of each part is unknown
        yield name, OTHER


def _assign(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.Assign)
    if _is_none(node.value):  # ``x = None`` placeholders say nothing of the class
        return
    value = value_binding(node.value)
    for target in node.targets:
        yield from _names_of(target.target, value)


def _ann_assign(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.AnnAssign)
    value = _annotation_binding(node.annotation.annotation)
    if value is OTHER and node.value is not None and not _is_none(node.value):
        value = value_binding(node.value)
    yield from _names_of(node.target, value)


def _unknown_targets(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    """Augmented-assignment targets."""
    target = getattr(node, "target", None)
    if isinstance(target, cst.BaseExpression):
        yield from ((name, OTHER) for name in assigned_names(target))


def _loop_targets(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    """``for user in users`` and comprehensions: an element of ``users``, if it names one."""
    assert isinstance(node, cst.For | cst.CompFor)
    if isinstance(node.target, cst.Name) and isinstance(node.iter, cst.Name):
        yield node.target.value, Binding("element_of", node.iter.value)
        return
    yield from _unknown_targets(node)


def _with(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.With)
    for item in node.items:
        if item.asname is not None:
            yield from _names_of(item.asname.name, value_binding(item.item))


def _named_expr(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.NamedExpr)
    yield from _names_of(node.target, value_binding(node.value))


def _import(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.Import)
    for alias in node.names:
        full = dotted_name(alias.name) or ""
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            yield alias.asname.name.value, Binding("import", full)
        else:
            root = full.partition(".")[0]
            yield root, Binding("import", root)


def _import_from(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    assert isinstance(node, cst.ImportFrom)
    if isinstance(node.names, cst.ImportStar):
        return
    module = dotted_name(node.module) or ""
    for alias in node.names:
        name = dotted_name(alias.name) or ""
        local = alias.asname.name if alias.asname else alias.name
        if isinstance(local, cst.Name):
            # A relative import names a module of the project: only the project step knows it.
            full = "" if node.relative else f"{module}.{name}"
            yield local.value, Binding("import", full)


def _named(node: cst.CSTNode) -> Iterator[tuple[str, Binding]]:
    """A name bound to something without a class the rule tracks (a def, an except...)."""
    name = getattr(node, "name", None)
    if isinstance(name, cst.AsName):
        name = name.name
    if isinstance(name, cst.Name):
        yield name.value, OTHER
    for item in getattr(node, "names", ()):  # ``global``/``nonlocal``
        if isinstance(item, cst.NameItem):
            yield item.name.value, OTHER


_Binder = Callable[[cst.CSTNode], Iterator[tuple[str, Binding]]]
_BINDERS: dict[type[cst.CSTNode], _Binder] = {
    cst.Assign: _assign,
    cst.AnnAssign: _ann_assign,
    cst.AugAssign: _unknown_targets,
    cst.For: _loop_targets,
    cst.CompFor: _loop_targets,
    cst.With: _with,
    cst.NamedExpr: _named_expr,
    cst.Import: _import,
    cst.ImportFrom: _import_from,
    cst.FunctionDef: _named,
    cst.ClassDef: _named,
    cst.ExceptHandler: _named,
    cst.ExceptStarHandler: _named,
    cst.Global: _named,
    cst.Nonlocal: _named,
    cst.MatchAs: _named,
    cst.MatchStar: _named,
    cst.TypeAlias: _named,
}
_NEW_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


def bind(table: Table, name: str, value: Binding) -> None:
    previous = table.get(name)
    table[name] = value if previous is None or previous == value else OTHER


def scope_bindings(roots: Sequence[cst.CSTNode], classes: dict[str, cst.ClassDef] | None) -> Table:
    """Every name the code of one scope binds; nested defs, classes and lambdas are theirs.

    ``classes`` is given for the module: its classes are bound as such, and kept there.
    """
    table: Table = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        if classes is not None and isinstance(node, cst.ClassDef):
            classes[node.name.value] = node
            bind(table, node.name.value, Binding("class", node.name.value))
        else:
            binder = _BINDERS.get(type(node))
            for name, value in binder(node) if binder is not None else ():
                bind(table, name, value)
        if type(node) not in _NEW_SCOPES:
            stack.extend(children(node))
    return table


def _decorator_names(function: cst.FunctionDef) -> set[str]:
    found = set()
    for decorator in function.decorators:
        target = decorator.decorator
        found.add(last_name(dotted_name(target.func if isinstance(target, cst.Call) else target)))
    return found


def _first_parameter_binding(function: cst.FunctionDef, owner: str) -> Binding:
    """``self`` (or ``cls``) of a method of the module-level class ``owner``."""
    decorators = _decorator_names(function)
    if "staticmethod" in decorators:
        return OTHER
    if decorators & _VALIDATOR_DECORATORS or function.name.value in _CLASS_PARAMETER_METHODS:
        return Binding("cls", owner)
    return Binding("self", owner)


def parameter_bindings(function: cst.FunctionDef, owner: str | None) -> Table:
    table: Table = {}
    params = function.params
    positional = [*params.posonly_params, *params.params]
    for index, param in enumerate([*positional, *params.kwonly_params]):
        value = OTHER
        if param.annotation is not None:
            value = _annotation_binding(param.annotation.annotation)
        elif index == 0 and owner is not None and positional:
            value = _first_parameter_binding(function, owner)
        bind(table, param.name.value, value)
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            bind(table, extra.name.value, OTHER)
    return table


def lambda_table(function: cst.Lambda) -> Table:
    return {param.name.value: OTHER for param in all_params(function.params)}
