"""Helpers shared by the route rules (FAPI502, FAPI505, FAPI508): paths and their parameters.

A path parameter is what Starlette's ``compile_path`` turns into one: ``{name}`` or
``{name:converter}`` with ASCII identifier characters and no spaces. ``{ name }``,
``{user-id}`` or ``{x: str}`` stay literal text of the path, as they do for FastAPI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.fastapi_model.syntax import (
    positional_args,
)

# Starlette's PARAM_REGEX (starlette/routing.py), anchored on the braces.
PATH_PARAMETER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?\}")
# Word boundaries inside a path segment or a name: separators and camelCase humps.
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# Starlette's own registrars: the endpoint gets a ``Request``, never path parameters.
STARLETTE_REGISTRARS = frozenset({"route", "websocket_route", "add_route", "add_websocket_route"})
_FRAMEWORKS = ("fastapi", "starlette")


@dataclass(frozen=True, slots=True)
class PathPart:
    """One string literal of a route path (a concatenated path has several)."""

    node: cst.SimpleString
    text: str


def is_fastapi_route(model: ModuleModel, route: RouteInfo) -> bool:
    """On a router made here, or on an imported one in a module importing FastAPI/Starlette.

    The model takes any imported object given a URL path for a router; an aiohttp
    ``routes.get("/{name}")`` or a Flask ``app.route("/")`` must not count.
    """
    if route.router in model.routers:
        return True
    imported = (value.qualified for value in model.module_bindings.values.values())
    return any(name.partition(".")[0] in _FRAMEWORKS for name in imported if name)


def path_node(route: RouteInfo) -> cst.BaseExpression | None:
    """The expression a route's path is written as: ``path=`` or the first argument."""
    keyword = route.keyword("path")
    if keyword is not None:
        return keyword
    args = positional_args(route.call)
    return args[0] if args else None


def path_parts(node: cst.BaseExpression | None) -> list[PathPart] | None:
    """The literal pieces of a path, left to right; None unless it is a plain literal."""
    if isinstance(node, cst.SimpleString):
        text = node.evaluated_value
        return [PathPart(node, text)] if isinstance(text, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = path_parts(node.left), path_parts(node.right)
        return None if left is None or right is None else left + right
    return None


def parameters(path: str) -> list[str]:
    """The path parameters of ``path``, once each, in order: ``{id}``, ``{rest:path}``."""
    return list(dict.fromkeys(match.group(1) for match in PATH_PARAMETER.finditer(path)))


def catch_all_parameters(path: str) -> list[str]:
    """The ``{rest:path}`` parameters of ``path``: they match whatever follows."""
    return [m.group(1) for m in PATH_PARAMETER.finditer(path) if m.group(2) == "path"]


def part_holding(parts: list[PathPart], name: str) -> cst.SimpleString:
    """The literal that spells ``{name}``; the first one if the name is split across two."""
    for part in parts:
        if any(match.group(1) == name for match in PATH_PARAMETER.finditer(part.text)):
            return part.node
    return parts[0].node


def words(text: str) -> list[str]:
    """``getUsers`` -> ``["get", "users"]``, ``delete_item`` -> ``["delete", "item"]``."""
    return [word.lower() for word in _WORD.findall(text)]


def static_segments(path: str) -> Iterator[str]:
    """The segments of a path that hold no parameter (nor a brace at all)."""
    for segment in path.split("/"):
        if segment and "{" not in segment and "}" not in segment:
            yield segment
