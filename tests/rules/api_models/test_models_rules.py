"""FAPI301-FAPI303 (the `models` family), beyond the rules' own VALID/INVALID examples."""

from __future__ import annotations

import textwrap

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.options import RuleOptions
from fastapi_lint.rules.api_models.dict_request_body import DictRequestBody
from fastapi_lint.rules.api_models.dict_response import DictResponse
from fastapi_lint.rules.api_models.untyped_dict_in_signature import UntypedDictInSignature
from fastapi_lint.runner.single_file import lint_source

RULES = (DictRequestBody, DictResponse, UntypedDictInSignature)
HEADER = """\
import collections
import collections.abc
import typing
import typing as t
from collections import OrderedDict
from typing import Annotated, Any, Dict, Mapping, MutableMapping, Optional, Union
from typing import Dict as D

import fastapi
from fastapi import (
    APIRouter, Body, Cookie, Depends, FastAPI, File, Form, Header, Path, Query, Response,
    Security, params,
)
from fastapi.responses import (
    FileResponse, HTMLResponse, JSONResponse, ORJSONResponse, PlainTextResponse,
    RedirectResponse, StreamingResponse, UJSONResponse,
)

app = FastAPI()
"""
FIRST = HEADER.count("\n") + 1  # the line of the first statement after HEADER


# FAPI303 by default reports a mapping the body reads as a record; the tests of which
# annotations and functions it checks use its strict mode, which reports every one.
STRICT = RuleOptions(strict=("FAPI303",))


def findings(
    source: str, code: str | None = None, options: RuleOptions = STRICT
) -> list[Diagnostic]:
    result = lint_source(HEADER + textwrap.dedent(source), "app.py", RULES, options)
    assert not result.internal_errors, result.internal_errors
    return [d for d in result.diagnostics if code is None or d.code == code]


def codes(source: str) -> list[str]:
    return [d.code for d in findings(source)]


def positions(source: str, code: str) -> list[tuple[int, int]]:
    """(line, column) of each finding, lines counted from the end of HEADER."""
    return [(d.line - FIRST + 1, d.column) for d in findings(source, code)]


# -- FAPI301 dict-request-body -----------------------------------------------------


@pytest.mark.parametrize(
    "annotation",
    [
        "dict",
        "Dict",
        "D",
        "D[str, Any]",
        "typing.Dict",
        "t.Mapping[str, Any]",
        "Mapping[str, int]",
        "MutableMapping",
        "collections.abc.Mapping",
        "collections.abc.MutableMapping[str, str]",
        "OrderedDict",
        "collections.defaultdict",
        "dict[int, float]",
        "Optional[dict]",
        "dict | None",
        "None | dict[str, Any]",
        "Union[Item, dict]",
        "Union[None, Dict[str, Any]]",
        "'dict[str, Any]'",
        "Annotated[dict, Body()]",
        "Annotated[dict | None, Body(embed=True)]",
        "Annotated[Optional[Dict], fastapi.Body()]",
    ],
)
def test_mapping_body_is_reported(annotation: str) -> None:
    source = f"""
    @app.post("/items")
    def create(item: {annotation}) -> Item:
        return save(item)
    """
    assert codes(source) == ["FAPI301"]


@pytest.mark.parametrize(
    "parameter",
    [
        "item: Item",
        "item: list[dict]",
        "item: Annotated[dict, Depends(get_item)]",
        "item: Annotated[dict, Security(get_item, scopes=['me'])]",
        "item: Annotated[dict, fastapi.Depends(get_item)]",
        "item: Annotated[dict, params.Depends(get_item)]",
        "item: dict = Depends(get_item)",
        "item: Dict = fastapi.Security(get_item)",
        "item: dict = Query(default={})",
        "item: Annotated[dict | None, Header()] = None",
        "item: Annotated[dict, Cookie()]",
        "item: Annotated[dict, Path()]",
        "item: Annotated[dict, Form()]",
        "item: Annotated[dict, File()]",
        "*args: dict",
        "**kwargs: dict",
    ],
)
def test_non_body_parameters_are_quiet(parameter: str) -> None:
    source = f"""
    @app.post("/items")
    def create({parameter}) -> Item:
        return save(item)
    """
    assert findings(source, "FAPI301") == []


