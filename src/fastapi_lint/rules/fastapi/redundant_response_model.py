"""FAPI503: ``response_model=`` repeats the return annotation of the route handler."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.mappings import api_routes
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.fixes import PendingFix, replace
from fastapi_lint.rule import Invalid, Rule, Valid
from fastapi_lint.rules.fastapi._call_arguments import comments, without_argument
from fastapi_lint.rules.fastapi._route_bodies import shown

# A type reduced to nested tuples: equal shapes mean FastAPI builds the same response model.
Shape = tuple[object, ...]
_BUILTIN_NAMES = frozenset(dir(builtins))
_UNION = frozenset({"typing.Union"})
_OPTIONAL = frozenset({"typing.Optional"})
_LITERAL = "typing.Literal"
_ANNOTATED = "typing.Annotated"
# ``typing`` aliases and the runtime class they stand for: ``List[Item]`` and
# ``list[Item]`` give FastAPI the same response model, so they compare equal.
_SAME_AS = {
    "typing.List": "builtins.list",
    "typing.Dict": "builtins.dict",
    "typing.Set": "builtins.set",
    "typing.FrozenSet": "builtins.frozenset",
    "typing.Tuple": "builtins.tuple",
    "typing.Type": "builtins.type",
    "typing.Text": "builtins.str",
    "typing.Deque": "collections.deque",
    "typing.DefaultDict": "collections.defaultdict",
    "typing.OrderedDict": "collections.OrderedDict",
    "typing.Counter": "collections.Counter",
    "typing.ChainMap": "collections.ChainMap",
    **{
        f"typing.{name}": f"collections.abc.{name}"
        for name in (
            "Sequence",
            "MutableSequence",
            "Mapping",
            "MutableMapping",
            "MutableSet",
            "Collection",
            "Iterable",
            "Iterator",
            "AsyncIterable",
            "AsyncIterator",
            "Generator",
            "AsyncGenerator",
            "Callable",
            "Awaitable",
            "Coroutine",
        )
    },
    "typing.AbstractSet": "collections.abc.Set",
}


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _future_annotations(model: ModuleModel) -> bool:
    value = model.module_value("annotations")
    return value is not None and value.qualified == "__future__.annotations"


class _Shaper:
    """Reduces annotations to shapes, resolving names through the module's imports.

    ``globals_only`` refuses names FastAPI could not resolve: with deferred annotations
    (``from __future__ import annotations`` or a string) FastAPI evaluates the return
    annotation in the module's globals, so a class local to a function is only reached
    through ``response_model=``, which is then not redundant.
    """

    def __init__(
        self, model: ModuleModel, source: Callable[[cst.CSTNode], str], globals_only: bool
    ) -> None:
        self.model = model
        self.source = source
        self.globals_only = globals_only

    def shape(self, node: cst.BaseExpression) -> Shape | None:
        """None when the expression is not a type this comparison understands."""
        if _is_none(node):
            return ("None",)
        if isinstance(node, cst.Name | cst.Attribute):
            return self._name(node)
        if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
            return self._forward_reference(node)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self._union([node.left, node.right])
        if isinstance(node, cst.Subscript):
            return self._subscript(node)
        if isinstance(node, cst.Ellipsis):
            return ("...",)
        if isinstance(node, cst.List):  # the parameters of ``Callable[[int], str]``
            return self._all("params", [element.value for element in node.elements])
        return None

    def _name(self, node: cst.Name | cst.Attribute) -> Shape | None:
        dotted = dotted_name(node)
        if dotted is None:
            return None
        root = dotted.partition(".")[0]
        if self.globals_only and not self._is_global(root):
            return None
        qualified = self.model.qualified_name(node)
        if qualified is None:
            # A class of this module (or a name the model does not track): both sides
            # are evaluated in the same scope, so the same spelling is the same object.
            return ("local", dotted)
        if qualified.startswith("typing_extensions."):
            qualified = "typing." + qualified.partition(".")[2]
        return ("name", _SAME_AS.get(qualified, qualified))

    def _is_global(self, root: str) -> bool:
        return root in _BUILTIN_NAMES or self.model.module_value(root) is not None

    def _forward_reference(self, node: cst.SimpleString | cst.ConcatenatedString) -> Shape | None:
        text = node.evaluated_value
        if not isinstance(text, str):
            return None
        try:
            parsed = cst.parse_expression(text.strip())
        except cst.ParserSyntaxError:
            return None
        return _Shaper(self.model, parsed_source(parsed), self.globals_only).shape(parsed)

    def _subscript(self, node: cst.Subscript) -> Shape | None:
        generic = self.shape(node.value)
        args = _index_values(node)
        if generic is None or not args:
            return None
        name = generic[1] if generic[0] == "name" else None
        if name in _UNION:
            return self._union(args)
        if name in _OPTIONAL:
            return self._union([*args, cst.Name("None")])
        if name == _LITERAL:
            return ("literal", tuple(self._code(arg) for arg in args))
        if name == _ANNOTATED:
            return self._annotated(args)
        return self._all("generic", args, head=generic)

    def _annotated(self, args: Sequence[cst.BaseExpression]) -> Shape | None:
        """``Annotated[T, meta...]``: the metadata must be the same code."""
        first = self.shape(args[0])
        metadata = tuple(self._code(arg) for arg in args[1:])
        return None if first is None else ("annotated", first, metadata)

    def _all(
        self, kind: str, nodes: Sequence[cst.BaseExpression], head: Shape | None = None
    ) -> Shape | None:
        shapes = [self.shape(node) for node in nodes]
        if any(shape is None for shape in shapes):
            return None
        return (kind, head, tuple(shapes))

    def _union(self, nodes: Sequence[cst.BaseExpression]) -> Shape | None:
        """Nested unions flattened, repeats dropped, order kept (it orders the schema)."""
        flat: list[Shape] = []
        for node in nodes:
            shape = self.shape(node)
            if shape is None:
                return None
            parts = shape[1] if shape[0] == "union" else (shape,)
            assert isinstance(parts, tuple)  # a union shape holds the tuple of its members
            for part in parts:
                if part not in flat:
                    flat.append(part)
        return flat[0] if len(flat) == 1 else ("union", tuple(flat))

    def _code(self, node: cst.BaseExpression) -> str:
        """Literal values and ``Annotated`` metadata, compared as Python's AST sees them."""
        code = self.source(node).strip()
        try:
            return ast.dump(ast.parse(f"({code})", mode="eval").body)
        except SyntaxError:
            return code


