"""FAPI202: a function without a return annotation (ruff's ANN201/202/204/205/206)."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.mappings import Resolve
from fastapi_lint.analysis.statements import statements
from fastapi_lint.analysis.status_codes import forbids_body
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.fixes import PendingFix, replace
from fastapi_lint.rule import Invalid, Valid
from fastapi_lint.rules.type_hints._annotation_scopes import DefInfo, DefinitionRule
from fastapi_lint.tree import children

# Registrars that take the return annotation as the response model (not websockets, nor
# Starlette's route/add_route), unless ``response_model=`` is given.
RESPONSE_MODEL_REGISTRARS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "trace"}
    | {"api_route", "add_api_route"}
)


_ABSTRACT = frozenset(
    {"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod"}
)
_NESTED_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


def _declares_response_model(route: RouteInfo, resolve: Resolve) -> bool:
    """The return annotation becomes the response model: no ``response_model=`` is given
    and the status allows a body (a 204 route answers nothing, whatever is annotated)."""
    given = route.keyword("response_model") is not None
    if route.registrar not in RESPONSE_MODEL_REGISTRARS or given:
        return False
    return not forbids_body(route.keyword("status_code"), resolve)


def _header(scope: cst.CSTNode) -> list[cst.CSTNode]:
    """The parts of a nested def, class or lambda that run in the enclosing function."""
    return [child for child in children(scope) if child is not getattr(scope, "body", None)]


def _returns_value_or_yields(func: cst.FunctionDef) -> bool:
    """A ``return`` with a value or a ``yield`` of the function itself (nested scopes skipped)."""
    stack = list(children(func.body))
    while stack:
        node = stack.pop()
        if type(node) is cst.Yield or (type(node) is cst.Return and node.value):
            return True
        stack.extend(_header(node) if type(node) in _NESTED_SCOPES else children(node))
    return False


def _init_parameters(func: cst.FunctionDef, info: DefInfo) -> list[cst.Param]:
    """The parameters of an `__init__` method besides `self` (none for anything else)."""
    if not (info.is_method and func.name.value == "__init__"):
        return []
    params = func.params
    others = [*params.posonly_params, *params.params, *params.kwonly_params][1:]
    return others + [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]


def _returns_response(func: cst.FunctionDef) -> bool:
    """A `return SomethingResponse(...)` (or `templates.TemplateResponse(...)`) of its own."""
    stack = list(children(func.body))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Return) and isinstance(node.value, cst.Call):
            name = dotted_name(node.value.func) or ""
            if name.rpartition(".")[2].endswith("Response"):
                return True
        stack.extend(_header(node) if type(node) in _NESTED_SCOPES else children(node))
    return False


def _is_stub(func: cst.FunctionDef) -> bool:
    """Only a docstring and ``...``, or raising ``NotImplementedError``: meant to be overridden."""
    body = statements(func.body)
    placeholder = all(
        isinstance(s, cst.Expr) and isinstance(s.value, cst.Ellipsis | cst.SimpleString)
        for s in body
    )
    return placeholder or any(_raises_not_implemented(s) for s in body)


def _raises_not_implemented(statement: cst.CSTNode) -> bool:
    if not isinstance(statement, cst.Raise) or statement.exc is None:
        return False
    raised = statement.exc.func if isinstance(statement.exc, cst.Call) else statement.exc
    return dotted_name(raised) == "NotImplementedError"


def _is_abstract(func: cst.FunctionDef) -> bool:
    names = (dotted_name(decorator.decorator) or "" for decorator in func.decorators)
    return any(name.rpartition(".")[2] in _ABSTRACT for name in names)


def none_annotation_fix(func: cst.FunctionDef) -> PendingFix | None:
    """``-> None`` for a function that plainly returns nothing; None when that is a guess."""
    if _returns_value_or_yields(func) or _is_abstract(func) or _is_stub(func):
        return None
    returns = cst.Annotation(annotation=cst.Name("None"))
    return replace(func, func.with_changes(returns=returns), "Add `-> None`")


class MissingReturnAnnotation(DefinitionRule):
    """
    ## What it does
    Flags functions and methods, sync or async, that have no return type annotation, and
    counts every function it checks towards the type coverage shown in the summary. As
    mypy reads them, an `__init__` with a typed parameter needs no `-> None` (one without
    any typed parameter is left to FAPI201, which asks for the parameters' types; only
    `def __init__(self):` is reported). A function the project opted out of type checking
    (`@typing.no_type_check` on it or its class, a `# type: ignore` on its line or atop
    the file, `# noqa: ANN201`) is not checked, nor is a closure that no decorator
    registers (a callback, a decorator's `@wraps` wrapper), which reviewers read with the
    function around it. Otherwise the findings are exactly ruff's
    `ANN201`, `ANN202`, `ANN204`, `ANN205` and `ANN206` with `mypy-init-return` on.

    ## Why is this bad?
    On a FastAPI route (0.89 and later) the return annotation is the response model:
    FastAPI uses it to validate and filter the response (a `UserOut` return type never
    leaks a password field) and to document the response in the OpenAPI schema. Without
    it the response is serialised as-is and documented as "any". Elsewhere, it lets a
    type checker verify every caller.

    ## Example
    ```python
    @router.get("/users/{user_id}")
    async def read_user(user_id: int, db: Annotated[Session, Depends(get_db)]):
        return await db.get(User, user_id)
    ```

    ## Use instead
    ```python
    @router.get("/users/{user_id}")
    async def read_user(user_id: int, db: Annotated[Session, Depends(get_db)]) -> UserOut:
        return await db.get(User, user_id)
    ```

    ## Options
    `strict` (default `[]`): with `"FAPI202"` listed, the findings are exactly those of
    ruff's `ANN201`-`ANN206` with their default settings, every `__init__` and closure
    included.
    Functions that only return `None` are reported in both modes.

    ## Fix safety
    The fix adds `-> None`, and only where that is certain: no `return` with a value, no
    `yield` (a generator), no `@abstractmethod`, and a body that is more than a stub
    (`...` alone, or raising `NotImplementedError`, is meant to be overridden and its
    return type is unknown). Other functions get no fix: their return type is for a human
    to name. An annotation changes nothing when the code runs, and on a route FastAPI
    reads `-> None` exactly as no annotation at all (no response model), so the fix is
    safe.

    ## Known limitations
    Lambdas are exempt, and the implementation that follows `@overload` variants is
    skipped, as in ruff. A route whose decorator passes `response_model=` is still
    reported: the annotation helps type checkers even then. The message calls the return
    annotation the response model only where it is one: a route that sets no
    `response_model=`, answers with a body (not 204, 205 or 304), returns no
    `...Response(...)` of its own, in a project that targets FastAPI 0.89 or later.
    """

    code = "FAPI202"
    name = "missing-return-annotation"
    family = "typing"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "warning"
    message = "Missing return type annotation for `{function}`{hint}"
    fixable = True

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from typing import Annotated\n\n"
            "from fastapi import APIRouter, Depends\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}")\n'
            "async def read_user(user_id: int, db: Annotated[Session, Depends(get_db)]) -> User:\n"
            "    return await db.get(User, user_id)\n"
        ),
        Valid(
            "class UserService:\n"
            "    def __init__(self, repository: UserRepository) -> None:\n"
            "        self.repository = repository\n\n"
            "    @property\n"
            "    def name(self) -> str:\n"
            '        return "users"\n'
        ),
        Valid("handlers = sorted(users, key=lambda user: user.created_at)\n"),
        Valid(
            "from typing import overload\n\n\n"
            "@overload\n"
            "def parse_id(raw: str) -> int: ...\n"
            "@overload\n"
            "def parse_id(raw: None) -> None: ...\n"
            "def parse_id(raw):\n"
            "    return None if raw is None else int(raw)\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/items/{item_id}")\n'
            "async def read_item(item_id: int):\n"
            '    return {"id": item_id}\n',
            line=7,
            column=11,
            message_contains="`read_item`; on a route it is the response model",
        ),
        Invalid(
            "class UserService:\n"
            "    def __init__(self):\n"
            "        self.repository = UserRepository()\n",
            line=2,
            column=9,
            message_contains="add `-> None`",
        ),
        Invalid(
            "class Settings:\n    @classmethod\n    def from_env(cls):\n        return cls()\n",
            line=3,
            column=9,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        info = self.checked_definition(node)
        if info is None:
            return
        self.context.annotations_expected += 1
        if node.returns is not None:
            self.context.annotations_present += 1
            return
        init = _init_parameters(node, info)
        if init and not self.options.is_strict(self.code):
            # mypy reads `-> None` into an `__init__` once a parameter is typed; while
            # none is, FAPI201 asks for their types, which is the comment to leave.
            self.context.annotations_present += any(p.annotation is not None for p in init)
            return
        self.report(
            node.name,
            function=node.name.value,
            hint=self._hint(node, info),
            fix=none_annotation_fix(node),
        )

    def _hint(self, node: cst.FunctionDef, info: DefInfo) -> str:
        if info.is_method and node.name.value == "__init__":
            return "; add `-> None`"
        routes = self.context.model.routes_for(node)
        # Older FastAPI ignores the annotation; a route that builds its own `Response`
        # returns it as it is, whatever it is annotated with.
        if (
            any(
                _declares_response_model(route, self.context.model.qualified_name)
                for route in routes
            )
            and not _returns_response(node)
            and self.fastapi_targets(">=0.89")
        ):
            return "; on a route it is the response model"
        return ""
