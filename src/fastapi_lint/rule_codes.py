"""Every rule's code and family, known without importing the rules (nor LibCST).

Configuration names rules by code, prefix or family, and is checked before anything is
linted; a run answered whole from the cache (``snapshot``) must not pay for importing
the rules just to check those names. The table is kept equal to the rules themselves
by a test of the registry, which says what to add when a rule is new.
"""

from __future__ import annotations

from collections.abc import Iterable

ALL = "ALL"
EXACT_CODE = 100

CODES: dict[str, str] = {
    "FAPI000": "syntax",
    "FAPI101": "async",
    "FAPI102": "async",
    "FAPI103": "async",
    "FAPI104": "async",
    "FAPI201": "typing",
    "FAPI202": "typing",
    "FAPI301": "models",
    "FAPI302": "models",
    "FAPI303": "models",
    "FAPI401": "structure",
    "FAPI402": "structure",
    "FAPI403": "structure",
    "FAPI404": "structure",
    "FAPI405": "structure",
    "FAPI501": "fastapi",
    "FAPI502": "fastapi",
    "FAPI503": "fastapi",
    "FAPI504": "fastapi",
    "FAPI505": "fastapi",
    "FAPI506": "fastapi",
    "FAPI507": "fastapi",
    "FAPI508": "fastapi",
    "FAPI509": "fastapi",
    "FAPI510": "fastapi",
    "FAPI511": "fastapi",
    "FAPI601": "pydantic",
    "FAPI602": "pydantic",
    "FAPI603": "pydantic",
    "FAPI604": "pydantic",
    "FAPI701": "data",
    "FAPI702": "data",
    "FAPI703": "data",
    "FAPI801": "security",
    "FAPI802": "security",
    "FAPI803": "security",
    "FAPI804": "security",
    "FAPI805": "security",
    "FAPI806": "security",
    "FAPI901": "ops",
    "FAPI902": "ops",
    "FAPI903": "ops",
    "FAPI904": "ops",
    "FAPI905": "ops",
    "FAPI906": "ops",
    "FAPI907": "ops",
    "FAPI908": "ops",
}
"""Code to family, for every rule."""


class SelectionError(ValueError):
    """A selector that names no rule, code prefix or family."""


def families() -> tuple[str, ...]:
    return tuple(sorted(set(CODES.values())))


def specificity(selector: str, code: str, family: str) -> int | None:
    """How precisely ``selector`` names the rule ``code`` (higher wins), or None if not."""
    text = selector.strip()
    if text.upper() == ALL:
        return 0
    if text.lower() == family:
        return 1
    if text.upper() == code:
        return EXACT_CODE
    if text.upper().startswith("FAPI") and code.startswith(text.upper()):
        return len(text)
    return None


def validate(selectors: Iterable[str], *, setting: str) -> None:
    """Raise SelectionError, naming ``setting``, for a selector that names no rule."""
    for selector in selectors:
        if not any(specificity(selector, *rule) is not None for rule in CODES.items()):
            raise SelectionError(
                f"{setting}: unknown rule selector {selector!r} "
                f"(expected ALL, a code such as FAPI101, a code prefix such as FAPI1, "
                f"or a family: {', '.join(families())})"
            )
