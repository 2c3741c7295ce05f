"""FAPI501: FastAPI markers (``Depends``, ``Query``...) as parameter defaults (ruff FAST002).

Half of the module is the rule's documentation and tested examples; the markers and the
advice it words are in ``_marker_advice``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import ClassVar, cast

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import BoundValue
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.fixes import NodeEdit, PendingFix
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.fastapi._annotated_fix import Target, annotated_fix
from fastapi_lint.rules.fastapi._marker_advice import (
    DEPENDENCY_MARKER_NAMES,
    ELIDED,
    MARKERS,
    Advice,
    advice,
    annotated_parts,
    assigned_call,
    default_argument,
    marker_of,
    one_line_code,
)
from fastapi_lint.tree import TOKEN_CLASSES, children


@dataclass(frozen=True, slots=True)
class _Param:
    node: cst.Param
    advice: Advice | None  # None unless the default is a marker
    keeps_default: bool  # after the rewrite, which moves a marker's default out of the call


@dataclass(frozen=True, slots=True)
class _Finding:
    """A parameter to report, and the fix offered with it."""

    param: cst.Param
    advice: Advice
    must_move: bool  # the message says to move it: it loses its default after one keeping it
    loses: bool  # positional, and without default once fixed
    fix: PendingFix | None


def _keeps_default(param: _Param, finding: _Finding | None) -> bool:
    """``param`` still has a default once the fixes offered are applied."""
    if param.node.default is None:
        return False
    return param.keeps_default or finding is None or finding.fix is None


def _marker_twice(model: ModuleModel, parts: list[cst.BaseExpression] | None) -> bool:
    """The annotation is ``Annotated[...]`` with a marker already (FastAPI rejects a second)."""
    return parts is not None and any(marker_of(model, part) for part in parts[1:])


def _joined(parameters: cst.Parameters, findings: list[_Finding]) -> list[_Finding]:
    """The fixes of the positional parameters that lose their default, made one.

    Each such fix alone would leave a parameter without default after one still having
    a marker default; so every one of them rewrites them all, with the same edit, which
    the fixer applies once for all of them.
    """
    run = [finding for finding in findings if finding.loses and finding.fix is not None]
    if len(run) < 2:
        return findings
    new = {id(f.param): f.fix.edits[0].new[0] for f in run if f.fix is not None}

    def swapped(params: Sequence[cst.Param]) -> list[cst.Param]:
        return [cast(cst.Param, new.get(id(param), param)) for param in params]

    whole = parameters.with_changes(
        posonly_params=swapped(parameters.posonly_params), params=swapped(parameters.params)
    )
    edit = NodeEdit(parameters, (whole,))
    joined = {id(finding) for finding in run}
    return [_with_edit(f, edit) if id(f) in joined else f for f in findings]


def _with_edit(finding: _Finding, edit: NodeEdit) -> _Finding:
    """``finding`` whose fix makes ``edit`` instead of its own first one."""
    fix = finding.fix
    assert fix is not None
    joined = PendingFix(fix.message, (edit, *fix.edits[1:]), fix.applicability, fix.requires)
    return replace(finding, fix=joined)


# Registrars of these packages hand FastAPI the function: it resolves its markers.
_FASTAPI_PACKAGES = frozenset({"fastapi", "starlette"})


def _depended_names(dependencies: frozenset[str]) -> frozenset[str]:
    """``deps.get_db`` and ``Service.check`` name ``get_db`` and ``check``."""
    return frozenset(name.rpartition(".")[2] for name in dependencies)


def _parameter_list(params: cst.Parameters) -> list[cst.Param]:
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def direct_calls(module: cst.Module) -> dict[str, list[cst.Call]]:
    """Calls in the module by the name called: ``indexer(...)``, ``self.index(...)``."""
    found: dict[str, list[cst.Call]] = {}
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if type(node) is cst.Call:  # the exact class: isinstance() goes through ABCMeta
            name = dotted_name(node.func)
            if name is not None:
                found.setdefault(name, []).append(node)
        elif type(node) in TOKEN_CLASSES:
            continue  # whitespace and punctuation: no call in there
        stack.extend(children(node))
    return found


def _decorator_name(decorator: cst.Decorator) -> str:
    target = decorator.decorator
    return dotted_name(target.func if isinstance(target, cst.Call) else target) or ""


def returned_markers(module: cst.Module) -> dict[str, cst.Call]:
    """Module-level functions whose whole body returns a call: ``def CurrentUser():
    return Depends(get_user)``, by name (a docstring before the return is allowed)."""
    found: dict[str, cst.Call] = {}
    for statement in module.body:
        if not isinstance(statement, cst.FunctionDef) or statement.params.params:
            continue
        returned = _only_returned_call(statement)
        if returned is not None:
            found[statement.name.value] = returned
    return found


def _only_returned_call(function: cst.FunctionDef) -> cst.Call | None:
    """The call ``function`` returns when returning it is all its body does."""
    body = list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else []
    if body and _is_docstring(body[0]):
        body = body[1:]
    line = body[0] if len(body) == 1 else None
    small = line.body[0] if isinstance(line, cst.SimpleStatementLine) else None
    if isinstance(small, cst.Return) and isinstance(small.value, cst.Call):
        return small.value
    return None


def _is_docstring(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    first = statement.body[0]
    return isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString)


def _spellings(name: str, owner: cst.ClassDef | None) -> tuple[str, ...]:
    """How the module calls a function: by its name, or a method on its class or ``self``."""
    if owner is None:
        return (name,)
    return (f"self.{name}", f"cls.{name}", f"{owner.name.value}.{name}")


def passes_all(call: cst.Call, params: list[cst.Param], found: list[_Finding]) -> bool:
    """``call`` gives an argument to every parameter with a marker default: none is used."""
    if any(arg.star for arg in call.args):
        return True  # ``f(*args)``: the call fills the parameters itself
    positional = sum(arg.keyword is None for arg in call.args)
    keywords = {arg.keyword.value for arg in call.args if arg.keyword is not None}
    index = {id(param): position for position, param in enumerate(params)}
    return all(
        index[id(f.param)] < positional or f.param.name.value in keywords
        for f in found
        if id(f.param) in index
    )


class NonAnnotatedDependency(Rule):
    """
    ## What it does
    Flags parameters whose default value is one of FastAPI's markers, `Depends`, `Security`,
    `Query`, `Path`, `Body`, `Header`, `Cookie`, `Form` or `File` (imported from `fastapi`,
    `fastapi.params` or `fastapi.param_functions`, under any alias), instead of declaring
    the marker in the annotation: `param: Annotated[T, Depends(get_db)]`. A default that is
    a variable holding a marker (`current_user = Depends(get_user)`, then
    `user: User = current_user`), or a call of a function of the module whose body returns
    a dependency marker (`def CurrentUser(): return Depends(get_user)`, then
    `user: User = CurrentUser()`), is the same thing to FastAPI and is flagged too.

    ## Why is this bad?
    FastAPI recommends `Annotated` since version 0.95. With the marker as the default, the
    signature lies to Python and to type checkers: `db: Session = Depends(get_db)` says `db`
    is optional and defaults to a `Depends` object, so calling the function directly (in a
    test, from another function) silently passes that object instead of a session, and type
    checkers cannot flag the missing argument. `Annotated` keeps the type, the FastAPI
    metadata and the real default apart, lets one alias (`SessionDep = Annotated[Session,
    Depends(get_db)]`) be reused across endpoints, and places no ordering constraint on
    parameters that have no real default.

    Route handlers are checked, and so is every other function FastAPI may resolve: FastAPI
    reads the parameters of dependencies, of classes used as dependencies (their
    `__init__`) and of sub-dependencies the same way, and they usually live in another
    module than the routes. Left alone are functions FastAPI never resolves, where the
    marker is an inert default and `Annotated` the wrong advice: a function registered with
    another framework by a decorator on one of its objects (`@server.call_tool()` of an MCP
    server, `@celery_app.task`), and a plain helper the module calls directly, passing
    every parameter that has a marker default (`await indexer(request, files, agent)`), when
    the module names it in no `Depends(...)`. Every route handler ruff's `FAST002` flags is
    flagged.

    ## Example
    ```python
    from fastapi import APIRouter, Depends, Query

    router = APIRouter()


    @router.get("/items")
    async def list_items(
        db: Session = Depends(get_db),
        q: str | None = Query(None, max_length=50),
        page: int = Query(1, ge=1),
    ) -> list[Item]: ...
    ```

    ## Use instead
    ```python
    from typing import Annotated

    from fastapi import APIRouter, Depends, Query

    router = APIRouter()


    @router.get("/items")
    async def list_items(
        db: Annotated[Session, Depends(get_db)],
        q: Annotated[str | None, Query(max_length=50)] = None,
        page: Annotated[int, Query(ge=1)] = 1,
    ) -> list[Item]: ...
    ```
    The default of `Query`, `Path`, `Body`, `Header`, `Cookie`, `Form` and `File` (their
    first argument or `default=`) moves out of the call to become the parameter's plain
    default: FastAPI refuses a default inside `Annotated`. `...` (required) simply goes away.
    The message spells out the rewritten parameter, and says when a parameter that loses
    its default has to move before those that keep one (or after a `*`).

    ## Options
    None.

    ## Fix safety
    The fix writes the rewrite the message advises: the marker call moves into the
    annotation as written (into the existing `Annotated[...]` if there is one), its default
    value becoming the plain default. `Annotated` is spelled as the module already imports
    it (or `typing.Annotated` after `import typing`); otherwise `from typing import
    Annotated` is added, to the `from typing import` line if there is one. Positional
    parameters that lose their default are rewritten together, so that none is left without
    default after one that still has one. FastAPI reads both forms alike, but the fix is
    unsafe: the defaults Python sees change. Calling the function directly without the
    argument now fails, or gets the plain default instead of a marker object, and type
    checkers now check the default against the type (`q: str = Query(None)` becomes `q:
    Annotated[str, Query()] = None`, which they reject).

    There is no fix when the parameter has no annotation (its type is unknown), when the
    marker comes through a variable or a function of the module, or is not called
    (`= Depends`), when a `Query` (or
    `Body`...) call unpacks `*args` or `**kwargs`, when the parameter would lose its default
    after one that keeps a default, plain or without a fix (the parameters would have to be
    reordered), when the annotation is a string (FastAPI evaluates a string annotation, not
    a string inside `Annotated`), when a comment inside the marker call would be lost, and
    when the name `Annotated` is taken by something else. Under `from __future__ import
    annotations`, FastAPI evaluates the annotation in the module's globals when the route is
    declared, and an annotation it cannot evaluate silently loses its marker: the fix is
    then only offered when the annotation and the marker call name builtins and module-level
    names bound before the function (an import under `if TYPE_CHECKING:` does not count).

    ## Known limitations
    Markers reached through a wrapper of another module (`from .deps import CurrentUser`),
    a wrapper taking arguments, or a re-export by a project module are not recognised, nor
    variables of another module (`from .deps import current_user`); variables are looked
    up in the module and in the enclosing function. A dependency used only from other
    modules and also called directly in its own, with every marker parameter passed, is
    taken for a plain helper. Lambdas are not checked (they cannot carry
    annotations), nor signatures built at run time (`inspect.Parameter(default=Depends(...))`),
    nor fields of Pydantic models and dataclasses (`q: str = Query(None)` in a class body).
    When a variable holding a marker is not bound by a plain assignment in its scope, the
    message suggests the variable itself as the `Annotated` metadata. The rule is off for
    projects targeting FastAPI older than 0.95, which cannot use `Annotated` for these.
    A parameter whose annotation already holds a marker in `Annotated` and whose default is
    another one gets a message of its own: FastAPI rejects that signature at startup.
    """

    code = "FAPI501"
    name = "non-annotated-dependency"
    family = "fastapi"
    roles = frozenset({Role.APP})
    requires = MappingProxyType({"fastapi": ">=0.95"})
    fix_requires = MappingProxyType({"python": ">=3.9"})
    severity = "warning"
    fixable = True
    message = (
        "`{param}` has FastAPI's `{marker}` as its default value{via}; "
        "declare it as `{suggestion}`{hint}"
    )
    _TWICE = (
        "`{param}` has FastAPI's `{marker}` both in `Annotated[...]` and as its default value, "
        "which FastAPI rejects; keep the marker in `Annotated` and give a plain default"
    )
    _REORDER = "; it then has no default: move it before the parameters that keep one, or after `*`"

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from typing import Annotated\n\n"
            "from fastapi import APIRouter, Depends, Query\n\n"
            "router = APIRouter()\n"
            "SessionDep = Annotated[Session, Depends(get_db)]\n\n\n"
            '@router.get("/items")\n'
            "async def list_items(\n"
            "    db: SessionDep,\n"
            "    user: Annotated[User, Depends(current_user)],\n"
            "    q: Annotated[str | None, Query(max_length=50)] = None,\n"
            ") -> list[Item]: ...\n"
        ),
        Valid(
            "from pathlib import Path\n\n\n"
            "def read_config(path: Path = Path('settings.toml')) -> str:\n"
            "    return path.read_text()\n"
        ),
        Valid(
            "def Depends(dependency: object = None) -> object:\n    return dependency\n\n\n"
            "def handler(db: object = Depends(get_db)) -> None: ...\n"
        ),
        Valid(
            "from fastapi import APIRouter, Depends\n\n"
            "router = APIRouter(dependencies=[Depends(verify_token)])\n\n\n"
            '@router.get("/health", dependencies=[Depends(rate_limit)])\n'
            "def health(verbose: bool = False) -> dict[str, bool]:\n"
            '    return {"ok": True}\n'
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import APIRouter, Depends\n\n"
            "router = APIRouter()\n\n\n"
            '@router.get("/items")\n'
            "async def list_items(db: Session = Depends(get_db)) -> list[Item]: ...\n",
            line=7,
            column=36,
            message_contains="declare it as `db: Annotated[Session, Depends(get_db)]`",
        ),
        Invalid(
            "import fastapi\n\n\n"
            "def pagination(page: int = fastapi.Query(1, ge=1)) -> int:\n"
            "    return page\n",
            line=4,
            column=28,
            message_contains="`page: Annotated[int, fastapi.Query(ge=1)] = 1`",
        ),
        Invalid(
            "from fastapi import Body\n\n\n"
            "class Payload:\n"
            "    def __init__(self, items: list[int] = Body(..., embed=True)) -> None:\n"
            "        self.items = items\n",
            line=5,
            column=43,
            message_contains="`items: Annotated[list[int], Body(embed=True)]`",
        ),
        Invalid(
            "from fastapi import Depends\n\n"
            "current_user = Depends(get_current_user)\n\n\n"
            "def handler(user: User = current_user) -> None: ...\n",
            line=6,
            column=26,
            message_contains="(through `current_user`); declare it as "
            "`user: Annotated[User, Depends(get_current_user)]`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # Without the word, no marker can be imported from FastAPI: skip the model entirely.
        self._active = "fastapi" in context.source

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._active:
            return
        params = node.params
        every = (*params.posonly_params, *params.params, *params.kwonly_params)
        if all(param.default is None for param in every):
            return
        positional = self._classify([*params.posonly_params, *params.params])
        keywords = self._classify(params.kwonly_params)
        found = [
            *_joined(params, self._findings(positional, ordered=True)),
            *self._findings(keywords, ordered=False),
        ]
        if found and self._resolved_by_fastapi(node, found):
            for finding in found:
                self._report(finding)

    def _resolved_by_fastapi(self, node: cst.FunctionDef, found: list[_Finding]) -> bool:
        """Whether FastAPI may fill ``node``'s parameters (see "Known limitations").

        Not when another framework registers it (``@server.call_tool()`` on an instance
        of a class from elsewhere than FastAPI), nor when the module calls it directly,
        passing the marker parameters, and never names it in a ``Depends``: the defaults
        are then inert, and the advice to move them into ``Annotated`` is wrong.
        """
        model = self.context.model
        if model.is_route(node):
            return True
        if any(self._foreign_registrar(decorator) for decorator in node.decorators):
            return False
        if node.name.value in _depended_names(model.dependencies):
            return True
        scopes = self.context.scopes
        owner = scopes[-2] if len(scopes) > 1 and isinstance(scopes[-2], cst.ClassDef) else None
        calls = self.context.shared(direct_calls)
        params = _parameter_list(node.params)
        static = any(_decorator_name(d) == "staticmethod" for d in node.decorators)
        if owner is not None and params and not static:
            params = params[1:]  # ``self``/``cls`` is not passed by the call
        return not any(
            passes_all(call, params, found)
            for spelled in _spellings(node.name.value, owner)
            for call in calls.get(spelled, [])
        )

    def _foreign_registrar(self, decorator: cst.Decorator) -> bool:
        """``@server.call_tool()`` where ``server`` is an instance of a non-FastAPI class."""
        target = decorator.decorator
        target = target.func if isinstance(target, cst.Call) else target
        root = (dotted_name(target) or "").partition(".")[0]
        if not isinstance(target, cst.Attribute) or not root:
            return False
        value = self.context.model.module_value(root)
        if value is None or not value.is_instance or not value.known:
            return False
        return value.qualified.partition(".")[0] not in _FASTAPI_PACKAGES

    def _classify(self, params: Sequence[cst.Param]) -> list[_Param]:
        found: list[_Param] = []
        for param in params:
            default = param.default
            rewritten = self._advice(default) if default is not None else None
            keeps = default is not None and (rewritten is None or rewritten.default is not None)
            found.append(_Param(param, rewritten, keeps))
        return found

    def _advice(self, default: cst.BaseExpression) -> Advice | None:
        marker = marker_of(self.context.model, default)
        if marker is not None:
            return advice(self.context.module, marker, default)
        if isinstance(default, cst.Call):
            return self._made_advice(default)
        return self._held_advice(default.value) if isinstance(default, cst.Name) else None

    def _made_advice(self, default: cst.Call) -> Advice | None:
        """``limit: int = LimitBody()`` where ``def LimitBody(): return Depends(...)``.

        Only dependency markers: ``Annotated[T, LimitBody()]`` then means the same, where
        a ``Query(...)`` made that way would carry its default into ``Annotated``.
        """
        if default.args or not isinstance(default.func, cst.Name):
            return None
        made = self.context.shared(returned_markers).get(default.func.value)
        marker = marker_of(self.context.model, made) if made is not None else None
        if marker not in DEPENDENCY_MARKER_NAMES:
            return None
        assert marker is not None
        called = f"{default.func.value}()"
        return Advice(marker, called, None, via=called)

    def _held_advice(self, name: str) -> Advice | None:
        """``user: User = current_user`` where ``current_user = Depends(...)`` is in scope."""
        value, statements = self._lookup(name)
        if value is None or not value.is_instance or value.qualified not in MARKERS:
            return None
        marker = MARKERS[value.qualified]
        call = assigned_call(statements, name)
        if call is None:  # bound some other way: the variable itself goes into Annotated
            return Advice(marker, name, None, via=name)
        return replace(advice(self.context.module, marker, call), via=name)

    def _lookup(self, name: str) -> tuple[BoundValue | None, Sequence[cst.CSTNode]]:
        """What ``name`` holds where the def runs, and the statements of the scope binding it."""
        model = self.context.model
        outer = (s for s in reversed(self.context.scopes[:-1]) if isinstance(s, cst.FunctionDef))
        scope = next(outer, None)
        local = model.function_bindings(scope).get(name) if scope is not None else None
        if scope is not None and local is not None:
            return local, scope.body.body
        return model.module_value(name), self.context.module.body

    def _findings(self, params: Sequence[_Param], *, ordered: bool) -> list[_Finding]:
        """A finding for each marker default; ``ordered``: positional, defaults come last.

        ``advised``: a parameter before keeps a default once every message is followed;
        ``kept``: once the fixes offered are applied. No fix may leave a parameter without
        default after one that has a default: Python refuses that signature.
        """
        advised = kept = False
        findings: list[_Finding] = []
        for param in params:
            finding = self._finding(param, ordered=ordered, advised=advised, kept=kept)
            if finding is not None:
                findings.append(finding)
            advised = advised or param.keeps_default
            kept = kept or _keeps_default(param, finding)
        return findings

    def _finding(
        self, param: _Param, *, ordered: bool, advised: bool, kept: bool
    ) -> _Finding | None:
        """The finding of a marker default, None for another parameter (see ``_findings``)."""
        if param.advice is None:
            return None
        loses = ordered and not param.keeps_default
        fix = None if loses and kept else self._fix(param.node, param.advice)
        return _Finding(param.node, param.advice, loses and advised, loses, fix)

    def _report(self, finding: _Finding) -> None:
        param, advised = finding.param, finding.advice
        assert param.default is not None  # only parameters with a marker default get here
        name = param.name.value
        parts = annotated_parts(self.context.model, param)
        if _marker_twice(self.context.model, parts):
            self.report(param.default, self._TWICE.format(param=name, marker=advised.marker))
            return
        hint = " with `T` the type it receives" if param.annotation is None else ""
        hint += self._REORDER if finding.must_move else ""
        self.report(
            param.default,
            param=name,
            marker=advised.marker,
            via=f" (through `{advised.via}`)" if advised.via else "",
            suggestion=self._suggestion(param, parts, advised),
            hint=hint,
            fix=finding.fix,
        )

    def _suggestion(
        self, param: cst.Param, parts: list[cst.BaseExpression] | None, advised: Advice
    ) -> str:
        """The parameter as the message advises to write it."""
        suggestion = f"{param.name.value}: {self._annotation(param, parts, advised.metadata)}"
        return suggestion if advised.default is None else f"{suggestion} = {advised.default}"

    def _fix(self, param: cst.Param, advised: Advice) -> PendingFix | None:
        """The rewrite the message advises, where it is certain (see "Fix safety")."""
        call = param.default
        parts = annotated_parts(self.context.model, param)
        if not isinstance(call, cst.Call) or _marker_twice(self.context.model, parts):
            return None  # through a variable, a bare ``= Depends``, or FastAPI rejects it
        if advised.via is not None:
            return None  # a function of the project returns the marker
        moved = None
        if advised.marker not in DEPENDENCY_MARKER_NAMES:
            if any(arg.star for arg in call.args):
                return None  # ``**kwargs`` might hold the default
            moved = default_argument(call)
        statement = self.context.statement[0] if self.context.statement else None
        target = Target(param, moved, parts is not None, statement)
        lookup = self._bound_value
        return annotated_fix(self.context.module, self.context.model, lookup, target)

    def _bound_value(self, name: str) -> BoundValue | None:
        return self._lookup(name)[0]

    def _annotation(
        self, param: cst.Param, parts: list[cst.BaseExpression] | None, metadata: str
    ) -> str:
        """``Annotated[T, metadata]``, adding to the Annotated the parameter may already have."""
        module = self.context.module
        if param.annotation is None:
            return f"Annotated[T, {metadata}]"
        annotation = param.annotation.annotation
        if parts is None:
            return f"Annotated[{one_line_code(module, annotation, 'T')}, {metadata}]"
        assert isinstance(annotation, cst.Subscript)  # annotated_parts checked it
        spelling = dotted_name(annotation.value) or "Annotated"
        shown = [
            one_line_code(module, part, "T" if index == 0 else ELIDED)
            for index, part in enumerate(parts)
        ]
        return f"{spelling}[{', '.join([*shown, metadata])}]"
