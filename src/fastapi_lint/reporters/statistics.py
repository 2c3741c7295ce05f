"""``--statistics``: how many findings each rule has, most frequent first, as ruff shows it.

Text, one line per code (count, code, ``[*]`` when some are fixable, name, and how many
of them are fixable when not all are), then the ``--fix`` hint::

    4  FAPI101  [*] blocking-call-in-async-function (1 of 4 fixable)
    1  FAPI302  [ ] dict-response
    1  FAPI401  [*] superfluous-else
    [*] 2 fixable with `--fix`.

and the same as JSON (a list of ``code``, ``name``, ``count``, ``fixable`` objects, where
``fixable`` counts the findings with a fix, safe or unsafe) for ``--output-format json``.
A report without findings renders as ``""`` in text (like ruff) and ``[]`` in JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from fastapi_lint.models import Diagnostic, JsonObject, Report
from fastapi_lint.reporters import fix_hint


@dataclass(frozen=True, slots=True)
class CodeStatistics:
    code: str
    name: str
    count: int
    fixable: int

    def to_dict(self) -> JsonObject:
        return {"code": self.code, "name": self.name, "count": self.count, "fixable": self.fixable}


def statistics(report: Report) -> list[CodeStatistics]:
    """One entry per code with findings: most findings first, then by code."""
    groups: dict[str, list[Diagnostic]] = {}
    for diagnostic in report.diagnostics:
        groups.setdefault(diagnostic.code, []).append(diagnostic)
    entries = [_entry(code, found) for code, found in groups.items()]
    return sorted(entries, key=lambda entry: (-entry.count, entry.code))


def render_statistics(report: Report) -> str:
    """The text form: aligned columns, then the ``--fix`` hint when anything is fixable."""
    entries = statistics(report)
    if not entries:
        return ""
    lines = _lines(entries)
    hint = fix_hint(report)
    if hint is not None:
        lines.append(hint)
    return "".join(f"{line}\n" for line in lines)


def render_statistics_json(report: Report) -> str:
    """The JSON form, a list ordered as the text form."""
    return json.dumps([entry.to_dict() for entry in statistics(report)], indent=2) + "\n"


def _entry(code: str, found: list[Diagnostic]) -> CodeStatistics:
    fixable = sum(1 for diagnostic in found if diagnostic.fix is not None)
    return CodeStatistics(code, found[0].name, len(found), fixable)


def _lines(entries: Iterable[CodeStatistics]) -> list[str]:
    rows = list(entries)
    count_width = max(len(str(entry.count)) for entry in rows)
    code_width = max(len(entry.code) for entry in rows)
    return [_line(entry, count_width, code_width) for entry in rows]


def _line(entry: CodeStatistics, count_width: int, code_width: int) -> str:
    marker = "[*]" if entry.fixable else "[ ]"
    partly = 0 < entry.fixable < entry.count
    share = f" ({entry.fixable} of {entry.count} fixable)" if partly else ""
    return f"{entry.count:>{count_width}}  {entry.code:<{code_width}}  {marker} {entry.name}{share}"
