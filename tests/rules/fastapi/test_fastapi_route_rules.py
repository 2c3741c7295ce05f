"""FAPI502 path-parameter-mismatch, FAPI505 verb-in-path, FAPI508 generic-route-decorator,
FAPI509 on-event-handler: what they flag, and the idiomatic code they leave alone."""

from __future__ import annotations

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.rule import Rule
from fastapi_lint.rules.fastapi._route_paths import words
from fastapi_lint.rules.fastapi.generic_route_decorator import GenericRouteDecorator
from fastapi_lint.rules.fastapi.on_event_handler import OnEventHandler
from fastapi_lint.rules.fastapi.path_parameter_mismatch import PathParameterMismatch
from fastapi_lint.rules.fastapi.verb_in_path import VerbInPath
from fastapi_lint.runner.single_file import lint_source

HEADER = (
    "from dataclasses import dataclass\n"
    "from typing import Annotated\n"
    "from fastapi import APIRouter, Depends, FastAPI, Path, Query\n"
    "from pydantic import BaseModel, Field\n"
    "app = FastAPI()\n"
)
HEADER_LINES = HEADER.count("\n")


def _lint(rule: type[Rule], code: str) -> list[Diagnostic]:
    result = lint_source(code, "example.py", (rule,))
    assert not result.internal_errors, result.internal_errors
    return list(result.diagnostics)


def _mismatches(code: str) -> list[tuple[int, str]]:
    """FAPI502 findings as (line after the header, message)."""
    found = _lint(PathParameterMismatch, HEADER + code)
    return [(d.line - HEADER_LINES, d.message) for d in found]


def _named(code: str) -> list[str]:
    """The ``{name}`` each FAPI502 finding is about."""
    return [message.split("`")[1] for _, message in _mismatches(code)]


# -- FAPI502: the path's own parameters ------------------------------------------------------


def test_a_parameter_the_handler_lacks_is_reported_at_the_path() -> None:
    found = _lint(
        PathParameterMismatch,
        HEADER + '@app.get("/items/{item_id}")\nasync def read_item(id: int): ...\n',
    )
    assert [(d.line, d.column) for d in found] == [(HEADER_LINES + 1, 10)]
    assert "`{item_id}` of `/items/{item_id}` matches no parameter of `read_item`" in (
        found[0].message
    )


@pytest.mark.parametrize(
    "route",
    [
        '@app.get("/items/{item_id}")\nasync def f(item_id: int): ...\n',
        '@app.get("/items/{item_id}")\nasync def f(*, item_id: int): ...\n',
        '@app.get("/files/{file_path:path}")\nasync def f(file_path: str): ...\n',
        '@app.get("/n/{n:int}/{f:float}")\nasync def f(n: int, f: float): ...\n',
        '@app.get("/items/{item_id}")\nasync def f(item_id: Annotated[int, Path(ge=1)]): ...\n',
        '@app.get("/items/{item_id}")\nasync def f(item_id: int = Path(ge=1)): ...\n',
        '@app.get("/d/{docId}")\nasync def f(d: Annotated[str, Path(alias="docId")]): ...\n',
        '@app.get("/d/{docId}")\nasync def f(d: str = Path(alias="docId")): ...\n',
        'DocId = Annotated[str, Path(alias="docId")]\n'
        '@app.get("/d/{docId}")\nasync def f(d: DocId): ...\n',
        '@app.get(f"/items/{1}")\nasync def f(): ...\n',
        'PATH = "/items/{item_id}"\n@app.get(PATH)\nasync def f(): ...\n',
        '@app.get("/static")\nasync def f(): ...\n',
    ],
)
def test_parameters_that_are_read_are_quiet(route: str) -> None:
    assert _mismatches(route) == []


@pytest.mark.parametrize(
    "path",
    ["/{ x }", "/{x: str}", "/{user-id}", "/{用户身份}", "/{number:ℂ}", "/{x:}", "/{x.y}"],
)
def test_what_starlette_does_not_read_as_a_parameter_is_quiet(path: str) -> None:
    """Ruff #20680/#20060: these are literal text of the path, as for FastAPI."""
    assert _mismatches(f'@app.get("{path}")\nasync def f(): ...\n') == []


