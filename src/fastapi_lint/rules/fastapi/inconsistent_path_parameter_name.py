"""FAPI504: routes naming the same path position with different parameter names."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from fastapi_lint.project_model.project import Project
from fastapi_lint.project_model.routes import RouteEntry, by_root, parameter, route_table
from fastapi_lint.rule import Invalid, ProjectFinding, ProjectRule, Valid

# A ``{rest:path}`` parameter is a catch-all, not a name for one resource.
_CATCH_ALL = "path"


@dataclass(frozen=True, slots=True)
class _Use:
    name: str
    entry: RouteEntry


def _positions(entries: list[RouteEntry]) -> dict[tuple[str, ...], list[_Use]]:
    """Parameter names by position: ``/users/{}`` is the position after ``/users``."""
    found: dict[tuple[str, ...], list[_Use]] = {}
    for entry in entries:
        segments = entry.path.split("/")
        shape = ["{}" if parameter(segment) else segment for segment in segments]
        for index, segment in enumerate(segments):
            parsed = parameter(segment)
            if parsed is not None and parsed[1] != _CATCH_ALL:
                found.setdefault(tuple(shape[:index]), []).append(_Use(parsed[0], entry))
    return found


def _most_common(uses: list[_Use]) -> str:
    """The name most routes use; the first written wins a tie."""
    counts: dict[str, int] = {}
    for use in uses:
        counts[use.name] = counts.get(use.name, 0) + 1
    return max(counts, key=lambda name: counts[name])  # dicts keep first-seen order


class InconsistentPathParameterName(ProjectRule):
    """
    ## What it does
    Flags a route whose path parameter names a position that the project's other routes
    name differently: `/users/{id}/orders` next to `/users/{user_id}` and
    `/users/{user_id}/avatar`. Routes are compared with the full paths they are served
    at (router and `include_router` prefixes applied), within one application.

    ## Why is this bad?
    The same resource gets two names: handlers, dependencies that read the parameter
    (`def get_user(user_id: int)`), the OpenAPI schema and generated clients disagree on
    what to call it, and a dependency written for one route silently gets no value (or a
    422) on the other. Consistent names make the API read as one piece.

    ## Example
    ```python
    @router.get("/users/{user_id}")
    async def read_user(user_id: int) -> User: ...


    @router.get("/users/{user_id}/avatar")
    async def read_avatar(user_id: int) -> bytes: ...


    @router.get("/users/{id}/orders")
    async def list_orders(id: int) -> list[Order]: ...
    ```

    ## Use instead
    ```python
    @router.get("/users/{user_id}/orders")
    async def list_orders(user_id: int) -> list[Order]: ...
    ```

    ## Options
    None.

    ## Known limitations
    Only literal paths are compared; a prefix that is not a string literal is compared
    by its text (`<settings.API_PREFIX>`). Routes of a router no `include_router` reaches
    are compared among themselves only. `{name:path}` catch-all parameters are ignored.
    The route flagged is the one using the less common name; with a tie, the name
    written first wins.
    """

    code = "FAPI504"
    name = "inconsistent-path-parameter-name"
    family = "fastapi"
    severity = "warning"
    message = (
        "Path parameter `{{{name}}}` in `{path}` names the position other routes call "
        "`{{{usual}}}` (`{example}` at {where}); use one name for one resource"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import APIRouter\n\n"
            'router = APIRouter(prefix="/users")\n\n\n'
            '@router.get("/{user_id}")\n'
            "async def read_user(user_id: int) -> dict:\n"
            '    return {"id": user_id}\n\n\n'
            '@router.get("/{user_id}/orders/{order_id}")\n'
            "async def read_order(user_id: int, order_id: int) -> dict:\n"
            '    return {"user": user_id, "order": order_id}\n'
        ),
        Valid(
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/files/{file_id}")\n'
            "async def read_file(file_id: int) -> dict:\n"
            '    return {"id": file_id}\n\n\n'
            '@app.get("/{full_path:path}")\n'
            "async def spa(full_path: str) -> str:\n"
            "    return full_path\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import APIRouter\n\n"
            'router = APIRouter(prefix="/users")\n\n\n'
            '@router.get("/{user_id}")\n'
            "async def read_user(user_id: int) -> dict:\n"
            '    return {"id": user_id}\n\n\n'
            '@router.get("/{user_id}/avatar")\n'
            "async def read_avatar(user_id: int) -> bytes:\n"
            '    return b""\n\n\n'
            '@router.get("/{id}/orders")\n'
            "async def list_orders(id: int) -> list:\n"
            "    return []\n",
            line=16,
            column=2,
            message_contains="`{id}` in `/users/{id}/orders` names the position other routes "
            "call `{user_id}`",
        ),
    )

    @classmethod
    def check_project(cls, project: Project) -> Iterator[ProjectFinding]:
        seen: set[tuple[str, int, str]] = set()
        for entries in by_root(project.analysis(route_table)):
            for uses in _positions(entries).values():
                usual = _most_common(uses)
                example = next(use.entry for use in uses if use.name == usual)
                for use in uses:
                    key = (use.entry.file, use.entry.route.line, use.name)
                    if use.name != usual and key not in seen:
                        seen.add(key)
                        yield cls._finding(use, usual, example)

    @classmethod
    def _finding(cls, use: _Use, usual: str, example: RouteEntry) -> ProjectFinding:
        route = use.entry.route
        message = cls.message.format(
            name=use.name,
            path=use.entry.path,
            usual=usual,
            example=example.path,
            where=f"{example.file}:{example.route.line}",
        )
        return ProjectFinding(use.entry.file, route.line, route.column, route.end_column, message)
