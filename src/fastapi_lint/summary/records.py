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

from dataclasses import dataclass

# Marks inside reference strings, written by the collector and read by the project step:
# a route dependency that is an annotation to expand through the project's
# ``X = Annotated[T, Depends(f)]`` aliases (``session: SessionDep``) starts with ALIAS_MARK;
# a router that a factory function returns (``make_router()``) ends with FACTORY_MARK.
ALIAS_MARK = "="
FACTORY_MARK = "()"


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
    awaited: bool = False  # ``await callee(...)``: the coroutine runs there and then


@dataclass(frozen=True, slots=True)
class BlockingCall:
    """A call that blocks the event loop, as FAPI101/FAPI103/FAPI104 recognise it."""

    code: str  # the rule whose catalogue knows it
    call: str  # as shown in messages: "requests.get"
    advice: str
    line: int
    # How long it stalls (``Blocking.stall``): 3 a round trip, 2 a subprocess, 1 file I/O.
    stall: int = 1


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
    # A decorator other than ``staticmethod``/``classmethod``/``on_event``: something else
    # may hold and call it (a scheduler, a task queue).
    decorated: bool = False


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
    """``name = FastAPI(...)`` or ``name = APIRouter(...)``, at module level or in a function.

    ``self.app = FastAPI()`` in a method of ``Server`` (or ``app = FastAPI()`` in its class
    body) is named ``Server.app``, at module level. ``app = create_app(router=users)``,
    made by a project factory, keeps the factory as written and the arguments of the
    call that are names (keyword, or position as digits), for the routers it includes.
    """

    name: str
    scope: str  # "" at module level, else the function creating it (an app factory)
    line: int
    is_app: bool
    prefix: str  # "" when none; ``<expr>`` when not a string literal
    dependencies: tuple[str, ...] = ()
    factory: str = ""
    arguments: tuple[tuple[str, str], ...] = ()


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
    # A handler another module defines (``APIRoute("/x", endpoints.read)``), to resolve:
    # ``handler`` and ``handler_line`` are then the reference and the registration's line.
    handler_ref: str = ""
    status_code: str | None = None  # ``status_code=`` as written; None when not given


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
    # ``child`` is a parameter of the function ``scope`` (an app factory including the
    # router it receives): its position, -1 for keyword-only; -2 when it is not one.
    parameter: int = -2


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
    # (scope, function) of each start-up or shutdown hook registered here: a lifespan, an
    # ``on_event`` handler; scope is the def the registration runs in, "" at module level.
    startup_hooks: tuple[tuple[str, str], ...] = ()
    # (scope, name) of project functions used other than by a call in a summarised def:
    # passed as a value (``add_task(refresh)``), or called where no summary follows
    # (module level, nested defs, lambdas). Such a function may run at any time.
    references: tuple[tuple[str, str], ...] = ()

    def line_text(self, line: int) -> str:
        return next((text for number, text in self.lines if number == line), "")
