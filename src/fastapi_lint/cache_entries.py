"""How the caches keep an entry: JSON sealed with its checksum, checked field by field as
it is read (``cache_folder`` writes it, atomically).

Every entry is sealed with the SHA-256 of its content (the entry's JSON object, less a last
``checksum`` member that holds it), and every field of it is checked against the type of the
record it stands for when read. An entry edited by hand, truncated, or holding a value of the
wrong type (``"annotated": "1"``) is a miss, never trusted. Used by the per-file cache
(``cache``) and the whole-run snapshots (``snapshot``); light to import, so that a run
answered from a snapshot pays for nothing else.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable

from fastapi_lint.models import JsonValue

MISSES = (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError)
Decoder = Callable[[JsonValue], object]
_SCALARS = (str, int, bool)


@functools.cache
def _decoder(kind: object) -> Decoder:
    """How to check and rebuild a JSON value of type ``kind`` (a record's field), built once."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record_decoder(kind)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple:
        return _tuple_form_decoder(args)
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        return _optional_decoder(_decoder(next(a for a in args if a is not type(None))))
    if origin is typing.Literal:
        return _literal_decoder(args)
    if kind in _SCALARS:
        return _literal_decoder(kind)
    raise TypeError(f"no decoder for {kind}")


def _record_decoder(cls: type) -> Decoder:
    """A record stored as the object ``asdict`` makes of it: exactly its fields.

    Fields of a plain scalar type are checked in one loop, without a call each: a
    snapshot holds thousands of findings, and their decoding is most of a warm run.
    """
    hints = typing.get_type_hints(cls)
    names = frozenset(field.name for field in dataclasses.fields(cls))
    scalars = tuple((name, hints[name]) for name in names if hints[name] in _SCALARS)
    others = tuple((name, _decoder(hints[name])) for name in names if hints[name] not in _SCALARS)

    def decode(raw: JsonValue) -> object:
        if type(raw) is not dict or raw.keys() != names:
            raise TypeError(f"expected the fields of {cls.__name__}")
        for name, kind in scalars:
            if type(raw[name]) is not kind:
                raise TypeError(f"{cls.__name__}.{name}: expected {kind}, got {raw[name]!r}")
        values: dict[str, object] = dict(raw)
        for name, check in others:
            values[name] = check(raw[name])
        return cls(**values)

    return decode


def _tuple_form_decoder(args: tuple[object, ...]) -> Decoder:
    """``tuple[X, ...]`` (any length) or ``tuple[X, Y]`` (fixed)."""
    if len(args) == 2 and args[1] is Ellipsis:
        return _tuple_decoder(_decoder(args[0]))
    return _pair_decoder(tuple(map(_decoder, args)))


def _tuple_decoder(item: Decoder) -> Decoder:
    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, list):
            raise TypeError("expected a list")
        return tuple(map(item, raw))

    return decode


def _pair_decoder(items: tuple[Decoder, ...]) -> Decoder:
    """A tuple of fixed length whose items have their own types (``tuple[str, int]``)."""

    def decode(raw: JsonValue) -> object:
        if not isinstance(raw, list) or len(raw) != len(items):
            raise TypeError(f"expected a list of {len(items)} items")
        return tuple(check(item) for check, item in zip(items, raw, strict=True))

    return decode


def _optional_decoder(inner: Decoder) -> Decoder:
    def decode(raw: JsonValue) -> object:
        return None if raw is None else inner(raw)

    return decode


def _literal_decoder(allowed: type | tuple[object, ...]) -> Decoder:
    """A value of exactly one scalar type (``True`` is no int), or one of a few values."""

    def decode(raw: JsonValue) -> object:
        valid = type(raw) is allowed if isinstance(allowed, type) else raw in allowed
        if not valid:
            raise TypeError(f"expected {allowed}, got {raw!r}")
        return raw

    return decode


def encoded(value: object) -> JsonValue:
    """``value`` (a record, or tuples, lists and dicts of them) as JSON values: what
    ``dataclasses.asdict`` gives, without the deep copy of every field it makes (a third
    of a second for a report of 6,000 findings)."""
    if value is None or type(value) in _JSON_SCALARS:
        return typing.cast(JsonValue, value)
    if isinstance(value, tuple | list):
        return [encoded(item) for item in value]
    if isinstance(value, dict):
        return {typing.cast(str, key): encoded(item) for key, item in value.items()}
    return {name: encoded(getattr(value, name)) for name in _field_names(type(value))}


_JSON_SCALARS = frozenset({str, int, bool, float})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return names


def decoded(kind: object, raw: JsonValue) -> object:
    """``raw`` rebuilt as a value of ``kind`` (a record, or a tuple, union or scalar type);
    raises TypeError on any field of the wrong type."""
    return _decoder(kind)(raw)