def test_every_missing_parameter_is_reported_once() -> None:
    code = '@app.get("/a/{a}/{b:path}/{a}")\nasync def f(q: int): ...\n'
    assert _named(code) == ["{a}", "{b}"]


def test_a_concatenated_path_is_reported_at_the_literal_holding_the_parameter() -> None:
    code = '@app.get(\n    "/users/"\n    "{user_id}"\n)\nasync def f(): ...\n'
    assert [line for line, _ in _mismatches(code)] == [3]


def test_a_positional_only_parameter_cannot_receive_the_value() -> None:
    ((_, message),) = _mismatches('@app.get("/c/{cart_id}")\ndef f(cart_id, /): ...\n')
    assert "positional-only parameter of `f`" in message


def test_kwargs_do_not_receive_path_parameters() -> None:
    assert _named('@app.get("/i/{item_id}")\nasync def f(**kwargs): ...\n') == ["{item_id}"]


def test_an_alias_replaces_the_name() -> None:
    code = '@app.get("/i/{item_id}")\nasync def f(item_id: int = Path(alias="itemId")): ...\n'
    found = _mismatches(code)
    assert [message.split("`")[1] for _, message in found] == ["{item_id}", "{itemId}"]
    assert "declared with `Path()` in `f`, but `/i/{item_id}` has no `{itemId}`" in found[1][1]


def test_a_query_alias_does_not_read_the_path() -> None:
    code = '@app.get("/q/{l}")\nasync def f(u: Annotated[str, Query(alias="l")]): ...\n'
    assert _named(code) == ["{l}"]


def test_every_route_of_a_handler_is_checked() -> None:
    code = (
        '@app.get("/first/{item_id}")\n@app.get("/second/{other}")\n'
        "async def f(item_id: int): ...\n"
        '@app.api_route("/api/{x}", methods=["GET", "POST"])\nasync def g(): ...\n'
        '@app.websocket("/ws/{room}")\nasync def h(websocket): ...\n'
        '@app.get(path="/kw/{y}")\nasync def k(): ...\n'
    )
    assert _named(code) == ["{other}", "{x}", "{room}", "{y}"]


def test_add_api_route_paths_are_checked() -> None:
    code = 'async def f(): ...\napp.add_api_route("/items/{item_id}", f, methods=["GET"])\n'
    assert _named(code) == ["{item_id}"]


def test_starlette_routes_get_the_request_only() -> None:
    code = '@app.route("/items/{item_id}")\nasync def f(request): ...\n'
    assert _mismatches(code) == []


