"""FAPI201/FAPI202: type-coverage counters, messages, positions and FastAPI hints."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from fastapi_lint.context.project import Placement, ProjectContext
from fastapi_lint.context.versions import resolve_target_versions
from fastapi_lint.models import Diagnostic, FileResult
from fastapi_lint.options import RuleOptions
from fastapi_lint.reporters import render
from fastapi_lint.rules.type_hints.missing_parameter_annotation import MissingParameterAnnotation
from fastapi_lint.rules.type_hints.missing_return_annotation import MissingReturnAnnotation
from fastapi_lint.runner.report import build_report
from fastapi_lint.runner.single_file import lint_source

RULES = (MissingParameterAnnotation, MissingReturnAnnotation)


def lint(code: str) -> FileResult:
    return lint_source(dedent(code), "app.py", RULES)


def found(code: str) -> list[Diagnostic]:
    return list(lint(code).diagnostics)


def positions(code: str) -> list[tuple[str, int, int, int]]:
    return [(d.code, d.line, d.column, d.end_column) for d in found(code)]


def test_three_annotations_out_of_four_is_75_percent() -> None:
    result = lint("def add(a: int, b: int, c) -> int:\n    return a + b + c\n")
    assert (result.type_coverage.annotated, result.type_coverage.total) == (3, 4)
    assert result.type_coverage.percent == 75.0


def test_coverage_counts_what_ruff_checks_only() -> None:
    result = lint(
        """
        from typing import overload

        class Service:
            def __init__(self, name: str) -> None: ...
            @classmethod
            def create(cls) -> "Service": ...
            @staticmethod
            def key(raw): ...

        @overload
        def parse(raw: str) -> int: ...
        def parse(raw):
            return raw

        handler = lambda request: request
        """
    )
    # name, -> None, -> Service, raw, key's return, overload's raw and return.
    # Not counted: self, cls, the overload implementation and the lambda.
    assert (result.type_coverage.annotated, result.type_coverage.total) == (5, 7)


def test_no_function_means_full_coverage() -> None:
    result = lint("VALUE = 1\n")
    assert result.type_coverage.total == 0
    assert result.type_coverage.percent == 100.0


def test_coverage_shows_in_the_json_summary() -> None:
    result = lint("def f(a: int, b) -> None:\n    pass\n")
    report = build_report([result], [rule.info() for rule in RULES])
    summary = json.loads(render(report, "json"))["summary"]
    assert "type_coverage" in summary
    assert "66.7" in json.dumps(summary["type_coverage"])


def test_parameter_message_names_parameter_and_function() -> None:
    (diagnostic,) = found("def read_user(user_id) -> None:\n    pass\n")
    assert diagnostic.message == "Missing type annotation for parameter `user_id` of `read_user`"
    assert (diagnostic.code, diagnostic.name, diagnostic.severity) == (
        "FAPI201",
        "missing-parameter-annotation",
        "warning",
    )
    assert diagnostic.family == "typing"


def test_return_message_names_function() -> None:
    (diagnostic,) = found("def read_user(user_id: int):\n    pass\n")
    assert diagnostic.message == "Missing return type annotation for `read_user`"
    assert (diagnostic.code, diagnostic.name) == ("FAPI202", "missing-return-annotation")


def test_parameter_is_reported_at_its_name_without_its_default() -> None:
    assert positions("def f(a, b = 2) -> None: ...\n") == [
        ("FAPI201", 1, 7, 8),
        ("FAPI201", 1, 10, 11),
    ]


def test_star_parameters_are_reported_from_the_star_to_the_name() -> None:
    assert positions("def f(* args, **  kwargs) -> None:\n    g(args, kwargs)\n") == [
        ("FAPI201", 1, 7, 13),
        ("FAPI201", 1, 15, 25),
    ]
    messages = [d.message for d in found("def f(*args, **kwargs) -> None:\n    g(args, kwargs)\n")]
    assert "`*args`" in messages[0] and "`**kwargs`" in messages[1]


def test_return_is_reported_at_the_function_name() -> None:
    code = """
    @decorator
    async def fetch(): ...
    """
    assert positions(code) == [("FAPI202", 3, 11, 16)]


def test_self_and_cls_are_exempt_but_not_in_staticmethods() -> None:
    code = """
    class Repo:
        def get(self, key: str) -> str: ...
        @classmethod
        def build(cls) -> None: ...
        @staticmethod
        def helper(value) -> None: ...
    """
    assert positions(code) == [("FAPI201", 7, 16, 21)]


def test_init_needs_return_none_only_without_parameters() -> None:
    (diagnostic,) = found("class A:\n    def __init__(self):\n        self.x = 1\n")
    assert diagnostic.message.endswith("; add `-> None`")
    # mypy reads `-> None` into it once a parameter is typed...
    typed = lint("class A:\n    def __init__(self, x: int):\n        self.x = x\n")
    assert typed.diagnostics == ()
    assert (typed.type_coverage.annotated, typed.type_coverage.total) == (2, 2)
    # ...and while none is, the comment is FAPI201's: type the parameters.
    untyped = lint("class A:\n    def __init__(self, x, y=1):\n        self.x = x\n")
    assert [d.code for d in untyped.diagnostics] == ["FAPI201", "FAPI201"]
    assert (untyped.type_coverage.annotated, untyped.type_coverage.total) == (0, 3)


def strict_lint(code: str) -> FileResult:
    return lint_source(dedent(code), "app.py", RULES, RuleOptions(strict=("FAPI201", "FAPI202")))


def test_strict_mode_is_ruffs_defaults() -> None:
    code = "class A:\n    def __init__(self, x: int, _):\n        self.x = x\n"
    assert found(code) == []
    assert [d.code for d in strict_lint(code).diagnostics] == ["FAPI202", "FAPI201"]


# ``_, *_, **_`` would be a duplicate argument, which CPython rejects (FAPI000).
@pytest.mark.parametrize("params", ["_", "*_", "**_", "__", "_, *__, **___"])
def test_dummy_parameters_are_left_alone(params: str) -> None:
    code = f"def handler({params}) -> None: ...\n"
    assert found(code) == []
    assert lint(code).type_coverage.total == 1
    assert {d.code for d in strict_lint(code).diagnostics} == {"FAPI201"}


@pytest.mark.parametrize("params", ["_request", "unused_", "_1"])
def test_names_with_more_than_underscores_are_not_dummies(params: str) -> None:
    assert [d.code for d in found(f"def handler({params}) -> None: ...\n")] == ["FAPI201"]


NO_TYPE_CHECK = """
import typing
from typing import no_type_check as unchecked


