"""ModuleModel: import resolution, typed names, routers, routes and dependencies."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.syntax import package_of


def build(source: str, path: str = "app.py") -> ModuleModel:
    return ModuleModel.build(cst.parse_module(textwrap.dedent(source)), path)


def qualified(model: ModuleModel, expression: str) -> str | None:
    return model.qualified_name(cst.parse_expression(expression))


def functions(source: str) -> dict[str, cst.FunctionDef]:
    """Every def in ``source`` by name, parsed from the same tree as the model."""
    found: dict[str, cst.FunctionDef] = {}

    class Collect(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            found[node.name.value] = node

    module = cst.parse_module(textwrap.dedent(source))
    module.visit(Collect())
    found["__model__"] = ModuleModel.build(module, "app.py")  # type: ignore[assignment]
    return found


def model_and_functions(source: str) -> tuple[ModuleModel, dict[str, cst.FunctionDef]]:
    found = functions(source)
    model = found.pop("__model__")
    assert isinstance(model, ModuleModel)
    return model, found


# -- import resolution -------------------------------------------------------------


IMPORTS = """
import time
import requests as rq
import os.path
import xml.etree.ElementTree as ET
from time import sleep as nap
from urllib import request
from http import client as http_client
"""


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("time.sleep", "time.sleep"),
        ("rq.get", "requests.get"),
        ("rq.Session", "requests.Session"),
        ("os.path.exists", "os.path.exists"),
        ("ET.parse", "xml.etree.ElementTree.parse"),
        ("nap", "time.sleep"),
        ("request.urlopen", "urllib.request.urlopen"),
        ("http_client.HTTPConnection", "http.client.HTTPConnection"),
    ],
)
def test_qualified_name_follows_import_aliases(expression: str, expected: str) -> None:
    assert qualified(build(IMPORTS), expression) == expected


def test_qualified_name_is_none_for_names_that_are_not_imported() -> None:
    model = build(IMPORTS)
    assert qualified(model, "requests.get") is None  # imported as rq only
    assert qualified(model, "cache.get") is None
    assert qualified(model, "sleep") is None


def test_qualified_name_is_none_for_calls_subscripts_and_literals() -> None:
    model = build(IMPORTS)
    assert qualified(model, "rq.Session().get") is None
    assert qualified(model, "handlers[0]") is None
    assert qualified(model, "'text'.upper") is None


def test_unshadowed_builtins_resolve_to_builtins() -> None:
    model = build("import os\n")
    assert qualified(model, "open") == "builtins.open"
    assert qualified(model, "input") == "builtins.input"


@pytest.mark.parametrize(
    "shadow",
    ["def open(path): ...", "from aiofiles import open", "open = make_opener()", "class open: ..."],
)
def test_module_level_definitions_shadow_builtins(shadow: str) -> None:
    result = qualified(build(shadow + "\n"), "open")
    assert result != "builtins.open"


def test_from_import_of_a_builtin_name_resolves_to_its_module() -> None:
    assert qualified(build("from aiofiles import open\n"), "open") == "aiofiles.open"


def test_imports_inside_functions_and_type_checking_blocks_count() -> None:
    model = build(
        """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from requests import Session
        def handler():
            import subprocess
            return subprocess
        """
    )
    assert qualified(model, "Session") == "requests.Session"
    assert qualified(model, "subprocess.run") == "subprocess.run"


def test_optional_import_fallback_to_none_keeps_the_module() -> None:
    model = build(
        """
        try:
            import requests
        except ImportError:
            requests = None
        """
    )
    assert qualified(model, "requests.get") == "requests.get"


def test_alternative_imports_of_one_name_keep_the_first() -> None:
    model = build(
        """
        try:
            import ujson as json
        except ImportError:
            import json
        """
    )
    assert qualified(model, "json.loads") == "ujson.loads"


def test_module_level_alias_assignment_is_followed() -> None:
    model = build("import time\npause = time.sleep\n")
    assert qualified(model, "pause") == "time.sleep"


def test_relative_imports_without_a_package_on_disk_keep_their_dots() -> None:
    model = build(
        """
        from .utils import slow_io
        from . import deps
        from ..core import settings
        """
    )
    assert qualified(model, "slow_io") == ".utils.slow_io"
    assert qualified(model, "deps.get_db") == ".deps.get_db"
    assert qualified(model, "settings") == "..core.settings"


def test_relative_imports_resolve_against_the_package_on_disk(tmp_path: Path) -> None:
    package = tmp_path / "shop" / "api"
    package.mkdir(parents=True)
    (tmp_path / "shop" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    module = package / "orders.py"
    module.write_text("")
    model = build(
        """
        from .utils import slow_io
        from . import deps
        from ..core import settings
        from ... import too_far
        """,
        path=str(module),
    )
    assert package_of(str(module)) == "shop.api"
    assert qualified(model, "slow_io") == "shop.api.utils.slow_io"
    assert qualified(model, "deps") == "shop.api.deps"
    assert qualified(model, "settings") == "shop.core.settings"
    assert qualified(model, "too_far") == "...too_far"


def test_star_imports_bind_nothing_and_do_not_crash() -> None:
    model = build("from os.path import *\nfrom . import *\n")
    assert qualified(model, "exists") is None


# -- typed names -------------------------------------------------------------------


def test_module_level_instances_and_annotations_are_typed() -> None:
    model = build(
        """
        import httpx
        from typing import Optional
        client = httpx.Client()
        maybe: Optional[httpx.Client] = None
        either: httpx.Client | None = None
        counter = 0
        """
    )
    for name in ("client", "maybe", "either"):
        value = model.module_value(name)
        assert value is not None and value.instance_types() == ("httpx.Client",), name
    counter = model.module_value("counter")
    assert counter is not None and counter.instance_types() == ()


TYPED_HANDLER = """
    import requests
    from pathlib import Path
    def handler(base: Path, count: int, raw):
        session = requests.Session()
        target = base / "out.txt"
        parent = Path("a").parent
        with open(target) as stream:
            pass
        for item in range(3):
            pass
    """


def test_function_bindings_cover_params_assignments_with_and_path_arithmetic() -> None:
    model, found = model_and_functions(TYPED_HANDLER)
    bindings = model.function_bindings(found["handler"])

    def types(name: str) -> tuple[str, ...]:
        value = bindings.get(name)
        assert value is not None, name
        return value.instance_types()

    assert types("base") == ("pathlib.Path",)
    assert types("session") == ("requests.Session",)
    assert types("target") == ("pathlib.Path",)
    assert types("parent") == ("pathlib.Path",)
    assert types("stream") == ("builtins.open",)
    assert types("count") == ("builtins.int",)
    assert types("raw") == () and types("item") == ()


def test_a_name_bound_to_two_different_things_is_unknown() -> None:
    model, found = model_and_functions(
        """
        import httpx
        def handler(flag):
            client = httpx.Client()
            if flag:
                client = make_client()
        """
    )
    value = model.function_bindings(found["handler"]).get("client")
    assert value is not None and value.instance_types() == ()


def test_global_declarations_leave_the_name_to_the_module() -> None:
    model, found = model_and_functions(
        """
        import httpx
        client: httpx.Client | None = None
        def startup():
            global client
            client = something_else()
        """
    )
    assert model.function_bindings(found["startup"]).get("client") is None


def test_union_annotations_keep_every_member() -> None:
    model, found = model_and_functions(
        """
        from typing import Union
        import httpx, requests
        def handler(client: Union[requests.Session, httpx.Client]): ...
        """
    )
    value = model.function_bindings(found["handler"]).get("client")
    assert value is not None
    assert value.instance_types() == ("requests.Session", "httpx.Client")


# -- routers and routes ------------------------------------------------------------


ROUTES = """
import fastapi
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRouter as RoutingRouter
from app.main import app as imported_app
from app.cache import cache

