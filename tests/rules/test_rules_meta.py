"""Every rule: its VALID/INVALID examples hold, its docs are complete, its fixture matches.

Parametrized over the registry, so a new rule file is tested the moment it exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fastapi_lint import registry
from fastapi_lint.reporters import render
from fastapi_lint.rule import DOC_SECTIONS, Invalid, Rule
from fastapi_lint.runner.report import build_report
from fastapi_lint.runner.single_file import lint_source

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rules"
RULES = registry.all_rules()
CHECKED_RULES = [rule for rule in RULES if rule.code != "FAPI000"]


def _module_name(rule: type[Rule]) -> str:
    return rule.__module__.rpartition(".")[2]


def _examples(kind: str) -> list[tuple[type[Rule], int]]:
    return [(rule, i) for rule in RULES for i in range(len(getattr(rule, kind)))]


def _example_id(value: object) -> str:
    return value.code if isinstance(value, type) else str(value)


@pytest.mark.parametrize(("rule", "index"), _examples("VALID"), ids=_example_id)
def test_valid_example_has_no_finding(rule: type[Rule], index: int) -> None:
    example = rule.VALID[index]
    found = [d for d in lint_source(example.code, example.path, (rule,)).diagnostics]
    assert found == [], f"{rule.code} flagged its VALID example #{index}:\n{example.code}"


def _check_invalid(rule: type[Rule], example: Invalid) -> None:
    found = lint_source(example.code, example.path, (rule,)).diagnostics
    assert found, f"{rule.code} missed its INVALID example:\n{example.code}"
    first = found[0]
    assert first.code == rule.code
    if example.line is not None:
        assert first.line == example.line
    if example.column is not None:
        assert first.column == example.column
    if example.message_contains is not None:
        assert example.message_contains in first.message


@pytest.mark.parametrize(("rule", "index"), _examples("INVALID"), ids=_example_id)
def test_invalid_example_is_flagged_where_it_says(rule: type[Rule], index: int) -> None:
    _check_invalid(rule, rule.INVALID[index])


def test_codes_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"FAPI\d{3}", code) for code in codes)


@pytest.mark.parametrize("rule", RULES, ids=_example_id)
def test_rule_is_named_after_its_file_in_kebab_case(rule: type[Rule]) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert _module_name(rule) == rule.name.replace("-", "_")


@pytest.mark.parametrize("rule", RULES, ids=_example_id)
def test_rule_docs_have_every_section(rule: type[Rule]) -> None:
    sections = rule.doc_sections()
    missing = [title for title in DOC_SECTIONS if not sections.get(title)]
    assert not missing, f"{rule.code} docs lack sections: {missing}"
    assert rule.family and rule.message


@pytest.mark.parametrize("rule", RULES, ids=_example_id)
def test_rule_has_valid_and_invalid_examples(rule: type[Rule]) -> None:
    assert rule.VALID and rule.INVALID


def _fixture_files(rule: type[Rule]) -> list[Path]:
    return sorted((FIXTURES / _module_name(rule)).glob("*.py"))


@pytest.mark.parametrize("rule", CHECKED_RULES, ids=_example_id)
def test_rule_has_a_fixture_with_errors_and_ok_sections(rule: type[Rule]) -> None:
    files = _fixture_files(rule)
    assert files, f"missing fixtures/rules/{_module_name(rule)}/*.py"
    for file in files:
        text = file.read_text()
        assert "# Errors" in text and "# OK" in text, f"{file} needs # Errors and # OK sections"


def _ok_section_start(text: str) -> int:
    return text[: text.index("# OK")].count("\n") + 1


@pytest.mark.parametrize("rule", CHECKED_RULES, ids=_example_id)
def test_fixture_findings_fall_in_errors_section_and_match_snapshot(
    rule: type[Rule], snapshot: object
) -> None:
    for file in _fixture_files(rule):
        text = file.read_text()
        result = lint_source(text, file.name, (rule,))
        ok_from = _ok_section_start(text)
        assert result.diagnostics, f"{file}: the # Errors section produced no finding"
        stray = [d for d in result.diagnostics if d.line > ok_from]
        assert not stray, f"{file}: findings in the # OK section: {stray}"
        report = build_report([result], [rule.info()])
        snapshot.snapshot_dir = file.parent  # type: ignore[attr-defined]
        snapshot.assert_match(  # type: ignore[attr-defined]
            render(report, "concise"), f"{file.stem}.snap"
        )


FIXABLE_RULES = [rule for rule in RULES if rule.fixable]


@pytest.mark.parametrize("rule", FIXABLE_RULES, ids=_example_id)
def test_fixable_rule_docs_say_when_its_fix_is_safe(rule: type[Rule]) -> None:
    """Only rules with a fix need the section; the before/after pairs are in test_fixes.py."""
    assert rule.doc_sections().get("Fix safety"), f"{rule.code} is fixable: add ## Fix safety"