def test_report_is_at_the_parameter_and_shows_the_type_without_metadata() -> None:
    source = """
    @app.put("/items/{item_id}")
    def update(
        item_id: int,
        changes: Annotated[D[str, Any], Body(embed=True)],
    ) -> Item:
        return save(item_id, changes)
    """
    [finding] = findings(source, "FAPI301")
    assert (finding.line - FIRST + 1, finding.column) == (5, 5)
    assert "Request body `changes` of route `update` is a mapping (`D[str, Any]`)" in (
        finding.message
    )


def test_a_locally_defined_class_named_dict_is_not_a_mapping() -> None:
    source = """
    from .schemas import Dict as Payload


    class Mapping(BaseModel):
        source: str


    @app.post("/mappings")
    def create(mapping: Mapping, payload: Payload) -> Mapping:
        return mapping
    """
    assert codes(source) == []


def test_only_http_endpoints_have_request_bodies() -> None:
    source = """
    @app.websocket("/ws")
    async def live(websocket: WebSocket, options: Dict[str, int]) -> None:
        await websocket.send_json(options)


    @app.route("/legacy")
    async def legacy(request: Request, options: Dict[str, int]):
        return options


    def not_a_route(options: Dict[str, int]) -> None:
        print(options)
    """
    assert findings(source, "FAPI301") == []


def test_add_api_route_and_api_route_register_bodies() -> None:
    source = """
    router = APIRouter()


    @router.api_route("/sync", methods=["POST", "PUT"])
    def sync(state: dict) -> State:
        return State(**state)


    def ingest(rows: dict) -> int:
        return len(rows)


    router.add_api_route("/ingest", ingest, methods=["POST"])
    """
    assert [line for line, _ in positions(source, "FAPI301")] == [6, 10]


def test_unparsable_string_annotation_is_ignored() -> None:
    source = """
    @app.post("/items")
    def create(item: "dict[", other: "") -> Item:
        return save(item)
    """
    assert codes(source) == []


# -- FAPI302 dict-response ---------------------------------------------------------


@pytest.mark.parametrize(
    "returns",
    [
        "dict",
        "Dict",
        "D[str, Any]",
        "typing.Dict[str, object]",
        "Optional[dict]",
        "dict | None",
        "Mapping[str, Any]",
        "dict[str, dict]",
        "'dict[str, Any]'",
        "Union[Item, dict]",
    ],
)
def test_untyped_return_annotation_is_reported(returns: str) -> None:
    source = f"""
    @app.get("/items")
    def read() -> {returns}:
        return load()
    """
    assert positions(source, "FAPI302") == [(3, 15)]


@pytest.mark.parametrize(
    "returns",
    [
        "Item",
        "dict[str, int]",
        "dict[str, Item]",
        "list[dict]",
        "Response",
        "JSONResponse",
        "StreamingResponse",
        "RedirectResponse",
        "Response | dict",
        "fastapi.Response",
        "None",
    ],
)
def test_typed_or_response_return_annotation_is_quiet(returns: str) -> None:
    source = f"""
    @app.get("/items")
    def read() -> {returns}:
        return {{"a": 1}}
    """
    assert findings(source, "FAPI302") == []


def test_response_model_is_reported_at_the_argument() -> None:
    source = """
    @app.get("/items", response_model=Dict[str, Any], status_code=200)
    def read():
        return load()
    """
    [finding] = findings(source, "FAPI302")
    assert (finding.line - FIRST + 1, finding.column) == (2, 20)
    assert "(`response_model=Dict[str, Any]`)" in finding.message


def test_a_response_model_replaces_the_return_annotation() -> None:
    source = """
    @app.get("/items", response_model=Item)
    def read() -> dict:
        return {"name": "x"}


    @app.get("/typed", response_model=dict[str, int])
    def counts():
        return {"a": 1}
    """
    assert findings(source, "FAPI302") == []


def test_response_model_none_falls_back_to_the_annotation() -> None:
    source = """
    @app.get("/items", response_model=None)
    def read() -> dict:
        return {"name": "x"}
    """
    assert positions(source, "FAPI302") == [(3, 15)]


