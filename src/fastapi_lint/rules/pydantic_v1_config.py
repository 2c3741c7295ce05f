"""FAPI601: a Pydantic v1 ``class Config:`` inside a Pydantic model."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.rule import FileContext, Invalid, Rule, Valid

_MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.BaseSettings",
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
    }
)


def _config_class(node: cst.ClassDef) -> cst.ClassDef | None:
    """The ``class Config:`` statement directly in the body of ``node``, if any."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    return next((s for s in body if isinstance(s, cst.ClassDef) and s.name.value == "Config"), None)


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
    """

    code = "FAPI601"
    name = "pydantic-v1-config"
    family = "pydantic"
    severity = "warning"
    message = (
        "Pydantic v1 `class Config` in model `{model}`; use `model_config = ConfigDict(...)`"
        "{renames}"
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
        self._models: set[str] = set()

    def _is_model_base(self, base: cst.BaseExpression) -> bool:
        if isinstance(base, cst.Name) and base.value in self._models:
            return True
        return self.context.model.qualified_name(base) in _MODEL_BASES

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not any(self._is_model_base(arg.value) for arg in node.bases):
            return
        self._models.add(node.name.value)
        config = _config_class(node)
        if config is not None:
            self.report(config.name, model=node.name.value, renames=_renames(config))


# v1 settings whose v2 name differs, named in the message only when the class uses them.
_RENAMED_SETTINGS = {
    "orm_mode": "from_attributes",
    "allow_population_by_field_name": "populate_by_name",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
}


def _renames(config: cst.ClassDef) -> str:
    used = [
        f"`{name}` becomes `{_RENAMED_SETTINGS[name]}`"
        for statement in config.body.body
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
        if isinstance(small, cst.Assign | cst.AnnAssign)
        for name in _assigned(small)
        if name in _RENAMED_SETTINGS
    ]
    return f" ({', '.join(used)})" if used else ""


def _assigned(statement: cst.Assign | cst.AnnAssign) -> list[str]:
    if isinstance(statement, cst.AnnAssign):
        targets = [statement.target]
    else:
        targets = [target.target for target in statement.targets]
    return [target.value for target in targets if isinstance(target, cst.Name)]
