"""The table of codes and families that configuration is checked against, without the rules."""

from __future__ import annotations

import pytest

from fastapi_lint import rule_codes
from fastapi_lint.registry import all_rules


def test_the_table_names_every_rule_with_its_family_and_nothing_else():
    from_rules = {rule.code: rule.family for rule in all_rules()}
    missing = sorted(from_rules.items() - rule_codes.CODES.items())
    stale = sorted(rule_codes.CODES.items() - from_rules.items())
    assert not missing, f"add to rule_codes.CODES: {missing}"
    assert not stale, f"remove from rule_codes.CODES: {stale}"


@pytest.mark.parametrize(
    "selector", ["ALL", "all", "FAPI", "FAPI1", "fapi101", "async", " FAPI101 "]
)
def test_selectors_that_name_rules_pass(selector):
    rule_codes.validate([selector], setting="select")


@pytest.mark.parametrize("selector", ["FAPI9999", "E501", "asyncio", ""])
def test_a_selector_naming_no_rule_is_refused_with_the_setting_and_the_families(selector):
    with pytest.raises(rule_codes.SelectionError) as raised:
        rule_codes.validate([selector], setting="extend-select")
    assert str(raised.value).startswith(f"extend-select: unknown rule selector {selector!r}")
    assert "async" in str(raised.value)
