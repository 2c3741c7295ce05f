"""``# noqa`` comments, applied to findings after the rules have run."""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi_lint.models import Diagnostic

_NOQA = re.compile(
    r"#\s*noqa(?P<colon>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*[,\s]\s*[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
# Syntax errors are never suppressible: there is no trustworthy line to read.
UNSUPPRESSIBLE = frozenset({"FAPI000"})


def suppressed_codes(line: str) -> frozenset[str] | None:
    """Codes a line's ``# noqa`` suppresses; ``frozenset()`` means every code; None, no noqa."""
    if "noqa" not in line.lower():
        return None
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if codes is None:
        return frozenset()
    return frozenset(code.upper() for code in _CODE.findall(codes))


def is_suppressed(diagnostic: Diagnostic) -> bool:
    if diagnostic.code in UNSUPPRESSIBLE:
        return False
    codes = suppressed_codes(diagnostic.source_line)
    if codes is None:
        return False
    return not codes or diagnostic.code in codes


def unsuppressed(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [diagnostic for diagnostic in diagnostics if not is_suppressed(diagnostic)]


def with_noqa(line: str, code: str) -> str | None:
    """``line`` with ``code`` added to its ``# noqa`` list (or a new one); None if suppressed.

    Codes go after the last one already listed, so ``# noqa: E501`` becomes
    ``# noqa: E501, FAPI101`` and the other tools' codes keep working.
    """
    codes = suppressed_codes(line)
    if codes is not None and (not codes or code.upper() in codes):
        return None  # a bare ``# noqa`` or one naming the code already covers it
    match = _NOQA.search(line) if codes is not None else None
    if match is not None:
        end = match.end("codes")
        return f"{line[:end]}, {code}{line[end:]}"
    return f"{line.rstrip()}  # noqa: {code}"