@pytest.mark.parametrize(
    "response_class",
    [
        "HTMLResponse",
        "PlainTextResponse",
        "RedirectResponse",
        "StreamingResponse",
        "FileResponse",
        "fastapi.responses.HTMLResponse",
        "make_response_class()",
    ],
)
def test_non_json_response_class_is_exempt(response_class: str) -> None:
    source = f"""
    @app.get("/page", response_class={response_class})
    def page() -> dict:
        return {{"title": "Home"}}
    """
    assert findings(source, "FAPI302") == []


@pytest.mark.parametrize(
    "response_class",
    ["JSONResponse", "ORJSONResponse", "UJSONResponse", "PrettyJSONResponse"],
)
def test_json_response_class_is_still_checked(response_class: str) -> None:
    source = f"""
    @app.get("/page", response_class={response_class})
    def page():
        return {{"title": title()}}
    """
    assert positions(source, "FAPI302") == [(3, 5)]


@pytest.mark.parametrize(
    "value",
    ['{"status": status}', "{k: v for k, v in pairs}", "dict(status='ok')", "OrderedDict(a=1)"],
)
def test_dict_returned_without_annotation_is_reported_at_the_name(value: str) -> None:
    source = f"""
    @app.post("/jobs", status_code=201)
    async def create_job():
        await queue.push()
        return {value}
    """
    [finding] = findings(source, "FAPI302")
    assert (finding.line - FIRST + 1, finding.column) == (3, 11)
    assert "no return annotation or `response_model`, and it returns a dict" in finding.message


def test_status_code_only_routes_without_dict_are_quiet() -> None:
    source = """
    @app.delete("/items/{item_id}", status_code=204)
    def delete(item_id: int):
        items.delete(item_id)


    @app.post("/items/{item_id}/touch", status_code=202)
    def touch(item_id: int):
        return None
    """
    assert findings(source, "FAPI302") == []


def test_returning_a_response_object_exempts_the_route() -> None:
    source = """
    @app.get("/items/{item_id}")
    def read(item_id: int):
        if item_id < 0:
            return JSONResponse({"detail": "bad id"}, status_code=400)
        return {"id": item_id}
    """
    assert findings(source, "FAPI302") == []


def test_returns_of_nested_functions_and_classes_are_not_the_routes() -> None:
    source = """
    @app.get("/items")
    def read():
        def as_dict() -> dict[str, int]:
            return {"a": 1}

        class Local:
            def value(self):
                return {"b": 2}

        return Item(**as_dict())


    @app.get("/wrapped")
    def wrapped():
        def respond():
            return Response("x")

        return {"wrapped": respond is not None}
    """
    assert positions(source, "FAPI302") == [(15, 5)]


def test_websocket_and_starlette_routes_are_not_checked() -> None:
    source = """
    @app.route("/legacy")
    async def legacy(request):
        return {"legacy": True}


    @app.websocket("/ws")
    async def live(websocket):
        return {"closed": True}
    """
    assert findings(source, "FAPI302") == []


@pytest.mark.parametrize("payload", ['{"status": "ok"}', "{}", '{"ok": True, "code": -1}'])
def test_a_fixed_acknowledgement_is_not_a_shape_to_model(payload: str) -> None:
    source = f"""
    @app.post("/events", status_code=202)
    async def publish(event: Event):
        await bus.publish(event)
        return {payload}
    """
    assert findings(source, "FAPI302") == []


def test_a_payload_that_varies_is_reported_even_beside_an_acknowledgement() -> None:
    source = """
    @app.get("/jobs/current")
    async def health():
        if not ready():
            return {"status": "starting"}
        return {"status": "ok", "uptime": uptime()}
    """
    assert positions(source, "FAPI302") == [(3, 11)]


def test_a_declared_untyped_mapping_is_reported_even_for_an_acknowledgement() -> None:
    source = """
    @app.get("/echo")
    async def ping() -> dict:
        return {"pong": True}
    """
    assert positions(source, "FAPI302") == [(3, 21)]