@typing.no_type_check
def dumps(*args, **kwargs):
    return json.dumps(*args, **kwargs)


@unchecked
class Legacy:
    def run(self, job):
        return job

    def nested(self):
        def inner(x):
            return x
        return inner


def no_type_check(func):
    return func


@no_type_check
def checked(x):
    return x
"""


def test_no_type_check_opts_a_function_or_class_out() -> None:
    # The last function's decorator is a local one, not typing's.
    assert [(d.code, d.line) for d in found(NO_TYPE_CHECK)] == [
        ("FAPI202", 22),
        ("FAPI201", 22),
        ("FAPI202", 27),
        ("FAPI201", 27),
    ]
    off = lint_source(dedent(NO_TYPE_CHECK), "app.py", RULES, RuleOptions(peer_noqa=False))
    assert len(off.diagnostics) > 4


def test_a_file_typed_ignore_on_top_or_a_def_line_suppresses_the_typing_rules() -> None:
    assert found("# type: ignore\n\ndef handler(event):\n    return event\n") == []
    line = found("def handler(event):  # type: ignore\n    return event\n")
    assert line == []
    other = found("def handler(event):  # type: ignore[override]\n    return event\n")
    assert [d.code for d in other] == ["FAPI202", "FAPI201"]


ROUTES = """
from http import HTTPStatus
from typing import Annotated
from fastapi import Depends, FastAPI, status

app = FastAPI()

