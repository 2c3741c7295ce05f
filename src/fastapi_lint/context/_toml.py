"""TOML reading for the context: the values ``tomllib`` produces, typed without ``Any``."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Mapping
from typing import TypeAlias

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    # tomli may be absent where type-checking runs on a newer Python.
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

TomlValue: TypeAlias = (
    "str | int | float | bool | datetime.datetime | datetime.date | datetime.time"
    " | list[TomlValue] | dict[str, TomlValue]"
)
TomlTable: TypeAlias = "Mapping[str, TomlValue]"


def load_toml(text: str) -> TomlTable:
    """The document's top table; empty when the text is not valid TOML."""
    try:
        data: dict[str, TomlValue] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    return data


def table(data: TomlTable, key: str) -> TomlTable:
    """``data[key]`` when it is a table, else an empty one."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def array(value: TomlValue | None) -> list[TomlValue]:
    return value if isinstance(value, list) else []
