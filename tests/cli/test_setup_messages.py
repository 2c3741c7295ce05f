"""What a new user reads first: the rule list, a run that lints nothing, a new baseline."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint import registry
from fastapi_lint.cli import cli
from fastapi_lint.cli.rules import listing_summary

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_rule_list_fits_a_100_column_terminal() -> None:
    code, out, _ = run("rules")
    lines = out.splitlines()
    assert code == 0 and max(len(line) for line in lines) <= 100
    for rule in registry.all_rules():
        assert any(line.startswith(f"{rule.code}  {rule.name} ") for line in lines), rule.code


def test_a_bulleted_summary_keeps_its_bullets_one_per_line() -> None:
    out = run("rules")[1]
    block = out[out.index("FAPI802") : out.index("FAPI803")].splitlines()
    bullets = [line.strip() for line in block if line.lstrip().startswith("- ")]
    assert len(bullets) == 4, block
    assert bullets[0].startswith("- assigned to a variable or attribute")
    # Wrapped continuation lines hang under the bullet's text, not under the dash.
    continued = block[block.index(next(b for b in block if "- assigned" in b)) + 1]
    assert continued.startswith(" " * 11) and not continued.lstrip().startswith("-")


def test_a_summary_without_a_list_is_its_first_sentence() -> None:
    rule = registry.rule_by_code("FAPI201")
    assert rule is not None
    summary = listing_summary(rule)
    assert len(summary) == 1 and summary[0].endswith("shown in the summary.")


def test_rule_code_keeps_the_full_text_the_list_leaves_out() -> None:
    listing = run("rules")[1]
    page = " ".join(run("rule", "FAPI802")[1].split())
    assert "Dictionary entries and comparisons are never reported, nor" in page
    assert "Dictionary entries" not in listing


def test_a_path_without_python_files_says_nothing_was_linted(project: Path) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# docs\n")
    code, out, err = run("check", "docs")
    assert code == 0
    assert "All checks passed" not in out and "No files checked." in out
    assert "warning: no Python files to lint in docs" in err and "nothing was checked" in err


def test_files_all_excluded_say_so_too(project: Path) -> None:
    (project / "build").mkdir()
    (project / "build" / "gen.py").write_text(BLOCKING)
    code, out, err = run("check", "--force-exclude", "--output-format", "concise", "build/gen.py")
    assert (code, out) == (0, "No files checked.\n")
    assert "nothing was checked" in err


def test_a_run_that_lints_files_gives_no_such_warning(project: Path) -> None:
    (project / "app.py").write_text(BLOCKING)
    code, _, err = run("check", ".")
    assert code == 1 and "nothing was checked" not in err


def test_write_baseline_does_not_claim_all_checks_passed(project: Path) -> None:
    (project / "app.py").write_text(BLOCKING)
    code, out, err = run("check", "--write-baseline", "baseline.json", ".")
    assert code == 0 and "recorded 1 finding in baseline.json" in err
    assert "All checks passed" not in out + err
    # The recorded file then hides the finding, and that run says what it hid.
    code, out, _ = run("check", "--baseline", "baseline.json", ".")
    assert code == 0 and "1 finding hidden by the baseline." in out


def test_write_baseline_still_writes_machine_formats(project: Path) -> None:
    (project / "app.py").write_text(BLOCKING)
    code, out, _ = run("check", "--write-baseline", "b.json", "--output-format", "json", ".")
    assert code == 0 and '"baselined": 1' in out