# -- FAPI502: dependencies -----------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        # a function, as a default, in Annotated, through an alias, a variable, nested
        'def dep(item_id: int): ...\n@app.get("/i/{item_id}")\nasync def f(x=Depends(dep)): ...\n',
        "def dep(item_id: int): ...\n"
        '@app.get("/i/{item_id}")\nasync def f(x: Annotated[int, Depends(dep)]): ...\n',
        "def dep(item_id: int): ...\nDep = Annotated[int, Depends(dep)]\n"
        '@app.get("/i/{item_id}")\nasync def f(x: Dep): ...\n',
        "def dep(item_id: int): ...\ntype Dep = Annotated[int, Depends(dep)]\n"
        '@app.get("/i/{item_id}")\nasync def f(x: Dep): ...\n',
        "def dep(item_id: int): ...\nD = Depends(dep)\n"
        '@app.get("/i/{item_id}")\nasync def f(x: Annotated[int, D]): ...\n',
        "def sub(item_id: int): ...\ndef dep(s=Depends(sub)): ...\n"
        '@app.get("/i/{item_id}")\nasync def f(x=Depends(dep)): ...\n',
        "def dep(item_id: int): ...\n"
        '@app.get("/i/{item_id}")\nasync def f(x=Depends(dependency=dep)): ...\n',
        # classes: __init__, Pydantic fields and aliases, dataclass fields, a base of the file
        "class C:\n    def __init__(self, item_id: int): ...\n"
        '@app.get("/i/{item_id}")\nasync def f(c: Annotated[C, Depends()]): ...\n',
        "class C:\n    def __init__(self, item_id: int): ...\n"
        '@app.get("/i/{item_id}")\nasync def f(c: C = Depends()): ...\n',
        "class M(BaseModel):\n    item_id: int\n"
        '@app.get("/i/{item_id}")\nasync def f(m: Annotated[M, Depends()]): ...\n',
        'class M(BaseModel):\n    item: int = Field(alias="itemId")\n'
        '@app.get("/i/{itemId}")\nasync def f(m: Annotated[M, Depends()]): ...\n',
        "@dataclass\nclass D:\n    item_id: int\n"
        '@app.get("/i/{item_id}")\nasync def f(d: Annotated[D, Depends(D)]): ...\n',
        "class Base(BaseModel):\n    item_id: int\nclass M(Base):\n    q: str = ''\n"
        '@app.get("/i/{item_id}")\nasync def f(m: Annotated[M, Depends()]): ...\n',
        # a callable instance
        "class Checker:\n    def __call__(self, item_id: int): ...\nchecker = Checker()\n"
        '@app.get("/i/{item_id}")\nasync def f(x=Depends(checker)): ...\n',
        # route, router and app dependencies
        "def dep(item_id: int): ...\n"
        '@app.get("/i/{item_id}", dependencies=[Depends(dep)])\nasync def f(): ...\n',
        "def dep(org_id: int): ...\n"
        'router = APIRouter(prefix="/orgs/{org_id}", dependencies=[Depends(dep)])\n'
        '@router.get("/members")\nasync def f(): ...\n',
        "def dep(item_id: int): ...\napi = FastAPI(dependencies=[Depends(dep)])\n"
        '@api.get("/i/{item_id}")\nasync def f(): ...\n',
        # a dependency that depends on itself does not loop
        "def a(item_id: int, again=Depends(lambda: 1), b=Depends(b)): ...\n"
        "def b(a=Depends(a)): ...\n"
        '@app.get("/i/{item_id}")\nasync def f(x=Depends(b)): ...\n',
    ],
)
def test_parameters_read_by_dependencies_of_the_file_are_quiet(code: str) -> None:
    assert _mismatches(code) == []


@pytest.mark.parametrize(
    "code",
    [
        "from .deps import get_item\n"
        '@app.get("/i/{item_id}")\nasync def f(x=Depends(get_item)): ...\n',
        "from . import deps\n"
        '@app.get("/i/{item_id}")\nasync def f(x=Depends(deps.get_item)): ...\n',
        'from .deps import make\n@app.get("/i/{item_id}")\nasync def f(x=Depends(make(1))): ...\n',
        "from .deps import check\n"
        '@app.get("/i/{item_id}", dependencies=[Depends(check)])\nasync def f(): ...\n',
        "from .deps import CHECKS\n"
        '@app.get("/i/{item_id}", dependencies=CHECKS)\nasync def f(): ...\n',
        "from .base import Base\nclass M(Base):\n    q: int\n"
        '@app.get("/i/{item_id}")\nasync def f(m: Annotated[M, Depends()]): ...\n',
        "from .deps import Checker\nchecker = Checker()\n"
        '@app.get("/i/{item_id}")\nasync def f(x=Depends(checker)): ...\n',
    ],
)
def test_a_dependency_the_file_cannot_see_may_read_anything(code: str) -> None:
    assert _mismatches(code) == []


@pytest.mark.parametrize(
    "code",
    [
        'def dep(other: int): ...\n@app.get("/i/{item_id}")\nasync def f(x=Depends(dep)): ...\n',
        '@app.get("/i/{item_id}")\nasync def f(x=Depends(lambda: 1)): ...\n',
        "from fastapi.security import OAuth2PasswordBearer\n"
        'oauth = OAuth2PasswordBearer(tokenUrl="t")\n'
        '@app.get("/i/{item_id}")\nasync def f(token: Annotated[str, Depends(oauth)]): ...\n',
        "from fastapi.security import HTTPBearer\n"
        '@app.get("/i/{item_id}")\nasync def f(token=Depends(HTTPBearer())): ...\n',
        "class Plain:\n    pass\n"
        '@app.get("/i/{item_id}")\nasync def f(p: Annotated[Plain, Depends()]): ...\n',
        # the dependency parameter's own name does not read the path
        'def dep(): ...\n@app.get("/i/{item_id}")\nasync def f(item_id=Depends(dep)): ...\n',
    ],
)
def test_dependencies_that_do_not_read_the_parameter_leave_it_missing(code: str) -> None:
    assert _named(code) == ["{item_id}"]


