"""FAPI602: a Pydantic v1 ``@validator`` / ``@root_validator`` decorator."""

from __future__ import annotations

from types import MappingProxyType
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.rule import Invalid, Rule, Valid

_REPLACEMENTS = {
    "pydantic.validator": ("validator", "field_validator"),
    "pydantic.class_validators.validator": ("validator", "field_validator"),
    "pydantic.root_validator": ("root_validator", "model_validator"),
    "pydantic.class_validators.root_validator": ("root_validator", "model_validator"),
}


def _callee(decorator: cst.Decorator) -> cst.BaseExpression:
    """``validator`` in both ``@validator("name")`` and a bare ``@root_validator``."""
    expr = decorator.decorator
    return expr.func if isinstance(expr, cst.Call) else expr


class PydanticV1Validator(Rule):
    """
    ## What it does
    Flags the Pydantic v1 decorators `@validator` and `@root_validator`.

    ## Why is this bad?
    Both are deprecated in Pydantic v2 and will be removed in v3. Their v2 replacements,
    `@field_validator` and `@model_validator`, take explicit `mode=` arguments instead of
    `pre=True`/`always=True`, receive a `ValidationInfo` instead of `values`, and are
    understood by type checkers.

    ## Example
    ```python
    from pydantic import BaseModel, validator


    class User(BaseModel):
        name: str

        @validator("name")
        def strip_name(cls, value: str) -> str:
            return value.strip()
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel, field_validator


    class User(BaseModel):
        name: str

        @field_validator("name")
        @classmethod
        def strip_name(cls, value: str) -> str:
            return value.strip()
    ```

    ## Options
    None.

    ## Known limitations
    Only decorators whose name resolves through the module's imports to `pydantic` are
    flagged; `pydantic.v1.validator`, used on purpose for v1 models, is left alone.
    """

    code = "FAPI602"
    name = "pydantic-v1-validator"
    family = "pydantic"
    roles = frozenset({Role.APP, Role.SCRIPT})
    requires = MappingProxyType({"pydantic": ">=2"})
    severity = "warning"
    message = "Pydantic v1 `@{old}` is deprecated; use `@{new}`"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from pydantic import BaseModel, field_validator, model_validator\n\n\n"
            "class User(BaseModel):\n"
            "    name: str\n\n"
            "    @field_validator('name')\n"
            "    @classmethod\n"
            "    def strip(cls, value: str) -> str:\n"
            "        return value.strip()\n\n"
            "    @model_validator(mode='after')\n"
            "    def check(self) -> 'User':\n"
            "        return self\n"
        ),
        Valid(
            "def validator(field: str):\n"
            "    return lambda f: f\n\n\n"
            "@validator('name')\n"
            "def check(value: str) -> str:\n"
            "    return value\n"
        ),
        Valid(
            "from pydantic.v1 import BaseModel, validator\n\n\n"
            "class User(BaseModel):\n"
            "    @validator('name')\n"
            "    def strip(cls, value: str) -> str:\n"
            "        return value\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from pydantic import BaseModel, validator\n\n\n"
            "class User(BaseModel):\n"
            "    name: str\n\n"
            "    @validator('name')\n"
            "    def strip(cls, value: str) -> str:\n"
            "        return value.strip()\n",
            line=7,
            column=6,
            message_contains="use `@field_validator`",
        ),
        Invalid(
            "import pydantic\n\n\n"
            "class User(pydantic.BaseModel):\n"
            "    @pydantic.root_validator(pre=True)\n"
            "    def check(cls, values: dict) -> dict:\n"
            "        return values\n",
            line=5,
            column=6,
            message_contains="use `@model_validator`",
        ),
        Invalid(
            "from pydantic import root_validator\n\n\n"
            "class User:\n"
            "    @root_validator\n"
            "    def check(cls, values: dict) -> dict:\n"
            "        return values\n",
            line=5,
            column=6,
        ),
    )

    def visit_Decorator(self, node: cst.Decorator) -> None:
        callee = _callee(node)
        replacement = _REPLACEMENTS.get(self.context.model.qualified_name(callee) or "")
        if replacement is None:
            return
        old, new = replacement
        self.report(callee, old=old, new=new)
