"""Which route parameters FastAPI reads from the request body, and what a route responds.

Helpers of the route rules FAPI503, FAPI506, FAPI507 and FAPI511. A parameter's source
is decided the way ``fastapi.dependencies.utils.analyze_param`` decides it:

1. ``Depends``/``Security``, or ``Query``/``Path``/``Header``/``Cookie`` as the default
   or in the ``Annotated`` metadata: not a body (markers are matched as FAPI301 matches
   them: through the imports, or on their spelling when unresolved);
2. ``Body()``, ``Form()``, ``File()``: a body;
3. otherwise the annotation decides. A "complex" type is a body: a Pydantic model, a
   dataclass, a mapping, a sequence (``list[int]`` too: without ``Query()`` it is a
   JSON array in the body) or ``UploadFile``; any member of a union counts. Everything
   else (scalars, enums, ``Request``, ``Response``, ``BackgroundTasks``...) is not.

A class is known to be a model when it is defined in this module and inherits from a
Pydantic base (directly or through other classes of the module), or is a dataclass; an
imported class is known only when it *is* such a base. Classes imported from the
project are not judged (they may as well be enums, which are query parameters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import libcst as cst

from fastapi_lint.analysis.mappings import (
    MAPPING_TYPES,
    Resolve,
    annotated_metadata,
    members,
)
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.fastapi_model.syntax import child_statements, dotted_name, string_value
from fastapi_lint.tree import code_nodes

# ``Param`` subclasses and dependencies: the parameter is not read from the body.
NOT_BODY_MARKERS = frozenset({"Depends", "Security", "Query", "Path", "Header", "Cookie"})
BODY_MARKERS = frozenset({"Body", "Form", "File"})
MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.RootModel",
        "pydantic.root_model.RootModel",
        "pydantic_settings.BaseSettings",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
    }
)
DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass", "pydantic.dataclasses.dataclass"})
# What FastAPI's ``_annotation_is_sequence`` accepts (strings and bytes excluded).
SEQUENCE_TYPES = frozenset(
    {
        "builtins.list",
        "builtins.tuple",
        "builtins.set",
        "builtins.frozenset",
        "collections.deque",
        "collections.abc.Sequence",
        "collections.abc.MutableSequence",
        "typing.List",
        "typing.Tuple",
        "typing.Set",
        "typing.FrozenSet",
        "typing.Deque",
        "typing.Sequence",
        "typing.MutableSequence",
    }
)
UPLOAD_FILES = frozenset(
    {
        "fastapi.UploadFile",
        "fastapi.datastructures.UploadFile",
        "starlette.datastructures.UploadFile",
    }
)
_RESPONSE_LIBRARIES = ("fastapi.", "starlette.", "sse_starlette.")
# What a server-rendered page answers with: Starlette's class and Jinja2Templates' method.
_HTML_RESPONSES = frozenset({"HTMLResponse", "TemplateResponse", "_TemplateResponse"})
# Return annotations promising no value at all.
_NO_VALUE = frozenset({"typing.NoReturn", "typing.Never", "typing_extensions.Never"})


@dataclass(frozen=True, slots=True)
class BodySource:
    """Why a parameter is read from the body, and what to do about it on a GET."""

    reason: str
    advice: str


def shown(module: cst.Module, node: cst.CSTNode) -> str:
    """The code of ``node`` on one line, for messages: ``dict[str, int]``, not ``dict[\n``."""
    text = " ".join(module.code_for_node(node).split())
    text = re.sub(r"([\[(])\s+", r"\1", text)
    return re.sub(r",?\s+([\])])", r"\1", text)


def route_parameters(params: cst.Parameters) -> list[cst.Param]:
    """``*args``/``**kwargs`` are never request parameters: FastAPI ignores them."""
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def marker_name(node: cst.BaseExpression | None, resolve: Resolve) -> str | None:
    """``Body``, ``Query``, ``Depends``...: the FastAPI parameter function ``node`` calls."""
    if not isinstance(node, cst.Call):
        return None
    qualified = resolve(node.func)
    if qualified is not None and qualified.partition(".")[0] != "fastapi":
        return None  # ``pathlib.Path(...)`` is no marker
    name = qualified or dotted_name(node.func)
    if name is None:
        return None
    last = name.rpartition(".")[2]
    return last if last in NOT_BODY_MARKERS | BODY_MARKERS else None


def _markers(param: cst.Param, resolve: Resolve) -> set[str]:
    nodes = [param.default]
    if param.annotation is not None:
        nodes.extend(annotated_metadata(param.annotation.annotation, resolve))
    names = (marker_name(node, resolve) for node in nodes)
    return {name for name in names if name is not None}


def _class_definitions(module: cst.Module) -> Iterator[cst.ClassDef]:
    stack: list[cst.CSTNode] = list(reversed(module.body))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.ClassDef):
            yield node
        stack.extend(reversed(list(child_statements(node))))


def _model_kind(node: cst.ClassDef, known: dict[str, str], resolve: Resolve) -> str | None:
    """``"Pydantic model"``, ``"dataclass"``, or None for another class."""
    for decorator in node.decorators:
        target = decorator.decorator
        target = target.func if isinstance(target, cst.Call) else target
        if resolve(target) in DATACLASS_DECORATORS:
            return "dataclass"
    for base in node.bases:
        value = base.value.value if isinstance(base.value, cst.Subscript) else base.value
        if resolve(value) in MODEL_BASES:
            return "Pydantic model"
        inherited = known.get(dotted_name(value) or "")
        if inherited is not None:
            return inherited
    return None


def local_models(module: cst.Module, resolve: Resolve) -> dict[str, str]:
    """The module's Pydantic models and dataclasses: class name -> what it is."""
    classes = [c for c in _class_definitions(module) if c.bases or c.decorators]
    known: dict[str, str] = {}
    changed = True
    while changed:  # a model may inherit from a model defined further down
        changed = False
        for node in classes:
            kind = None if node.name.value in known else _model_kind(node, known, resolve)
            if kind is not None:
                known[node.name.value] = kind
                changed = True
    return known


def _member_source(
    member: cst.BaseExpression, resolve: Resolve, model_kind: Callable[[str], str | None]
) -> BodySource | None:
    """A body source if ``member`` (one member of a union) is a complex type."""
    generic = member.value if isinstance(member, cst.Subscript) else member
    qualified = resolve(generic)
    if qualified in MAPPING_TYPES:
        return BodySource("a mapping", "send its keys as query parameters, or use POST")
    if qualified in SEQUENCE_TYPES:
        return BodySource("a sequence without `Query()`", "declare it with `Query()`")
    if qualified in UPLOAD_FILES:
        return BodySource("a file upload", "upload files with POST or PUT")
    name = qualified or dotted_name(generic) or ""
    kind = "Pydantic model" if qualified in MODEL_BASES else None
    if qualified is None:
        kind = model_kind(name)
    if kind is None:
        return None
    shown = name.rpartition(".")[2]
    return BodySource(f"a {kind}", f"declare it `Annotated[{shown}, Query()]` or use POST")


def body_source(
    param: cst.Param, resolve: Resolve, model_kind: Callable[[str], str | None]
) -> BodySource | None:
    """Why FastAPI reads ``param`` from the request body, or None if it does not."""
    markers = _markers(param, resolve)
    if markers & NOT_BODY_MARKERS:
        return None
    body_markers = sorted(markers & BODY_MARKERS)
    if body_markers:
        return BodySource(f"declared with `{body_markers[0]}()`", "read it from the query instead")
    if param.annotation is None:
        return None  # an untyped parameter is a query parameter
    for member in members(param.annotation.annotation, resolve):
        source = _member_source(member, resolve, model_kind)
        if source is not None:
            return source
    return None


class ResponseClasses:
    """Which annotations and callees are HTTP response classes, as far as one file tells.

    ``kind`` answers True for ``fastapi``/``starlette``/``sse_starlette`` classes named
    ``*Response`` and for classes of the module deriving from one; False for other
    classes of the module (``class ItemResponse(BaseModel)``) and for anything not
    named ``*Response``; None for a ``*Response`` imported from elsewhere in the project,
    which may be a response class or a Pydantic model: each rule decides.
    """

    def __init__(self, module: cst.Module, model: ModuleModel) -> None:
        self.module = module
        self.model = model
        self.resolve: Resolve = model.qualified_name
        self._local: dict[str, bool] | None = None

    def kind(self, node: cst.BaseExpression) -> bool | None:
        generic = node.value if isinstance(node, cst.Subscript) else node
        qualified = self.resolve(generic) or self._library_method(generic)
        if qualified is not None:
            if not qualified.rpartition(".")[2].endswith("Response"):
                return False
            return True if qualified.startswith(_RESPONSE_LIBRARIES) else None
        name = dotted_name(generic) or ""
        local = self._local_classes().get(name)
        if local is not None:
            return local
        return None if name.endswith("Response") else False

    def _library_method(self, node: cst.BaseExpression) -> str | None:
        """``templates.TemplateResponse`` on a module-level ``Jinja2Templates(...)``."""
        if not isinstance(node, cst.Attribute):
            return None
        owner = self.model.instance_type(node.value, self.model.module_bindings.get)
        return None if owner is None else f"{owner}.{node.attr.value}"

    def _local_classes(self) -> dict[str, bool]:
        """Every class of the module: True for those deriving from a response class."""
        if self._local is None:
            classes = list(_class_definitions(self.module))
            self._local = dict.fromkeys((c.name.value for c in classes), False)
            changed = True
            while changed:  # a subclass may come before its base
                changed = False
                for node in classes:
                    if not self._local[node.name.value] and self._derives(node):
                        self._local[node.name.value] = changed = True
        return self._local

    def _derives(self, node: cst.ClassDef) -> bool:
        return any(self.kind(base.value) is True for base in node.bases)


def declares_no_body(annotation: cst.BaseExpression, responses: ResponseClasses) -> bool:
    """``None``, ``NoReturn``, or only (possibly) ``Response`` classes: no response model."""
    return all(
        responses.resolve(member) in _NO_VALUE or responses.kind(member) is not False
        for member in members(annotation, responses.resolve)
    )


def known_methods(route: RouteInfo) -> tuple[str, ...]:
    """The route's HTTP methods; none when ``methods=`` is not a literal list of strings."""
    methods = route.keyword("methods")
    if methods is None:
        return route.http_methods
    if not isinstance(methods, cst.List | cst.Tuple | cst.Set):
        return ()
    if not all(string_value(element.value) for element in methods.elements):
        return ()
    return route.http_methods


def spreads_keywords(route: RouteInfo) -> bool:
    """``@router.post("/x", **options)``: any keyword argument may hide in there."""
    return any(arg.star == "**" for arg in route.call.args)


# A nested def, lambda or class returns and assigns for itself.
_NESTED_SCOPES: frozenset[type[cst.CSTNode]] = frozenset(
    {cst.FunctionDef, cst.Lambda, cst.ClassDef}
)


def _returns_and_assignments(
    func: cst.FunctionDef,
) -> tuple[list[cst.BaseExpression], dict[str, list[cst.BaseExpression]]]:
    """What a function's own ``return`` statements give back, and what its names hold."""
    returned: list[cst.BaseExpression] = []
    assigned: dict[str, list[cst.BaseExpression]] = {}
    for node in code_nodes(func.body, not_into=_NESTED_SCOPES):
        if type(node) is cst.Return and node.value is not None:
            returned.append(node.value)
        elif type(node) is cst.Assign:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    assigned.setdefault(target.target.value, []).append(node.value)
    return returned, assigned


def returned_calls(func: cst.FunctionDef) -> list[cst.Call]:
    """The calls a ``return`` of ``func`` hands back, directly or through a local name.

    ``response = RedirectResponse(...)`` then ``return response`` counts.
    """
    returned, assigned = _returns_and_assignments(func)
    calls: list[cst.Call] = []
    for value in returned:
        held = assigned.get(value.value, []) if isinstance(value, cst.Name) else []
        calls.extend(node for node in (value, *held) if isinstance(node, cst.Call))
    return calls


def returns_response_object(func: cst.FunctionDef, responses: ResponseClasses) -> bool:
    """A ``return`` hands back a ``*Response(...)`` built in the function.

    FastAPI sends such an object as it is: its status, not the decorator's, is the one
    the client gets.
    """
    return any(responses.kind(call.func) is True for call in returned_calls(func))


def answers_html(func: cst.FunctionDef, routes: tuple[RouteInfo, ...]) -> bool:
    """The handler renders a page: ``response_class=HTMLResponse``, ``-> HTMLResponse``,
    or a ``return`` of ``templates.TemplateResponse(...)``/``HTMLResponse(...)``.

    Names are matched by their last part: a project's own ``HTMLResponse`` subclass or a
    ``Jinja2Templates`` instance made in another module answer HTML just the same.
    """
    declared = [route.keyword("response_class") for route in routes]
    if func.returns is not None:
        declared.append(func.returns.annotation)
    if any(_last_name(node) in _HTML_RESPONSES for node in declared):
        return True
    return any(_last_name(call.func) in _HTML_RESPONSES for call in returned_calls(func))


def _last_name(node: cst.BaseExpression | None) -> str:
    return (dotted_name(node) or "").rpartition(".")[2] if node is not None else ""