def test_an_imported_alias_named_like_the_parameter_may_read_it() -> None:
    """Ruff #16795: ``ExampleId = Annotated[UUID, Path(alias="exampleId")]`` elsewhere."""
    code = (
        "from .params import ExampleId, ItemDep, SessionDep\n"
        '@app.get("/examples/{exampleId}")\nasync def f(example_id: ExampleId): ...\n'
        '@app.get("/items/{item_id}")\nasync def g(item: ItemDep): ...\n'
        '@app.get("/users/{user_id}")\nasync def h(session: SessionDep): ...\n'
    )
    assert _named(code) == ["{user_id}"]


def test_library_types_are_no_alias() -> None:
    code = 'import uuid\n@app.get("/u/{uuid_id}")\nasync def f(uuid: uuid.UUID): ...\n'
    assert _named(code) == ["{uuid_id}"]


# -- FAPI502: router prefixes and Path() parameters -------------------------------------------


def test_router_prefix_parameters_are_required_too() -> None:
    code = (
        'router = APIRouter(prefix="/users/{user_id}")\n'
        '@router.get("/orders")\nasync def f(): ...\n'
        '@router.get("/orders/{order_id}")\nasync def g(user_id: int, order_id: int): ...\n'
    )
    ((line, message),) = _mismatches(code)
    assert line == 2
    assert "`{user_id}` of `/users/{user_id}/orders` (from the router prefix)" in message


def test_a_path_parameter_the_path_lacks_is_reported_at_the_parameter() -> None:
    found = _lint(
        PathParameterMismatch,
        HEADER + '@app.get("/orders")\nasync def f(\n    customer_id: int = Path(),\n): ...\n',
    )
    assert [(d.line - HEADER_LINES, d.column) for d in found] == [(3, 5)]
    assert "can never be filled and every request is answered 422" in found[0].message


def test_a_path_parameter_is_checked_against_the_full_path() -> None:
    code = (
        'router = APIRouter(prefix="/orgs/{org_id}")\n'
        '@router.get("/members")\nasync def f(org_id: Annotated[int, Path()]): ...\n'
    )
    assert _mismatches(code) == []


def test_a_path_parameter_is_reported_once_for_several_routes() -> None:
    code = '@app.get("/a")\n@app.get("/b")\nasync def f(x: int = Path()): ...\n'
    assert _named(code) == ["{x}"]


@pytest.mark.parametrize(
    "router",
    [
        "from .routers import router\n",  # imported: its prefix is unknown
        "router = APIRouter(prefix=PREFIX)\n",  # not a literal
        "def make():\n    return APIRouter()\nrouter = make()\n",
    ],
)
def test_path_parameters_are_not_checked_under_an_unknown_prefix(router: str) -> None:
    code = router + '@router.get("/members")\nasync def f(org_id: int = Path()): ...\n'
    assert _mismatches(code) == []


def test_path_parameters_of_dependencies_are_not_checked() -> None:
    code = (
        "def dep(org_id: int = Path()): ...\n"
        '@app.get("/members")\nasync def f(x=Depends(dep)): ...\n'
    )
    assert _mismatches(code) == []


@pytest.mark.parametrize(
    "route",
    [
        '@app.get("/orgs/{org_id}")\nasync def f(request: Request):\n'
        '    return request.path_params["org_id"]\n',
        '@app.get("/orgs/{org_id}")\nasync def f(req: Request):\n'
        '    return req.path_params.get("org_id")\n',
        "def org(request: Request):\n    return request.path_params['org_id']\n"
        '@app.get("/orgs/{org_id}")\nasync def f(o=Depends(org)): ...\n',
        '@app.get("/orgs/{org_id}")\nasync def f(request: Request, user=Depends(me)):\n'
        "    await check_permission(request, user)\n",
        '@app.get("/orgs/{org_id}")\nasync def f(request):\n'
        '    return templates.TemplateResponse("org.html", {"request": request})\n',
        '@app.get("/orgs/{org_id}")\nasync def f(request: Request):\n'
        "    return dict(request.path_params)\n",
    ],
)
def test_a_name_read_through_the_request_is_read(route: str) -> None:
    assert _mismatches("from fastapi import Request\n" + route) == []


