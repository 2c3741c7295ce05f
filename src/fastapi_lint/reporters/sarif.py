"""SARIF 2.1.0, the format GitHub code scanning (and most security dashboards) ingest."""

from __future__ import annotations

import json
from urllib.parse import quote

from fastapi_lint.docs_links import repository_url, rule_page_url
from fastapi_lint.models import ChainStep, Diagnostic, Edit, Fix, JsonObject, Report, RuleInfo
from fastapi_lint.reporters import shown_json, shown_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report``; ``color`` and ``quiet`` never change machine-readable output."""
    return json.dumps(shown_json(to_dict(report)), indent=2) + "\n"


def to_dict(report: Report) -> JsonObject:
    """The SARIF log as plain Python data."""
    rule_index: dict[str, int] = {}
    for index, rule in enumerate(report.rules):
        rule_index.setdefault(rule.code, index)
    run: JsonObject = {
        "tool": {"driver": _driver(report)},
        # LibCST columns count code points, not SARIF's default UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "results": [_result(diagnostic, rule_index) for diagnostic in report.diagnostics],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _driver(report: Report) -> JsonObject:
    driver: JsonObject = {"name": "fastapi-lint", "version": report.tool_version}
    # Both URIs are optional in SARIF: left out rather than pointing at nothing.
    home = repository_url()
    if home is not None:
        driver["informationUri"] = home
    driver["rules"] = [_rule(rule) for rule in report.rules]
    return driver


def _rule(rule: RuleInfo) -> JsonObject:
    described: JsonObject = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.docs, "markdown": rule.docs},
    }
    page = rule_page_url(rule.name)  # docs/rules/<name>.md where the pages are published
    if page is not None:
        described["helpUri"] = page
    described["defaultConfiguration"] = {"level": rule.severity, "enabled": rule.default_enabled}
    described["properties"] = {"family": rule.family, "tags": [rule.family]}
    return described


def _result(diagnostic: Diagnostic, rule_index: dict[str, int]) -> JsonObject:
    result: JsonObject = {"ruleId": diagnostic.code}
    # A code without a RuleInfo (e.g. FAPI000, the parse-failure pseudo rule) has no index.
    if diagnostic.code in rule_index:
        result["ruleIndex"] = rule_index[diagnostic.code]
    result["level"] = diagnostic.severity
    result["message"] = {"text": diagnostic.message}
    region = _region(diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column)
    physical: JsonObject = {"artifactLocation": _artifact(diagnostic.path), "region": region}
    result["locations"] = [{"physicalLocation": physical}]
    if diagnostic.fix is not None:
        result["fixes"] = [_fix(diagnostic.fix, diagnostic.path)]
    if diagnostic.chain:  # FAPI102: each call of the chain, linked from the alert
        result["relatedLocations"] = [_step(i, step) for i, step in enumerate(diagnostic.chain)]
    return result


def _step(index: int, step: ChainStep) -> JsonObject:
    physical: JsonObject = {
        "artifactLocation": _artifact(step.path),
        "region": {"startLine": step.line},
    }
    message: JsonObject = {"text": f"calls {step.function}()"}
    return {"id": index, "physicalLocation": physical, "message": message}


def _artifact(path: str) -> JsonObject:
    return {"uri": _uri(path), "uriBaseId": "%SRCROOT%"}


def _uri(path: str) -> str:
    """A URI reference: forward slashes, and spaces, non-ASCII characters and the bytes of
    a name that is not UTF-8 (``caf%E9.py``) percent-encoded."""
    name = path.replace("\\", "/")
    try:
        data = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        data = shown_text(name).encode("utf-8")
    return quote(data)


def _region(line: int, column: int, end_line: int, end_column: int) -> JsonObject:
    # The schema demands 1-based positions; clamping keeps one odd location from
    # invalidating the whole upload.
    return {
        "startLine": max(line, 1),
        "startColumn": max(column, 1),
        "endLine": max(end_line, line, 1),
        "endColumn": max(end_column, 1),
    }


def _fix(fix: Fix, path: str) -> JsonObject:
    change: JsonObject = {
        "artifactLocation": _artifact(path),
        "replacements": [_replacement(edit) for edit in fix.edits],
    }
    return {"description": {"text": fix.message}, "artifactChanges": [change]}


def _replacement(edit: Edit) -> JsonObject:
    region = _region(edit.line, edit.column, edit.end_line, edit.end_column)
    return {"deletedRegion": region, "insertedContent": {"text": edit.content}}
