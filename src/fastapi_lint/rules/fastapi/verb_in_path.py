"""FAPI505: a static path segment that is, or starts with, a CRUD action verb."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.routes import RouteInfo
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.fastapi._route_bodies import answers_html
from fastapi_lint.rules.fastapi._route_paths import (
    PathPart,
    is_fastapi_route,
    path_node,
    path_parts,
    static_segments,
    words,
)

# The verbs an HTTP method already says, and the methods that say them. Flagged alone
# (``/users/create``) and as the first word of a segment (``/getUsers``, ``/delete_item``).
_VERBS: dict[str, tuple[str, ...]] = {
    "get": ("GET",),
    "fetch": ("GET",),
    "retrieve": ("GET",),
    "create": ("POST",),
    "add": ("POST",),
    "insert": ("POST",),
    "save": ("POST", "PUT"),
    "update": ("PUT", "PATCH"),
    "modify": ("PUT", "PATCH"),
    "delete": ("DELETE",),
    "remove": ("DELETE",),
    "destroy": ("DELETE",),
}
# Verbs that are also common nouns (a list, a set, an edit): flagged only when a noun
# follows (``/listUsers``, ``/set_password``, ``/find-by-email``, ``/edit_profile``).
_VERBS_BEFORE_A_NOUN: dict[str, tuple[str, ...]] = {
    "list": ("GET",),
    "find": ("GET",),
    "set": ("PUT", "PATCH"),
    "edit": ("PUT", "PATCH"),
}
# What a handler's name says it does, by its first word: the verbs above and a few more.
_ACTIONS: dict[str, tuple[str, ...]] = {
    **_VERBS,
    **_VERBS_BEFORE_A_NOUN,
    "read": ("GET",),
    "new": ("POST",),
    "post": ("POST",),
    "put": ("PUT", "PATCH"),
    "patch": ("PUT", "PATCH"),
    "change": ("PUT", "PATCH"),
    "rename": ("PUT", "PATCH"),
    "del": ("DELETE",),
}
# Words handlers are commonly prefixed with before the action (``api_delete_wallet``).
_NAME_PREFIXES = frozenset({"api", "handle", "do", "route", "endpoint", "async"})
# A read through POST (``POST /get``, ``POST /list``): an RPC call that carries its
# arguments in the body, where GET cannot.
_READS = frozenset({"get", "fetch", "retrieve", "list", "find"})
# ``/add-ons`` is a noun; ``GET .../create`` is the form page of server-rendered apps.
_NOUN_COMPOUNDS = frozenset({("add", "on"), ("add", "ons")})
_FORM_PAGES = frozenset({"create"})
_SAFE = frozenset({"GET", "HEAD"})


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


def _verb_methods(verb: str) -> tuple[str, ...]:
    return _VERBS.get(verb) or _VERBS_BEFORE_A_NOUN[verb]


def handler_action(name: str) -> tuple[str, ...]:
    """The methods the handler's own name asks for: ``delete_channel`` -> ``DELETE``."""
    found = words(name)
    while found and found[0] in _NAME_PREFIXES:
        found = found[1:]
    return _ACTIONS.get(found[0], ()) if found else ()


def _first_verb(path: str, methods: tuple[str, ...]) -> tuple[str, str] | None:
    """The first static segment naming a verb, and the verb.

    Only the first: ``/{id}/update/members/add`` wants one redesign, not two.
    """
    for segment in static_segments(path):
        verb = action_verb(segment, methods)
        if verb is not None:
            return segment, verb
    return None


def _reads_through_post(path: str | None, methods: tuple[str, ...]) -> bool:
    """``POST /get``, ``POST /list_types``: a read made an RPC call."""
    if path is None or methods != ("POST",):
        return False
    return any(words(s)[:1] and words(s)[0] in _READS for s in static_segments(path))


def _without(path: str, segment: str) -> str:
    """``path`` with the verb segment dropped: ``/{id}/delete`` -> ``/{id}``."""
    kept = [part for part in path.split("/") if part != segment]
    return "/".join(kept).rstrip("/")