@pytest.mark.parametrize(
    "route",
    [
        '@app.get("/orgs/{engagement_id}")\n'
        "async def f(request: Request, signal_engagement_id: int):\n"
        '    return request.path_params.get("signal_engagement_id")\n',
        '@app.get("/orgs/{org_id}")\nasync def f(request: Request):\n'
        "    return request.headers, request.url.path\n",
        '@app.get("/orgs/{org_id}")\nasync def f(client):\n    return fetch(client.request)\n',
        '@app.get("/orgs/{org_id}")\nasync def f(request: Request):\n    return g(request=1)\n',
    ],
)
def test_other_uses_of_the_request_read_no_path_name(route: str) -> None:
    assert len(_mismatches("from fastapi import Request\n" + route)) == 1


@pytest.mark.parametrize(
    "route",
    [
        '@app.get("/share/chat/{slug}", response_class=HTMLResponse)\n'
        "def page(request: Request):\n    return INDEX\n",
        '@app.get("/share/{slug}")\ndef page(request: Request) -> HTMLResponse:\n'
        "    return HTMLResponse(INDEX)\n",
        '@app.get("/p/{path_name:path}")\ndef catch_all():\n'
        '    return Response(INDEX, media_type="text/html")\n',
        '@app.get("/app/{rest:path}")\ndef spa(request: Request):\n'
        "    return FileResponse(INDEX)\n",
    ],
)
def test_pages_and_catch_all_fallbacks_may_ignore_their_path(route: str) -> None:
    header = "from fastapi import Request\nfrom fastapi.responses import HTMLResponse\n"
    assert _mismatches(header + route) == []


def test_a_page_still_gets_the_errors_that_break_every_request() -> None:
    route = (
        '@app.get("/share/{slug}", response_class=HTMLResponse)\n'
        "def page(slug: str, /, owner: int = Path()): ...\n"
    )
    problems = [message.split("` ", 1)[1] for _, message in _mismatches(route)]
    assert problems[0].startswith("of `/share/{slug}` is a positional-only parameter")
    assert problems[1].startswith("is declared with `Path()` in `page`")


def test_a_catch_all_of_a_handler_taking_other_parameters_is_still_read() -> None:
    route = '@app.get("/files/{file_path:path}")\nasync def read_file(path: str): ...\n'
    assert _named(route) == ["{file_path}"]


# -- FAPI505 verb-in-path ---------------------------------------------------------------------


def _handler_for(path: str) -> str:
    """A handler named after the path's last static segment: ``/users/create`` -> ``create``."""
    static = [segment for segment in path.split("/") if segment and "{" not in segment]
    return "_".join(words(static[-1])) if static else "handler"


def _verbs(
    path: str, method: str = "get", handler: str | None = None, header: str = ""
) -> list[str]:
    code = f"from fastapi import FastAPI\n{header}app = FastAPI()\n"
    code += f'@app.{method}("{path}")\ndef {handler or _handler_for(path)}(): ...\n'
    return [d.message.split("`")[1] for d in _lint(VerbInPath, code)]


@pytest.mark.parametrize(
    ("path", "method", "segment"),
    [
        ("/getUsers", "get", "getUsers"),
        ("/users/create", "post", "create"),
        ("/delete_item/{item_id}", "delete", "delete_item"),
        ("/fetch-orders", "get", "fetch-orders"),
        ("/users/{id}/update", "post", "update"),
        ("/users/{id}/remove", "post", "remove"),
        ("/retrieveAll", "get", "retrieveAll"),
        ("/cart/add", "post", "add"),
        ("/items/insert", "post", "insert"),
        ("/draft/save", "post", "save"),
        ("/UpdateUser", "put", "UpdateUser"),
        ("/listUsers", "get", "listUsers"),
        ("/users/find_by_email", "get", "find_by_email"),
        ("/users/{id}/set-password", "put", "set-password"),
        ("/profile/edit_avatar", "post", "edit_avatar"),
        ("/users/{id}/update", "get", "update"),
    ],
)
def test_action_verbs_are_flagged(path: str, method: str, segment: str) -> None:
    assert _verbs(path, method) == [segment]


