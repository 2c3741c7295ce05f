"""The per-file summary as JSON, for the result cache.

Records are written as lists of their fields' values, in field order: half the size of
objects with keys, and decoded by per-type decoders built once, which check every value
(a corrupted entry raises TypeError or ValueError, and the cache reads it as a miss).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from functools import cache

from fastapi_lint.models import JsonValue
from fastapi_lint.summary.records import ModuleSummary

Decoder = Callable[[JsonValue], object]


def summary_to_json(summary: ModuleSummary) -> JsonValue:
    return _encode(summary)


def summary_from_json(raw: JsonValue) -> ModuleSummary:
    """Rebuild a summary; raises TypeError/ValueError on anything malformed."""
    summary = _decoder(ModuleSummary)(raw)
    if not isinstance(summary, ModuleSummary):
        raise TypeError("not a module summary")
    return summary


def _encode(value: object) -> JsonValue:
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_encode(getattr(value, field.name)) for field in dataclasses.fields(value)]
    if value is None or isinstance(value, str | int):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


@cache
def _field_types(cls: type) -> tuple[tuple[str, object], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((field.name, hints[field.name]) for field in dataclasses.fields(cls))


@cache
def _decoder(kind: object) -> Decoder:
    """How to decode a value of type ``kind``, built once per type."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record_decoder(kind)
    origin = typing.get_origin(kind)
    if origin is tuple:
        return _tuple_decoder(typing.get_args(kind))
    if origin in (typing.Union, types.UnionType):
        return _optional_decoder(typing.get_args(kind))
    if kind in (str, int, bool):
        return _scalar_decoder(typing.cast(type, kind))
    raise TypeError(f"no decoder for {kind}")


def _record_decoder(cls: type) -> Decoder:
    kinds = [kind for _, kind in _field_types(cls)]
    if all(kind in (str, int, bool) for kind in kinds):
        return _flat_record_decoder(cls, tuple(typing.cast(type, kind) for kind in kinds))
    fields = [_decoder(kind) for kind in kinds]

    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise TypeError(f"expected the {len(fields)} fields of {cls.__name__}")
        return cls(*[field(value) for field, value in zip(fields, raw, strict=True)])

    return decode


def _flat_record_decoder(cls: type, kinds: tuple[type, ...]) -> Decoder:
    """Records of plain values only (call sites, the most numerous): one check, one call."""

    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, list) or tuple(map(type, raw)) != kinds:
            raise TypeError(f"expected the fields of {cls.__name__}")
        return cls(*raw)

    return decode


def _tuple_decoder(args: tuple[object, ...]) -> Decoder:
    items = [_decoder(kind) for kind in args if kind is not Ellipsis]
    homogeneous = len(args) == 2 and args[1] is Ellipsis

    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, list):
            raise TypeError("expected a list")
        if homogeneous:
            return tuple(items[0](value) for value in raw)
        return tuple(item(value) for item, value in zip(items, raw, strict=True))

    return decode


def _optional_decoder(args: tuple[object, ...]) -> Decoder:
    """``X | None``, the only unions summaries hold."""
    inner = _decoder(next(arg for arg in args if arg is not type(None)))

    def decode(raw: JsonValue) -> object:
        return None if raw is None else inner(raw)

    return decode


def _scalar_decoder(kind: type) -> Decoder:
    def decode(raw: JsonValue) -> object:
        if type(raw) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(raw).__name__}")
        return raw

    return decode
