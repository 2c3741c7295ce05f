"""The README documents every rule and the commands it promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fastapi_lint.registry import all_rules
from fastapi_lint.rule import Rule

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
TABLE = README[README.index("<!-- rules-table") : README.index("<!-- end rules-table -->")]


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_readme_rule_table_has_a_row_for_every_rule(rule: type[Rule]) -> None:
    pattern = rf"^\| {rule.code} \| `{rule.name}` \| {rule.family} \| (on|off) \|"
    row = re.search(pattern, TABLE, re.M)
    assert row, f"README rules table lacks {rule.code} {rule.name}"
    assert row.group(1) == ("on" if rule.default_enabled else "off")


def test_readme_rule_table_lists_no_rule_that_does_not_exist() -> None:
    codes = set(re.findall(r"^\| (FAPI\d{3}) \|", TABLE, re.M))
    assert codes == {rule.code for rule in all_rules()}


def test_quick_start_is_two_commands_one_linting_the_sample_app() -> None:
    quick_start = README[README.index("## Quick start") : README.index("## Usage")]
    commands = re.findall(r"```sh\n(.+?)\n```", quick_start, re.S)
    assert len(commands) == 2 and all("\n" not in command for command in commands)
    assert "fastapi-lint check fixtures/sample_app" in commands[0]
    assert "pytest" in commands[1]


def test_installed_version_is_the_package_version() -> None:
    from importlib.metadata import version

    import fastapi_lint

    assert version("fastapi-lint") == fastapi_lint.__version__
