"""FAPI503, FAPI506, FAPI507 and FAPI511, beyond the rules' own VALID/INVALID examples."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from fastapi_lint import registry
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.rule import Rule
from fastapi_lint.rules.fastapi.body_on_204 import BodyOn204
from fastapi_lint.rules.fastapi.body_on_get import BodyOnGet
from fastapi_lint.rules.fastapi.post_without_status_code import PostWithoutStatusCode
from fastapi_lint.rules.fastapi.redundant_response_model import RedundantResponseModel
from fastapi_lint.runner.single_file import lint_source

HEADER = """\
import http
import typing
import typing_extensions
from http import HTTPStatus
from typing import Annotated, Any, Dict, List, Literal, Optional, Union

from fastapi import (
    APIRouter, BackgroundTasks, Body, Depends, FastAPI, Form, Header, Query, Request,
    Response, UploadFile, status,
)
from fastapi.responses import HTMLResponse, ORJSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from . import models
from .models import Item, Other

app = FastAPI()
"""


def lines(rule: type[Rule], source: str) -> list[int]:
    """The lines of ``rule``'s findings in ``source`` (counted after HEADER)."""
    code = HEADER + textwrap.dedent(source)
    first = HEADER.count("\n")
    return [d.line - first for d in lint_source(code, "app.py", (rule,)).diagnostics]


def messages(rule: type[Rule], source: str) -> list[str]:
    code = HEADER + textwrap.dedent(source)
    return [d.message for d in lint_source(code, "app.py", (rule,)).diagnostics]


# -- FAPI503 redundant-response-model ------------------------------------------------------


@pytest.mark.parametrize(
    ("response_model", "annotation"),
    [
        ("List[Item]", "list[Item]"),
        ("typing.Dict[str, Item]", "dict[str, Item]"),
        ("Optional[Item]", "Item | None"),
        ("Union[Item, None]", "Optional[Item]"),
        ("Union[Item, Union[Other, None]]", "Item | Other | None"),
        ("Optional[Optional[Item]]", "Item | None"),
        ("models.Item", "Item"),
        ("Item", '"Item"'),
        ("list['Item']", "list[Item]"),
        ("Literal['a', 1]", 'Literal["a", 1]'),
        ("typing_extensions.Annotated[int, Field(gt=0)]", "Annotated[int, Field( gt = 0 )]"),
        ("typing.Sequence[Item]", "typing.Sequence[Item]"),
        ("tuple[int, ...]", "typing.Tuple[int, ...]"),
        ("typing.Callable[[int], str]", "typing.Callable[[int], str]"),
        ("dict[\n    str,\n    Item,\n]", "dict[str, Item]"),
    ],
)
def test_503_equal_types_are_redundant(response_model: str, annotation: str) -> None:
    source = f"""
    @app.get("/x", response_model={response_model})
    def handler() -> {annotation}: ...
    """
    assert lines(RedundantResponseModel, source) == [2]


@pytest.mark.parametrize(
    ("response_model", "annotation"),
    [
        ("Item", "Other"),
        ("list[Item]", "set[Item]"),
        ("Item | Other", "Other | Item"),  # member order orders the OpenAPI schema
        ("Optional[Item]", "Item"),
        ("Annotated[int, Field(gt=0)]", "Annotated[int, Field(gt=1)]"),
        ("Annotated[int, Field(gt=0)]", "int"),
        ("Literal['a']", "Literal['b']"),
        ("list[Item]", "Any"),
        ("None", "Item"),
        ("None", "None"),  # the explicit opt-out: no response model at all
        ("conlist(int)", "conlist(int)"),  # two calls: not compared
        ("Item", '"Item["'),  # an annotation that does not parse
        ("tuple[*Ts]", "tuple[*Ts]"),
    ],
)
def test_503_different_types_are_not(response_model: str, annotation: str) -> None:
    source = f"""
    @app.get("/x", response_model={response_model})
    def handler() -> {annotation}: ...
    """
    assert lines(RedundantResponseModel, source) == []


def test_503_needs_a_fastapi_route_with_both_declarations() -> None:
    source = """
    @app.get("/a")
    def no_model() -> Item: ...
    @app.get("/b", response_model=Item)
    def no_annotation(): ...
    @app.websocket("/ws")
    async def socket(websocket) -> None: ...
    @app.route("/starlette", response_model=Item)
    def starlette() -> Item: ...
    @other.get("/c", response_model=Item)
    def not_a_router() -> Item: ...
    """
    assert lines(RedundantResponseModel, source) == []


