"""Pydantic v1 names v2 renamed, and the classes that make a model (FAPI603)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.RootModel",
        "pydantic.root_model.RootModel",
        "pydantic.BaseSettings",
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "sqlmodel.SQLModel",
        "sqlmodel.main.SQLModel",
    }
)
# Modules that never hold the project's models (``pydantic.v1`` models are v1 on purpose).
OUTSIDE = frozenset(sys.stdlib_module_names) | {
    "pydantic",
    "pydantic_settings",
    "sqlmodel",
    "fastapi",
    "starlette",
    "sqlalchemy",
    "httpx",
    "requests",
    "aiohttp",
    "typing_extensions",
}
_DUMP_KEYWORDS = frozenset(
    {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
)


@dataclass(frozen=True, slots=True)
class V1Name:
    """A v1 method or attribute: what replaces it, and when the fix is a plain rename.

    The rename keeps the meaning when Pydantic v2's deprecated method is itself a call of
    the new one with the same arguments: ``keywords`` are the arguments both accept
    (None: any, ``**kwargs`` included) and ``positional`` how many positional ones.
    """

    advice: str
    rename: str | None = None
    keywords: frozenset[str] | None = frozenset()
    positional: int = 0
    class_only: bool = False  # the rename is right on the class only (``model_fields``)
    # An argument the v2 method needs to mean the same, added after the positional one
    # (which must then be given): ``from_orm(x)`` is ``model_validate(x, from_attributes=True)``.
    appended: str = ""


V1_NAMES: dict[str, V1Name] = {
    "dict": V1Name("`.model_dump()`", "model_dump", _DUMP_KEYWORDS),
    "json": V1Name("`.model_dump_json()`", "model_dump_json", _DUMP_KEYWORDS),
    "copy": V1Name("`.model_copy()`", "model_copy", frozenset({"update", "deep"})),
    "parse_obj": V1Name("`.model_validate()`", "model_validate", positional=1),
    "parse_raw": V1Name("`.model_validate_json()`", "model_validate_json", positional=1),
    "parse_file": V1Name("`.model_validate_json()` on the file's text"),
    "from_orm": V1Name(
        "`.model_validate()` with `from_attributes=True`",
        "model_validate",
        positional=1,
        appended="from_attributes=True",
    ),
    "construct": V1Name("`.model_construct()`", "model_construct", None, 1),
    "schema": V1Name(
        "`.model_json_schema()`", "model_json_schema", frozenset({"by_alias", "ref_template"})
    ),
    "schema_json": V1Name("`json.dumps(Model.model_json_schema())`"),
    "update_forward_refs": V1Name("`.model_rebuild()`"),
    "validate": V1Name("`.model_validate()`", "model_validate", positional=1),
    "__fields__": V1Name("`model_fields` (read on the class)", "model_fields", class_only=True),
    "__fields_set__": V1Name("`model_fields_set`", "model_fields_set"),
}
ATTRIBUTES = frozenset({"__fields__", "__fields_set__"})
METHODS = frozenset(V1_NAMES) - ATTRIBUTES
# Class methods whose result is an instance of the class they are called on.
CONSTRUCTORS = frozenset(
    {
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "construct",
        "validate",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "model_construct",
    }
)
COPIES = frozenset({"copy", "model_copy"})
