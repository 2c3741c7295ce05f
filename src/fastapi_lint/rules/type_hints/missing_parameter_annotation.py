"""FAPI201: a function parameter without a type annotation (ruff's ANN001/ANN002/ANN003)."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.dependencies import DEPENDENCY_MARKERS
from fastapi_lint.rule import Invalid, Valid
from fastapi_lint.rules.type_hints._annotation_scopes import DefinitionRule
from fastapi_lint.tree import code_nodes

# Registrars whose endpoints get their parameters from FastAPI (not Starlette's add_route).
INJECTING_REGISTRARS = frozenset(
    {
        *("get", "post", "put", "patch", "delete", "options", "head", "trace"),
        *("api_route", "add_api_route", "websocket", "add_api_websocket_route"),
    }
)


# Their parameters are the exception being propagated, as the protocol defines them.
_EXIT_METHODS = frozenset({"__exit__", "__aexit__"})


def _is_dummy(param: cst.Param) -> bool:
    """``_``, ``*_``, ``**_``: a parameter named to say it is unused."""
    return not param.name.value.strip("_")


def _forwarded_whole(function: cst.FunctionDef, param: cst.Param) -> bool:
    """Whether ``*args``/``**kwargs`` is unused, or only handed on whole (``f(**kwargs)``):
    its values are whatever the callee accepts, so ``Any`` is all an annotation could say."""
    star = param.star if isinstance(param.star, str) else ""
    uses = [_use(node, param.name.value, star) for node in code_nodes(function.body)]
    return sum(named for named, _ in uses) == sum(forwarded for _, forwarded in uses)


def _use(node: cst.CSTNode, name: str, star: str) -> tuple[int, int]:
    """How ``node`` counts: (names spelled ``name``, arguments handing it on as ``star``)."""
    if isinstance(node, cst.Name):
        return int(node.value == name), 0
    if isinstance(node, cst.Attribute):
        return -int(node.attr.value == name), 0  # ``request.kwargs``: another object's
    if isinstance(node, cst.Arg):
        keyword = node.keyword is not None and node.keyword.value == name  # ``f(kwargs=1)``
        return -int(keyword), int(node.star == star and _is_name(node.value, name))
    return 0, 0


def _is_name(expression: cst.BaseExpression, name: str) -> bool:
    return type(expression) is cst.Name and expression.value == name


def _star_length(param: cst.Param) -> int | None:
    """Characters from the star to the end of the name, as ruff's range; None if it wraps."""
    star = param.star if isinstance(param.star, str) else ""
    space = param.whitespace_after_star
    if not isinstance(space, cst.SimpleWhitespace) or "\n" in space.value:
        return None
    return len(star) + len(space.value) + len(param.name.value)


