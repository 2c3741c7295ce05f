"""``fastapi-lint routes`` output: the route table as aligned text or as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from fastapi_lint.models import JsonObject, JsonValue
from fastapi_lint.project_model.routes import RootInfo, RouteEntry, by_root

SCHEMA_VERSION = 1
_HEADERS = ("METHOD", "PATH", "HANDLER", "LOCATION", "KIND", "RESPONSE", "DEPENDENCIES")


def _ordered(entries: Sequence[RouteEntry]) -> list[RouteEntry]:
    return sorted(entries, key=lambda entry: (entry.path, entry.methods, entry.file, entry.line))


def _response(entry: RouteEntry) -> str:
    if entry.response_model is not None:
        return entry.response_model
    return f"-> {entry.return_annotation}" if entry.return_annotation else "-"


def _row(entry: RouteEntry) -> tuple[str, ...]:
    return (
        ",".join(entry.methods) or "-",
        entry.path,
        entry.handler,
        f"{entry.file}:{entry.line}",
        "async" if entry.is_async else "sync",
        _response(entry),
        ", ".join(entry.dependencies) or "-",
    )


def _heading(root: RootInfo) -> str:
    where = f"{root.path}:{root.line}"
    if root.is_app:
        return f"App `{root.name}` ({where})"
    return f"Router `{root.name}` ({where}): never included in an app"


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADERS))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def as_text(entries: Sequence[RouteEntry]) -> str:
    groups = by_root(list(entries))
    lines: list[str] = []
    for group in groups:
        lines.append(_heading(group[0].root))
        lines.extend(_table([_HEADERS, *(_row(entry) for entry in _ordered(group))]))
        lines.append("")
    count = len(entries)
    lines.append(f"{count} route{'s' if count != 1 else ''} in {len(groups)} group(s).")
    return "\n".join(lines) + "\n"


def _root_json(root: RootInfo) -> JsonObject:
    kind = "app" if root.is_app else "router"
    return {"kind": kind, "name": root.name, "file": root.path, "line": root.line}


def _entry_json(entry: RouteEntry) -> JsonObject:
    dependencies: list[JsonValue] = list(entry.dependencies)
    methods: list[JsonValue] = list(entry.methods)
    return {
        "methods": methods,
        "path": entry.path,
        "handler": entry.handler,
        "file": entry.file,
        "line": entry.line,
        "async": entry.is_async,
        "response_model": entry.response_model,
        "return_annotation": entry.return_annotation,
        "dependencies": dependencies,
        "root": _root_json(entry.root),
        "included": entry.included,
        "note": entry.note,
    }


def as_json(entries: Sequence[RouteEntry]) -> str:
    ordered = [entry for group in by_root(list(entries)) for entry in _ordered(group)]
    routes: list[JsonValue] = [_entry_json(entry) for entry in ordered]
    document: JsonObject = {"version": SCHEMA_VERSION, "routes": routes}
    return json.dumps(document, indent=2) + "\n"