def _index_values(node: cst.Subscript) -> list[cst.BaseExpression]:
    """The arguments of ``X[a, b]``; none at all if one is a slice or a ``*unpacking``."""
    args: list[cst.BaseExpression] = []
    for element in node.slice:
        if not isinstance(element.slice, cst.Index) or element.slice.star is not None:
            return []
        args.append(element.slice.value)
    return args


def _response_model_arg(route: RouteInfo) -> cst.Arg | None:
    return next(
        (a for a in route.call.args if a.keyword and a.keyword.value == "response_model"), None
    )


def _registers_the_def(model: ModuleModel, node: cst.FunctionDef, route: RouteInfo) -> bool:
    """FastAPI reads the annotations of ``node`` itself for this route.

    A decorator between the route's and the ``def`` hands FastAPI its own wrapper, whose
    return annotation may differ (or be missing, without ``functools.wraps``). Route
    decorators below it are fine: they return the function unchanged.
    """
    if route.decorator is None:
        return True  # ``add_api_route(path, endpoint)``: the function is passed as it is
    routes = {id(other.decorator) for other in model.routes_for(node)}
    index = next(i for i, decorator in enumerate(node.decorators) if decorator is route.decorator)
    return all(id(decorator) in routes for decorator in node.decorators[index + 1 :])


def parsed_source(expression: cst.BaseExpression) -> Callable[[cst.CSTNode], str]:
    """The code of nodes of a parsed forward reference (not part of the module)."""
    module = cst.Module(body=[cst.SimpleStatementLine([cst.Expr(expression)])])
    return module.code_for_node