class MissingParameterAnnotation(DefinitionRule):
    """
    ## What it does
    Flags function parameters, including `*args` and `**kwargs`, that have no type
    annotation, and counts every parameter it checks towards the type coverage shown in
    the summary. Parameters named only with underscores (`_`, `*_`, `**_`) say they are
    unused and are left alone. So are `*args` and `**kwargs` that the function only
    hands on whole (`super().__init__(*args, **kwargs)`) or never uses, since their type
    is whatever the callee accepts (`Any`), and the exception parameters of `__exit__`
    and `__aexit__`, whose types the protocol fixes. A function the project opted out
    of type checking (`@typing.no_type_check` on it or its class, a `# type: ignore` on
    its line or atop
    the file, `# noqa: ANN001`) is not checked. Nor is a closure that no decorator
    registers (a callback, a decorator's `@wraps` wrapper): reviewers read it with the
    function around it; a decorated one (a route in a router factory, an exception
    handler) is checked. Otherwise the findings are exactly ruff's `ANN001`, `ANN002`
    and `ANN003` with `suppress-dummy-args` on (for those names).

    ## Why is this bad?
    FastAPI reads parameter annotations to decide where a value comes from (path, query,
    body, dependency) and to validate and convert it. An unannotated endpoint parameter
    is accepted as an untyped query parameter: it is neither validated nor documented in
    the OpenAPI schema. Elsewhere, annotations let a type checker catch wrong calls.

    ## Example
    ```python
    @router.get("/users/{user_id}")
    async def read_user(user_id, db=Depends(get_db)) -> User:
        return await db.get(User, user_id)
    ```

    ## Use instead
    ```python
    @router.get("/users/{user_id}")
    async def read_user(user_id: int, db: Annotated[Session, Depends(get_db)]) -> User:
        return await db.get(User, user_id)
    ```

    ## Options
    `strict` (default `[]`): with `"FAPI201"` listed, the findings are exactly those of
    ruff's `ANN001`-`ANN003` with their default settings (dummy names, closures,
    forwarded `*args`/`**kwargs` and `__exit__` parameters reported too).

    ## Known limitations
    The first parameter of a method (`self`, `cls`) is exempt unless the method is a
    `@staticmethod`, even when it has another name; lambdas are exempt; the
    implementation that follows `@overload` variants is skipped. This follows ruff,
    including its quirks: a method with only keyword-only parameters has its first one
    exempted, and a shadowed `staticmethod` is only detected at module level. A
    `# type: ignore` (or `# noqa: ANN001`) covers the parameters on its own line: in a
    signature wrapped over several lines, each line needs its own. On a dependency
    parameter, the advice names `Annotated[T, Depends(...)]` only when the project
    targets FastAPI 0.95 or later.
    """

    code = "FAPI201"
    name = "missing-parameter-annotation"
    family = "typing"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "warning"
    message = "Missing type annotation for parameter `{param}` of `{function}`{hint}"

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from typing import Annotated\n\n"
            "from fastapi import APIRouter, Depends\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}")\n'
            "async def read_user(\n"
            "    user_id: int, db: Annotated[Session, Depends(get_db)], q: str | None = None\n"
            ") -> User:\n"
            "    return await db.get(User, user_id)\n"
        ),
        Valid(
            "class UserService:\n"
            "    def __init__(self, repository: UserRepository) -> None:\n"
            "        self.repository = repository\n\n"
            "    @classmethod\n"
            "    def create(cls, settings: Settings) -> UserService:\n"
            "        return cls(UserRepository(settings.database_url))\n"
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
        Valid(
            "def log_event(event: str, *args: object, **fields: object) -> None:\n"
            "    logger.info(event, *args, extra=fields)\n"
        ),
        Valid(
            "class RetryingClient(Client):\n"
            "    def __init__(self, retries: int, *args, **kwargs) -> None:\n"
            "        super().__init__(*args, **kwargs)\n"
            "        self.retries = retries\n\n"
            "    def send(self, request: Request, **kwargs) -> Response:\n"
            "        return self.transport.send(request)\n"
        ),
        Valid(
            "class Transaction:\n"
            "    async def __aexit__(self, exc_type, exc, traceback) -> None:\n"
            "        await self.rollback() if exc else await self.commit()\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/items/{item_id}")\n'
            "async def read_item(item_id) -> dict:\n"
            '    return {"id": item_id}\n',
            line=7,
            column=21,
            message_contains="parameter `item_id` of `read_item`",
        ),
        Invalid(
            "def forward(request, *args: object, **kwargs: object) -> None:\n    pass\n",
            line=1,
            column=13,
        ),
        Invalid(
            "def forward(request: Request, *args, **kwargs: object) -> None:\n"
            "    send(request, args)\n",
            line=1,
            column=31,
            message_contains="`*args`",
        ),
        Invalid(
            "def connect(url: str, **options) -> Client:\n"
            '    return Client(url, timeout=options.get("timeout", 5), **options)\n',
            line=1,
            column=23,
            message_contains="`**options`",
        ),
        Invalid(
            "class Cache:\n    @staticmethod\n    def key(user_id) -> str:\n"
            '        return f"user:{user_id}"\n',
            line=3,
            column=13,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        info = self.checked_definition(node)
        if info is None:
            return
        params = node.params
        positional = [*params.posonly_params, *params.params, *params.kwonly_params]
        if info.skips_first_parameter:
            positional = positional[1:]
        stars = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        if self.options.is_strict(self.code):
            checked = [*positional, *stars]
        elif node.name.value in _EXIT_METHODS and info.skips_first_parameter:
            checked = []  # the protocol fixes the types of the exception triple
        else:
            checked = [p for p in positional if not _is_dummy(p)]
            checked += [p for p in stars if not _is_dummy(p) and not _forwarded_whole(node, p)]
        for param in checked:
            self._count(node, param)

    def _count(self, function: cst.FunctionDef, param: cst.Param) -> None:
        self.context.annotations_expected += 1
        if param.annotation is not None:
            self.context.annotations_present += 1
            return
        star = param.star if isinstance(param.star, str) else ""
        where: cst.CSTNode = param if star else param.name
        self.report(
            where,
            length=_star_length(param) if star else None,
            param=star + param.name.value,
            function=function.name.value,
            hint=self._hint(function, param),
        )

    def _hint(self, function: cst.FunctionDef, param: cst.Param) -> str:
        model = self.context.model
        injected = model.is_dependency(function) or any(
            route.registrar in INJECTING_REGISTRARS for route in model.routes_for(function)
        )
        if not injected:
            return ""
        default = param.default
        if (
            isinstance(default, cst.Call)
            and model.qualified_name(default.func) in DEPENDENCY_MARKERS
        ):
            # FastAPI resolves it without the annotation; only readers and type checkers lose.
            if self.fastapi_targets(">=0.95"):
                return "; declare what the dependency returns with `Annotated[T, Depends(...)]`"
            return "; declare the type the dependency returns"
        return "; FastAPI can neither validate nor document it"