service = FastAPI()
items = APIRouter(prefix="/items")
legacy = RoutingRouter()
api = fastapi.APIRouter()

@service.get("/health")
async def health(): ...

@items.post("", status_code=201, response_model=dict)
async def create_item(): ...

@legacy.api_route("/legacy", methods=["GET", "post"])
def legacy_view(): ...

@api.websocket("/ws")
async def socket(ws): ...

@imported_app.delete("/items/{item_id}")
async def delete_item(item_id: int): ...

@imported_app.put(path="/things")
async def put_thing(): ...

@cache.get("user-key")
def cached_user(): ...

@unknown.get("/nowhere")
def not_imported(): ...

@cache.get(some_key)
def dynamic_key(): ...

def plain(): ...

class Views:
    router = APIRouter()

    @router.get("/views")
    def listing(self): ...

    def __init__(self):
        self.extra = APIRouter()

        @self.extra.patch("/extra")
        async def extra(): ...

def create_app():
    factory_app = FastAPI()

    @factory_app.head("/factory")
    async def factory_route(): ...

    return factory_app

service.add_api_route("/registered", registered_handler, methods=["OPTIONS"])

def registered_handler(): ...
"""


@pytest.fixture(scope="module")
def routes() -> tuple[ModuleModel, dict[str, cst.FunctionDef]]:
    return model_and_functions(ROUTES)


@pytest.mark.parametrize(
    "name",
    [
        "health",
        "create_item",
        "legacy_view",
        "socket",
        "delete_item",
        "put_thing",
        "listing",
        "extra",
        "factory_route",
        "registered_handler",
    ],
)
def test_route_decorators_on_known_and_imported_routers_are_routes(
    routes: tuple[ModuleModel, dict[str, cst.FunctionDef]], name: str
) -> None:
    model, found = routes
    assert model.is_route(found[name])


@pytest.mark.parametrize("name", ["cached_user", "not_imported", "dynamic_key", "plain"])
def test_look_alike_decorators_are_not_routes(
    routes: tuple[ModuleModel, dict[str, cst.FunctionDef]], name: str
) -> None:
    model, found = routes
    assert not model.is_route(found[name])


def test_route_info_exposes_methods_path_and_keywords(
    routes: tuple[ModuleModel, dict[str, cst.FunctionDef]],
) -> None:
    model, found = routes
    create = model.route_for(found["create_item"])
    assert create is not None
    assert (create.router, create.http_methods, create.path) == ("items", ("POST",), "")
    status = create.keyword("status_code")
    assert isinstance(status, cst.Integer) and status.value == "201"
    assert create.keyword("response_model") is not None
    assert create.decorator is not None and create.call is create.decorator.decorator


def test_route_info_for_api_route_websocket_and_registration(
    routes: tuple[ModuleModel, dict[str, cst.FunctionDef]],
) -> None:
    model, found = routes
    legacy = model.route_for(found["legacy_view"])
    socket = model.route_for(found["socket"])
    registered = model.route_for(found["registered_handler"])
    assert legacy is not None and legacy.http_methods == ("GET", "POST")
    assert socket is not None and socket.is_websocket and socket.http_methods == ()
    assert registered is not None and registered.decorator is None
    assert (registered.path, registered.http_methods) == ("/registered", ("OPTIONS",))


def test_routers_include_class_attribute_and_self_spellings(
    routes: tuple[ModuleModel, dict[str, cst.FunctionDef]],
) -> None:
    model, _ = routes
    expected = {"service", "items", "legacy", "api", "Views.router", "self.router", "self.extra"}
    assert expected <= model.routers


def test_router_subclasses_make_routers() -> None:
    model, found = model_and_functions(
        """
        from fastapi import APIRouter
        class VersionedRouter(APIRouter): ...
        v1 = VersionedRouter()
        @v1.get("status")
        def status(): ...
        """
    )
    assert model.is_route(found["status"])


def test_routes_lists_every_function_route_pair_in_order(
    routes: tuple[ModuleModel, dict[str, cst.FunctionDef]],
) -> None:
    model, _ = routes
    names = [func.name.value for func, _ in model.routes()]
    assert names[:3] == ["health", "create_item", "legacy_view"]
    assert "registered_handler" in names


# -- dependencies ------------------------------------------------------------------


DEPENDENCIES = """
from typing import Annotated
import fastapi
from fastapi import Depends, FastAPI, Security
from fastapi.params import Depends as ParamsDepends
from app import deps

