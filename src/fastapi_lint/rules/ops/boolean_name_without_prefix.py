"""FAPI906: a boolean variable, parameter or predicate whose name does not read as a question."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.syntax import dotted_name, subscript_args
from fastapi_lint.rule import FileContext, Invalid, Rule, Scope, Valid
from fastapi_lint.rules.ops._shared import path_matches, qualified_name_in_scope

_BOOL = "builtins.bool"
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_BOOLEAN_FUNCTIONS = ("bool", "isinstance", "issubclass", "callable", "hasattr", "any", "all")
_BOOLEAN_BUILTINS = frozenset(f"builtins.{name}" for name in _BOOLEAN_FUNCTIONS)
# Methods whose result is a bool whatever the object: str predicates and path tests.
_PREDICATE_METHODS = frozenset(
    {"startswith", "endswith", "exists", "is_file", "is_dir"}
    | {f"is{kind}" for kind in ("alnum", "alpha", "ascii", "decimal", "digit", "identifier")}
    | {f"is{kind}" for kind in ("lower", "numeric", "printable", "space", "title", "upper")}
)
# Bases that only declare an interface: a method there is where the name is chosen.
_INTERFACE_BASES = frozenset(
    {
        "builtins.object",
        "abc.ABC",
        "typing.Protocol",
        "typing_extensions.Protocol",
        "typing.Generic",
    }
)
_SKIP_DECORATORS = frozenset({"override", "overload", "setter"})
# A function named after an action reports whether it succeeded: `delete_user() -> bool`
# is no predicate, and `is_delete_user` would be nonsense.
_ACTION_VERBS = frozenset(
    (
        *("acquire", "activate", "add", "append", "apply", "approve", "archive", "attach", "ban"),
        *("block", "build", "cancel", "clean", "cleanup", "clear", "close", "commit", "configure"),
        *("connect", "convert", "copy", "create", "deactivate", "delete", "deliver", "detach"),
        *("disable", "disconnect", "dispatch", "download", "drain", "drop", "dump", "embed"),
        *("emit", "enqueue", "ensure", "evict", "execute", "export", "fetch", "flush", "format"),
        *("generate", "grant", "handle", "import", "index", "init", "initialize", "insert"),
        *("install", "interrupt", "invalidate", "invite", "join", "kill", "leave", "link", "load"),
        *("lock", "login", "logout", "mark", "merge", "migrate", "move", "notify", "open", "parse"),
        *("patch", "pause", "persist", "pin", "pop", "post", "prepare", "process", "publish"),
        *("purge", "push", "put", "redirect", "refresh", "register", "reject", "release", "reload"),
        *("remove", "rename", "render", "repair", "replace", "reset", "restart", "restore"),
        *("resume", "retry", "revoke", "rollback", "run", "save", "schedule", "seed", "send"),
        *("set", "setup", "start", "stop", "store", "submit", "subscribe", "sync", "terminate"),
        *("toggle", "track", "transcode", "trigger", "try", "unarchive", "unban", "unlink"),
        *("unlock", "unpin", "unregister", "unsubscribe", "update", "upload", "upsert", "wait"),
        "write",
    )
)
_WORD = re.compile(r"[a-z0-9]+|[A-Z][a-z0-9]*")


def _words(name: str) -> list[str]:
    """``["is", "active"]`` for ``is_active``, ``_isActive`` and ``IS_ACTIVE``."""
    bare = name.lower() if name.isupper() else name
    return [word.lower() for word in _WORD.findall(bare)]


def _first_word(name: str) -> str:
    words = _words(name)
    return words[0] if words else ""


def _last_name(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return None


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _skipped_by_decorator(func: cst.FunctionDef) -> bool:
    """``@override``, ``@overload`` and ``@x.setter``: the name is chosen elsewhere."""
    for decorator in func.decorators:
        name = dotted_name(decorator.decorator) or ""
        if name.rpartition(".")[2] in _SKIP_DECORATORS:
            return True
    return False


def _parameters(params: cst.Parameters) -> Iterator[cst.Param]:
    yield from params.posonly_params
    yield from params.params
    yield from params.kwonly_params


class BooleanNameWithoutPrefix(Rule):
    """
    ## What it does
    Flags booleans whose name does not read as a yes/no question: variables assigned a
    `True`/`False` literal, a comparison, a `not`, or a call known to return a bool
    (`isinstance`, `any`, `str.startswith`...), variables and parameters annotated `bool`,
    and functions annotated to return `bool`. A name reads as a question when one of its
    words is one of the `boolean-prefixes`, first (`is_active`, `has_access`, `can_edit`,
    `should_retry`, `exists`) or after its subject (`user_is_admin`, `document_exists`).

    ## Why is this bad?
    `if user.active` or `def check(token) -> bool` make the reader guess what the value
    means; `if user.is_active` and `def is_token_valid(token) -> bool` say it. Naming
    booleans as predicates makes conditions read as sentences and keeps them apart from
    the objects they describe (`admin` is a user, `is_admin` a fact about one).

    ## Example
    ```python
    def visible(post: Post, viewer: User) -> bool:
        owner = post.author_id == viewer.id
        return owner or post.published
    ```

    ## Use instead
    ```python
    def is_visible(post: Post, viewer: User) -> bool:
        is_owner = post.author_id == viewer.id
        return is_owner or post.published
    ```

    ## Options
    - `boolean-prefixes`: the words that make a name a question (lowercase, without the
      underscore). Default: `is`, `are`, `was`, `were`, `has`, `have`, `had`, `do`,
      `does`, `did`, `can`, `could`, `should`, `would`, `will`, `must`, `may`, `allow`,
      `allows`, `enable`, `enables`, `use`, `uses`, `include`, `includes`, `need`,
      `needs`, `require`, `requires`, `support`, `supports`, `accepts`, `expects`, `exist`,
      `exists`, `contain`, `contains`, `match`, `matches`, `equals`, `exceeds`, `covers`.
      Words are split on underscores and camel case, ignoring leading underscores and
      upper case (`_is_ready`, `IS_PRODUCTION`, `isReady`). Setting it replaces the default.
    - `settings-modules`: files left alone (see FAPI902 for the default).

    ## Known limitations
    Opt-in: naming is a team convention. Names fixed from outside are left alone: the
    settings modules (`settings-modules`: names there mirror environment variables or a
    framework's settings, like Django's `CSRF_COOKIE_SECURE`); parameters of routes and
    dependencies (they are the API's query, header and cookie names) and a route's own
    name (its OpenAPI operation id); attributes declared in the body of a class with a
    base class (Pydantic and settings fields, ORM columns, enum members); parameters and
    return values of methods of a class with a base other than `ABC`, `Protocol`,
    `Generic` or `object` (they may override a signature this rule cannot see); functions
    decorated `@override`, `@overload` or `@x.setter`; dunder names and `_`.
    Functions whose first word is a common action verb report success and are no
    predicates (`delete_user() -> bool`, `send_mail() -> bool`), so they are left alone;
    `check_`, `validate_` and `verify_` functions are flagged: their name does not say
    whether they answer or raise. Attributes assigned on `self`, tuple unpacking, walrus
    targets and loop variables are not checked; a variable is reported once per scope,
    where it is first bound.
    """

    code = "FAPI906"
    name = "boolean-name-without-prefix"
    family = "ops"
    roles = frozenset({Role.APP})
    severity = "warning"
    default_enabled = False
    message = (
        "Boolean {kind} `{boolean}` does not read as a yes/no question; start its name "
        "with `is_`, `has_`, `can_`, `should_`..."
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "def is_visible(post: object, can_edit: bool) -> bool:\n"
            "    is_owner = post is None\n"
            "    return is_owner or can_edit\n"
        ),
        Valid(
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            "@app.get('/items')\nasync def list_items(archived: bool = False) -> list[int]:\n"
            "    return []\n"
        ),
        Valid("from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    active: bool\n"),
        Valid("class Flag:\n    def __bool__(self) -> bool:\n        return True\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "def visible(owner_id: int, viewer_id: int) -> bool:\n"
            "    return owner_id == viewer_id\n",
            line=1,
            column=5,
            message_contains="Boolean function `visible`",
        ),
        Invalid("found = False\n", line=1, column=1, message_contains="variable `found`"),
        Invalid(
            "def save(item: object, force: bool = False) -> None: ...\n",
            line=1,
            column=24,
            message_contains="parameter `force`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._prefixes = frozenset(self.options.boolean_prefixes)
        self._seen: set[tuple[int, str]] = set()
        self._in_settings: bool | None = None
        self._subclasses: dict[int, bool] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if _is_dunder(node.name.value) or _skipped_by_decorator(node):
            return
        if self._in_subclass(self._outer_scope()):
            return  # may override a signature declared elsewhere
        if self._is_predicate(node):
            self._check(node.name, "function")
        self._check_parameters(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._is_boolean_value(node.value) or self._in_subclass(self._scope()):
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._check_binding(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if not isinstance(node.target, cst.Name) or self._in_subclass(self._scope()):
            return
        if self._is_bool(node.annotation.annotation):
            self._check_binding(node.target)

    def _is_predicate(self, node: cst.FunctionDef) -> bool:
        """Annotated to return ``bool``, not named after an action, and not a route."""
        returns = node.returns
        if returns is None or _first_word(node.name.value) in _ACTION_VERBS:
            return False
        return self._is_bool(returns.annotation) and not self.context.model.is_route(node)

    def _check_parameters(self, node: cst.FunctionDef) -> None:
        boolean = [
            param
            for param in _parameters(node.params)
            if param.annotation is not None and self._is_bool(param.annotation.annotation)
        ]
        if not boolean:
            return
        model = self.context.model
        if model.is_route(node) or model.is_dependency(node):
            return  # the names are the API's query, header and cookie parameters
        for param in boolean:
            self._check(param.name, "parameter")

    def _check_binding(self, name: cst.Name) -> None:
        """Report a variable once per scope, where it is first bound."""
        scope = self._scope()
        key = (id(scope) if scope is not None else 0, name.value)
        if key in self._seen or self._is_global(scope, name.value):
            return
        self._seen.add(key)
        self._check(name, "variable")

    def _check(self, name: cst.Name, kind: str) -> None:
        value = name.value
        if value == "_" or _is_dunder(value) or not self._prefixes.isdisjoint(_words(value)):
            return
        if self._in_settings is None:
            self._in_settings = path_matches(self.context, self.options.settings_modules)
        if not self._in_settings:
            self.report(name, kind=kind, boolean=value)

    def _is_global(self, scope: Scope | None, name: str) -> bool:
        """Declared ``global``/``nonlocal`` in the function: reported where it is bound first."""
        if not isinstance(scope, cst.FunctionDef):
            return False
        return self.context.model.function_bindings(scope).get(name) is None

    def _scope(self) -> Scope | None:
        scopes = self.context.scopes
        return scopes[-1] if scopes else None

    def _outer_scope(self) -> Scope | None:
        """The scope around the function being visited (the engine has pushed it already)."""
        scopes = self.context.scopes
        return scopes[-2] if len(scopes) > 1 else None

    def _in_subclass(self, scope: Scope | None) -> bool:
        """Whether ``scope`` is the body of a class with a base that is not an interface."""
        if type(scope) is not cst.ClassDef or not scope.bases:
            return False
        known = self._subclasses.get(id(scope))
        if known is None:
            known = any(
                qualified_name_in_scope(self.context, base.value) not in _INTERFACE_BASES
                for base in scope.bases
                if base.keyword is None
            )
            self._subclasses[id(scope)] = known
        return known

    def _is_bool(self, annotation: cst.BaseExpression) -> bool:
        """``bool``, or ``Annotated[bool, ...]``; names are read before they are resolved."""
        if isinstance(annotation, cst.Subscript):
            if _last_name(annotation.value) != "Annotated":
                return False
            if qualified_name_in_scope(self.context, annotation.value) not in _ANNOTATED:
                return False
            args = subscript_args(annotation)
            return bool(args) and self._is_bool(args[0])
        if _last_name(annotation) != "bool":
            return False
        return qualified_name_in_scope(self.context, annotation) == _BOOL

    def _is_boolean_value(self, value: cst.BaseExpression) -> bool:
        if isinstance(value, cst.Name):
            return value.value in ("True", "False")
        if isinstance(value, cst.Comparison):
            return True
        if isinstance(value, cst.UnaryOperation):
            return isinstance(value.operator, cst.Not)
        if isinstance(value, cst.BooleanOperation):
            return self._is_boolean_value(value.left) and self._is_boolean_value(value.right)
        if isinstance(value, cst.IfExp):
            return self._is_boolean_value(value.body) and self._is_boolean_value(value.orelse)
        if isinstance(value, cst.Call):
            return self._is_boolean_call(value)
        return False

    def _is_boolean_call(self, call: cst.Call) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute):
            return func.attr.value in _PREDICATE_METHODS
        if not isinstance(func, cst.Name) or func.value not in _BOOLEAN_FUNCTIONS:
            return False
        return qualified_name_in_scope(self.context, func) in _BOOLEAN_BUILTINS
