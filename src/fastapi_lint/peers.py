"""What other tools have for each rule: the peer equivalents shown in the rule docs.

One entry per rule code, in the README's notation: ``= tool CODES`` when the findings were
compared one by one with the peer tool's on the corpus and were identical, ``tool CODES``
when the peer covers part of it, ``new`` when no peer tool has the check, and an empty
string when there is nothing to compare. The generated docs (``python -m
fastapi_lint.docs_gen``) read it, and tests/docs/test_rule_docs.py fails while a rule has no
entry, so the table stays complete.
"""

from __future__ import annotations

from typing import Final

PEERS: Final[dict[str, str]] = {
    "FAPI000": "",
    "FAPI101": "ruff ASYNC210/212/220/221/222/230/251 (all of theirs, and more)",
    "FAPI102": "new (ruff and flake8-async see one function at a time)",
    "FAPI103": "new",
    "FAPI104": "new",
    "FAPI201": "= ruff ANN001/002/003",
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