def test_503_reports_each_route_and_registrations() -> None:
    source = """
    @app.get("/a", response_model=Item)
    @app.post("/b", response_model=Item)
    @app.put("/c", response_model=Other)
    def handler() -> Item: ...

    def listed() -> list[Item]: ...

    app.add_api_route("/d", listed, response_model=List[Item])
    """
    assert lines(RedundantResponseModel, source) == [2, 3, 9]


def test_503_message_shows_the_annotation_on_one_line() -> None:
    source = """
    @app.get("/x", response_model=dict[str, list[Item]])
    def handler() -> dict[
        str,
        list[Item],
    ]: ...
    """
    [message] = messages(RedundantResponseModel, source)
    assert "`dict[str, list[Item]]`" in message


def test_503_local_class_spelled_the_same_is_the_same_object() -> None:
    source = """
    def build() -> None:
        class Local(BaseModel):
            n: int

        @app.get("/x", response_model=Local)
        def handler() -> Local: ...
    """
    assert lines(RedundantResponseModel, source) == [6]


def test_503_deferred_annotation_must_reach_a_global() -> None:
    """FastAPI evaluates deferred return annotations in the module's globals."""
    code = textwrap.dedent(
        """\
        from __future__ import annotations

        from fastapi import FastAPI
        from pydantic import BaseModel

        app = FastAPI()


        class Book(BaseModel):
            title: str


        def build() -> None:
            class Local(BaseModel):
                n: int

            @app.get("/local", response_model=Local)
            def local() -> Local: ...

            @app.get("/global", response_model=list[Book])
            def shared() -> list[Book]: ...


        class Views:
            Nested = Book

            @app.get("/nested", response_model=Nested)
            def nested(self) -> Nested: ...
        """
    )
    found = lint_source(code, "app.py", (RedundantResponseModel,)).diagnostics
    assert [d.line for d in found] == [20]


def test_503_string_annotation_of_a_nested_handler_must_reach_a_global() -> None:
    source = """
    def build() -> None:
        class Local(BaseModel):
            n: int

        @app.get("/a", response_model=Local)
        def a() -> "Local": ...

        @app.get("/b", response_model=Item)
        def b() -> "Item": ...
    """
    assert lines(RedundantResponseModel, source) == [9]


# -- FAPI506 body-on-get ------------------------------------------------------------------


MODELS = """
class Filters(Base):
    q: str = ""

class Base(BaseModel):
    pass

class Color(str, Enum):
    RED = "red"

class Plain:
    pass
"""


def _get_route(parameter: str) -> str:
    return f'{MODELS}\n@app.get("/x")\ndef handler({parameter}) -> None: ...\n'


@pytest.mark.parametrize(
    "parameter",
    [
        "filters: Filters",  # a model inheriting from a model defined further down
        "filters: Optional[Filters] = None",
        "filters: 'Filters'",
        "data: dict",
        "data: Dict[str, Any] | None = None",
        "ids: list[int]",
        "ids: 'list[int]'",
        "ids: tuple[int, ...] = ()",
        "ids: str | set[str] = ''",
        "q: str = Body()",
        "q: Annotated[str, Body(embed=True)]",
        "q: Annotated[str, Form()]",
        "file: UploadFile",
        "model: BaseModel",
    ],
)
def test_506_body_parameters_on_get(parameter: str) -> None:
    assert lines(BodyOnGet, _get_route(parameter)) == [15]  # the line of the def


@pytest.mark.parametrize(
    "parameter",
    [
        "q: str",
        "q: str | None = None",
        "q=None",
        "color: Color = Color.RED",
        "plain: Plain",
        "item: Item",  # imported from the project: a model or an enum, not judged
        "filters: Annotated[Filters, Query()]",
        "filters: Filters = Depends()",
        "filters: Annotated[Filters, Depends()]",
        "data: dict = Depends(get_data)",
        "data: Annotated[dict | None, Header()] = None",
        "ids: list[int] = Query([])",
        "request: Request",
        "response: Response",
        "tasks: BackgroundTasks",
        "*args: list[int]",
        "**kwargs: dict",
    ],
)
def test_506_not_body_parameters_on_get(parameter: str) -> None:
    assert lines(BodyOnGet, _get_route(parameter)) == []


def test_506_methods_decide() -> None:
    source = """
    class Filters(BaseModel):
        q: str

    @app.post("/post")
    def post(filters: Filters) -> None: ...
    @app.head("/head")
    def head(filters: Filters) -> None: ...
    @app.api_route("/default")
    def default(filters: Filters) -> None: ...
    @app.api_route("/put", methods=["PUT", "PATCH"])
    def put(filters: Filters) -> None: ...
    @app.api_route("/variable", methods=METHODS)
    def variable(filters: Filters) -> None: ...
    @app.api_route("/mixed", methods=["GET", "POST"])
    def mixed(filters: Filters) -> None: ...
    @app.websocket("/ws")
    async def socket(filters: Filters) -> None: ...
    def registered(filters: Filters) -> None: ...
    app.add_api_route("/registered", registered)
    """
    # the lines of the defs; ``mixed`` reads its body on the POST
    assert lines(BodyOnGet, source) == [8, 10, 19]