@pytest.mark.parametrize(
    "payload",
    [
        '{"message": f"File {name} deleted"}',
        '{"status": "error", "message": str(error)}',
        '{"success": stripe_ok}',
    ],
)
def test_an_outcome_report_is_not_a_shape_to_model(payload: str) -> None:
    source = f"""
    @app.delete("/files/{{name}}")
    async def delete_file(name: str, error: str, stripe_ok: bool):
        return {payload}
    """
    assert findings(source, "FAPI302") == []


@pytest.mark.parametrize(
    "payload",
    ['{"status": "ok", "deleted_count": count}', '{"message": text, "data": rows}', "{key: 1}"],
)
def test_an_outcome_beside_data_is_still_reported(payload: str) -> None:
    source = f"""
    @app.delete("/files")
    async def delete_files(count: int, text: str, rows: list, key: str):
        return {payload}
    """
    assert [d.code for d in findings(source, "FAPI302")] == ["FAPI302"]


def test_health_and_liveness_probes_answer_with_their_status_code() -> None:
    source = """
    @app.get("/api/v1/health")
    async def health() -> dict:
        return {"server_time": now(), "up_time": up()}


    @app.get("/healthz")
    def healthz():
        return {"version": VERSION, "status": "ok"}


    @app.get("/readyz")
    def ready():
        return {"db": db_ok()}


    @app.get("/healthcare/records")
    def records():
        return {"records": load()}
    """
    assert positions(source, "FAPI302") == [(18, 5)]


def test_routes_hidden_from_the_schema_are_not_api_responses() -> None:
    source = """
    @app.get("/healthcheck", include_in_schema=False)
    def healthcheck() -> dict:
        return {"reader": reader.state()}


    @app.get("/a", include_in_schema=True)
    @app.get("/b", include_in_schema=False)
    def both():
        return {"value": compute()}
    """
    assert positions(source, "FAPI302") == [(9, 5)]


def test_webhook_receivers_answer_their_sender_with_a_status() -> None:
    source = """
    @app.post("/webhooks/github")
    async def on_push(event: PushEvent):
        return {"received": event.id}


    @app.post("/events")
    async def stripe_webhook(request: Request) -> dict:
        return {"handled": await handle(request)}


    @app.post("/hooks")
    async def on_hook(request: Request):
        return {"handled": await handle(request)}
    """
    assert positions(source, "FAPI302") == [(13, 11)]


def test_each_route_of_a_function_is_checked() -> None:
    source = """
    @app.get("/a", response_model=dict)
    @app.get("/b", response_model=Item)
    def read():
        return load()
    """
    assert positions(source, "FAPI302") == [(2, 16)]


# -- FAPI303 untyped-dict-in-signature ---------------------------------------------


@pytest.mark.parametrize(
    "annotation",
    [
        "dict",
        "Dict",
        "D",
        "typing.Dict",
        "t.MutableMapping",
        "collections.abc.Mapping",
        "OrderedDict",
        "dict[str, Any]",
        "Dict[str, Any]",
        "Mapping[str, t.Any]",
        "MutableMapping[str, object]",
        "dict[int, Any]",
        "dict[str, dict]",
        "dict[str, Any | None]",
        "Optional[dict[str, Any]]",
        "dict | None",
        "Union[str, Dict]",
        "'dict[str, Any]'",
        "Annotated[dict, 'metadata']",
    ],
)
def test_untyped_mapping_in_signature_is_reported(annotation: str) -> None:
    source = f"""
    def handle(payload: {annotation}) -> {annotation}:
        return payload
    """
    assert positions(source, "FAPI303") == [(2, 12), (2, 26 + len(annotation))]


@pytest.mark.parametrize(
    "annotation",
    [
        "dict[str, int]",
        "Dict[str, Item]",
        "Mapping[str, list[str]]",
        "dict[str, list[Any]]",
        "list[dict]",
        "Any",
        "Settings",
    ],
)
def test_typed_mappings_and_other_types_are_quiet(annotation: str) -> None:
    source = f"""
    def handle(payload: {annotation}, *args: Any, **kwargs: Any) -> {annotation}:
        return payload
    """
    assert findings(source, "FAPI303") == []


def test_star_parameters_with_mapping_values_are_reported() -> None:
    source = """
    def handle(*rows: dict, **options: dict[str, Any]) -> None:
        print(rows, options)
    """
    assert len(findings(source, "FAPI303")) == 2


