"""Turn a finished :class:`~fastapi_lint.models.Report` into text in one of several formats.

Each format lives in its own module exposing ``render(report, *, color, quiet) -> str``.
Modules are imported on demand so that machine-readable formats never pay for importing rich.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from fastapi_lint.models import Report

FORMATS: tuple[str, ...] = (
    "text",
    "concise",
    "json",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "markdown",
)

# "json" would shadow the stdlib module inside this package, hence the suffix.
_MODULES: dict[str, str] = {
    "text": "text",
    "concise": "concise",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
    "markdown": "markdown",
}


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False, quiet: bool = False) -> str: ...


def render(report: Report, output_format: str, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report`` as ``output_format`` (one of :data:`FORMATS`)."""
    return get_renderer(output_format)(report, color=color, quiet=quiet)


def get_renderer(output_format: str) -> Renderer:
    """Import and return the ``render`` function of one format's module."""
    if output_format not in _MODULES:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown output format {output_format!r} (choose from {choices})")
    module = importlib.import_module(f"{__name__}.{_MODULES[output_format]}")
    renderer: Renderer = module.render
    return renderer


def fix_hint(report: Report) -> str | None:
    """``[*] 3 fixable with `--fix` (1 more with `--fix --unsafe-fixes`).``, as ruff says it."""
    safe, unsafe = report.fixable()
    if not safe and not unsafe:
        return None
    if not safe:
        return f"[*] {unsafe} fixable with `--fix --unsafe-fixes`."
    more = f" ({unsafe} more with `--fix --unsafe-fixes`)" if unsafe else ""
    return f"[*] {safe} fixable with `--fix`{more}."


def hidden_lines(report: Report) -> list[str]:
    """What ``--baseline`` and ``--diff-from`` left out, so that a pass is not misread."""
    lines = []
    if report.baselined is not None:
        lines.append(f"{_findings(report.baselined)} hidden by the baseline.")
    if report.unchanged is not None:
        lines.append(f"{_findings(report.unchanged)} on unchanged lines not shown (--diff-from).")
    return lines


def _findings(count: int) -> str:
    return f"{count} finding" if count == 1 else f"{count} findings"
