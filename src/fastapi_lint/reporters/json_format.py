"""The stable JSON contract (``"version": 1``) for scripts and other tools."""

from __future__ import annotations

import json

from fastapi_lint.models import (
    ChainStep,
    Diagnostic,
    Edit,
    Fix,
    JsonObject,
    Report,
    RunContext,
    TargetInfo,
)
from fastapi_lint.reporters import shown_json

SCHEMA_VERSION = 1


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report``; ``color`` and ``quiet`` never change machine-readable output."""
    return json.dumps(shown_json(to_dict(report)), indent=2) + "\n"


def to_dict(report: Report) -> JsonObject:
    """The JSON document as plain Python data (keys in contract order)."""
    coverage = report.type_coverage
    by_code: JsonObject = {code: count for code, count in report.by_code().items()}
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "fastapi-lint", "version": report.tool_version},
        "summary": {
            "files": report.files,
            "diagnostics": len(report.diagnostics),
            "by_code": by_code,
            "type_coverage": {
                "annotated": coverage.annotated,
                "total": coverage.total,
                "percent": coverage.percent,
            },
            **_hidden(report),
        },
        "diagnostics": [_diagnostic(diagnostic) for diagnostic in report.diagnostics],
        **_context(report.context),
    }


def _context(context: RunContext | None) -> JsonObject:
    """``context``: the target versions and their sources, files per role, rules off."""
    if context is None:
        return {}
    roles: JsonObject = {role: count for role, count in context.roles}
    return {
        "context": {
            "targets": [_target(target) for target in context.targets],
            "roles": roles,
            "rules_off": [
                {"code": off.code, "package": off.package, "needs": off.needs}
                for off in context.rules_off
            ],
        }
    }


def _target(target: TargetInfo) -> JsonObject:
    return {
        "package": target.package,
        "version": target.version,
        "origin": target.origin,
        "source": target.source,
    }


def _hidden(report: Report) -> JsonObject:
    """``baselined`` and ``unchanged``: findings left out, each only when its flag was given."""
    counts = {"baselined": report.baselined, "unchanged": report.unchanged}
    return {name: count for name, count in counts.items() if count is not None}


def _diagnostic(diagnostic: Diagnostic) -> JsonObject:
    found = _fields(diagnostic)
    if diagnostic.chain:  # added by findings about a chain of calls (FAPI102) only
        found["chain"] = [_step(step) for step in diagnostic.chain]
    return found


def _step(step: ChainStep) -> JsonObject:
    return {"function": step.function, "path": step.path, "line": step.line}


def _fields(diagnostic: Diagnostic) -> JsonObject:
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "family": diagnostic.family,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "path": diagnostic.path,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "end_line": diagnostic.end_line,
        "end_column": diagnostic.end_column,
        "fix": _fix(diagnostic.fix),
    }


def _fix(fix: Fix | None) -> JsonObject | None:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [_edit(edit) for edit in fix.edits],
    }


def _edit(edit: Edit) -> JsonObject:
    return {
        "line": edit.line,
        "column": edit.column,
        "end_line": edit.end_line,
        "end_column": edit.end_column,
        "content": edit.content,
    }