def test_route_annotations_are_reported_once_by_the_route_rules() -> None:
    source = """
    @app.post("/items")
    def create(
        item: dict,
        settings: Annotated[dict, Depends(get_settings)],
        filters: dict = Query(default={}),
    ) -> dict:
        return item


    def get_settings() -> dict:
        return {}
    """
    assert codes(source) == ["FAPI301", "FAPI302", "FAPI303"]
    assert positions(source, "FAPI303") == [(11, 23)]


def test_websocket_endpoints_are_ordinary_functions_for_fapi303() -> None:
    source = """
    @app.websocket("/ws")
    async def live(websocket: WebSocket, options: dict) -> None:
        await websocket.send_json(options)
    """
    assert codes(source) == ["FAPI303"]


def test_nested_functions_and_methods_are_checked() -> None:
    source = """
    class Repository:
        def save(self, row: dict) -> int:
            def clean(values: Dict) -> None:
                pass

            return 1
    """
    assert [line for line, _ in positions(source, "FAPI303")] == [3, 4]


@pytest.mark.parametrize(
    "decorator",
    [
        "@typing.override",
        "@t.override",
        "@typing_extensions.override",
        "@pydantic.field_validator('name')",
        "@field_validator('name', mode='before')",
        "@model_validator(mode='before')",
        "@root_validator(pre=True)",
        "@validator('name')",
        "@pydantic.v1.root_validator",
        "@model_serializer",
        "@field_serializer('name')",
    ],
)
def test_library_hooks_are_exempt(decorator: str) -> None:
    source = f"""
    import pydantic
    import typing_extensions
    from pydantic import (
        field_serializer, field_validator, model_serializer, model_validator, root_validator,
        validator,
    )


    class Item(BaseModel):
        {decorator}
        def hook(cls, values: dict[str, Any]) -> dict[str, Any]:
            return values
    """
    assert findings(source, "FAPI303") == []


def test_a_validator_from_another_library_is_not_exempt() -> None:
    source = """
    from mylib import validator


    @validator
    def check(values: dict) -> None:
        pass
    """
    assert len(findings(source, "FAPI303")) == 1


def test_pydantic_and_pickle_methods_are_exempt_but_only_as_methods() -> None:
    source = """
    class Event(BaseModel):
        def model_dump(self, **kwargs: Any) -> dict[str, Any]:
            return super().model_dump(by_alias=True, **kwargs)

        def __getstate__(self) -> dict[str, Any]:
            return {}

        class Config:
            @staticmethod
            def schema_extra(schema: dict[str, Any]) -> None:
                schema.pop("title", None)


    def model_dump(event: Event) -> dict[str, Any]:
        return event.model_dump()
    """
    assert [line for line, _ in positions(source, "FAPI303")] == [15]


def test_message_names_the_parameter_and_the_function() -> None:
    source = """
    def notify(user: Optional[D], subject: str) -> None:
        pass
    """
    [finding] = findings(source, "FAPI303")
    assert finding.message.startswith(
        "Parameter `user` of `notify` is annotated `Optional[D]`, an untyped mapping"
    )


# -- FAPI303 by default: records, not open mappings ----------------------------------

DEFAULTS = RuleOptions()


@pytest.mark.parametrize(
    "body",
    [
        'send_mail(user["email"], user["name"])',
        'send_mail(user.get("email"), user.pop("name", None))',
        'return Summary(user["email"], user.get("name", ""))',
    ],
)
def test_a_mapping_read_by_two_fixed_keys_is_reported(body: str) -> None:
    source = f"""
    def notify(user: dict[str, Any]) -> None:
        {body}
    """
    assert positions_of(source) == [(2, 12)]


