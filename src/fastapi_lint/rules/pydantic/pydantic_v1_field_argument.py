"""FAPI604: a Pydantic v1 keyword argument of ``Field(...)``, or FastAPI's deprecated ``regex=``."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.syntax import dotted_name, string_value
from fastapi_lint.fixes import PendingFix, replace
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
# Pydantic v1 constraints FastAPI's parameter functions no longer take: under Pydantic v2
# they land in ``**extra``, which only decorates the JSON schema. Nothing enforces them.
_FASTAPI_IGNORED = {
    "min_items": "`min_length=`",
    "max_items": "`max_length=`",
    "unique_items": "a `set` type",
    "const": "a `Literal[...]` type",
}
_FIELD_FIX_NEEDS: dict[str, str] = {}
# The arguments whose v2 name means the same (``allow_mutation`` inverts, the others go).
_RENAMES = {"regex": "pattern", "min_items": "min_length", "max_items": "max_length"}


def _replacements(qualified: str | None) -> dict[str, str]:
    """The deprecated keyword arguments of the callee and what replaces them."""
    if qualified in _FIELD:
        return _FIELD_ARGUMENTS
    if qualified in _FASTAPI_PARAMS:
        return {**_FASTAPI_ARGUMENTS, **_FASTAPI_IGNORED}
    return {}


class PydanticV1FieldArgument(Rule):
    """
    ## What it does
    Flags Pydantic v1 keyword arguments of `Field(...)` (`regex`, `min_items`, `max_items`,
    `unique_items`, `const`, `allow_mutation`), the deprecated `regex=` of FastAPI's
    `Query`, `Path`, `Body`, `Header`, `Cookie`, `Form` and `File`, and the v1 constraints
    those FastAPI functions silently ignore under Pydantic v2: `min_items`, `max_items`,
    `unique_items` and `const`.

    ## Why is this bad?
    Pydantic v2 renamed or removed these arguments: `regex` is now `pattern`, `min_items` and
    `max_items` are `min_length` and `max_length`, `allow_mutation=False` is `frozen=True`,
    and `unique_items` and `const` are expressed by the type (`set[...]`, `Literal[...]`).
    The renamed ones still work with a deprecation warning; the removed ones raise an
    error or are silently ignored. FastAPI deprecated `regex=` in favour of `pattern=` too.

    FastAPI's parameter functions are worse: under Pydantic v2 they take no `min_items`,
    `max_items`, `unique_items` or `const` at all, and pass unknown keywords into the JSON
    schema only. `Body(max_items=200)` documents a cap of 200 items that nothing enforces:
    a request with ten thousand items is accepted.

    ## Example
    ```python
    from typing import Annotated

    from fastapi import Body, Query
    from pydantic import BaseModel, Field


    class Order(BaseModel):
        code: str = Field(regex=r"^[A-Z]{3}$")
        items: list[int] = Field(min_items=1)


    async def search(
        q: Annotated[str, Query(regex="^[a-z]+$")],
        ids: Annotated[list[int], Body(max_items=200)],
    ) -> list[str]: ...
    ```

    ## Use instead
    ```python
    from typing import Annotated

    from fastapi import Body, Query
    from pydantic import BaseModel, Field


    class Order(BaseModel):
        code: str = Field(pattern=r"^[A-Z]{3}$")
        items: list[int] = Field(min_length=1)


    async def search(
        q: Annotated[str, Query(pattern="^[a-z]+$")],
        ids: Annotated[list[int], Body(max_length=200)],
    ) -> list[str]: ...
    ```

    ## Options
    None.

    ## Known limitations
    Only calls whose name resolves through the module's imports to `pydantic.Field` or to
    FastAPI's parameter functions are checked; `pydantic.v1.Field` is left alone, and
    arguments passed through `**kwargs` are not seen. In a project that targets a FastAPI
    older than 0.100 (with Pydantic 2 set on purpose as an upgrade target), the message
    on FastAPI's functions says their v2 spelling needs FastAPI 0.100, and the fix, which
    writes it, is not offered.

    ## Fix safety
    The fix renames `regex=` to `pattern=`, `min_items=` to `min_length=` and `max_items=`
    to `max_length=`, keeping the value. Pydantic v2's `Field` reads a given `min_items` or
    `max_items` as `min_length` or `max_length` (with a warning), and FastAPI's `Query`,
    `Path`... read `regex` as `pattern`: those renames change nothing.

    On FastAPI's functions, `min_items=` and `max_items=` are ignored today: renamed, the
    limit starts being enforced, and requests that passed are answered 422. That is what
    the code asked for, but it changes what runs, so that fix is unsafe.

    `Field(regex=...)` raises an error in Pydantic v2 when the class is created, so the fix
    is measured against v1, which checked `regex` with `re.match` (from the start of the
    string) where v2 searches for `pattern` anywhere in it. The fix is offered only when
    the two agree: a string literal starting with `^` (or `\\A`) and with no `|` outside
    a group. `regex="[a-z]+$"` gets no fix, since `pattern="[a-z]+$"` would accept
    `"!!abc"`; write `^` (or `.*`) yourself. v2's default regex engine rejects
    look-arounds when the class is created, as `regex=` failed there already (set
    `regex_engine="python-re"` in the model config to keep them).

    No fix either when the call already passes the new name (v2 keeps the new one, and
    the rename would repeat a keyword) or passes `**kwargs`, which might hold it.
    `allow_mutation`, `unique_items` and `const` get no fix: their replacement is another
    value or another type, for a human to write. The fixed code needs Pydantic v2 (and
    FastAPI 0.100 or later for `pattern=`).
    """

    code = "FAPI604"
    name = "pydantic-v1-field-argument"
    family = "pydantic"
    roles = frozenset({Role.APP, Role.SCRIPT})
    requires = MappingProxyType({"pydantic": ">=2"})
    fix_requires = MappingProxyType({"fastapi": ">=0.100"})
    severity = "warning"
    fixable = True
    message = (
        "`{argument}=` of `{callee}` is Pydantic v1 style, deprecated or removed in v2; "
        "use {replacement}"
    )
    _IGNORED = (
        "`{argument}=` of `{callee}` is ignored under Pydantic v2: FastAPI only copies it "
        "into the JSON schema, and nothing enforces it; use {replacement}"
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
        field = qualified in _FIELD
        callee = dotted_name(node.func) or (qualified or "").rpartition(".")[2]
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in replacements:
                self._report_argument(node, arg, callee, replacements, field=field)

    def _report_argument(
        self,
        node: cst.Call,
        arg: cst.Arg,
        callee: str,
        replacements: Mapping[str, str],
        *,
        field: bool,
    ) -> None:
        assert arg.keyword is not None
        name = arg.keyword.value
        ignored = not field and name in _FASTAPI_IGNORED
        template = self._IGNORED if ignored else self.message
        replacement = replacements[name] + ("" if field else self._from_fastapi_0_100())
        said = template.format(argument=name, callee=callee, replacement=replacement)
        self.report(arg.keyword, said, fix=_rename_fix(node, arg, field, ignored=ignored))

    def _from_fastapi_0_100(self) -> str:
        """A project targeting an older FastAPI (an upgrade to Pydantic 2 under way) is
        told when FastAPI's parameters take the v2 spelling."""
        project = self.context.project
        if project is None or project.targets.satisfies("fastapi", ">=0.100"):
            return ""
        return " (FastAPI 0.100 and later)"