class RedundantResponseModel(Rule):
    """
    ## What it does
    Flags `response_model=` in a FastAPI route decorator (or `add_api_route`) when it is
    the same type as the return annotation of the handler. Types are compared by
    structure, not text: names are resolved through the imports (`models.Item` and an
    imported `Item` are the same), whitespace and quotes do not matter, and a string
    annotation is read as the type it names. Deliberately, `typing` aliases equal the
    class they alias (`List[Item]` is `list[Item]`, `Optional[X]` is `X | None` and
    `Union[X, None]`, `typing.Sequence` is `collections.abc.Sequence`), because FastAPI
    builds the same response model from both. The order of union members counts (it
    orders the OpenAPI schema), and `Annotated` metadata must be identical.
    `response_model=None` is left alone, whatever the annotation: it is how FastAPI is
    told to build no response model at all, an explicit opt-out that reads the same on
    every route of a project that writes it.

    Every finding of ruff's `FAST001` is also reported. The finding is on the
    `response_model=` argument.

    ## Why is this bad?
    FastAPI takes the response model from the return annotation. Repeating it means two
    places to keep in sync: the day one changes and the other does not, the response
    is validated against one type while the type checker checks the other.
    `response_model=` is for when they must differ, such as returning an ORM object or
    a dict that FastAPI should filter through a model.

    ## Example
    ```python
    @router.get("/items/{item_id}", response_model=Item)
    async def read_item(item_id: int) -> Item:
        return await items.get(item_id)
    ```

    ## Use instead
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int) -> Item:
        return await items.get(item_id)
    ```

    ## Options
    None.

    ## Fix safety
    The fix removes the `response_model=` argument, with its comma, and its line when it
    had one of its own (a comment that ended that line stays). FastAPI then builds the
    response model from the return annotation: the same type, so responses are
    validated, filtered (a subclass instance is still cut down to the declared fields)
    and documented as before. The fix is unsafe because the two are the same only as
    this rule compares them (names resolved through the imports, `typing` aliases equal
    to the classes they alias), while FastAPI evaluates the annotation itself: a string
    or deferred annotation in the module's globals, when the route is declared. There
    is no fix when another decorator stands between the route decorator and the `def`
    (FastAPI would read the wrapper's annotations, which a wrapper made without
    `functools.wraps` does not carry), nor when a comment inside the argument would go.

    ## Known limitations
    Types built by calls (`conlist(int)`) and type aliases are not compared. With
    deferred annotations (`from __future__ import annotations`), a handler defined in a
    function or class is only reported when its annotation names module-level types:
    FastAPI resolves such annotations in the module's globals.
    """

    code = "FAPI503"
    name = "redundant-response-model"
    family = "fastapi"
    roles = frozenset({Role.APP})
    requires = MappingProxyType({"fastapi": ">=0.89"})
    severity = "warning"
    fixable = True
    message = (
        "`response_model=` of route `{function}` repeats its return annotation "
        "`{annotation}`; drop the argument"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/users/{user_id}", response_model=UserOut)\n'
            "async def read_user(user_id: int) -> User:\n"
            "    return await users.get(user_id)\n"
        ),
        Valid(
            "from typing import Any\n\n"
            "from fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/items", response_model=list[Item])\n'
            "def list_items() -> Any:\n"
            "    return db.items()\n"
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/items")\n'
            "def list_items() -> list[Item]:\n"
            "    return db.items()\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/items/{item_id}", response_model=Item)\n'
            "async def read_item(item_id: int) -> Item:\n"
            "    return await items.get(item_id)\n",
            line=6,
            column=30,
            message_contains="repeats its return annotation `Item`",
        ),
        Invalid(
            "from typing import List, Optional\n\n"
            "from fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/items", response_model=Optional[List[Item]])\n'
            "def list_items() -> list[Item] | None:\n"
            "    return db.items()\n",
            line=8,
            column=23,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.returns is None:
            return
        routes = api_routes(self.context.model, node)
        found = [
            (route, arg)
            for route in routes
            if (arg := _response_model_arg(route)) and not _is_none(arg.value)
        ]
        if not found:
            return
        returns = node.returns.annotation
        expected = self._return_shape(returns)
        if expected is None:
            return
        code_for_node = self.context.module.code_for_node
        shaper = _Shaper(self.context.model, code_for_node, globals_only=False)
        for route, arg in found:
            if shaper.shape(arg.value) == expected:
                annotation = shown(self.context.module, returns)
                fix = self._fix(node, route, arg)
                self.report(arg, function=node.name.value, annotation=annotation, fix=fix)

    def _fix(self, node: cst.FunctionDef, route: RouteInfo, arg: cst.Arg) -> PendingFix | None:
        """Drop ``arg``, unless FastAPI may see another function than ``node`` (see docs)."""
        if not _registers_the_def(self.context.model, node, route):
            return None
        call = without_argument(route.call, arg)
        if comments(call) != comments(route.call):
            return None  # a comment inside the argument would go
        return replace(route.call, call, "Remove `response_model=`", unsafe=True)

    def _return_shape(self, returns: cst.BaseExpression) -> Shape | None:
        """The shape of the return annotation as FastAPI will evaluate it."""
        model = self.context.model
        deferred = _future_annotations(model) or isinstance(returns, cst.SimpleString)
        nested = len(self.context.scopes) > 1  # the def itself is the innermost scope
        shaper = _Shaper(model, self.context.module.code_for_node, globals_only=deferred and nested)
        return shaper.shape(returns)