@pytest.mark.parametrize(
    "body",
    [
        "client.capture(user)",  # passed along
        'send_mail(user["email"])',  # one key: as often a lookup in a map
        'send_mail(user["email"], user[field])',  # a computed key
        'send_mail(user["email"], user["name"], list(user.items()))',
        'send_mail(user["email"], user["name"], **user)',
        'send_mail(user["email"], {**user, "name": user["name"]})',
        'for key in user:\n            send_mail(user["email"], user["name"], key)',
        'user.update(extra)\n        send_mail(user["email"], user["name"])',
    ],
)
def test_an_open_mapping_is_quiet(body: str) -> None:
    source = f"""
    def notify(user: dict[str, Any], field: str, extra: dict[str, str]) -> None:
        {body}
    """
    assert positions_of(source) == []


def test_a_record_built_and_returned_is_reported() -> None:
    source = """
    def page(rows: list[Row]) -> dict[str, Any]:
        if not rows:
            return {"users": [], "total": 0}
        return dict(users=rows, total=len(rows))
    """
    assert positions_of(source) == [(2, 30)]


@pytest.mark.parametrize(
    "returned",
    [
        "return payload",
        'return {"users": rows}',
        'return {**base, "total": 1}',
        "return {row.id: row for row in rows}",
        'return {key: 1, "total": 2}',
    ],
)
def test_a_return_that_is_not_a_record_is_quiet(returned: str) -> None:
    source = f"""
    def page(rows: list[Row], payload: dict[str, Any], base: dict[str, int], key: str) -> dict:
        {returned}
    """
    assert positions_of(source) == []


def test_strict_reports_every_untyped_mapping() -> None:
    source = """
    def notify(user: dict[str, Any]) -> dict:
        client.capture(user)
        return user
    """
    assert positions_of(source) == []
    assert len(findings(source, "FAPI303", STRICT)) == 2


def positions_of(source: str) -> list[tuple[int, int]]:
    return [(d.line - FIRST + 1, d.column) for d in findings(source, "FAPI303", DEFAULTS)]


# -- FAPI301: merge patches and run-time schemas ---------------------------------------


PATCH_MERGE = """
@app.patch("/projects/{name}")
def patch_project(name: str, project: dict) -> Project:
    return store.merge(name, project)
"""
RUNTIME_SCHEMA = """
@app.post("/tools/{id}/valves")
async def update_valves(id: str, form_data: dict) -> dict:
    module = load_plugin(id)
    Valves = module.Valves
    valves = Valves(**form_data)
    other = Valves.model_validate(form_data)
    return valves.model_dump()
"""


@pytest.mark.parametrize("source", [PATCH_MERGE, RUNTIME_SCHEMA], ids=["patch", "runtime"])
def test_merge_patches_and_run_time_schemas_are_not_reported_but_strict_reports_them(
    source: str,
) -> None:
    assert findings(source, "FAPI301") == []
    strict = RuleOptions(strict=("FAPI301", "FAPI303"))
    assert [d.code for d in findings(source, "FAPI301", strict)] == ["FAPI301"]


@pytest.mark.parametrize(
    "source",
    [
        # PATCH beside another method: the body is also a whole document.
        '@app.api_route("/items/{id}", methods=["PUT", "PATCH"])\n'
        "def upsert(id: int, item: dict) -> Item:\n"
        "    return store.merge(id, item)\n",
        # A PATCH body read by fixed keys or spread into keyword arguments: keys known.
        '@app.patch("/items/{id}")\n'
        "def patch_item(id: int, changes: dict) -> Item:\n"
        "    return store.update(id, **changes)\n",
        '@app.patch("/items/{id}")\n'
        "def patch_item(id: int, changes: dict) -> Item:\n"
        '    return store.rename(id, changes["name"])\n',
        # A model the module imports: the schema is static, declare it in the signature.
        '@app.post("/chat")\n'
        "async def chat(form_data: dict) -> Reply:\n"
        "    form = ChatForm(**form_data)\n"
        "    return await answer(form)\n",
        # A local name bound to something else than the class that validates.
        '@app.post("/chat")\n'
        "async def chat(form_data: dict) -> Reply:\n"
        "    Form = 3\n"
        "    form = ChatForm.model_validate(form_data)\n"
        "    return await answer(form)\n",
    ],
    ids=["put-and-patch", "patch-spread", "patch-keys", "static-model", "other-local"],
)
def test_bodies_with_a_static_schema_are_still_reported(source: str) -> None:
    assert [d.code for d in findings(source, "FAPI301")] == ["FAPI301"]