def test_506_a_form_route_answering_get_and_post_reads_its_body_on_the_post() -> None:
    source = """
    @app.api_route("/{item_id}/delete", methods=["GET", "POST"])
    def confirm_delete(item_id: int, confirm: str = Form(None)) -> None: ...
    @app.get("/import")
    @app.post("/import")
    def import_items(upload: UploadFile | None = None) -> None: ...
    @app.get("/twice")
    @app.head("/twice")
    def twice(ids: list[int]) -> None: ...
    """
    assert lines(BodyOnGet, source) == [9]


def test_506_messages_name_the_method_and_the_remedy() -> None:
    source = """
    @dataclasses.dataclass
    class Window:
        start: int

    @app.head("/x")
    def handler(window: Window, ids: list[int]) -> None: ...
    """
    code = "import dataclasses\n" + textwrap.dedent(source)
    found = lint_source(HEADER + code, "app.py", (BodyOnGet,)).diagnostics
    assert [d.message for d in found] == [
        "HEAD route `handler` reads `window` from the request body (a dataclass), but HEAD "
        "requests carry no body; declare it `Annotated[Window, Query()]` or use POST",
        "HEAD route `handler` reads `ids` from the request body (a sequence without "
        "`Query()`), but HEAD requests carry no body; declare it with `Query()`",
    ]


def test_506_pathlib_path_is_no_marker() -> None:
    code = HEADER + textwrap.dedent(
        """
        import pathlib

        @app.get("/x")
        def handler(data: dict = pathlib.Path("x")) -> None: ...
        """
    )
    assert len(lint_source(code, "app.py", (BodyOnGet,)).diagnostics) == 1


# -- FAPI507 post-without-status-code ---------------------------------------------------


def test_507_is_opt_in() -> None:
    assert PostWithoutStatusCode.default_enabled is False
    assert PostWithoutStatusCode not in registry.select_rules()
    assert PostWithoutStatusCode in registry.select_rules(extend_select=["FAPI507"])
    assert {BodyOnGet, BodyOn204, RedundantResponseModel} <= set(registry.select_rules())


def test_507_post_routes() -> None:
    source = """
    @app.post("/a")
    def a() -> Item: ...
    @app.post("/b", status_code=201)
    def b() -> Item: ...
    @app.post("/c", **OPTIONS)
    def c() -> Item: ...
    @app.api_route("/d", methods=["POST"])
    def d() -> Item: ...
    @app.api_route("/e", methods=["POST", "PUT"])
    def e() -> Item: ...
    @app.put("/f")
    def f() -> Item: ...
    def g() -> Item: ...
    app.add_api_route("/g", g, methods=("post",))
    @app.post("/h", response_class=ORJSONResponse)
    def h() -> Item: ...
    """
    assert lines(PostWithoutStatusCode, source) == [2, 8, 15, 16]


def test_507_handlers_that_build_their_response() -> None:
    source = """
    @app.post("/a")
    def a() -> RedirectResponse: ...
    @app.post("/b")
    def b():
        return RedirectResponse("/")
    @app.post("/c")
    def c():
        response = HTMLResponse("<p>")
        response.set_cookie("k", "v")
        return response
    @app.post("/d")
    def d(response: Response) -> Item:
        response.status_code = 202
        return Item()
    @app.post("/e", response_class=HTMLResponse)
    def e() -> str: ...
    @app.post("/f")
    def f() -> Optional[RedirectResponse]: ...
    @app.post("/g")
    def g(request: Request):
        return templates.TemplateResponse(request, "g.html")
    """
    code = "from fastapi.templating import Jinja2Templates\ntemplates = Jinja2Templates('t')\n"
    assert lines(PostWithoutStatusCode, code + textwrap.dedent(source)) == []


def test_507_models_named_like_responses_are_models() -> None:
    source = """
    from .schemas import GroupResponse

    class ItemResponse(BaseModel):
        id: int

    class Empty(Plain):
        pass

    class Plain(Response):
        pass

    @app.post("/a")
    def a() -> ItemResponse: ...
    @app.post("/b")
    def b():
        return ItemResponse(id=1)
    @app.post("/c")
    def c():
        return GroupResponse(id=1)
    @app.post("/d")
    def d() -> Empty: ...
    @app.post("/e")
    def e():
        return Plain()
    """
    assert lines(PostWithoutStatusCode, source) == [13, 15, 18]


