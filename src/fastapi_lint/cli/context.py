"""``context``: what fastapi-lint knows about the project, and where it got it from.

The project root and source roots, each target version with its source, the files of
each role (a few examples with the reason), the project's own app and router builders,
and the rules switched off by version or role. ``--file`` answers "why is this file not
linted?": its role and why, and which selected rules run on it and which do not.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import click

from fastapi_lint.cli.common import (
    CheckRequest,
    display_path,
    fail,
    load_config_or_exit,
    split_values,
)
from fastapi_lint.cli.planning import planned_run, selected_rules
from fastapi_lint.config import PYPROJECT, Config
from fastapi_lint.context.versions import TargetVersion
from fastapi_lint.models import JsonObject, JsonValue
from fastapi_lint.reporters import code_ranges
from fastapi_lint.runner.context import ProjectSetup
from fastapi_lint.runner.context_view import (
    ContextView,
    FileView,
    RoleFiles,
    file_view,
    role_files,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

SCHEMA_VERSION = 1
_INDENT = "  "


class ContextFlags(TypedDict):
    file: Path | None
    output_format: str
    config_path: Path | None
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]


@click.command(name="context")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Explain one file: its role, and which selected rules run on it and why not.",
)
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--select", multiple=True, help="Rules to consider (as for `check`).")
@click.option("--ignore", multiple=True, help="Rules to leave out (as for `check`).")
@click.option("--extend-select", multiple=True, help="Rules to add (as for `check`).")
def show_context(paths: tuple[str, ...], **flags: Unpack[ContextFlags]) -> None:
    """Show what fastapi-lint detected about the project in PATHS (default: .) and why."""
    overrides = {
        "select": split_values(flags["select"]),
        "ignore": split_values(flags["ignore"]),
        "extend_select": split_values(flags["extend_select"]),
    }
    config = load_config_or_exit(flags["config_path"], overrides)
    view = context_view(paths or (".",), config, flags["file"])
    text = _json(view) if flags["output_format"] == "json" else _text(view)
    click.echo(text, nl=False)


def context_view(paths: Sequence[str], config: Config, file: Path | None) -> ContextView:
    """The project of ``paths`` as ``check`` would see it; ``file`` explained when given."""
    selection = selected_rules(config)
    request = CheckRequest(
        paths=tuple(paths),
        output_format="text",
        output_file=None,
        exit_zero=False,
        color=False,
        quiet=False,
        force_exclude=False,
        stdin_filename=None,
        no_cache=True,
    )
    plan = planned_run(request, config, selection, all_targets=True)
    if plan.missing:
        raise fail("a path given does not exist")
    setup = plan.setup
    root = setup.context.root
    has_pyproject = (root / PYPROJECT).is_file()
    reason = f"the folder of {PYPROJECT}" if has_pyproject else "the common folder of the files"
    view = ContextView(setup, reason, role_files(setup, plan.jobs))
    if file is None:
        return view
    explained = file_view(setup, file, display_path(file, Path.cwd()), selection, config)
    return dataclasses.replace(view, file=explained)


# -- text --------------------------------------------------------------------------------


def _text(view: ContextView) -> str:
    if view.file is not None:
        return "\n".join(_file_lines(view.setup, view.file)) + "\n"
    blocks = [
        _root_lines(view),
        _target_lines(view.setup),
        _role_lines(view.roles),
        _router_lines(view.setup),
        _off_lines(view),
    ]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _root_lines(view: ContextView) -> list[str]:
    context = view.setup.context
    roots = ", ".join(_shown(root, context.root) for root in context.source_roots) or "."
    return [
        f"Project root: {context.root} ({view.root_reason})",
        f"Source roots: {roots}",
    ]


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


def _target_lines(setup: ProjectSetup) -> list[str]:
    lines = ["Target versions:"]
    for target in setup.context.targets.versions:
        lines.append(
            f"{_INDENT}{target.package:<11} {target.display:<9} {target.origin.value:<15} "
            f"{target.source}"
        )
    return lines


def _role_lines(roles: Sequence[RoleFiles]) -> list[str]:
    total = sum(group.count for group in roles)
    lines = [f"File roles ({total} file{'' if total == 1 else 's'}):"]
    for group in roles:
        lines.append(f"{_INDENT}{group.role.value:<10} {group.count:>5}")
        for path, role in group.examples:
            lines.append(f"{_INDENT * 3}{path}: {role.reason}")
        if group.count > len(group.examples):
            lines.append(f"{_INDENT * 3}... and {group.count - len(group.examples)} more")
    return lines


def _router_lines(setup: ProjectSetup) -> list[str]:
    routers = setup.context.routers
    lines = ["Apps, routers and routes the project builds itself (found across its modules):"]
    if not routers:
        return [*lines, f"{_INDENT}none (FastAPI's own FastAPI, APIRouter and APIRoute only)"]
    for kind, names in routers.groups().items():
        if names:
            lines.append(f"{_INDENT}{kind.value}: {', '.join(sorted(names))}")
    return lines


def _off_lines(view: ContextView) -> list[str]:
    lines = ["Rules switched off:"]
    gates = _gates_by_package(view.setup)
    if not gates:
        lines.append(f"{_INDENT}by target version: none")
    for package, (codes, target) in gates.items():
        needs = sorted({gate.needs for gate in view.setup.off if gate.package == package})
        lines.append(
            f"{_INDENT}by target version: {code_ranges(codes)} need {' / '.join(needs)}; the "
            f"project targets {package} {target.display} ({target.source})"
        )
    limited = [group for group in view.roles if group.skipped]
    if limited:
        lines.append(f"{_INDENT}by role (the only rules that review these files):")
    for group in limited:
        kept = [rule.code for rule in view.setup.rules if rule not in group.skipped]
        lines.append(f"{_INDENT * 2}{group.role.value}: {code_ranges(kept) or 'none'}")
    return lines


def _gates_by_package(setup: ProjectSetup) -> dict[str, tuple[list[str], TargetVersion]]:
    found: dict[str, tuple[list[str], TargetVersion]] = {}
    for gate in setup.off:
        codes, _ = found.setdefault(gate.package, ([], setup.context.targets[gate.package]))
        codes.append(gate.rule.code)
    return found


def _file_lines(setup: ProjectSetup, view: FileView) -> list[str]:
    lines = [
        view.path,
        f"{_INDENT}role: {view.role.role.value} ({view.role.reason})",
        f"{_INDENT}rules that run: {code_ranges([rule.code for rule in view.runs]) or 'none'}",
    ]
    reasons: dict[str, list[str]] = {}
    for skipped in view.skipped:
        reasons.setdefault(skipped.why, []).append(skipped.rule.code)
    if reasons:
        lines.append(f"{_INDENT}rules that do not run:")
    for why, codes in reasons.items():
        lines.append(f"{_INDENT * 2}{code_ranges(codes)}: {why}")
    return lines


# -- JSON --------------------------------------------------------------------------------


def _json(view: ContextView) -> str:
    setup = view.setup
    context = setup.context
    document: JsonObject = {
        "version": SCHEMA_VERSION,
        "root": str(context.root),
        "source_roots": [str(root) for root in context.source_roots],
        "targets": list(context.targets.as_json()),  # type: ignore[arg-type]
        "roles": {group.role.value: _role_json(group) for group in view.roles},
        "routers": {kind: list(names) for kind, names in context.routers.as_json().items()},
        "rules_off": {
            "version": [
                {"code": gate.rule.code, "package": gate.package, "needs": gate.specifier}
                for gate in setup.off
            ],
            "role": {
                group.role.value: [rule.code for rule in group.skipped] for group in view.roles
            },
        },
    }
    if view.file is not None:
        document["file"] = _file_json(view.file)
    return json.dumps(document, indent=2) + "\n"


def _role_json(group: RoleFiles) -> JsonObject:
    examples: list[JsonValue] = [
        {"path": path, "reason": role.reason} for path, role in group.examples
    ]
    return {"files": group.count, "examples": examples}


def _file_json(view: FileView) -> JsonObject:
    return {
        "path": view.path,
        "role": view.role.role.value,
        "reason": view.role.reason,
        "runs": [rule.code for rule in view.runs],
        "skipped": [{"code": skipped.rule.code, "why": skipped.why} for skipped in view.skipped],
    }
