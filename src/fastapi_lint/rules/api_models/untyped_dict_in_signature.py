"""FAPI303: a function parameter or return annotated as an untyped mapping."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.analysis.mappings import Resolve, api_routes, find_mapping, shown_type
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.syntax import all_params, dotted_name
from fastapi_lint.rule import Invalid, Rule, Valid
from fastapi_lint.rules.api_models._shapes import MIN_KEYS, keys_read, returns_records

OVERRIDE = frozenset({"typing.override", "typing_extensions.override"})
# Pydantic hooks that receive or return the raw input/output dict by design.
PYDANTIC_HOOKS = frozenset(
    {
        "model_validator",
        "root_validator",
        "field_validator",
        "validator",
        "model_serializer",
        "field_serializer",
    }
)
# Methods whose signature pydantic or pickle dictates: pydantic's own ``model_dump`` returns
# ``dict[str, Any]``, and a JSON schema hook edits an arbitrary JSON schema.
LIBRARY_METHODS = frozenset(
    {
        "model_dump",
        "dict",
        "model_json_schema",
        "schema",
        "schema_extra",
        "json_schema_extra",
        "model_post_init",
        "__get_pydantic_json_schema__",
        "__getstate__",
        "__setstate__",
    }
)


def _decorator_name(decorator: cst.Decorator, resolve: Resolve) -> str | None:
    """The qualified (else the written) name of a decorator, call or not."""
    expr = decorator.decorator
    if isinstance(expr, cst.Call):
        expr = expr.func
    return resolve(expr) or dotted_name(expr)


def _is_pydantic_hook(name: str) -> bool:
    module, _, last = name.rpartition(".")
    return last in PYDANTIC_HOOKS and module.partition(".")[0] in ("", "pydantic")


def is_exempt(func: cst.FunctionDef, resolve: Resolve) -> bool:
    """``@override`` methods and pydantic validators: their signature is not theirs to pick."""
    for decorator in func.decorators:
        name = _decorator_name(decorator, resolve)
        if name is not None and (name in OVERRIDE or _is_pydantic_hook(name)):
            return True
    return False


def _read_as_record(function: cst.FunctionDef, param: cst.Param) -> bool:
    """The body reads fixed keys from the parameter and never treats it as an open map."""
    if param.star:  # ``**kwargs: Any`` is open by definition
        return False
    keys = keys_read(function, param.name.value)
    return keys is not None and len(keys) >= MIN_KEYS


class UntypedDictInSignature(Rule):
    """
    ## What it does
    Flags a function parameter or return annotated as an untyped mapping, such as a bare
    `dict` or `dict[str, Any]`. Untyped means a `dict`, `Dict`, `Mapping`,
    `MutableMapping`, `OrderedDict` or `defaultdict` without type arguments, or one whose
    value type is `Any`, `object` or itself an untyped mapping (`Mapping[str, object]`,
    `dict[str, dict]`), also inside `Optional[...]`, `X | None`, `Union[...]`,
    `Annotated[...]` and string annotations; `*args`/`**kwargs` are checked too.
    `dict[str, int]` and `dict[str, Item]` are typed and not reported; neither is
    `**kwargs: Any`.

    The advice is for a dict the code treats as a record, so only such a dict is
    reported: a parameter whose keys the function reads by name (two keys or more, as
    `user["email"]`, `user.get("name")`) and never reads as an open mapping (a computed
    key, `.items()`/`.keys()`/`.values()`, a loop over it, `**user`); a return whose every
    `return` gives a dict display with constant keys (`{"users": ..., "total": ...}`,
    `dict(users=..., total=...)`), two keys or more. A dict passed along, filled from
    a third-party payload, or keyed by data is an open mapping, for which
    `dict[str, Any]` is the honest type.

    Parameters and return annotations of FastAPI routes are left to FAPI301
    (`dict-request-body`) and FAPI302 (`dict-response`), so one annotation is reported
    once. Functions whose signature is dictated by the library they plug into are skipped:
    those decorated with `@override` (`typing`/`typing_extensions`), pydantic validators
    and serializers (`@model_validator`, `@field_validator`, `@validator`,
    `@root_validator`, `@model_serializer`, `@field_serializer`), and methods (defs in a
    class body) named like pydantic or pickle hooks (`model_dump`, `dict`, `schema`,
    `model_json_schema`, `schema_extra`, `json_schema_extra`, `model_post_init`,
    `__get_pydantic_json_schema__`, `__getstate__`, `__setstate__`).

    ## Why is this bad?
    `dict[str, Any]` tells neither the reader nor the type checker which keys exist or
    what they hold: every access is a `KeyError` or a wrong type waiting to happen, and a
    renamed key is found in production rather than by mypy. A `TypedDict` keeps the dict
    at runtime and types every key; a dataclass or Pydantic model also validates.

    ## Example
    ```python
    def get_settings() -> dict[str, Any]:
        return {"database_url": os.environ["DATABASE_URL"], "debug": False}


    def notify(user: dict) -> None:
        send_mail(user["email"], f"Welcome, {user['name']}!")
    ```

    ## Use instead
    ```python
    class Settings(BaseSettings):
        database_url: str
        debug: bool = False


    def get_settings() -> Settings:
        return Settings()


    def notify(user: UserOut) -> None:
        send_mail(user.email, f"Welcome, {user.name}!")
    ```

    ## Options
    `strict` (default `[]`): with `"FAPI303"` listed, every untyped mapping in a signature
    is reported, whatever the body does with it.

    ## Known limitations
    Off by default. On the real-code corpus of the precision tests, a senior reviewer
    would have left this comment on 3 of 22 judged findings: most dicts read as records
    there were third-party payloads (webhook, cloud SDK and search-engine JSON),
    `from_dict` constructors of the very class that models them, or the mapping a
    library's interface takes. Select it (`extend-select = ["FAPI303"]`) to review a
    codebase that passes its own records around as dicts.

    Type aliases (`JSON = dict[str, Any]`) are not followed and only the top level of an
    annotation is checked, so `list[dict[str, Any]]` is not reported. Any other method
    overriding a library method without `@override` (Starlette's
    `StaticFiles.file_response(..., scope: dict)`, a fastapi-users `on_after_update`) is
    reported: add `@override`, which also lets the type checker verify the override, or
    use the library's own alias (`starlette.types.Scope` is not followed, so it is quiet).
    Code that really handles arbitrary JSON (a webhook payload forwarded as-is, a JSON
    schema) is reported too; suppress the finding there. A function registered as a
    route from another module is checked here as a plain function.
    """

    code = "FAPI303"
    name = "untyped-dict-in-signature"
    family = "models"
    # Judged on real code, even dicts read as records were mostly third-party payloads,
    # from_dict constructors and library contracts: opt in (see "Known limitations").
    default_enabled = False
    roles = frozenset({Role.APP})
    severity = "warning"
    message = (
        "{subject} is annotated `{annotation}`, an untyped mapping; "
        "use a TypedDict, a dataclass or a Pydantic model"
    )

    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid("def count_words(text: str) -> dict[str, int]:\n    return {}\n"),
        Valid(
            "from typing import Any\n\n\n"
            "def track(event: str, properties: dict[str, Any]) -> None:\n"
            "    client.capture(event, properties=properties)\n"
        ),
        Valid(
            "def headers(raw: dict) -> dict:\n"
            '    token = raw["token"]\n'
            "    return {key.lower(): value for key, value in raw.items() if token}\n"
        ),
        Valid(
            "from typing import Any\n\n\n"
            "def make_user(fields: dict[str, Any]) -> User:\n"
            '    fields["email"] = fields["email"].lower()\n'
            "    return User(**fields)\n"
        ),
        Valid(
            "from typing import Any\n\n\n"
            "def log_event(name: str, **fields: Any) -> None:\n"
            "    logger.info(name, extra=fields)\n"
        ),
        Valid(
            "from typing import Any\n\n"
            "from pydantic import BaseModel, model_validator\n\n\n"
            "class Item(BaseModel):\n"
            "    name: str\n\n"
            '    @model_validator(mode="before")\n'
            "    @classmethod\n"
            "    def strip_name(cls, data: dict[str, Any]) -> dict[str, Any]:\n"
            '        return {**data, "name": data["name"].strip()}\n'
        ),
        Valid(
            "from typing import Annotated\n\n"
            "from fastapi import FastAPI, Depends\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/settings")\n'
            "def read_settings(settings: Annotated[dict, Depends(get_settings)]) -> Settings:\n"
            "    return Settings(**settings)\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from typing import Any\n\n\n"
            "def get_settings() -> dict[str, Any]:\n"
            '    return {"debug": False, "workers": 4}\n',
            line=4,
            column=23,
            message_contains="Return type of `get_settings` is annotated `dict[str, Any]`",
        ),
        Invalid(
            "from typing import Dict as D, Optional\n\n\n"
            "def notify(user: Optional[D], subject: str) -> None:\n"
            '    send_mail(user["email"], subject, name=user.get("name"))\n',
            line=4,
            column=12,
            message_contains="Parameter `user` of `notify`",
        ),
        Invalid(
            "import collections.abc\n\n\n"
            "class Repository:\n"
            "    def save(self, row: collections.abc.MutableMapping[str, object]) -> int:\n"
            '        return self.db.insert(row["id"], row["name"])\n',
            line=5,
            column=20,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        model = self.context.model
        resolve = model.qualified_name
        if api_routes(model, node) or is_exempt(node, resolve) or self._is_library_method(node):
            return
        strict = self.options.is_strict(self.code)
        for param in all_params(node.params):
            self._check_parameter(node, param, strict=strict)
        returns = node.returns.annotation if node.returns is not None else None
        if returns is not None and self._untyped(returns) and (strict or returns_records(node)):
            self._report(returns, returns, f"Return type of `{node.name.value}`")

    def _check_parameter(self, node: cst.FunctionDef, param: cst.Param, *, strict: bool) -> None:
        if param.annotation is None or not self._untyped(param.annotation.annotation):
            return
        # The body is read only for an untyped mapping: most annotations are not one.
        if strict or _read_as_record(node, param):
            subject = f"Parameter `{param.name.value}` of `{node.name.value}`"
            self._report(param, param.annotation.annotation, subject)

    def _is_library_method(self, node: cst.FunctionDef) -> bool:
        scopes = self.context.scopes  # ``node`` itself is the last scope
        owner = scopes[-2] if len(scopes) >= 2 else None
        return isinstance(owner, cst.ClassDef) and node.name.value in LIBRARY_METHODS

    def _untyped(self, annotation: cst.BaseExpression) -> bool:
        resolve = self.context.model.qualified_name
        return find_mapping(annotation, resolve, untyped=True) is not None

    def _report(self, where: cst.CSTNode, annotation: cst.BaseExpression, subject: str) -> None:
        shown = shown_type(self.context.module, annotation, self.context.model.qualified_name)
        self.report(where, subject=subject, annotation=shown)
