"""The per-file project summary: what whole-project analysis needs to know about a file.

Built during the file's single walk, alongside the rules, and kept as plain frozen
records (no syntax tree), so it pickles across worker processes and is stored as JSON
in the per-file cache: an unchanged file is never parsed again, only the whole-project
step reruns. References (``callee``, ``router``, ``target``...) are dotted names as the
module spells them (``rates.fetch_rate``, ``RateService.fetch``); the project step
resolves them through the project's modules.

A module's dotted name is not stored: it depends on the files around this one
(``__init__.py`` files, the project root), not on this file's content, so it is
computed by the project step on every run.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from fastapi_lint.models import JsonValue


@dataclass(frozen=True, slots=True)
class ImportBinding:
    """A name an import binds: ``from .rates import fetch as f`` is ``f, rates, fetch, 1``."""

    local: str  # the name bound; "*" for a star import
    module: str  # the module as written, without its leading dots
    name: str | None  # the imported attribute of a from-import; None for ``import a.b``
    level: int = 0  # leading dots of a relative import


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call, made by a function's own body, of something the project may define."""

    callee: str  # "fetch_rate", "rates.fetch_rate", "RateService.fetch" (``self.`` resolved)
    line: int
    column: int  # 1-based, where the callee's name starts
    end_column: int  # just past the callee's name


@dataclass(frozen=True, slots=True)
class BlockingCall:
    """A call that blocks the event loop, as FAPI101/FAPI103/FAPI104 recognise it."""

    code: str  # the rule whose catalogue knows it
    call: str  # as shown in messages: "requests.get"
    advice: str
    line: int


@dataclass(frozen=True, slots=True)
class FunctionSummary:
    """A module-level ``def`` or a method of a module-level class."""

    name: str  # "fetch_rate", or "RateService.fetch" for a method
    line: int  # the line of the ``def`` keyword
    is_async: bool
    # Calling it runs its body there and then: a plain def that is no generator and has no
    # decorator that may change what a call does (``staticmethod``/``classmethod`` are fine).
    followable: bool
    is_route: bool
    is_dependency: bool
    calls: tuple[CallSite, ...] = ()
    blocking: tuple[BlockingCall, ...] = ()  # recorded for plain defs, the ones FAPI102 follows
    imports: tuple[ImportBinding, ...] = ()  # imports written inside the function


@dataclass(frozen=True, slots=True)
class ClassSummary:
    name: str
    bases: tuple[str, ...] = ()
    # ``self.repo = Repo(...)`` or ``repo: Repo``: attribute -> the class of its value.
    attributes: tuple[tuple[str, str], ...] = ()
    # ``API_PREFIX: str = "/api/v1"``: string constants, for prefixes read from settings.
    constants: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ValueBinding:
    """A module-level ``name = Target(...)`` (an instance) or ``name = target`` (an alias)."""

    name: str
    target: str
    is_instance: bool


@dataclass(frozen=True, slots=True)
class Branch:
    """Inside branch ``index`` (0: the body, 1: the else or elif) of the ``if`` at ``line``.

    Two registrations in different branches of one ``if`` never both happen.
    """

    line: int
    index: int


@dataclass(frozen=True, slots=True)
class RouterSummary:
    """``name = FastAPI(...)`` or ``name = APIRouter(...)``, at module level or in a function."""

    name: str
    scope: str  # "" at module level, else the function creating it (an app factory)
    line: int
    is_app: bool
    prefix: str  # "" when none; ``<expr>`` when not a string literal
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RouteSummary:
    """One registration of a handler: a route decorator or an ``add_api_route`` call."""

    router: str  # the router as written: "router", "app", "users.router"
    scope: str  # where the registration runs: "" at module level, else the function
    methods: tuple[str, ...]  # ("WEBSOCKET",) for websocket routes
    path: str | None  # None when not a string literal
    handler: str
    handler_line: int
    line: int  # the registration call, where FAPI504/FAPI510 report
    column: int
    end_column: int
    is_async: bool
    response_model: str | None = None
    return_annotation: str | None = None
    dependencies: tuple[str, ...] = ()
    branches: tuple[Branch, ...] = ()


