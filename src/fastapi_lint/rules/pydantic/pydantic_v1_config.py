"""FAPI601: a Pydantic v1 ``class Config:`` inside a Pydantic model."""

from __future__ import annotations

from types import MappingProxyType
from typing import ClassVar, Literal

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fixes import PendingFix, replace
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.pydantic._config_dict import (
    V2_RENAMED,
    Translation,
    class_bound_names,
    config_statement,
    reads_any,
    translate,
)
from fastapi_lint.rules.pydantic._imported_name import Wanted, reference
from fastapi_lint.tree import children

_MODEL_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})
_SETTINGS_BASES = frozenset(
    {"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings"}
)
_V1_SETTINGS_BASES = frozenset({"pydantic.BaseSettings"})  # gone from pydantic 2: v1 code
# What a model is: a plain one, a ``pydantic_settings`` one, or a v1 ``pydantic.BaseSettings``.
Kind = Literal["model", "settings", "v1"]
_WANTED: dict[Kind, Wanted] = {
    "model": Wanted("pydantic", "ConfigDict", frozenset({"pydantic.config.ConfigDict"})),
    "settings": Wanted(
        "pydantic_settings",
        "SettingsConfigDict",
        frozenset({"pydantic_settings.main.SettingsConfigDict"}),
    ),
}


