"""Every default-on rule, on the whole real-code corpus, against its labels.

The labels (tests/precision/labels/<CODE>.csv, see the README beside this file) say
for judged findings whether a senior FastAPI reviewer would leave that comment on that
line. A rule passes when at least 90% of its labelled findings still reported are true
positives, when it still reports at least 95% of the places labelled true positive,
and when at least 20 of its current findings (all, if it has fewer) are labelled.
The corpus is linted once per session (``corpus_runs``); the checks read the table.
"""

from __future__ import annotations

import pytest

import precision
from precision import RuleRow

CODES = precision.default_rules()


@pytest.fixture(scope="module")
def rows(corpus_runs: dict[str, precision.MemberRun]) -> dict[str, RuleRow]:
    findings = precision.all_findings(corpus_runs)
    labels = precision.read_labels()
    return {row.code: row for row in precision.table(CODES, findings, labels)}


def _seen(row: RuleRow) -> str:
    return (
        f"{row.code}: {row.findings} findings, {row.labelled_reported} labelled TP/FP "
        f"reported, {row.tp_reported} TP of {row.tp_labels} kept, {row.fp_left} FP left, "
        f"{row.unlabelled} unlabelled (python scripts/precision.py sample --rule {row.code})"
    )


@pytest.mark.parametrize("code", CODES)
def test_labelled_precision_is_at_least_90_percent(code: str, rows: dict[str, RuleRow]) -> None:
    row = rows[code]
    assert row.precision is None or row.precision >= precision.MIN_PRECISION, _seen(row)


@pytest.mark.parametrize("code", CODES)
def test_at_least_95_percent_of_labelled_true_positives_are_kept(
    code: str, rows: dict[str, RuleRow]
) -> None:
    row = rows[code]
    assert row.tp_kept is None or row.tp_kept >= precision.MIN_TP_KEPT, _seen(row)


@pytest.mark.parametrize("code", CODES)
def test_at_least_20_current_findings_are_labelled(code: str, rows: dict[str, RuleRow]) -> None:
    row = rows[code]
    assert row.labelled_places >= row.labels_needed, _seen(row)
