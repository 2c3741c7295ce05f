"""A route's ``status_code=`` reaches its summary as written, for the review page."""

from __future__ import annotations

from fastapi_lint.engine.lint import lint_source
from fastapi_lint.summary.codec import summary_from_json, summary_to_json

SOURCE = """\
from fastapi import APIRouter, status

router = APIRouter()


@router.post("/items", status_code=status.HTTP_201_CREATED)
async def create() -> None: ...


@router.delete("/items/{item_id}", status_code=204)
async def delete(item_id: int) -> None: ...


@router.get("/items")
async def items() -> list[str]: ...


async def legacy() -> None: ...


router.add_api_route("/legacy", legacy, methods=["PUT"], status_code=202)
"""


def test_status_codes_are_recorded_as_written() -> None:
    summary = lint_source(SOURCE, "app/items.py", (), summarise=True).summary
    assert summary is not None
    written = {route.handler: route.status_code for route in summary.routes}
    assert written == {
        "create": "status.HTTP_201_CREATED",
        "delete": "204",
        "items": None,
        "legacy": "202",
    }
    # And survive the cache.
    assert summary_from_json(summary_to_json(summary)) == summary
