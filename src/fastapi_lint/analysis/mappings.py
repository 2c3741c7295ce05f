"""Helpers shared by the models rules (FAPI301-FAPI303): mapping annotations and routes.

An annotation is looked at through ``Optional``/``Union``/``X | None``/``Annotated`` and
string (forward reference) wrappers; its members are then matched by qualified name, so
``from typing import Dict as D`` and ``typing.Dict`` are both seen as ``dict``.

A mapping is *untyped* when it has no type arguments (``dict``, ``Mapping``) or when its
value type is ``Any``/``object`` or itself an untyped mapping (``dict[str, Any]``,
``Mapping[str, dict]``). ``dict[str, int]`` and ``dict[str, Item]`` are typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.fastapi_model.syntax import dotted_name, subscript_args

Resolve = Callable[[cst.BaseExpression], str | None]

MAPPING_TYPES = frozenset(
    {
        "builtins.dict",
        "typing.Dict",
        "typing.Mapping",
        "typing.MutableMapping",
        "typing.OrderedDict",
        "typing.DefaultDict",
        "typing_extensions.OrderedDict",
        "typing_extensions.DefaultDict",
        "collections.OrderedDict",
        "collections.defaultdict",
        "collections.abc.Mapping",
        "collections.abc.MutableMapping",
    }
)
UNTYPED_VALUES = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
# FastAPI registrars whose endpoint gets request parsing and a response model; Starlette's
# ``route``/``add_route`` and websocket endpoints get neither.
API_REGISTRARS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "trace"}
    | {"api_route", "add_api_route"}
)
# ``fastapi`` parameter functions that make a parameter something other than a JSON body.
NON_BODY_MARKERS = frozenset(
    {"Depends", "Security", "Query", "Header", "Cookie", "Path", "Form", "File"}
)


def api_routes(model: ModuleModel, func: cst.FunctionDef) -> tuple[RouteInfo, ...]:
    """The routes of ``func`` that FastAPI parses requests and serialises responses for."""
    return tuple(r for r in model.routes_for(func) if r.registrar in API_REGISTRARS)


def _parsed_string(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """The expression inside a string annotation (``"dict[str, Any]"``), if it parses."""
    if not isinstance(node, cst.SimpleString):
        return None
    text = node.evaluated_value
    if not isinstance(text, str):
        return None
    try:
        return cst.parse_expression(text.strip())
    except cst.ParserSyntaxError:
        return None


def _wrapped(node: cst.BaseExpression, resolve: Resolve) -> list[cst.BaseExpression] | None:
    """What a wrapper annotation stands for (its members), or None if ``node`` is no wrapper."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return [node.left, node.right]
    parsed = _parsed_string(node)
    if parsed is not None:
        return [parsed]
    if not isinstance(node, cst.Subscript):
        return None
    qualified = resolve(node.value)
    args = subscript_args(node)
    if qualified in _UNION:
        return args
    if qualified in _ANNOTATED or qualified in _OPTIONAL:
        return args[:1]
    return None


def members(annotation: cst.BaseExpression, resolve: Resolve) -> Iterator[cst.BaseExpression]:
    """The types an annotation allows, unwrapped, in source order, ``None`` left out."""
    stack = [annotation]
    while stack:
        node = stack.pop()
        inner = _wrapped(node, resolve)
        if inner is not None:
            stack.extend(reversed(inner))
        elif not (isinstance(node, cst.Name) and node.value == "None"):
            yield node


def _generic(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.value if isinstance(node, cst.Subscript) else node


def is_mapping(node: cst.BaseExpression, resolve: Resolve) -> bool:
    """``dict``, ``Dict[str, int]``, ``collections.abc.Mapping``... (one unwrapped member)."""
    return resolve(_generic(node)) in MAPPING_TYPES


def is_untyped_mapping(node: cst.BaseExpression, resolve: Resolve) -> bool:
    """A mapping without type arguments, or whose value type is Any/object/untyped."""
    if not is_mapping(node, resolve):
        return False
    if not isinstance(node, cst.Subscript):
        return True
    args = subscript_args(node)
    if len(args) < 2:
        return True
    return any(
        resolve(value) in UNTYPED_VALUES or is_untyped_mapping(value, resolve)
        for value in members(args[-1], resolve)
    )


def find_mapping(
    annotation: cst.BaseExpression, resolve: Resolve, *, untyped: bool
) -> cst.BaseExpression | None:
    """The first member of ``annotation`` that is a mapping (an untyped one if asked)."""
    check = is_untyped_mapping if untyped else is_mapping
    return next((m for m in members(annotation, resolve) if check(m, resolve)), None)


def annotated_metadata(
    annotation: cst.BaseExpression, resolve: Resolve
) -> list[cst.BaseExpression]:
    """The metadata of ``Annotated[T, meta, ...]`` (or of its string form); [] otherwise."""
    node = _parsed_string(annotation) or annotation
    if not isinstance(node, cst.Subscript) or resolve(node.value) not in _ANNOTATED:
        return []
    return subscript_args(node)[1:]


def _last_name(node: cst.BaseExpression, resolve: Resolve) -> str | None:
    """The last segment of the qualified (else the written) dotted name of ``node``."""
    name = resolve(node) or dotted_name(node)
    return None if name is None else name.rpartition(".")[2]


def is_non_body_marker(node: cst.BaseExpression | None, resolve: Resolve) -> bool:
    """``Depends(...)``, ``Query()``, ``Form()``...: the parameter is not a JSON body.

    Unresolved names are matched on their spelling; a name resolved outside ``fastapi``
    (``pathlib.Path``) is not a marker.
    """
    if not isinstance(node, cst.Call):
        return False
    qualified = resolve(node.func)
    if qualified is not None and qualified.partition(".")[0] != "fastapi":
        return False
    return _last_name(node.func, resolve) in NON_BODY_MARKERS


def is_response_class(node: cst.BaseExpression, resolve: Resolve) -> bool:
    """``Response``, ``StreamingResponse``, ``EventSourceResponse``...: named ``*Response``."""
    name = _last_name(_generic(node), resolve)
    return name is not None and name.endswith("Response")


def is_json_response_class(node: cst.BaseExpression, resolve: Resolve) -> bool:
    """``JSONResponse``, ``ORJSONResponse``, ``UJSONResponse`` and subclasses named so."""
    name = _last_name(node, resolve)
    return name is not None and name.endswith("JSONResponse")


def source_of(module: cst.Module, node: cst.CSTNode) -> str:
    """The code of ``node`` on one line, for messages."""
    return " ".join(module.code_for_node(node).split())


def shown_type(module: cst.Module, annotation: cst.BaseExpression, resolve: Resolve) -> str:
    """The annotation for a message, without the metadata of ``Annotated[T, ...]``."""
    if isinstance(annotation, cst.Subscript) and resolve(annotation.value) in _ANNOTATED:
        return source_of(module, subscript_args(annotation)[0])
    return source_of(module, annotation)