@dataclass(frozen=True, slots=True)
class IncludeSummary:
    """``parent.include_router(child, prefix=...)`` or ``parent.mount(path, child)``."""

    parent: str
    child: str
    prefix: str
    line: int
    scope: str
    dependencies: tuple[str, ...] = ()
    branches: tuple[Branch, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelMethodCall:
    """A Pydantic v1 method called on a value whose class only the project step can tell.

    ``user.dict()`` with ``user: User`` and ``User`` imported from another module of the
    project (FAPI603): ``target`` is resolved in the module (inside function ``scope``),
    then ``attributes`` are followed, and the class reached must be a Pydantic model.
    """

    method: str  # "dict", "parse_obj", "__fields__"
    target: str  # as written: "User", "schemas.User", "settings"
    is_type: bool  # ``target`` names the receiver's class (an annotation, a constructor)
    attributes: str  # "address.city" for ``user.address.city.dict()``, else ""
    is_class: bool  # the file tells the receiver is the class itself (``model: type[User]``)
    scope: str  # the module-level def or method the call is in; "" at module level
    line: int
    column: int  # 1-based, where the method's name starts
    end_column: int  # just past the method's name
    fixable: bool  # the arguments allow the v2 method as a plain rename
    # Where the fix adds ``, from_attributes=True`` (``from_orm``): just past the argument;
    # 0 and 0 when it adds nothing.
    appended_line: int = 0
    appended_column: int = 0


@dataclass(frozen=True, slots=True)
class ModuleSummary:
    imports: tuple[ImportBinding, ...] = ()
    functions: tuple[FunctionSummary, ...] = ()
    classes: tuple[ClassSummary, ...] = ()
    values: tuple[ValueBinding, ...] = ()
    constants: tuple[tuple[str, str], ...] = ()  # module-level ``NAME = "text"``
    routers: tuple[RouterSummary, ...] = ()
    routes: tuple[RouteSummary, ...] = ()
    includes: tuple[IncludeSummary, ...] = ()
    # ``SessionDep = Annotated[Session, Depends(get_session)]``: alias -> dependency.
    dependency_aliases: tuple[tuple[str, str], ...] = ()
    # The text of the lines project findings may start on, for noqa comments and excerpts.
    lines: tuple[tuple[int, str], ...] = ()
    model_calls: tuple[ModelMethodCall, ...] = ()  # FAPI603's calls left to the project step

    def line_text(self, line: int) -> str:
        return next((text for number, text in self.lines if number == line), "")


# -- JSON, for the per-file cache --------------------------------------------------------
# Records are written as lists of their fields' values, in field order: half the size of
# objects with keys, and decoded by per-type decoders built once, which check every value
# (a corrupted entry raises TypeError or ValueError, and the cache reads it as a miss).

Decoder = Callable[[JsonValue], object]


def summary_to_json(summary: ModuleSummary) -> JsonValue:
    return _encode(summary)


def summary_from_json(raw: JsonValue) -> ModuleSummary:
    """Rebuild a summary; raises TypeError/ValueError on anything malformed."""
    summary = _decoder(ModuleSummary)(raw)
    if not isinstance(summary, ModuleSummary):
        raise TypeError("not a module summary")
    return summary


def _encode(value: object) -> JsonValue:
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_encode(getattr(value, field.name)) for field in dataclasses.fields(value)]
    if value is None or isinstance(value, str | int):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


@cache
def _field_types(cls: type) -> tuple[tuple[str, object], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((field.name, hints[field.name]) for field in dataclasses.fields(cls))


@cache
def _decoder(kind: object) -> Decoder:
    """How to decode a value of type ``kind``, built once per type."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record_decoder(kind)
    origin = typing.get_origin(kind)
    if origin is tuple:
        return _tuple_decoder(typing.get_args(kind))
    if origin in (typing.Union, types.UnionType):
        return _optional_decoder(typing.get_args(kind))
    if kind in (str, int, bool):
        return _scalar_decoder(typing.cast(type, kind))
    raise TypeError(f"no decoder for {kind}")


def _record_decoder(cls: type) -> Decoder:
    kinds = [kind for _, kind in _field_types(cls)]
    if all(kind in (str, int, bool) for kind in kinds):
        return _flat_record_decoder(cls, tuple(typing.cast(type, kind) for kind in kinds))
    fields = [_decoder(kind) for kind in kinds]

    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise TypeError(f"expected the {len(fields)} fields of {cls.__name__}")
        return cls(*[field(value) for field, value in zip(fields, raw, strict=True)])

    return decode


def _flat_record_decoder(cls: type, kinds: tuple[type, ...]) -> Decoder:
    """Records of plain values only (call sites, the most numerous): one check, one call."""

    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, list) or tuple(map(type, raw)) != kinds:
            raise TypeError(f"expected the fields of {cls.__name__}")
        return cls(*raw)

    return decode


def _tuple_decoder(args: tuple[object, ...]) -> Decoder:
    items = [_decoder(kind) for kind in args if kind is not Ellipsis]
    homogeneous = len(args) == 2 and args[1] is Ellipsis

    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, list):
            raise TypeError("expected a list")
        if homogeneous:
            return tuple(items[0](value) for value in raw)
        return tuple(item(value) for item, value in zip(items, raw, strict=True))

    return decode


def _optional_decoder(args: tuple[object, ...]) -> Decoder:
    """``X | None``, the only unions summaries hold."""
    inner = _decoder(next(arg for arg in args if arg is not type(None)))

    def decode(raw: JsonValue) -> object:
        return None if raw is None else inner(raw)

    return decode


def _scalar_decoder(kind: type) -> Decoder:
    def decode(raw: JsonValue) -> object:
        if type(raw) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(raw).__name__}")
        return raw

    return decode
