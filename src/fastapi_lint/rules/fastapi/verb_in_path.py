"""FAPI505: a static path segment that is, or starts with, a CRUD action verb."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.rule import Invalid, Rule, Valid
from fastapi_lint.rules.fastapi._route_paths import (
    PathPart,
    is_fastapi_route,
    path_node,
    path_parts,
    static_segments,
    words,
)

# The verbs an HTTP method already says, and that method. Flagged alone (``/users/create``)
# and as the first word of a segment (``/getUsers``, ``/delete_item``, ``/fetch-orders``).
_VERBS = {
    "get": "GET",
    "fetch": "GET",
    "retrieve": "GET",
    "create": "POST",
    "add": "POST",
    "insert": "POST",
    "save": "POST or PUT",
    "update": "PUT or PATCH",
    "modify": "PUT or PATCH",
    "delete": "DELETE",
    "remove": "DELETE",
    "destroy": "DELETE",
}
# Verbs that are also common nouns (a list, a set, an edit): flagged only when a noun
# follows (``/listUsers``, ``/set_password``, ``/find-by-email``, ``/edit_profile``).
_VERBS_BEFORE_A_NOUN = {
    "list": "GET",
    "find": "GET",
    "set": "PUT or PATCH",
    "edit": "PUT or PATCH",
}
# ``/add-ons`` is a noun; ``GET .../create`` is the form page of server-rendered apps.
_NOUN_COMPOUNDS = frozenset({("add", "on"), ("add", "ons")})
_FORM_PAGES = frozenset({"create"})


def action_verb(segment: str, methods: tuple[str, ...]) -> str | None:
    """The CRUD verb a static segment starts with, if it reads as an action."""
    found = words(segment)
    if not found or tuple(found[:2]) in _NOUN_COMPOUNDS:
        return None
    verb = found[0]
    if verb in _VERBS_BEFORE_A_NOUN and len(found) > 1:
        return verb
    if verb not in _VERBS:
        return None
    if len(found) == 1 and verb in _FORM_PAGES and methods == ("GET",):
        return None
    return verb


class VerbInPath(Rule):
    """
    ## What it does
    Flags a static segment of a route path that is a CRUD action verb, or starts with one:
    `/getUsers`, `/users/create`, `/delete_item/{item_id}`, `/fetch-orders`. Words are
    split on `-`, `_`, `.` and camelCase humps, and only whole words count
    (`/getting-started`, `/settings`, `/updates` are nouns).

    The verbs, always: `get`, `fetch`, `retrieve`, `create`, `add`, `insert`, `save`,
    `update`, `modify`, `delete`, `remove`, `destroy`. Only before another word, since
    they are nouns alone: `list`, `find`, `set`, `edit` (`/listUsers` is flagged,
    `/lists/{list_id}` and `/users/{id}/edit` are not).

    Not verbs here, deliberately: actions no HTTP method expresses, which REST style guides
    accept as controller resources: `/search`, `/login`, `/logout`, `/register`, `/token`,
    `/refresh`, `/upload`, `/download`, `/import`, `/export`, `/sync`, `/verify`,
    `/activate`, `/cancel`, `/publish`, `/generate`, `/send`, `/run`, `/health`,
    `/status`... Also left alone: `add-on(s)`, and a bare `create` segment of a GET route
    (the form page of a server-rendered app, `GET /users/create`).

    ## Why is this bad?
    In a REST API the path names a resource and the HTTP method names what is done to it.
    A verb in the path says it twice, and the two soon disagree (`POST /getUser`,
    `GET /deleteItem` that a crawler or a prefetching browser happily calls). Paths
    like `/users/create`, `/users/update`, `/users/delete` multiply endpoints that
    `POST /users`, `PUT /users/{id}` and `DELETE /users/{id}` cover, break HTTP caching and
    idempotency expectations, and make generated clients read oddly (`create_users_create`).

    ## Example
    ```python
    @router.get("/getUsers")
    async def get_users() -> list[User]: ...


    @router.post("/users/create")
    async def create_user(user: UserIn) -> User: ...


    @router.delete("/delete_item/{item_id}")
    async def delete_item(item_id: int) -> None: ...
    ```

    ## Use instead
    ```python
    @router.get("/users")
    async def get_users() -> list[User]: ...


    @router.post("/users", status_code=201)
    async def create_user(user: UserIn) -> User: ...


    @router.delete("/items/{item_id}", status_code=204)
    async def delete_item(item_id: int) -> None: ...
    ```

    ## Options
    None.

    ## Known limitations
    Only literal route paths are read, segment by segment; a router's `prefix=` is not.
    Words glued without a separator or a capital (`/getusers`) are not split. Websocket
    routes are not checked (they have no HTTP method to carry the verb).
    """

    code = "FAPI505"
    name = "verb-in-path"
    family = "fastapi"
    severity = "warning"
    message = (
        "Path segment `{segment}` of `{path}` names the action `{verb}`: the HTTP method is "
        "the verb ({method}); name the resource in the path"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/users/{user_id}/settings")\n'
            "async def read_settings(user_id: int) -> dict:\n"
            "    return {}\n\n\n"
            '@router.post("/auth/login")\n'
            "async def login() -> dict:\n"
            "    return {}\n\n\n"
            '@router.get("/lists/{list_id}/getting-started")\n'
            "async def guide(list_id: int) -> str:\n"
            '    return ""\n'
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import APIRouter\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/getUsers")\n'
            "async def get_users() -> list:\n"
            "    return []\n",
            line=6,
            column=13,
            message_contains="`getUsers` of `/getUsers` names the action `get`",
        ),
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.delete("/delete_item/{item_id}")\n'
            "async def delete_item(item_id: int) -> None:\n"
            "    return None\n",
            line=6,
            column=13,
            message_contains="(DELETE)",
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        model = self.context.model
        for route in model.routes_for(node):
            if not route.is_websocket and is_fastapi_route(model, route):
                self._check(route)

    def _check(self, route: RouteInfo) -> None:
        parts = path_parts(path_node(route))
        if parts is None:
            return
        path = "".join(part.text for part in parts)
        # The first verb only: ``/{id}/update/members/add`` wants one redesign, not two.
        found = ((s, action_verb(s, route.http_methods)) for s in static_segments(path))
        segment, verb = next(((s, v) for s, v in found if v is not None), ("", None))
        if verb is not None:
            self.report(
                _part_with(parts, segment),
                segment=segment,
                path=path,
                verb=verb,
                method=_VERBS.get(verb) or _VERBS_BEFORE_A_NOUN[verb],
            )


def _part_with(parts: list[PathPart], segment: str) -> cst.SimpleString:
    """The literal holding ``segment``; the first one when it is split across two."""
    return next((part.node for part in parts if segment in part.text), parts[0].node)