@pytest.mark.parametrize(
    "segment",
    [
        "search", "login", "logout", "register", "signup", "token", "refresh", "upload",
        "download", "import", "export", "sync", "verify", "activate", "deactivate", "cancel",
        "publish", "generate", "send", "run", "health", "status", "me", "settings", "updates",
        "deleted", "getting-started", "gets", "list", "lists", "set", "sets", "find", "edit",
        "add-ons", "addons", "add_on", "fetcher", "creator", "removal", "savings", "v1",
        "openapi.json",
    ],
)  # fmt: skip
def test_nouns_and_accepted_actions_are_quiet(segment: str) -> None:
    # A handler whose name asks for every method: only the segment can keep it quiet.
    for handler in ("update_users", "create_users", "get_users", "delete_users"):
        assert _verbs(f"/users/{{user_id}}/{segment}", "post", handler) == []


@pytest.mark.parametrize(
    ("path", "handler"),
    [
        ("/scopes/{scope_id}/data/update", "publish_data_update_event"),
        ("/policy/update", "notify_new_policy"),
        ("/custom_component/update", "custom_component_update"),
        ("/users/{id}/delete", "f"),
    ],
)
def test_a_handler_named_after_another_action_makes_the_word_a_noun(
    path: str, handler: str
) -> None:
    assert _verbs(path, "post", handler) == []


@pytest.mark.parametrize(
    ("handler", "flagged"),
    [
        ("delete_user", True),
        ("api_delete_user", True),
        ("handle_remove_user", True),
        ("destroy", True),
        ("update_user", False),
        ("create_user", False),
    ],
)
def test_the_handler_action_must_ask_for_the_verb_method(handler: str, flagged: bool) -> None:
    assert _verbs("/users/{id}/delete", "post", handler) == (["delete"] if flagged else [])


def test_the_form_page_of_a_server_rendered_app_is_quiet() -> None:
    assert _verbs("/users/create") == []
    assert _verbs("/users/create", "post") == ["create"]


@pytest.mark.parametrize(
    "route",
    [
        '@app.api_route("/users/{id}/delete", methods=["GET", "POST"])\n'
        "def delete_user(id: int): ...\n",
        '@app.get("/users/{id}/delete", response_class=HTMLResponse)\n'
        "def delete_user(id: int): ...\n",
        '@app.get("/users/{id}/update")\ndef update_user(id: int) -> HTMLResponse: ...\n',
        '@app.get("/users/{id}/update")\ndef update_user(request, id: int):\n'
        '    return templates.TemplateResponse(request, "edit.html", {})\n',
        '@app.post("/users/{id}/delete")\ndef delete_user(request, id: int):\n'
        '    page = templates.TemplateResponse(request, "deleted.html", {})\n'
        "    return page\n",
    ],
)
def test_pages_of_server_rendered_apps_are_quiet(route: str) -> None:
    code = "from fastapi import FastAPI\nfrom fastapi.responses import HTMLResponse\n"
    code += "app = FastAPI()\n" + route
    assert _lint(VerbInPath, code) == []


def test_an_api_in_rpc_style_is_quiet_on_its_posts() -> None:
    rpc = '@app.post("/list")\ndef list_runs(): ...\n'
    assert _verbs("/get", "post") == []  # a read through POST: the body carries the query
    assert _verbs("/create", "post", header="") == ["create"]
    for path in ("/create", "/delete", "/update", "/set_default"):
        code = "from fastapi import FastAPI\napp = FastAPI()\n" + rpc
        code += f'@app.post("{path}")\ndef {_handler_for(path)}(): ...\n'
        assert _lint(VerbInPath, code) == []
    code = "from fastapi import FastAPI\napp = FastAPI()\n" + rpc
    code += '@app.delete("/delete")\ndef delete_runs(): ...\n'
    assert [d.line for d in _lint(VerbInPath, code)] == [5]


def test_parameter_segments_are_not_read() -> None:
    assert _verbs("/items/{get_id}/{delete}", handler="get_item") == []


def test_one_finding_per_route() -> None:
    assert _verbs("/{id}/update/members/add", "post", "update_members") == ["update"]


def test_concatenated_paths_are_read_whole() -> None:
    assert _verbs('/api/" "getUsers', "get", "get_users") == ["getUsers"]


