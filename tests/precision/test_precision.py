"""Every default-on rule, on the whole real-code corpus, against its labels.

The labels (tests/precision/labels/<CODE>.csv, see the README beside this file) say
for judged findings whether a senior FastAPI reviewer would leave that comment on that
line. The target for a rule: at least 90% of its labelled findings still reported are
true positives, it still reports at least 95% of the places labelled true positive, and
at least 20 of its current findings (all, if it has fewer) are labelled.

A rule that does not meet the target yet has a row in ``progress.csv``: its measured
state, which the checks hold it to (a change that makes it worse fails), until it meets
the target; then the row must go, so the file only ever lists the work left.
The corpus is linted once per session (``corpus_runs``); the checks read the table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

import precision
from precision import RuleRow

CODES = precision.default_rules()
PROGRESS = Path(__file__).resolve().parent / "progress.csv"
# Floors are written rounded down to three places.
_SLACK = 0.0005


@dataclass(frozen=True, slots=True)
class Floor:
    """What a rule below the target measured when its row was written."""

    precision: float
    tp_kept: float
    labelled: int


def read_progress(file: Path = PROGRESS) -> dict[str, Floor]:
    with file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: Floor(float(row["precision"]), float(row["tp_kept"]), int(row["labelled"]))
        for row in rows
    }


FLOORS = read_progress()


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


def test_progress_lists_only_default_rules() -> None:
    assert set(FLOORS) <= set(CODES), "progress.csv names a rule that is not on by default"


@pytest.mark.parametrize("code", CODES)
def test_labelled_precision_is_at_least_90_percent(code: str, rows: dict[str, RuleRow]) -> None:
    row, floor = rows[code], FLOORS.get(code)
    needed = precision.MIN_PRECISION if floor is None else floor.precision - _SLACK
    assert row.precision is None or row.precision >= needed, _seen(row)


@pytest.mark.parametrize("code", CODES)
def test_at_least_95_percent_of_labelled_true_positives_are_kept(
    code: str, rows: dict[str, RuleRow]
) -> None:
    row, floor = rows[code], FLOORS.get(code)
    needed = precision.MIN_TP_KEPT if floor is None else floor.tp_kept - _SLACK
    assert row.tp_kept is None or row.tp_kept >= needed, _seen(row)


@pytest.mark.parametrize("code", CODES)
def test_at_least_20_current_findings_are_labelled(code: str, rows: dict[str, RuleRow]) -> None:
    row, floor = rows[code], FLOORS.get(code)
    needed = row.labels_needed if floor is None else min(floor.labelled, row.labels_needed)
    assert row.labelled_places >= needed, _seen(row)


@pytest.mark.parametrize("code", sorted(FLOORS))
def test_a_rule_that_meets_the_target_leaves_progress_csv(
    code: str, rows: dict[str, RuleRow]
) -> None:
    assert not precision.meets_target(rows[code]), f"{code} meets the target: remove its row"
