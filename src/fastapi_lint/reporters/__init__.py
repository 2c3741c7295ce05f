"""Turn a finished :class:`~fastapi_lint.models.Report` into text in one of several formats.

Each format lives in its own module exposing ``render(report, *, color, quiet) -> str``.
Modules are imported on demand so that machine-readable formats never pay for importing rich.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from fastapi_lint.models import Report

FORMATS: tuple[str, ...] = ("text", "concise", "json", "sarif", "github")

# "json" would shadow the stdlib module inside this package, hence the suffix.
_MODULES: dict[str, str] = {
    "text": "text",
    "concise": "concise",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
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