def _config_class(node: cst.ClassDef) -> cst.ClassDef | None:
    """The ``class Config:`` statement directly in the body of ``node``, if any."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    return next((s for s in body if isinstance(s, cst.ClassDef) and s.name.value == "Config"), None)


def _mentions_config(module: cst.Module) -> bool:
    """Whether code reads a ``Config`` (``User.Config``, ``class C(Base.Config)``): the fix
    removes the inner class, so a file that names one anywhere gets no fix."""
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Attribute) and node.attr.value == "Config":
            return True
        if isinstance(node, cst.Name) and node.value == "Config":
            return True
        kids = children(node)
        stack.extend(k for k in kids if not (isinstance(node, cst.ClassDef) and k is node.name))
    return False


class PydanticV1Config(Rule):
    """
    ## What it does
    Flags a `class Config:` inside a Pydantic model (a class inheriting from `BaseModel` or
    `BaseSettings`, directly or through another model of the same module).

    ## Why is this bad?
    The inner `Config` class is the Pydantic v1 way to configure a model. Pydantic v2 still
    accepts it with a deprecation warning, will drop it in v3, and renamed several of its keys
    (`orm_mode` is now `from_attributes`, `allow_population_by_field_name` is now
    `populate_by_name`, `schema_extra` is now `json_schema_extra`). The v2 spelling is a
    `model_config` attribute, which type checkers understand.

    ## Example
    ```python
    from pydantic import BaseModel


    class User(BaseModel):
        id: int
        name: str

        class Config:
            orm_mode = True
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel, ConfigDict


    class User(BaseModel):
        model_config = ConfigDict(from_attributes=True)

        id: int
        name: str
    ```

    ## Options
    None.

    ## Known limitations
    Only models whose base is imported from `pydantic` or `pydantic_settings`, or defined
    earlier in the same module, are recognised; a model inheriting from a model of another
    module is not checked. Models built on `pydantic.v1` are left alone on purpose, as are
    SQLModel classes.

    ## Fix safety
    The fix writes `model_config = ConfigDict(...)` where the inner class was
    (`SettingsConfigDict` from `pydantic_settings` in a settings class), and imports the
    name: added to an existing `from pydantic import ...`, reached as `pydantic.ConfigDict`
    after `import pydantic`, or on an import line of its own. Comments move with their keys;
    the call takes one line when it fits in 88 columns and carries no comment. The fixed
    code needs Pydantic v2.

    Pydantic v2 reads the inner class as a dict of its attributes, so a key v2 knows
    (`extra`, `frozen`, `title`, `json_encoders`, `env_file`...) means the same in
    `ConfigDict`, and `Extra.forbid` is the string `"forbid"`: that fix is safe. A key v2
    renamed (`orm_mode`, `allow_population_by_field_name`, `anystr_strip_whitespace`,
    `anystr_lower`, `anystr_upper`, `min_anystr_length`, `max_anystr_length`,
    `validate_all`, `keep_untouched`, `schema_extra`) and `allow_mutation` (`False` becomes
    `frozen=True`, which also makes instances hashable) are only warned about in the inner
    class and then ignored; written the v2 way, they take effect. That is what the v1 code
    asked for, but it changes what runs today (`str_strip_whitespace` starts stripping,
    `validate_default` starts validating defaults), so that fix is unsafe.

    No fix when the inner class holds anything else: a method, a docstring, a base class, a
    key v2 removed (`fields`, `json_loads`, `json_dumps`, `getter_dict`, `smart_union`,
    `underscore_attrs_are_private`, `copy_on_model_validation`, `error_msg_templates`,
    `post_init_call`) or does not know, an `allow_mutation` that is not `True` or `False`,
    two keys that become the same one. None either when a value may read a name bound in
    the class body or the inner class (moved, it would read another thing); when the model
    is not at the top level of the module, already has a `model_config`, or is a v1
    `pydantic.BaseSettings`; when the file names a `Config` anywhere else (`User.Config`
    would be gone); or when the name `ConfigDict` is taken by something else, or a star
    import may bind it. A `Config` read from another module is not seen.
    """

    code = "FAPI601"
    name = "pydantic-v1-config"
    family = "pydantic"
    roles = frozenset({Role.APP, Role.SCRIPT})
    requires = MappingProxyType({"pydantic": ">=2"})
    severity = "warning"
    fixable = True
    message = (
        "Pydantic v1 `class Config` in {what} `{model}`; move its keys into a `model_config` "
        "attribute made with `{config}`{renames}"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from pydantic import BaseModel, ConfigDict\n\n\n"
            "class User(BaseModel):\n"
            "    model_config = ConfigDict(from_attributes=True)\n\n"
            "    id: int\n"
        ),
        Valid("class Settings:\n    class Config:\n        debug = True\n"),
        Valid(
            "from pydantic.v1 import BaseModel\n\n\n"
            "class User(BaseModel):\n"
            "    class Config:\n"
            "        orm_mode = True\n"
        ),
        Valid(
            "from pydantic import BaseModel\n\n\n"
            "class User(BaseModel):\n"
            "    def build(self) -> None:\n"
            "        class Config:\n"
            "            pass\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from pydantic import BaseModel\n\n\n"
            "class User(BaseModel):\n"
            "    id: int\n\n"
            "    class Config:\n"
            "        orm_mode = True\n",
            line=7,
            column=11,
            message_contains="model `User`",
        ),
        Invalid(
            "import pydantic\n\n\n"
            "class Base(pydantic.BaseModel):\n"
            "    pass\n\n\n"
            "class User(Base):\n"
            "    class Config:\n"
            "        extra = 'forbid'\n",
            line=9,
            column=11,
        ),
        Invalid(
            "from pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n"
            "    class Config:\n"
            "        env_file = '.env'\n",
            line=5,
            column=11,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._models: dict[str, Kind] = {}

    def _base_kind(self, base: cst.BaseExpression) -> Kind | None:
        if isinstance(base, cst.Name) and base.value in self._models:
            return self._models[base.value]
        qualified = self.context.model.qualified_name(base)
        if qualified in _V1_SETTINGS_BASES:
            return "v1"
        if qualified in _SETTINGS_BASES:
            return "settings"
        return "model" if qualified in _MODEL_BASES else None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        kinds = {self._base_kind(arg.value) for arg in node.bases} - {None}
        if not kinds:
            return
        kind: Kind = "v1" if "v1" in kinds else "settings" if "settings" in kinds else "model"
        self._models[node.name.value] = kind
        config = _config_class(node)
        if config is not None:
            fix = _fix(self.context, node, config, kind)
            self.report(
                config.name,
                what="settings class" if kind == "settings" else "model",
                model=node.name.value,
                config=_WANTED["settings" if kind == "settings" else "model"].name,
                renames=_renames(config),
                fix=fix,
            )


def _fix(
    context: FileContext, model: cst.ClassDef, config: cst.ClassDef, kind: Kind
) -> PendingFix | None:
    """``model_config = ConfigDict(...)`` instead of ``config``, when it means the same."""
    module = context.module
    movable = _movable(context, model, config, kind)
    if movable is None:
        return None
    translation, bound = movable
    found = reference(module, context.model, _WANTED[kind], model)
    if found is None or found.root in bound:
        return None  # the class body binds ``ConfigDict`` (or ``pydantic``) itself
    assert isinstance(model.body, cst.IndentedBlock)
    indent = len(model.body.indent or module.default_indent)
    statement = config_statement(config, translation, found.expression, indent)
    message = f"Replace `class Config` with a `model_config` made with `{_WANTED[kind].name}`"
    fix = replace(config, statement, message, unsafe=translation.renamed)
    return fix.plus(found.edit) if found.edit is not None else fix


def _may_change(context: FileContext, model: cst.ClassDef, kind: Kind) -> bool:
    """A v2 model of the module's top level (names are then the module's), in a file
    that reads no ``Config`` (the fix removes one)."""
    top_level = any(statement is model for statement in context.module.body)
    return kind != "v1" and top_level and not context.shared(_mentions_config)


def _movable(
    context: FileContext, model: cst.ClassDef, config: cst.ClassDef, kind: Kind
) -> tuple[Translation, set[str]] | None:
    """The inner class's translation and the names the class body binds, if it can move."""
    if not _may_change(context, model, kind):
        return None
    assert isinstance(model.body, cst.IndentedBlock)  # it holds ``config``
    bound = class_bound_names([s for s in model.body.body if s is not config])
    if bound is None or {"Config", "model_config"} & bound:
        return None  # another ``Config``, or a ``model_config`` already: v2 refuses both
    translation = translate(config, kind == "settings", context.model.qualified_name)
    if translation is None or reads_any(translation, bound):
        return None  # a value would read a name of the class body instead of the module's
    return translation, bound


def _renames(config: cst.ClassDef) -> str:
    used = [
        f"`{name}` becomes `{V2_RENAMED[name]}`"
        for statement in config.body.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
        if isinstance(small, cst.Assign | cst.AnnAssign)
        for name in _assigned(small)
        if name in V2_RENAMED
    ]
    return f" ({', '.join(used)})" if used else ""


def _assigned(statement: cst.Assign | cst.AnnAssign) -> list[str]:
    if isinstance(statement, cst.AnnAssign):
        targets = [statement.target]
    else:
        targets = [target.target for target in statement.targets]
    return [target.value for target in targets if isinstance(target, cst.Name)]