def test_websocket_routes_have_no_method_to_carry_the_verb() -> None:
    code = "from fastapi import FastAPI\napp = FastAPI()\n"
    code += '@app.websocket("/ws/get_updates")\nasync def get_updates(websocket): ...\n'
    assert _lint(VerbInPath, code) == []


@pytest.mark.parametrize(
    ("method", "path", "handler", "said"),
    [
        (
            "post",
            "/users/{id}/delete",
            "delete_user",
            "names the action `delete`, which the HTTP method should say: use DELETE on "
            "`/users/{id}` instead of POST",
        ),
        (
            "delete",
            "/users/{id}/delete",
            "delete_user",
            "says `delete`, which the method DELETE already says; name the resource in the "
            "path: `DELETE /users/{id}`",
        ),
        (
            "get",
            "/index/update",
            "update_index",
            "runs the action `update` on a GET route, which crawlers, link prefetchers and "
            "caches call freely; use PUT or PATCH on `/index`",
        ),
        (
            "put",
            "/get-or-create-task/{task_id}",
            "get_or_create_task",
            "names the action `get`, which the HTTP method should say: use GET on the resource "
            "instead of PUT",
        ),
    ],
)
def test_the_message_says_how_the_method_and_the_verb_relate(
    method: str, path: str, handler: str, said: str
) -> None:
    code = f'from fastapi import FastAPI\napp = FastAPI()\n@app.{method}("{path}")\n'
    code += f"def {handler}(): ...\n"
    (found,) = _lint(VerbInPath, code)
    assert found.message.endswith(said), found.message
    assert f"`{method.upper()} {path}`" in found.message


# -- FAPI508 generic-route-decorator ----------------------------------------------------------


def _generic(code: str, header: str = "from fastapi import APIRouter, FastAPI\n") -> list[str]:
    body = header + "app = FastAPI()\nrouter = APIRouter()\n" + code
    return [d.message for d in _lint(GenericRouteDecorator, body)]


@pytest.mark.parametrize(
    ("decorator", "advice"),
    [
        ('@app.route("/items")', "use `@app.get(...)`"),
        ('@app.route("/items", methods=["POST"])', "use `@app.post(...)`"),
        ('@app.route("/items", methods=["GET", "POST"])', "use `@app.api_route(...)`"),
        ('@router.route("/items", methods=METHODS)', "use `@router.api_route(...)`"),
        ('@router.api_route("/items", methods=["DELETE"])', "use `@router.delete(...)`"),
        ('@router.api_route("/items", methods=("patch",))', "use `@router.patch(...)`"),
        ('@router.api_route("/items", methods={"PUT"})', "use `@router.put(...)`"),
        ('@app.api_route("/items")', "use `@app.get(...)`"),
        ('@app.websocket_route("/ws")', "use `@app.websocket(...)`"),
    ],
)
def test_generic_decorators_are_flagged(decorator: str, advice: str) -> None:
    (message,) = _generic(f"{decorator}\nasync def f(request): ...\n")
    assert advice in message


@pytest.mark.parametrize(
    "code",
    [
        '@app.api_route("/p/{path:path}", methods=["GET", "POST"])\nasync def f(path: str): ...\n',
        '@app.api_route("/p/{path:path}", methods=METHODS)\nasync def f(path: str): ...\n',
        '@app.api_route("/p", methods=[method])\nasync def f(): ...\n',
        '@app.get("/items")\nasync def f(): ...\n',
        '@app.websocket("/ws")\nasync def f(websocket): ...\n',
        'async def f(request): ...\napp.add_route("/metrics", f)\n',
        'async def f(): ...\napp.add_api_route("/items", f, methods=["GET"])\n',
        "async def go(page):\n    await page.route('**/*', print)\n",
    ],
)
def test_specific_and_programmatic_registrations_are_quiet(code: str) -> None:
    assert _generic(code) == []


def test_an_imported_app_is_checked_in_a_fastapi_module() -> None:
    code = 'from .main import api\n@api.route("/items")\nasync def f(request): ...\n'
    assert len(_generic(code)) == 1


def test_flask_apps_are_left_alone() -> None:
    code = "from flask import Flask\nflask_app = Flask(__name__)\n"
    code += '@flask_app.route("/", methods=["GET"])\ndef home(): ...\n'
    assert _lint(GenericRouteDecorator, code) == []
    imported = 'from .web import app\n@app.route("/", methods=["GET"])\ndef home(): ...\n'
    assert _lint(GenericRouteDecorator, imported) == []


