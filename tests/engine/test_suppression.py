"""``# noqa`` parsing: every documented form, and the forms that must not suppress."""

from __future__ import annotations

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.suppression import is_suppressed, suppressed_codes


def finding(code: str, source_line: str) -> Diagnostic:
    return Diagnostic(code, "n", "f", "error", "m", "x.py", 1, 1, 1, 2, source_line)


@pytest.mark.parametrize(
    "line",
    [
        "time.sleep(1)  # noqa: FAPI101",
        "time.sleep(1)  #noqa:FAPI101",
        "time.sleep(1)  # NOQA : fapi101",
        "time.sleep(1)  # noqa: FAPI201, FAPI101",
        "time.sleep(1)  # noqa: FAPI201,FAPI101",
        "time.sleep(1)  # noqa: FAPI201 FAPI101",
        "time.sleep(1)  # noqa",
        "time.sleep(1)  # noqa -- legacy code, tracked in #42",
        "time.sleep(1)  # type: ignore  # noqa: FAPI101",
    ],
)
def test_noqa_forms_that_suppress_fapi101(line: str) -> None:
    assert is_suppressed(finding("FAPI101", line))


@pytest.mark.parametrize(
    "line",
    [
        "time.sleep(1)",
        "time.sleep(1)  # noqa: FAPI201",
        "time.sleep(1)  # noqa: FAPI1010",
        "time.sleep(1)  # noqa: E501, F401",
        "time.sleep(1)  # no qa",
    ],
)
def test_lines_that_do_not_suppress_fapi101(line: str) -> None:
    assert not is_suppressed(finding("FAPI101", line))


def test_syntax_errors_are_never_suppressed() -> None:
    assert not is_suppressed(finding("FAPI000", "def f(:  # noqa"))


def test_suppressed_codes_distinguishes_bare_from_absent() -> None:
    assert suppressed_codes("x = 1") is None
    assert suppressed_codes("x = 1  # noqa") == frozenset()
    assert suppressed_codes("x = 1  # noqa: fapi101,FAPI202") == {"FAPI101", "FAPI202"}
