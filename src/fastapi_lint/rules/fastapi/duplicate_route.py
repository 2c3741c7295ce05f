"""FAPI510: the same method and full path registered twice in one application."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from fastapi_lint.context.roles import Role
from fastapi_lint.project_model.project import Project
from fastapi_lint.project_model.routes import (
    UNKNOWN_PATH,
    RouteEntry,
    by_root,
    matching_shape,
    route_table,
)
from fastapi_lint.rule import Invalid, ProjectFinding, ProjectRule, Valid


def _same_registration(first: RouteEntry, second: RouteEntry) -> bool:
    """One decorator reached twice (a router included twice at one prefix), not two routes."""
    return first.file == second.file and first.route == second.route


def _shadowed(entries: list[RouteEntry]) -> Iterator[tuple[str, RouteEntry, RouteEntry]]:
    """``(method, later route, earlier route)`` for each route an earlier one hides."""
    earlier: dict[tuple[str, str], list[RouteEntry]] = {}
    for entry in entries:
        if UNKNOWN_PATH in entry.path:
            continue
        for method in entry.methods:
            same = earlier.setdefault((method, matching_shape(entry.path)), [])
            first = next((e for e in same if _both_registered(e, entry)), None)
            if first is not None:
                yield method, entry, first
            same.append(entry)


def _both_registered(first: RouteEntry, second: RouteEntry) -> bool:
    """Both registrations happen, and they are two routes, not one reached twice."""
    return not first.excludes(second) and not _same_registration(first, second)


class DuplicateRoute(ProjectRule):
    """
    ## What it does
    Flags a route registered for a method and full path that an earlier route of the
    same application already registered: two `@router.get("/items/{item_id}")` handlers,
    maybe in two files whose routers are included at the same prefix. Paths are compared
    as the router matches them, so `/items/{item_id}` and `/items/{id}` are the same.

    ## Why is this bad?
    FastAPI (Starlette) tries routes in registration order and stops at the first match:
    the later handler can never be reached. Its tests may even pass when run against the
    router alone, while the application serves the other handler.

    ## Example
    ```python
    # app/main.py
    from fastapi import FastAPI

    from app.routers import items, legacy

    app = FastAPI()
    app.include_router(items.router, prefix="/items")
    app.include_router(legacy.router, prefix="/items")


    # app/routers/items.py
    @router.get("/{item_id}")
    async def read_item(item_id: int) -> Item: ...


    # app/routers/legacy.py, included at the same prefix
    @router.get("/{id}")
    async def read_legacy_item(id: int) -> Item: ...  # never called
    ```

    ## Use instead
    Remove one handler, or give it its own path (`/legacy/{item_id}`), or register
    different methods.

    ## Options
    None.

    ## Known limitations
    Registration order is read from the code: within a router, the order routes and
    `include_router` calls are written; across files, the order of the files. Routes
    registered in different branches of one `if` (`if limit: ... else: ...`) are never
    both registered; other conditions (`try`, `match`, a function called or not) are
    taken as met. A router included twice at the same prefix is not reported route by
    route. Paths that are not string literals are not compared. When one function carries
    two decorators registering the same route on the same router, the finding says so:
    decorators apply bottom-up, so the lower one registers first and the upper one is
    the dead registration, though the finding is on the one written second.
    """

    code = "FAPI510"
    name = "duplicate-route"
    family = "fastapi"
    roles = frozenset({Role.APP})
    severity = "error"
    message = (
        "Route `{method} {path}` is already registered by `{first}` at {where}; "
        "`{handler}` can never be reached"
    )
    _TWICE = (
        "`{handler}` registers route `{method} {path}` twice on `{router}` (also at line "
        "{line}): one registration is dead; remove it, or give it the router or path it "
        "was meant for"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/items/{item_id}")\n'
            "async def read_item(item_id: int) -> dict:\n"
            '    return {"id": item_id}\n\n\n'
            '@app.put("/items/{item_id}")\n'
            "async def update_item(item_id: int) -> dict:\n"
            '    return {"id": item_id}\n\n\n'
            '@app.get("/items/{item_id}/")\n'
            "async def read_item_slash(item_id: int) -> dict:\n"
            '    return {"id": item_id}\n'
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import APIRouter, FastAPI\n\n"
            "app = FastAPI()\n"
            'router = APIRouter(prefix="/items")\n\n\n'
            '@router.get("/{item_id}")\n'
            "async def read_item(item_id: int) -> dict:\n"
            '    return {"id": item_id}\n\n\n'
            '@app.get("/items/{id}")\n'
            "async def read_item_again(id: int) -> dict:\n"
            '    return {"id": id}\n\n\n'
            "app.include_router(router)\n",
            line=7,
            column=2,
            message_contains="Route `GET /items/{id}` is already registered by "
            "`read_item_again` at example.py:12; `read_item` can never be reached",
        ),
    )

    @classmethod
    def check_project(cls, project: Project) -> Iterator[ProjectFinding]:
        reported: set[tuple[str, int, str]] = set()
        for entries in by_root(project.analysis(route_table)):
            for method, entry, first in _shadowed(entries):
                where = (entry.file, entry.route.line, method)
                if where not in reported:
                    reported.add(where)
                    yield cls._finding(method, entry, first)

    @classmethod
    def _finding(cls, method: str, entry: RouteEntry, first: RouteEntry) -> ProjectFinding:
        route = entry.route
        template = cls._TWICE if _same_function(entry, first) else cls.message
        message = template.format(
            method=method,
            path=first.path,
            first=first.route.handler,
            where=f"{first.file}:{first.route.line}",
            handler=route.handler,
            router=route.router,
            line=first.route.line,
        )
        return ProjectFinding(entry.file, route.line, route.column, route.end_column, message)


def _same_function(entry: RouteEntry, first: RouteEntry) -> bool:
    """Two decorators of one ``def`` register the same route on the same router."""
    mine, theirs = entry.route, first.route
    return (
        entry.file == first.file
        and mine.handler_line == theirs.handler_line
        and (mine.router, mine.scope) == (theirs.router, theirs.scope)
    )
