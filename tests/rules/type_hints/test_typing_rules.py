"""FAPI201/FAPI202: type-coverage counters, messages, positions and FastAPI hints."""

from __future__ import annotations

import json
from textwrap import dedent

import pytest

from fastapi_lint.models import Diagnostic, FileResult
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
    assert positions("def f(* args, **  kwargs) -> None: ...\n") == [
        ("FAPI201", 1, 7, 13),
        ("FAPI201", 1, 15, 25),
    ]
    messages = [d.message for d in found("def f(*args, **kwargs) -> None: ...\n")]
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


def test_init_needs_return_none_with_a_hint() -> None:
    (diagnostic,) = found("class A:\n    def __init__(self, x: int):\n        self.x = x\n")
    assert diagnostic.message.endswith("; add `-> None`")


ROUTES = """
from typing import Annotated
from fastapi import Depends, FastAPI

app = FastAPI()

{code}
"""


def route_messages(code: str) -> list[str]:
    return [d.message for d in found(ROUTES.format(code=dedent(code)))]


def test_route_return_hint_mentions_the_response_model() -> None:
    messages = route_messages('@app.get("/items")\nasync def items(): ...\n')
    assert messages == [
        "Missing return type annotation for `items`; on a route it is the response model"
    ]


@pytest.mark.parametrize(
    "decorator",
    ['@app.get("/items", response_model=list[str])', '@app.websocket("/ws")', "@decorator"],
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
