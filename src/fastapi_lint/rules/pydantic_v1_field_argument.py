"""FAPI604: a Pydantic v1 keyword argument of ``Field(...)``, or FastAPI's deprecated ``regex=``."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.rule import Invalid, Rule, Valid

_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field"})
_FIELD_ARGUMENTS = {
    "regex": "`pattern=`",
    "min_items": "`min_length=`",
    "max_items": "`max_length=`",
    "allow_mutation": "`frozen=` (with the opposite value)",
    "unique_items": "a `set` type",
    "const": "a `Literal[...]` type",
}
_FASTAPI_PARAMS = frozenset(
    f"{module}.{name}"
    for module in ("fastapi", "fastapi.params", "fastapi.param_functions")
    for name in ("Query", "Path", "Body", "Header", "Cookie", "Form", "File")
)
_FASTAPI_ARGUMENTS = {"regex": "`pattern=`"}


def _replacements(qualified: str | None) -> dict[str, str]:
    """The deprecated keyword arguments of the callee and what replaces them."""
    if qualified in _FIELD:
        return _FIELD_ARGUMENTS
    if qualified in _FASTAPI_PARAMS:
        return _FASTAPI_ARGUMENTS
    return {}


class PydanticV1FieldArgument(Rule):
    """
    ## What it does
    Flags Pydantic v1 keyword arguments of `Field(...)` (`regex`, `min_items`, `max_items`,
    `unique_items`, `const`, `allow_mutation`) and the deprecated `regex=` of FastAPI's
    `Query`, `Path`, `Body`, `Header`, `Cookie`, `Form` and `File`.

    ## Why is this bad?
    Pydantic v2 renamed or removed these arguments: `regex` is now `pattern`, `min_items` and
    `max_items` are `min_length` and `max_length`, `allow_mutation=False` is `frozen=True`,
    and `unique_items` and `const` are expressed by the type (`set[...]`, `Literal[...]`).
    The renamed ones still work with a deprecation warning; the removed ones raise an
    error or are silently ignored. FastAPI deprecated `regex=` in favour of `pattern=` too.

    ## Example
    ```python
    from fastapi import Query
    from pydantic import BaseModel, Field


    class Order(BaseModel):
        code: str = Field(regex=r"^[A-Z]{3}$")
        items: list[int] = Field(min_items=1)


    async def search(q: str = Query(regex="^[a-z]+$")) -> list[str]: ...
    ```

    ## Use instead
    ```python
    from fastapi import Query
    from pydantic import BaseModel, Field


    class Order(BaseModel):
        code: str = Field(pattern=r"^[A-Z]{3}$")
        items: list[int] = Field(min_length=1)


    async def search(q: str = Query(pattern="^[a-z]+$")) -> list[str]: ...
    ```

    ## Options
    None.

    ## Known limitations
    Only calls whose name resolves through the module's imports to `pydantic.Field` or to
    FastAPI's parameter functions are checked; `pydantic.v1.Field` is left alone, and
    arguments passed through `**kwargs` are not seen.
    """

    code = "FAPI604"
    name = "pydantic-v1-field-argument"
    family = "pydantic"
    severity = "warning"
    message = (
        "`{argument}=` of `{callee}` is Pydantic v1 style, deprecated or removed in v2; "
        "use {replacement}"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import Query\n"
            "from pydantic import BaseModel, Field\n\n\n"
            "class Order(BaseModel):\n"
            "    code: str = Field(pattern='^[A-Z]+$', min_length=1, frozen=True)\n\n\n"
            "async def search(q: str = Query(pattern='^[a-z]+$')) -> None: ...\n"
        ),
        Valid("def Field(regex: str) -> str:\n    return regex\n\n\nx = Field(regex='a')\n"),
        Valid("from pydantic.v1 import Field\n\nx = Field(min_items=1)\n"),
        Valid("import re\n\nx = re.compile(regex='a')\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from pydantic import BaseModel, Field\n\n\n"
            "class Order(BaseModel):\n"
            "    code: str = Field(..., regex='^[A-Z]+$')\n",
            line=5,
            column=28,
            message_contains="use `pattern=`",
        ),
        Invalid(
            "import pydantic\n\n\n"
            "class Order(pydantic.BaseModel):\n"
            "    items: list[int] = pydantic.Field(default_factory=list, max_items=3)\n",
            line=5,
            column=61,
            message_contains="use `max_length=`",
        ),
        Invalid(
            "from fastapi import Query\n\n\n"
            "async def search(q: str = Query(regex='^[a-z]+$')) -> None: ...\n",
            line=4,
            column=33,
            message_contains="`regex=` of `Query`",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.context.model.qualified_name(node.func)
        replacements = _replacements(qualified)
        if not replacements:
            return
        callee = (qualified or "").rpartition(".")[2]
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else ""
            if keyword in replacements:
                self.report(
                    arg.keyword or arg,
                    argument=keyword,
                    callee=callee,
                    replacement=replacements[keyword],
                )