def _rename_fix(
    call: cst.Call, arg: cst.Arg, field: bool, *, ignored: bool = False
) -> PendingFix | None:
    """``regex=`` -> ``pattern=``, unless the call already passes (or may pass) ``pattern``.

    A constraint FastAPI ignored starts being enforced once renamed: that fix is unsafe.
    """
    assert arg.keyword is not None
    rename = _RENAMES.get(arg.keyword.value)
    if rename is None or not _free_keyword(call, rename):
        return None
    if ignored:
        message = f"Use `{rename}=`, which FastAPI enforces"
        return replace(arg.keyword, cst.Name(rename), message, unsafe=True)
    if field and rename == "pattern" and not anchored_at_start(string_value(arg.value) or ""):
        return None  # v1 matched at the start only, v2 searches anywhere: it would accept more
    # Pydantic's ``Field`` needs only the rule's Pydantic 2; FastAPI's parameters take
    # ``pattern=`` from FastAPI 0.100 (the rule's ``fix_requires``).
    needs = _FIELD_FIX_NEEDS if field else None
    return replace(arg.keyword, cst.Name(rename), f"Use `{rename}=`", requires=needs)


def _free_keyword(call: cst.Call, name: str) -> bool:
    """No argument ``name=``: both given, v2 keeps the new one and the rename would repeat a
    keyword. No ``**options`` either: they may hold it."""
    return not any(
        arg.star == "**" or (arg.keyword is not None and arg.keyword.value == name)
        for arg in call.args
    )


def anchored_at_start(pattern: str) -> bool:
    """``^...`` or ``\\A...`` with no ``|`` outside a group: Pydantic v1 checked ``regex``
    with ``re.match`` and v2 checks ``pattern`` with a search, which then agree."""
    if not pattern.startswith(("^", "\\A")):
        return False
    depth, index = 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "|" and depth == 0:
            return False  # ``^a|b``: the ``b`` branch is not anchored
        if char == "[":
            index = _class_end(pattern, index)
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        index += 2 if char == "\\" else 1
    return True


def _class_end(pattern: str, start: int) -> int:
    """Just past the ``]`` closing the character class opened at ``start``."""
    index = start + 1
    index += pattern.startswith("^", index)
    index += pattern.startswith("]", index)  # ``[]a]``: a first ``]`` is a literal one
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index + 1
