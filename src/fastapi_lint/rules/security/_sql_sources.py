"""Where a value formatted into SQL comes from (FAPI804): outside the program or not.

A value is *outside* when a client or the machine can choose it: a parameter of a route
or a dependency (what FastAPI fills from the request), the `Request` itself, a parameter
of a function this module calls with such a value, the environment (`os.environ`,
`os.getenv`) or a file (`.read()`, `json.load()`). It stays outside through the
function's assignments, attribute and item reads, string methods and formatting. The
code's own values are not outside: literals, UPPER_CASE constants, module-level names,
numbers (`int()`, `len()`), parameters typed as numbers, dates, UUIDs, booleans or an
enum of this module, values that went through a sanitiser (a call whose name says it
quotes, escapes, validates or checks), and anything returned by another call.

One piece: the tracing of a value through expressions, names, parameters and calls is
one recursion, each step calling the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.syntax import dotted_name

# Where a value came from, as the message says it.
REQUEST = "request"
ENVIRONMENT = "environment"
FILE = "file"

# Annotations FastAPI converts before the handler runs: no SQL can hide in them.
_SAFE_TYPES = frozenset(
    {
        "int",
        "float",
        "bool",
        "UUID",
        "uuid.UUID",
        "date",
        "datetime",
        "time",
        "timedelta",
        "datetime.date",
        "datetime.datetime",
        "Decimal",
        "decimal.Decimal",
        "Literal",
        "PositiveInt",
        "NonNegativeInt",
        "conint",
    }
)
_REQUEST_TYPES = frozenset({"Request", "WebSocket", "HTTPConnection"})
_ENV_CALLS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "getenv"})
_ENV_OBJECTS = frozenset({"os.environ"})
_FILE_METHODS = frozenset({"read", "read_text", "readline", "readlines", "read_bytes"})
_FILE_CALLS = frozenset({"json.load", "yaml.safe_load", "yaml.load", "input", "toml.load"})
# Methods whose result carries their receiver's (or arguments') text along.
_CARRYING_METHODS = frozenset(
    {
        "get",
        "getlist",
        "json",
        "form",
        "body",
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "title",
        "capitalize",
        "replace",
        "format",
        "join",
        "split",
        "encode",
        "decode",
        "values",
        "keys",
        "items",
        "pop",
        "model_dump",
        "dict",
    }
)
_NUMERIC_CALLS = frozenset({"int", "float", "len", "round", "abs", "bool", "hash"})
_SANITISER = re.compile(r"quot|escap|saniti|valid|check|safe|allow|whitelist|ident", re.I)
_CONSTANT = re.compile(r"_*[A-Z][A-Z0-9_]*")
# How deep callers are followed: a route calling a helper calling the query builder.
_MAX_CALLERS = 3


@dataclass(frozen=True, slots=True)
class Source:
    """An outside value reaching the SQL: its kind and the code that brought it in."""

    kind: str  # REQUEST, ENVIRONMENT or FILE
    code: str  # the expression as written, `name` or `os.environ["SCHEMA"]`
    where: str  # "a parameter of route `search`", "read from `os.getenv("DAY")`"...


@dataclass(slots=True)
class _Call:
    call: cst.Call
    caller: cst.FunctionDef


class SqlSources:
    """Answers "is this expression outside?" for one module, computing what it needs once."""

    def __init__(self, module: cst.Module, model: ModuleModel) -> None:
        self._module = module
        self._model = model
        self._assignments: dict[int, dict[str, list[cst.BaseExpression | None]]] = {}
        self._calls: dict[str, list[_Call]] | None = None
        self._enums: frozenset[str] | None = None

    def source(self, expr: cst.BaseExpression, scope: cst.FunctionDef) -> Source | None:
        """The outside source of ``expr`` evaluated in ``scope``, or None."""
        return self._source(expr, scope, frozenset(), 0)

    def _source(
        self, expr: cst.BaseExpression, scope: cst.FunctionDef, seen: frozenset[str], depth: int
    ) -> Source | None:
        if isinstance(expr, cst.Name):
            return self._name(expr.value, scope, seen, depth)
        if isinstance(expr, cst.Await):
            return self._source(expr.expression, scope, seen, depth)
        if isinstance(expr, cst.Attribute | cst.Subscript):
            if self._is_env(expr):
                return self._read(ENVIRONMENT, expr)
            if self._is_enum_member(expr):
                return None
            return self._source(expr.value, scope, seen, depth)
        if isinstance(expr, cst.Call):
            return self._call(expr, scope, seen, depth)
        return self._first(self._parts(expr), scope, seen, depth)

    def _first(
        self,
        parts: Iterator[cst.BaseExpression],
        scope: cst.FunctionDef,
        seen: frozenset[str],
        depth: int,
    ) -> Source | None:
        for part in parts:
            found = self._source(part, scope, seen, depth)
            if found is not None:
                return found
        return None

    @staticmethod
    def _parts(expr: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
        """The sub-expressions whose text a compound expression carries."""
        if isinstance(expr, cst.FormattedString):
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    yield part.expression
        elif isinstance(expr, cst.ConcatenatedString | cst.BinaryOperation):
            yield expr.left
            yield expr.right
        elif isinstance(expr, cst.IfExp):
            yield expr.body
            yield expr.orelse
        elif isinstance(expr, cst.List | cst.Tuple | cst.Set):
            for element in expr.elements:
                yield element.value
        elif isinstance(expr, cst.ListComp | cst.GeneratorExp | cst.SetComp):
            yield expr.elt  # its loop variables carry what they iterate over

    def _call(
        self, call: cst.Call, scope: cst.FunctionDef, seen: frozenset[str], depth: int
    ) -> Source | None:
        qualified = self._model.qualified_name(call.func) or dotted_name(call.func) or ""
        if qualified in _ENV_CALLS:
            return self._read(ENVIRONMENT, call)
        if qualified in _FILE_CALLS:
            return self._read(FILE, call)
        func = call.func
        if isinstance(func, cst.Name):
            if func.value == "str":
                return self._first((a.value for a in call.args), scope, seen, depth)
            return None  # numbers, sanitisers and the code's own functions
        if not isinstance(func, cst.Attribute) or _SANITISER.search(func.attr.value):
            return None
        return self._method_call(call, func, scope, seen, depth)

    def _method_call(
        self,
        call: cst.Call,
        func: cst.Attribute,
        scope: cst.FunctionDef,
        seen: frozenset[str],
        depth: int,
    ) -> Source | None:
        """``f.read()`` reads a file; ``text.strip()``, ``", ".join(parts)`` carry a source."""
        method = func.attr.value
        if method in _FILE_METHODS:
            return self._read(FILE, call)
        if method not in _CARRYING_METHODS:
            return None
        receiver = self._source(func.value, scope, seen, depth)
        if receiver is not None or method not in {"join", "format", "replace"}:
            return receiver
        return self._first((a.value for a in call.args), scope, seen, depth)

    def _name(
        self, name: str, scope: cst.FunctionDef, seen: frozenset[str], depth: int
    ) -> Source | None:
        if name in seen or _CONSTANT.fullmatch(name):
            return None
        seen = seen | {name}
        values = self._assigned(scope).get(name)
        if values is None:
            return None  # a module-level name, a builtin, a closure: the code's own
        parameter = _parameter(scope, name)
        if parameter is not None:
            found = self._parameter(parameter, scope, depth)
            if found is not None:
                return found
        known = (value for value in values if value is not None)
        return self._first(known, scope, seen, depth)

    def _parameter(self, param: cst.Param, scope: cst.FunctionDef, depth: int) -> Source | None:
        name = param.name.value
        if name in {"self", "cls"} or self._safe_annotation(param):
            return None
        if _annotation_name(param) in _REQUEST_TYPES:
            return Source(REQUEST, name, f"request data in `{scope.name.value}`")
        model = self._model
        if model.is_route(scope):
            return Source(REQUEST, name, f"a parameter of route `{scope.name.value}`")
        if model.is_dependency(scope):
            return Source(REQUEST, name, f"a parameter of dependency `{scope.name.value}`")
        if depth >= _MAX_CALLERS:
            return None
        return self._from_callers(scope, param, depth)

    def _from_callers(self, scope: cst.FunctionDef, param: cst.Param, depth: int) -> Source | None:
        """An outside value this module passes to ``param`` in a call of ``scope``."""
        index = _positional_index(scope, param)
        for found in self._calls_of(scope.name.value):
            argument = _argument(found.call, param.name.value, index)
            if argument is None:
                continue
            outside = self._source(argument, found.caller, frozenset(), depth + 1)
            if outside is not None:
                where = f"{outside.where}, passed on to `{scope.name.value}`"
                return Source(outside.kind, param.name.value, where)
        return None

    def _calls_of(self, name: str) -> list[_Call]:
        if self._calls is None:
            collector = _CallCollector()
            self._module.visit(collector)
            self._calls = collector.calls
        return self._calls.get(name, [])

    def _assigned(self, scope: cst.FunctionDef) -> dict[str, list[cst.BaseExpression | None]]:
        table = self._assignments.get(id(scope))
        if table is None:
            table = self._assignments[id(scope)] = _function_assignments(scope)
        return table

    def _safe_annotation(self, param: cst.Param) -> bool:
        name = _annotation_name(param)
        if name is None:
            return False
        return name in _SAFE_TYPES or name in self._enum_names()

    def _is_enum_member(self, expr: cst.Attribute | cst.Subscript) -> bool:
        """``Status.ACTIVE.value``: a member of an enum of this module."""
        root = dotted_name(expr)
        return root is not None and root.partition(".")[0] in self._enum_names()

    def _enum_names(self) -> frozenset[str]:
        """Classes of this module based on an ``*Enum``/``*Flag`` class."""
        if self._enums is None:
            self._enums = frozenset(
                node.name.value
                for node in self._module.body
                if isinstance(node, cst.ClassDef)
                and any((dotted_name(b.value) or "").endswith(("Enum", "Flag")) for b in node.bases)
            )
        return self._enums

    def _is_env(self, expr: cst.Attribute | cst.Subscript) -> bool:
        target = expr.value if isinstance(expr, cst.Subscript) else expr
        return dotted_name(target) is not None and (
            self._model.qualified_name(target) in _ENV_OBJECTS
        )

    def _read(self, kind: str, node: cst.CSTNode) -> Source:
        code = " ".join(self._module.code_for_node(node).split())
        return Source(kind, code, f"read from `{code}`")


def _annotation_name(param: cst.Param) -> str | None:
    """The class an annotation names, `Optional[X]`/`X | None`/`Annotated[X, ...]` unwrapped."""
    if param.annotation is None:
        return None
    expr = param.annotation.annotation
    while True:
        if isinstance(expr, cst.BinaryOperation):  # X | None
            expr = expr.left if _is_none(expr.right) else expr.right
        elif isinstance(expr, cst.Subscript) and (dotted_name(expr.value) or "").endswith(
            ("Optional", "Annotated")
        ):
            first = expr.slice[0].slice
            if not isinstance(first, cst.Index):
                return None
            expr = first.value
        elif isinstance(expr, cst.Subscript):
            return dotted_name(expr.value)
        else:
            return dotted_name(expr)


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _parameters(scope: cst.FunctionDef) -> list[cst.Param]:
    params = scope.params
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def _parameter(scope: cst.FunctionDef, name: str) -> cst.Param | None:
    return next((p for p in _parameters(scope) if p.name.value == name), None)


def _positional_index(scope: cst.FunctionDef, param: cst.Param) -> int | None:
    """Where ``param`` sits among the positional parameters, ``self`` left out."""
    params = scope.params
    positional = [*params.posonly_params, *params.params]
    if param not in positional:
        return None
    if positional and positional[0].name.value in {"self", "cls"}:
        positional = positional[1:]
    return positional.index(param) if param in positional else None


def _argument(call: cst.Call, name: str, index: int | None) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if index is not None and index < len(positional):
        return positional[index]
    return None


class _CallCollector(cst.CSTVisitor):
    """Every call inside a def, by the last name of what it calls."""

    def __init__(self) -> None:
        self.calls: dict[str, list[_Call]] = {}
        self._functions: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
        if isinstance(name, str) and self._functions:
            self.calls.setdefault(name, []).append(_Call(node, self._functions[-1]))


def _function_assignments(scope: cst.FunctionDef) -> dict[str, list[cst.BaseExpression | None]]:
    """Parameters (None) and plain assignments of ``scope``, nested defs left out.

    A loop variable takes the loop's iterable as its value: `for key in filters`
    carries whatever `filters` carries.
    """
    table: dict[str, list[cst.BaseExpression | None]] = {}
    for param in _parameters(scope):
        table[param.name.value] = [None]
    for extra in (scope.params.star_arg, scope.params.star_kwarg):
        if isinstance(extra, cst.Param):
            table[extra.name.value] = [None]
    collector = _AssignmentCollector(table)
    scope.body.visit(collector)
    return table


class _AssignmentCollector(cst.CSTVisitor):
    def __init__(self, table: dict[str, list[cst.BaseExpression | None]]) -> None:
        self.table = table

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind(node.name, None)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target, node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind(node.target, node.iter)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, None)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.table.setdefault(target.value, []).append(value)
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._bind(element.value, value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, value)
