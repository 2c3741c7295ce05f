"""A constraint reduces to the oldest release it allows, or to a ceiling read as "below"."""

from __future__ import annotations

import pytest
from packaging.version import Version

from fastapi_lint.context._constraints import (
    Bound,
    just_below,
    pep440_bound,
    poetry_bound,
)


@pytest.mark.parametrize(
    ("specifier", "lowest", "exact"),
    [
        (">=1.8,<2", "1.8", False),
        ("<2,>=1.8", "1.8", False),
        ("~=2.0", "2.0", False),
        ("==1.10.2", "1.10.2", True),
        ("==1.10.*", "1.10", False),
        (">=1.8,!=1.9,>=1.8.2", "1.8.2", False),
        (">0.94", "0.94", False),
        ("===1.0", "1.0", True),
    ],
)
def test_a_pep440_range_targets_its_lowest_allowed_version(
    specifier: str, lowest: str, exact: bool
) -> None:
    bound = pep440_bound(specifier)
    assert bound is not None
    assert bound.lowest == Version(lowest)
    assert bound.exact is exact


def test_an_upper_bound_alone_is_kept_as_a_ceiling_read_as_the_major_below() -> None:
    bound = pep440_bound("<2")
    assert bound == Bound(ceiling=Version("2"))
    assert bound.describe() == "1.x"
    assert bound.representative() == Version("1.999999")


def test_an_inclusive_or_minor_ceiling_is_shown_as_written() -> None:
    inclusive, minor = pep440_bound("<=1.10"), pep440_bound("<0.100")
    assert inclusive is not None and minor is not None
    assert inclusive.describe() == "<=1.10"
    assert inclusive.representative() == Version("1.10")
    assert minor.describe() == "<0.100"


@pytest.mark.parametrize("text", ["", "*", "not a specifier"])
def test_no_version_or_garbage_is_not_a_bound(text: str) -> None:
    bound = pep440_bound(text)
    assert bound is None or bound.is_empty


@pytest.mark.parametrize(
    ("ceiling", "below"),
    [
        ("2", "1.999999"),
        ("0.100", "0.99.999999"),
        ("1.10.0", "1.9.999999"),
        ("2.0.1", "2.0.0.999999"),
    ],
)
def test_just_below_a_ceiling(ceiling: str, below: str) -> None:
    assert just_below(Version(ceiling)) == Version(below)
    assert just_below(Version(ceiling)) < Version(ceiling)


@pytest.mark.parametrize(
    ("constraint", "lowest", "ceiling"),
    [
        ("^1.10", "1.10", "2"),
        ("^1.2.3", "1.2.3", "2.0.0"),
        ("^0.79", "0.79", "0.80"),
        ("^0.0.3", "0.0.3", "0.0.4"),
        ("^0", "0", "1"),
        ("~1.10", "1.10", "1.11"),
        ("~1", "1", "2"),
        ("~1.4.46", "1.4.46", "1.5"),
        ("~=2.0", "2.0", None),
        (">= 1.8, < 2", "1.8", "2"),
        (">=1.8 <2", "1.8", "2"),
        ("1.10.2", "1.10.2", None),
        ("1.10.*", "1.10", None),
    ],
)
def test_poetry_constraints_follow_poetrys_rules(
    constraint: str, lowest: str, ceiling: str | None
) -> None:
    bound = poetry_bound(constraint)
    assert bound is not None
    assert bound.lowest == Version(lowest)
    assert bound.ceiling == (Version(ceiling) if ceiling else None)


def test_a_bare_poetry_version_is_a_pin() -> None:
    assert poetry_bound("1.10.2") == Bound(lowest=Version("1.10.2"), exact=True)


@pytest.mark.parametrize("constraint", ["^2.0 || ^1.10", "^3.12 | ^3.11 | ^1.10"])
def test_poetry_alternatives_target_the_oldest(constraint: str) -> None:
    bound = poetry_bound(constraint)
    assert bound is not None
    assert bound.lowest == Version("1.10")


def test_poetry_star_and_any_alternative_mean_no_version() -> None:
    assert poetry_bound("*") == Bound()
    assert poetry_bound("^1.10 || *") == Bound()


def test_unreadable_poetry_constraints_are_rejected() -> None:
    assert poetry_bound("^banana") is None
    assert poetry_bound(">=1 || ~x") is None