def test_507_only_the_handlers_own_returns_count() -> None:
    source = """
    @app.post("/a")
    def a() -> Item:
        def helper():
            return RedirectResponse("/")
        return Item()
    """
    assert lines(PostWithoutStatusCode, source) == [2]


# -- FAPI511 body-on-204 ------------------------------------------------------------------


@pytest.mark.parametrize(
    "status_code",
    [
        "204",
        "status.HTTP_204_NO_CONTENT",
        "HTTPStatus.NO_CONTENT",
        "http.HTTPStatus.NO_CONTENT",
        "HTTPStatus.NO_CONTENT.value",
        "205",
        "status.HTTP_304_NOT_MODIFIED",
    ],
)
def test_511_bodiless_statuses(status_code: str) -> None:
    source = f"""
    @app.delete("/x", status_code={status_code})
    def handler() -> Item: ...
    """
    assert lines(BodyOn204, source) == [3]


def test_511_status_spellings_from_other_modules() -> None:
    code = textwrap.dedent(
        """\
        from fastapi import FastAPI
        from fastapi.status import HTTP_204_NO_CONTENT
        from starlette import status as s

        app = FastAPI()

        @app.delete("/a", status_code=HTTP_204_NO_CONTENT)
        def a() -> dict: ...
        @app.delete("/b", status_code=s.HTTP_204_NO_CONTENT)
        def b() -> dict: ...
        """
    )
    found = lint_source(code, "app.py", (BodyOn204,)).diagnostics
    assert [d.line for d in found] == [8, 10]


@pytest.mark.parametrize(
    "status_code", ["200", "status.HTTP_200_OK", "NO_CONTENT", "HTTPStatus.OK", "codes.NO_CONTENT"]
)
def test_511_other_or_unknown_statuses(status_code: str) -> None:
    source = f"""
    @app.delete("/x", status_code={status_code})
    def handler() -> Item: ...
    """
    assert lines(BodyOn204, source) == []


@pytest.mark.parametrize(
    "annotation",
    ["None", '"None"', "Response", "RedirectResponse", "Optional[Response]", "typing.NoReturn"],
)
def test_511_annotations_without_a_body(annotation: str) -> None:
    source = f"""
    @app.delete("/x", status_code=204)
    def handler() -> {annotation}: ...
    """
    assert lines(BodyOn204, source) == []


def test_511_models_named_like_responses() -> None:
    source = """
    import httpx
    from .schemas import ProjectResponse

    class ItemResponse(BaseModel):
        id: int

    class Empty(Response):
        pass

    @app.delete("/a", status_code=204)
    def a() -> ItemResponse: ...
    @app.delete("/b", status_code=204)
    def b() -> Empty: ...
    @app.delete("/c", status_code=204)
    def c() -> ProjectResponse: ...
    @app.delete("/d", status_code=204)
    def d() -> httpx.Response: ...
    """
    assert lines(BodyOn204, source) == [12]


def test_511_response_model_and_annotation() -> None:
    source = """
    @app.delete("/a", status_code=204, response_model=Item)
    def a() -> None: ...
    @app.delete("/b", status_code=204, response_model=None)
    def b() -> Item: ...
    @app.delete("/c", status_code=204, response_model=None)
    def c() -> None: ...
    @app.delete("/d", status_code=204)
    def d(): ...
    """
    code = HEADER + textwrap.dedent(source)
    found = lint_source(code, "app.py", (BodyOn204,)).diagnostics
    first = HEADER.count("\n")
    assert [(d.line - first, d.column) for d in found] == [(2, 36), (5, 12)]
    assert "(`response_model=Item`)" in found[0].message
    assert "(`Item`)" in found[1].message


# -- routers the model learned for these rules --------------------------------------------


def _route_names(code: str) -> list[str]:
    module = cst.parse_module(textwrap.dedent(code))
    model = ModuleModel.build(module, "app.py")
    return [func.name.value for func, _ in model.routes()]


def test_routers_from_annotations() -> None:
    """Ruff's FAST001 sees routes on parameters and names annotated as routers: so do we."""
    code = """
    from typing import Optional

    from fastapi import APIRouter, FastAPI

    class Versioned(APIRouter):
        pass

    declared: APIRouter = make_router()

    @declared.get("/a")
    def a() -> None: ...

    def setup(app: FastAPI, *, sub: Optional[APIRouter], v: Versioned, name: str) -> None:
        @app.get("/b")
        def b() -> None: ...

        @sub.get("/c")
        def c() -> None: ...

        @v.get("/d")
        def d() -> None: ...

        @name.get("/e")
        def e() -> None: ...
    """
    assert _route_names(code) == ["a", "b", "c", "d"]