class VerbInPath(Rule):
    """
    ## What it does
    Flags a static segment of a route path that is a CRUD action verb, or starts with one,
    when the handler's own name says it performs that action: `GET /getUsers` handled by
    `get_users`, `POST /users/{id}/delete` by `delete_user`, `DELETE /delete_item/{id}` by
    `delete_item`. Words are split on `-`, `_`, `.` and camelCase humps, and only whole
    words count (`/getting-started`, `/settings`, `/updates` are nouns).

    The verbs, always: `get`, `fetch`, `retrieve`, `create`, `add`, `insert`, `save`,
    `update`, `modify`, `delete`, `remove`, `destroy`. Only before another word, since
    they are nouns alone: `list`, `find`, `set`, `edit` (`/listUsers` is flagged,
    `/lists/{list_id}` and `/users/{id}/edit` are not).

    The handler's name is the evidence that the segment is an action: its first word
    (after an `api_` or `handle_` prefix) must ask for the same HTTP method as the verb
    (`delete`, `remove`, `destroy` for DELETE; `update`, `edit`, `set`, `patch` for PUT or
    PATCH...). `POST /scopes/{id}/data/update` handled by `publish_data_update_event`
    publishes an update: there `update` is a noun.

    Left alone, deliberately:
    - actions no HTTP method expresses, which REST style guides accept as controller
      resources: `/search`, `/login`, `/logout`, `/register`, `/token`, `/refresh`,
      `/upload`, `/download`, `/import`, `/export`, `/sync`, `/verify`, `/activate`,
      `/cancel`, `/publish`, `/generate`, `/send`, `/run`, `/health`, `/status`...;
    - server-rendered pages: a route answering HTML (`response_class=HTMLResponse`,
      `-> HTMLResponse`, a `return templates.TemplateResponse(...)`), a route answering
      both GET and POST (GET shows the form, POST submits it:
      `api_route("/{id}/delete", methods=["GET", "POST"])`), and a bare `create` segment of
      a GET route (`GET /users/create`, the form page);
    - RPC-style APIs: a read verb on a POST-only route (`POST /get`, `POST /list_types`,
      `POST /get-online-features`) is a call that carries its arguments in the body, which
      GET cannot; in a module that has such a route, the verb segments of its other
      POST-only routes are its RPC operations (`POST /create`, `POST /delete`) too;
    - `add-on(s)`.

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
    Only literal route paths are read, segment by segment; a router's `prefix=` is not,
    so the path the message suggests is relative to the router. Words glued without a
    separator or a capital (`/getusers`) are not split. Websocket routes are not checked
    (they have no HTTP method to carry the verb). A handler named after something else
    than its action (`def users(...)`, `def custom_component_update(...)`), or after a
    synonym this rule does not know (`revoke_tokens` for `/tokens/remove`), is not judged.
    """

    code = "FAPI505"
    name = "verb-in-path"
    family = "fastapi"
    roles = frozenset({Role.APP})
    severity = "warning"
    message = "Path segment `{segment}` of `{route}` {problem}"

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
            '    return ""\n\n\n'
            '@router.post("/{scope_id}/data/update")\n'
            "async def publish_data_update_event(scope_id: str) -> None: ...\n"
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
            message_contains="`getUsers` of `GET /getUsers` says `get`, which the method GET",
        ),
        Invalid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.post("/items/{item_id}/delete")\n'
            "async def delete_item(item_id: int) -> None:\n"
            "    return None\n",
            line=6,
            column=11,
            message_contains="use DELETE on `/items/{item_id}` instead of POST",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._rpc: bool | None = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        model = self.context.model
        routes = tuple(
            route
            for route in model.routes_for(node)
            if not route.is_websocket and is_fastapi_route(model, route)
        )
        if routes and not answers_html(node, routes):
            for route in routes:
                self._check(node, route)

    def _check(self, func: cst.FunctionDef, route: RouteInfo) -> None:
        parts = path_parts(path_node(route))
        methods = route.http_methods
        if parts is None or {"GET", "POST"} <= set(methods):
            return  # a form route: GET shows the form, POST submits it
        path = "".join(part.text for part in parts)
        found = _first_verb(path, methods)
        if found is None:
            return
        segment, verb = found
        wanted = _verb_methods(verb)
        if not set(handler_action(func.name.value)) & set(wanted):
            return  # the handler does something else: the word is a noun there
        if methods == ("POST",) and (verb in _READS or self._rpc_module()):
            return  # an RPC call: its arguments travel in the body
        route_text = f"{' '.join(methods)} {path}"
        rest = _without(path, segment) if words(segment) == [verb] else ""
        problem = _problem(verb, wanted, methods, rest)
        self.report(_part_with(parts, segment), segment=segment, route=route_text, problem=problem)

    def _rpc_module(self) -> bool:
        """Some route of the module reads through POST: the module speaks RPC."""
        if self._rpc is None:
            model = self.context.model
            self._rpc = any(
                _reads_through_post(route.path, route.http_methods)
                for _, route in model.routes()
                if is_fastapi_route(model, route)
            )
        return self._rpc


def _problem(verb: str, wanted: tuple[str, ...], methods: tuple[str, ...], rest: str) -> str:
    """What is wrong with the verb segment, and the route to write instead."""
    said = " or ".join(wanted)
    resource = f"`{rest}`" if rest else "the resource"
    if set(methods) <= set(wanted):
        instead = f": `{methods[0]} {rest}`" if rest else ""
        return (
            f"says `{verb}`, which the method {methods[0]} already says; name the resource "
            f"in the path{instead}"
        )
    if set(methods) <= _SAFE:
        return (
            f"runs the action `{verb}` on a {methods[0]} route, which crawlers, link "
            f"prefetchers and caches call freely; use {said} on {resource}"
        )
    return (
        f"names the action `{verb}`, which the HTTP method should say: use {said} on {resource} "
        f"instead of {' or '.join(methods)}"
    )


def _part_with(parts: list[PathPart], segment: str) -> cst.SimpleString:
    """The literal holding ``segment``; the first one when it is split across two."""
    return next((part.node for part in parts if segment in part.text), parts[0].node)
