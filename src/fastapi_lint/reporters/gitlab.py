"""GitLab Code Quality: the subset of the Code Climate issue format that GitLab reads.

A JSON array with one object per finding: ``description``, ``check_name``,
``fingerprint``, ``severity`` and ``location`` (``path`` and ``lines.begin``/``end``).
GitLab ignores every other Code Climate field, so none is written.

Severity: ``error`` findings are ``major`` and ``warning`` findings ``minor``. Nothing is
``critical`` or ``blocker``: a lint finding is a pattern to review, not a confirmed
defect, and GitLab sorts the merge request widget by severity, so keeping two levels
free leaves room for tools that do confirm defects (SAST, failing tests).

The fingerprint (see :mod:`fastapi_lint.fingerprints`) ignores line numbers, so code
that merely moves is neither "fixed" nor "new" in the merge request widget.
"""

from __future__ import annotations

import json
from typing import Literal

from fastapi_lint.fingerprints import fingerprints, normalise_path
from fastapi_lint.models import Diagnostic, JsonObject, JsonValue, Report, Severity
from fastapi_lint.reporters import shown_json

GitLabSeverity = Literal["info", "minor", "major", "critical", "blocker"]
SEVERITY: dict[Severity, GitLabSeverity] = {"error": "major", "warning": "minor"}


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report``; ``color`` and ``quiet`` never change machine-readable output."""
    issues: list[JsonValue] = [*to_list(report)]
    return json.dumps(shown_json(issues), indent=2) + "\n"


def to_list(report: Report) -> list[JsonObject]:
    """The Code Quality report as plain Python data."""
    pairs = zip(report.diagnostics, fingerprints(report.diagnostics), strict=True)
    return [_issue(diagnostic, fingerprint) for diagnostic, fingerprint in pairs]


def _issue(diagnostic: Diagnostic, fingerprint: str) -> JsonObject:
    # GitLab drops a finding whose line is not a positive integer, so clamp.
    begin = max(diagnostic.line, 1)
    return {
        "description": f"{diagnostic.code} {diagnostic.message}",
        "check_name": diagnostic.code,
        "fingerprint": fingerprint,
        "severity": SEVERITY[diagnostic.severity],
        "location": {
            "path": normalise_path(diagnostic.path),
            "lines": {"begin": begin, "end": max(diagnostic.end_line, begin)},
        },
    }