{code}
"""


def route_messages(code: str) -> list[str]:
    return [d.message for d in found(ROUTES.format(code=dedent(code)))]


@pytest.mark.parametrize("status", ["", ", status_code=201", ", status_code=status.HTTP_200_OK"])
def test_route_return_hint_mentions_the_response_model(status: str) -> None:
    messages = route_messages(f'@app.get("/items"{status})\nasync def items(): ...\n')
    assert messages == [
        "Missing return type annotation for `items`; on a route it is the response model"
    ]


@pytest.mark.parametrize(
    "decorator",
    [
        '@app.get("/items", response_model=list[str])',
        '@app.websocket("/ws")',
        "@decorator",
        # a route answering no body: the annotation is no response model
        '@app.delete("/items", status_code=204)',
        '@app.patch("/items", status_code=status.HTTP_204_NO_CONTENT)',
        '@app.get("/items", status_code=HTTPStatus.NOT_MODIFIED)',
    ],
)
def test_no_response_model_hint_where_it_would_be_wrong(decorator: str) -> None:
    messages = route_messages(f"{decorator}\nasync def items(): ...\n")
    assert messages == ["Missing return type annotation for `items`"]


def test_route_parameter_hints() -> None:
    code = """
    @app.get("/items/{item_id}")
    def read_item(item_id, db=Depends(get_db)) -> dict: ...
    """
    untyped, dependency = route_messages(code)
    assert untyped.endswith("; FastAPI can neither validate nor document it")
    assert dependency.endswith("with `Annotated[T, Depends(...)]`")


def test_dependency_parameters_get_the_hint_too() -> None:
    code = """
    def pagination(skip=0) -> dict: ...

    @app.get("/items")
    def items(page: Annotated[dict, Depends(pagination)]) -> list[str]: ...
    """
    (message,) = route_messages(code)
    assert message.endswith("; FastAPI can neither validate nor document it")


def test_annotated_fastapi_code_is_quiet() -> None:
    code = """
    class Service:
        def __init__(self, name: str) -> None:
            self.name = name

    @app.post("/items/{item_id}", status_code=201)
    async def create(
        item_id: int, service: Annotated[Service, Depends(Service)], *tags: str, **extra: str
    ) -> dict[str, int]:
        return {"id": item_id}
    """
    assert route_messages(code) == []


def placed(fastapi: str, root: Path) -> Placement:
    targets = resolve_target_versions(root, overrides={"fastapi": fastapi})
    return Placement(ProjectContext(root=root, targets=targets))


def versioned_messages(code: str, fastapi: str, root: Path) -> list[str]:
    source = ROUTES.format(code=dedent(code))
    result = lint_source(source, "app.py", RULES, placement=placed(fastapi, root))
    return [d.message for d in result.diagnostics]


ROUTE_WITH_DEPENDENCY = """
@app.get("/items/{item_id}")
def read_item(item_id: int, db=Depends(get_db)):
    return {"id": item_id}
"""


def test_the_advice_fits_the_fastapi_the_project_targets(tmp_path: Path) -> None:
    current = versioned_messages(ROUTE_WITH_DEPENDENCY, "0.115", tmp_path)
    assert current[0].endswith("; on a route it is the response model")
    assert current[1].endswith("with `Annotated[T, Depends(...)]`")
    # Annotated dependencies came with 0.95, return annotations as response models with 0.89.
    before_annotated = versioned_messages(ROUTE_WITH_DEPENDENCY, "0.94", tmp_path)
    assert before_annotated[0].endswith("; on a route it is the response model")
    assert before_annotated[1].endswith("; declare the type the dependency returns")
    old = versioned_messages(ROUTE_WITH_DEPENDENCY, "0.88", tmp_path)
    assert old[0] == "Missing return type annotation for `read_item`"


def test_no_response_model_hint_on_a_route_returning_its_own_response() -> None:
    code = """
    @app.get("/login")
    async def login():
        if not configured():
            return JSONResponse({"detail": "off"}, status_code=404)
        return RedirectResponse("/oauth")
    """
    assert route_messages(code) == ["Missing return type annotation for `login`"]


LOCAL_HELPERS = """
import functools


def retry(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def start(task) -> None:
    def done(finished):
        log(finished.result())

    task.add_done_callback(done)
"""


def test_closures_nothing_registers_are_read_with_their_function() -> None:
    codes = [(d.code, d.line) for d in found(LOCAL_HELPERS)]
    # The outer functions are reported; the wrapper and the callback are left alone.
    assert codes == [("FAPI202", 5), ("FAPI201", 5), ("FAPI201", 13)]


def test_closures_are_reported_in_strict_mode() -> None:
    lines = {d.line for d in strict_lint(LOCAL_HELPERS).diagnostics}
    assert {7, 14} <= lines


def test_decorated_closures_are_registered_and_still_checked() -> None:
    code = """
    from fastapi import APIRouter, FastAPI


    def build(app: FastAPI) -> APIRouter:
        router = APIRouter()

        @router.get("/items")
        async def items():
            return []

        @app.exception_handler(ValueError)
        async def bad_value(request, exc):
            return None

        return router
    """
    assert [(d.code, d.line) for d in found(code)] == [
        ("FAPI202", 9),
        ("FAPI202", 13),
        ("FAPI201", 13),
        ("FAPI201", 13),
    ]
