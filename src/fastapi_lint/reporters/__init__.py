"""Turn a finished :class:`~fastapi_lint.models.Report` into text in one of several formats.

Each format lives in its own module exposing ``render(report, *, color, quiet) -> str``.
Modules are imported on demand so that machine-readable formats never pay for importing rich.

A file name that is not UTF-8 (``caf\xe9.py`` in Latin-1 on Linux) reaches the report as
Python keeps it, with each byte that does not decode as a lone surrogate. Every format shows
such a byte the same way, as ``\xe9`` (``shown_text``); a SARIF URI percent-encodes the
byte instead (``caf%E9.py``), which resolves to the file. Output is always valid UTF-8.
"""

from __future__ import annotations

import importlib
import re
from typing import Protocol

from fastapi_lint.models import WORKER_CRASHED, JsonValue, Report, RunContext, TargetInfo

FORMATS: tuple[str, ...] = (
    "text",
    "concise",
    "json",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "markdown",
    "html",
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
    "html": "html_report",
}


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False, quiet: bool = False) -> str: ...


_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTES = range(0xDC80, 0xDD00)  # where ``surrogateescape`` puts bytes 0x80-0xFF


def render(report: Report, output_format: str, *, color: bool = False, quiet: bool = False) -> str:
    """Render ``report`` as ``output_format`` (one of :data:`FORMATS`)."""
    return shown_text(get_renderer(output_format)(report, color=color, quiet=quiet))


def shown_text(text: str) -> str:
    """``text`` with each undecodable byte of a file name written ``\xe9`` (any other lone
    surrogate as ``\ud800``): text every output can encode."""
    return _SURROGATE.sub(_escaped, text) if _SURROGATE.search(text) else text


def _escaped(match: re.Match[str]) -> str:
    point = ord(match.group())
    return f"\\x{point - 0xDC00:02x}" if point in _ESCAPED_BYTES else f"\\u{point:04x}"


def shown_json(value: JsonValue) -> JsonValue:
    """A JSON document with ``shown_text`` applied to every string, keys included."""
    if isinstance(value, str):
        return shown_text(value)
    if isinstance(value, list):
        return [shown_json(item) for item in value]
    if isinstance(value, dict):
        return {shown_text(key): shown_json(item) for key, item in value.items()}
    return value


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


# The headline of a run with no finding where not every check ran: never "All checks passed!".
NOT_ALL_CHECKED = "Not all checks ran!"


def incomplete_line(report: Report) -> str | None:
    """Why not every check ran: files a worker process crashed on (they were not checked at
    all), else rules that crashed; None when every check ran."""
    errors = report.internal_errors
    if not errors:
        return None
    crashed = len({error.path for error in errors if error.message == WORKER_CRASHED})
    if crashed:
        files = "1 file" if crashed == 1 else f"{crashed} files"
        return f"{files} not checked: a worker process crashed (details on stderr)"
    count = len(errors)
    return f"{count} internal error{'' if count == 1 else 's'} (details on stderr)"


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


def context_line(report: Report) -> str | None:
    """``4 rules off for this project's target versions: FAPI601-604 (pydantic 1.10.9 from
    pyproject.toml:14); see `fastapi-lint context`.``; None when no rule was switched off."""
    context = report.context
    if context is None or not context.rules_off:
        return None
    codes = {off.code for off in context.rules_off}
    groups = [_off_for(context, package) for package in _packages_off(context)]
    count = f"{len(codes)} rule{'' if len(codes) == 1 else 's'}"
    return (
        f"{count} off for this project's target versions: {', '.join(groups)}; "
        "see `fastapi-lint context`."
    )


def _packages_off(context: RunContext) -> list[str]:
    return list(dict.fromkeys(off.package for off in context.rules_off))


def _off_for(context: RunContext, package: str) -> str:
    codes = sorted({off.code for off in context.rules_off if off.package == package})
    target = context.target(package)
    if target is None:
        return f"{code_ranges(codes)} ({package})"
    return f"{code_ranges(codes)} ({package} {target.version} {_whence(target)})"


def _whence(target: TargetInfo) -> str:
    """``from pyproject.toml:14``; an inference without its explanation, which is long."""
    if target.origin == "inferred":
        return target.source.split("): ", 1)[0] + ")"
    return f"from {target.source}"


def code_ranges(codes: list[str]) -> str:
    """``FAPI601, FAPI602, FAPI603, FAPI509`` -> ``FAPI509, FAPI601-603``."""
    runs: list[list[str]] = []
    for code in sorted(codes):
        if runs and _follows(runs[-1][-1], code):
            runs[-1].append(code)
        else:
            runs.append([code])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}-{run[-1][4:]}" for run in runs)


def _follows(previous: str, code: str) -> bool:
    before, after = previous[4:], code[4:]
    return before.isdigit() and after.isdigit() and int(after) == int(before) + 1
