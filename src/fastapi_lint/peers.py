"""What other tools have for each rule: the peer equivalents shown in the rule docs.

One entry per rule code, in the README's notation: ``= tool CODES`` when the findings were
compared one by one with the peer tool's on the corpus and were identical, ``tool CODES``
when the peer covers part of it, ``new`` when no peer tool has the check, and an empty
string when there is nothing to compare. The generated docs (``python -m
fastapi_lint.docs_gen``) read it, and tests/docs/test_rule_docs.py fails while a rule has no
entry, so the table stays complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

PEERS: Final[dict[str, str]] = {
    "FAPI000": "",
    "FAPI101": "ruff ASYNC210/212/220/221/222/230/251 (all of theirs, and more)",
    "FAPI102": "new (ruff and flake8-async see one function at a time)",
    "FAPI103": "new",
    "FAPI104": "new",
    "FAPI201": "= ruff ANN001/002/003 (with `strict`)",
    "FAPI202": "= ruff ANN201/202/204/205/206",
    "FAPI301": "new",
    "FAPI302": "new",
    "FAPI303": "new",
    "FAPI401": "= ruff RET505-508",
    "FAPI402": "new",
    "FAPI403": "new",
    "FAPI404": "new",
    "FAPI405": "= radon cc",
    "FAPI501": "= ruff FAST002 (all of theirs: 774 of 774 on the corpus, and 590 more: unannotated, outside routes, positional-only, via variables)",
    "FAPI502": "= ruff FAST003 (all of theirs), and quiet where FAST003 is wrong (#16795, #21075, `Depends` in a variable, sub-dependencies, bare `Depends()`, `dependencies=[...]`, `Path(alias=)`)",
    "FAPI503": "= ruff FAST001 (all of theirs, and more)",
    "FAPI504": "new",
    "FAPI505": "new",
    "FAPI506": "new",
    "FAPI507": "new",
    "FAPI508": "flake8-fastapi CF001 (on FastAPI apps/routers), plus single-method `api_route`",
    "FAPI509": "new",
    "FAPI510": "new",
    "FAPI511": "flake8-fastapi CF011 (related, broader)",
    "FAPI601": "new",
    "FAPI602": "new",
    "FAPI603": "new",
    "FAPI604": "new",
    "FAPI701": "new",
    "FAPI702": "new",
    "FAPI703": "new",
    "FAPI801": "semgrep `wildcard-cors` (all of its shape), plus `Middleware(...)`, regexes and severity by credentials",
    "FAPI802": "narrower than ruff S105/S106/S107: ruff reports 52 on the corpus, 8 also ours, its other 44 all false positives; ours adds 4",
    "FAPI803": "semgrep `unverified-jwt-decode` + `jwt-python-none-alg`, Sonar; adds the missing-algorithms check",
    "FAPI804": "narrower than ruff S608: ruff reports 54, ours 35 at the place the SQL runs; ruff's extra are migrations, values that cannot carry SQL, strings that never reach a sink",
    "FAPI805": "new (ruff S201 covers Flask only)",
    "FAPI806": "new",
    "FAPI901": "ruff T201 (all of theirs outside `script-modules`)",
    "FAPI902": "new",
    "FAPI903": "= ruff TRY002",
    "FAPI904": "new",
    "FAPI905": "= ruff S110 + S112",
    "FAPI906": "new",
    "FAPI907": "ruff N999 (its file-name findings, and outside packages too)",
    "FAPI908": "= ruff RUF006 (all of theirs: 13 of 13, and 2 more via `asyncio.tasks.create_task`)",
}


@dataclass(frozen=True, slots=True)
class PeerSuppression:
    """The comments of other tools that accept a finding of one rule where they stand.

    A project that wrote ``# noqa: C901`` on a function decided its complexity is fine;
    asking again under another code would be noise. ``noqa`` holds ruff and flake8 codes
    (``# noqa: CODE`` on the line, ``# ruff: noqa: CODE`` or ``# flake8: noqa: CODE`` on
    a line of its own for the whole file, where a bare ``# ruff: noqa`` names them all);
    ``pylint`` holds message names and ids (``# pylint: disable=NAME``: on the line, or
    on a line of its own for the rest of its block, or the rest of the file at the top
    level); ``mypy`` means the project's opt-outs of type checking count: a ``# type:
    ignore`` on the line (bare or with ``[no-untyped-def]``), a ``# type: ignore`` above
    a file's first statement or ``# mypy: ignore-errors``, and ``@typing.no_type_check``.
    """

    noqa: tuple[str, ...] = ()
    # (message name, message id) pairs: pylint accepts either.
    pylint: tuple[tuple[str, str], ...] = ()
    mypy: bool = False


# Each peer code means the same finding as the rule (checked against the peer's docs),
# not merely a related one: RET505-508 are the four exits of FAPI401; C901 and pylint's
# too-many-branches both measure branching; too-many-statements measures length. BLE001
# and the broad-except messages mark a handler the project reviewed and kept catching
# everything, which is the decision FAPI905 asks for.
PEER_SUPPRESSIONS: Final[dict[str, PeerSuppression]] = {
    "FAPI101": PeerSuppression(
        noqa=("ASYNC210", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC230", "ASYNC251")
    ),
    "FAPI201": PeerSuppression(noqa=("ANN001", "ANN002", "ANN003"), mypy=True),
    "FAPI202": PeerSuppression(noqa=("ANN201", "ANN202", "ANN204", "ANN205", "ANN206"), mypy=True),
    "FAPI401": PeerSuppression(
        noqa=("RET505", "RET506", "RET507", "RET508"),
        pylint=(
            ("no-else-return", "R1705"),
            ("no-else-raise", "R1720"),
            ("no-else-break", "R1723"),
            ("no-else-continue", "R1724"),
        ),
    ),
    "FAPI403": PeerSuppression(noqa=("PLR1702",), pylint=(("too-many-nested-blocks", "R1702"),)),
    "FAPI404": PeerSuppression(noqa=("PLR0915",), pylint=(("too-many-statements", "R0915"),)),
    "FAPI405": PeerSuppression(noqa=("C901", "PLR0912"), pylint=(("too-many-branches", "R0912"),)),
    "FAPI501": PeerSuppression(noqa=("FAST002",)),
    "FAPI502": PeerSuppression(noqa=("FAST003",)),
    "FAPI503": PeerSuppression(noqa=("FAST001",)),
    "FAPI802": PeerSuppression(noqa=("S105", "S106", "S107")),
    "FAPI804": PeerSuppression(noqa=("S608",)),
    "FAPI901": PeerSuppression(noqa=("T201",)),
    "FAPI903": PeerSuppression(noqa=("TRY002",), pylint=(("broad-exception-raised", "W0719"),)),
    "FAPI905": PeerSuppression(
        noqa=("S110", "S112", "BLE001", "E722"),
        pylint=(
            ("broad-except", "W0703"),
            ("broad-exception-caught", "W0718"),
            ("bare-except", "W0702"),
        ),
    ),
    "FAPI907": PeerSuppression(noqa=("N999",)),
    "FAPI908": PeerSuppression(noqa=("RUF006",)),
}


def peer_suppression_text(code: str) -> str:
    """The comments that suppress ``code`` besides its own ``# noqa``, for its docs page."""
    peer = PEER_SUPPRESSIONS.get(code)
    if peer is None:
        return ""
    parts = [f"`# noqa: {item}`" for item in peer.noqa]
    parts += [f"`# pylint: disable={name}` ({number})" for name, number in peer.pylint]
    if peer.mypy:
        parts.append("`# type: ignore` on the line, on top of the file, `@typing.no_type_check`")
    return ", ".join(parts)
