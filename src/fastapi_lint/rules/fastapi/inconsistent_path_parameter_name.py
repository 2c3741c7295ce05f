"""FAPI504: routes naming the same path position with different parameter names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from fastapi_lint.context.roles import Role
from fastapi_lint.project_model.project import Project
from fastapi_lint.project_model.routes import RouteEntry, by_root, parameter, route_table
from fastapi_lint.rule import Invalid, ProjectFinding, ProjectRule, Valid
from fastapi_lint.rules.fastapi._route_paths import words

# A ``{rest:path}`` parameter is a catch-all, not a name for one resource.
_CATCH_ALL = "path"
# A name's last word that says what kind of value it holds: two names ending in two
# different kinds (``{collection_id}``, ``{collection_name}``) hold different values.
_KINDS = frozenset(
    {
        "id", "uuid", "guid", "pk", "key", "slug", "name", "hash", "request", "code",
        "email", "token", "number", "num", "version", "tag", "path", "url", "type",
        "index", "idx", "label", "title", "date",
    }
)  # fmt: skip
# The kinds that identify a resource: on a tie, a name ending in one wins.
_IDENTIFIERS = frozenset({"id", "uuid", "guid", "pk", "key", "slug", "hash"})
# ``{old_name}``/``{new_name}`` in a rename route name a value, not the resource.
_TRANSITIONS = frozenset({"old", "new"})


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
            if parsed is not None and parsed[1] != _CATCH_ALL and _names_a_resource(parsed[0]):
                found.setdefault(tuple(shape[:index]), []).append(_Use(parsed[0], entry))
    return found


def _names_a_resource(name: str) -> bool:
    """``{old_session_id}`` is the value a rename starts from, not the session's name."""
    found = words(name)
    return bool(found) and found[0] not in _TRANSITIONS


def same_thing(first: str, second: str) -> bool:
    """Whether two names may be two names for one value.

    Not when their last words are two kinds of value (``_id`` and ``_name``, ``_hash``
    and ``_request``) or a plural and its singular (``{user_ids}``, ``{user_id}``).
    """
    last, other = words(first)[-1], words(second)[-1]
    if last == other:
        return True
    if last.rstrip("s") == other.rstrip("s"):
        return False
    return not (last in _KINDS and other in _KINDS)


def _usual(uses: list[_Use], elsewhere: Counter[str]) -> str | None:
    """The name most routes use at a position; None when a tie cannot be settled.

    A tie goes to the one name that ends in an identifier (``_id``, ``_slug``, ``_hash``)
    with words before it, else to the one the project's other positions use most.
    """
    counts = Counter(use.name for use in uses)
    best = max(counts.values())
    tied = [name for name, count in counts.items() if count == best]
    if len(tied) == 1:
        return tied[0]
    for score in (_identifier_like, lambda name: elsewhere[name] - counts[name]):
        ranked = sorted(tied, key=score, reverse=True)
        if score(ranked[0]) != score(ranked[1]):
            return ranked[0]
    return None


def _identifier_like(name: str) -> int:
    found = words(name)
    return int(len(found) > 1 and found[-1] in _IDENTIFIERS)


class InconsistentPathParameterName(ProjectRule):
    """
    ## What it does
    Flags a route whose path parameter names a position that the project's other routes
    name differently: `/users/{id}/orders` next to `/users/{user_id}` and
    `/users/{user_id}/avatar`. Routes are compared with the full paths they are served
    at (router and `include_router` prefixes applied), within one application.

    Names that hold different kinds of value at the same position are not two names
    for one thing and are left alone: last words naming two kinds (`{collection_id}` and
    `{collection_name}`, `{payment_hash}` and `{payment_request}`), a plural and its
    singular (`{user_ids}`, `{user_id}`), and the `{old_...}`/`{new_...}` values of a
    rename route.

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
    The route flagged is the one using the less common name. A tie goes to the name that
    ends in an identifier with words before it (`{wallet_id}` over `{wallet}` or `{id}`),
    else to the name the project's other routes use more; otherwise neither is flagged.
    """

    code = "FAPI504"
    name = "inconsistent-path-parameter-name"
    family = "fastapi"
    roles = frozenset({Role.APP})
    severity = "warning"
    message = (
        "Path parameter `{{{name}}}` in `{path}` names the position {others} "
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
            message_contains="`{id}` in `/users/{id}/orders` names the position 2 other routes "
            "call `{user_id}`",
        ),
    )

    @classmethod
    def check_project(cls, project: Project) -> Iterator[ProjectFinding]:
        seen: set[tuple[str, int, str]] = set()
        for entries in by_root(project.analysis(route_table)):
            positions = _positions(entries)
            everywhere = Counter(use.name for uses in positions.values() for use in uses)
            for uses in positions.values():
                usual = _usual(uses, everywhere)
                if usual is None:
                    continue
                example = next(use.entry for use in uses if use.name == usual)
                count = sum(use.name == usual for use in uses)
                others = "another route calls" if count == 1 else f"{count} other routes call"
                for use in uses:
                    key = (use.entry.file, use.entry.route.line, use.name)
                    if use.name != usual and same_thing(use.name, usual) and key not in seen:
                        seen.add(key)
                        yield cls._finding(use, usual, example, others)

    @classmethod
    def _finding(cls, use: _Use, usual: str, example: RouteEntry, others: str) -> ProjectFinding:
        route = use.entry.route
        message = cls.message.format(
            name=use.name,
            path=use.entry.path,
            others=others,
            usual=usual,
            example=example.path,
            where=f"{example.file}:{example.route.line}",
        )
        return ProjectFinding(use.entry.file, route.line, route.column, route.end_column, message)