# -- FAPI509 on-event-handler -----------------------------------------------------------------


def _events(code: str) -> list[tuple[int, str]]:
    body = "from fastapi import APIRouter, FastAPI\napp = FastAPI()\n" + code
    return [(d.line - 2, d.message) for d in _lint(OnEventHandler, body)]


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ('@app.on_event("startup")\nasync def f(): ...\n', '`app.on_event("startup")`'),
        ('@app.on_event("shutdown")\ndef f(): ...\n', '`app.on_event("shutdown")`'),
        (
            'router = APIRouter()\n@router.on_event("startup")\nasync def f(): ...\n',
            '`router.on_event("startup")`',
        ),
        (
            "class Server:\n    def setup(self):\n"
            '        @self.app.on_event("startup")\n        async def f(): ...\n',
            '`self.app.on_event("startup")`',
        ),
        ('app.add_event_handler("startup", print)\n', '`app.add_event_handler("startup", print)`'),
        (
            'app.add_event_handler(event_type="shutdown", func=close)\n',
            '`app.add_event_handler(event_type="shutdown", func=close)`',
        ),
        ('@app.on_event(event_type="startup")\nasync def f(): ...\n', "`app.on_event(event_type="),
        ("other = FastAPI(on_startup=[print])\n", "`on_startup=`"),
        ("r = APIRouter(on_shutdown=[print])\n", "`on_shutdown=`"),
    ],
)
def test_the_deprecated_event_api_is_flagged(code: str, shown: str) -> None:
    ((_, message),) = _events(code)
    assert message.startswith(shown)
    assert "`lifespan`" in message


@pytest.mark.parametrize(
    "code",
    [
        '@bus.on_event("message")\ndef f(): ...\n',
        "@app.on_event(EVENT)\nasync def f(): ...\n",
        'bus.add_event_handler("created", print)\n',
        'bus.add_event_handler(event_type="created", func=print)\n',
        "from litestar import Litestar\nother = Litestar(on_startup=[print])\n",
        "other = FastAPI(lifespan=None)\n",
        'app.router.lifespan_context = None\n@app.get("/")\nasync def f(): ...\n',
    ],
)
def test_other_events_and_the_lifespan_are_quiet(code: str) -> None:
    assert _events(code) == []


def test_both_keywords_are_reported_where_they_are_written() -> None:
    found = _lint(
        OnEventHandler,
        "from fastapi import FastAPI\napp = FastAPI(on_startup=[print], on_shutdown=[print])\n",
    )
    assert [(d.line, d.column) for d in found] == [(2, 15), (2, 35)]


def test_routes_of_other_frameworks_are_left_alone() -> None:
    """An imported aiohttp ``RouteTableDef`` looks like a router to the model."""
    code = (
        "from aiohttp import web\nfrom .app import routes\n"
        '@routes.get("/users/{name}/getProfile")\nasync def get_profile(request): ...\n'
    )
    assert _lint(PathParameterMismatch, code) == []
    assert _lint(VerbInPath, code) == []
    fastapi = code.replace("from aiohttp import web", "from fastapi import Request")
    assert len(_lint(PathParameterMismatch, fastapi)) == len(_lint(VerbInPath, fastapi)) == 1


def test_the_strict_mode_reports_what_ruff_fast003_reports() -> None:
    from fastapi_lint.options import RuleOptions

    code = (
        HEADER
        + "from fastapi import Request\nfrom fastapi.responses import HTMLResponse\n"
        + '@app.get("/share/{slug}", response_class=HTMLResponse)\n'
        + "def page(request: Request): ...\n"
        + '@app.get("/p/{rest:path}")\ndef fallback(): ...\n'
        + '@app.get("/orgs/{org_id}")\ndef org(request: Request):\n'
        + '    return request.path_params["org_id"]\n'
    )
    assert lint_source(code, "example.py", (PathParameterMismatch,)).diagnostics == ()
    strict = RuleOptions(strict=("FAPI502",))
    found = lint_source(code, "example.py", (PathParameterMismatch,), strict).diagnostics
    assert [d.message.split("`")[1] for d in found] == ["{slug}", "{rest}", "{org_id}"]