app = FastAPI(dependencies=[Depends(verify_key)])
CurrentUser = Annotated[dict, Depends(get_current_user)]

def verify_key(): ...
def get_db(): ...
def get_current_user(db=Depends(get_db)): ...
def get_scopes(): ...
def get_settings(): ...
def audit(): ...
def get_session(): ...
def helper(): ...
class Pagination: ...

@app.get("/items", dependencies=[fastapi.Depends(audit)])
async def items(
    user: CurrentUser,
    scopes=Security(get_scopes),
    settings: Annotated[dict, ParamsDepends(get_settings)] = None,
    page: Annotated[Pagination, Depends()] = None,
    session=Depends(deps.get_session),
): ...
"""


@pytest.mark.parametrize(
    "name",
    [
        "verify_key",
        "get_db",
        "get_current_user",
        "get_scopes",
        "get_settings",
        "audit",
        "get_session",
    ],
)
def test_functions_passed_to_depends_or_security_are_dependencies(name: str) -> None:
    model, found = model_and_functions(DEPENDENCIES)
    assert model.is_dependency(found[name])


def test_helpers_and_endpoints_are_not_dependencies() -> None:
    model, found = model_and_functions(DEPENDENCIES)
    assert not model.is_dependency(found["helper"])
    assert not model.is_dependency(found["items"])


def test_bare_depends_names_the_annotated_class() -> None:
    model, _ = model_and_functions(DEPENDENCIES)
    assert "Pagination" in model.dependencies
    assert "deps.get_session" in model.dependencies


def test_a_local_function_called_depends_is_not_a_marker() -> None:
    model, found = model_and_functions(
        """
        def Depends(x): return x
        def helper(): ...
        def route(value=Depends(helper)): ...
        """
    )
    assert not model.is_dependency(found["helper"])


# -- robustness --------------------------------------------------------------------


ODD_PYTHON = """
    from . import *
    import a.b.c as d, e
    @(lambda f: f)
    def weird(*args, **kwargs): ...
    @routers[0].get("/x")
    def subscripted(): ...
    @make_router().get("/y")
    def called(): ...
    x, *y = z = 1, 2
    (w := 3)
    [a for a in range(3)]
    class C(metaclass=type, **extra): ...
    match command:
        case {"go": target}:
            pass
    async def agen():
        async with lock as (first, second):
            yield first
    lambda: (yield)
    type Alias = int
    """


def test_odd_but_valid_python_builds_a_model() -> None:
    model = build(ODD_PYTHON)
    assert qualified(model, "d") == "a.b.c"
    assert not list(model.routes())
