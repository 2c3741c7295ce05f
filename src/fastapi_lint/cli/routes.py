"""``routes``: every route of the project, as aligned text or as JSON."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import click

from fastapi_lint.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    CheckRequest,
    load_config_or_exit,
    report_internal_errors,
)
from fastapi_lint.cli.planning import planned_run
from fastapi_lint.config import Config
from fastapi_lint.models import JsonObject, JsonValue
from fastapi_lint.project_model.routes import RootInfo, RouteEntry, by_root, route_table
from fastapi_lint.runner.cpus import available_cpus
from fastapi_lint.runner.jobs import run_jobs
from fastapi_lint.runner.project import build_project

if TYPE_CHECKING:
    from typing_extensions import Unpack

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


class RoutesFlags(TypedDict):
    """The options of `routes`, as Click passes them."""

    output_format: str
    config_path: Path | None
    jobs: int | None
    cache_dir: Path | None
    no_cache: bool


@click.command(name="routes")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
def list_routes(paths: tuple[str, ...], **flags: Unpack[RoutesFlags]) -> None:
    """Print every route of the project in PATHS (default: the current directory)."""
    config = load_config_or_exit(flags["config_path"], {})
    request = CheckRequest(
        paths=paths or (".",),
        output_format=flags["output_format"],
        output_file=None,
        exit_zero=False,
        color=False,
        quiet=False,
        force_exclude=False,
        stdin_filename=None,
        workers=flags["jobs"] or available_cpus(),
        cache_dir=flags["cache_dir"],
        no_cache=flags["no_cache"],
    )
    raise click.exceptions.Exit(run_routes(request, config))


def run_routes(request: CheckRequest, config: Config) -> int:
    """The route table of the files in ``request.paths``, linted with the project's context
    (its own router classes and factories), printed; the exit code."""
    plan = planned_run(request, config, ())
    jobs = [dataclasses.replace(job, summarise=True) for job in plan.jobs]
    context = plan.setup.context
    results = run_jobs(
        jobs, config.options, workers=request.workers, cache_dir=plan.run.cache_dir, project=context
    )
    errors = [error for result in results for error in result.internal_errors]
    report_internal_errors(errors)
    project = build_project(jobs, results, plan.run.root, config.options, context.source_roots)
    entries = route_table(project)
    render = as_json if request.output_format == "json" else as_text
    click.echo(render(entries), nl=False)
    return EXIT_ERROR if errors or plan.missing else EXIT_CLEAN
