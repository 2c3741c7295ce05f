"""docs/rules/ is generated from the rules and committed; these tests keep it honest."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from pathlib import Path

import pytest

from fastapi_lint import docs_gen
from fastapi_lint.config import load_config
from fastapi_lint.docs_gen import generate, main, page_name, stale_files
from fastapi_lint.options import RuleOptions
from fastapi_lint.peers import PEERS
from fastapi_lint.registry import all_rules
from fastapi_lint.rule import Rule

PROJECT = Path(__file__).resolve().parents[2]
DOCS = PROJECT / "docs" / "rules"
REGENERATE = "Regenerate them from the repository root: python -m fastapi_lint.docs_gen"


def _folder(directory: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in directory.glob("*.md")}


def test_committed_docs_are_what_the_rules_generate(tmp_path: Path) -> None:
    assert main(["--output", str(tmp_path)]) == 0
    fresh, committed = _folder(tmp_path), _folder(DOCS)
    stale = sorted(
        name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name)
    )
    assert not stale, f"docs/rules/ is out of date ({', '.join(stale)}). {REGENERATE}"


def test_generation_is_deterministic() -> None:
    """Same rules, same files: whatever order the rules come in, and on every run."""
    rules = all_rules()
    assert generate(rules) == generate(tuple(reversed(rules)))


def test_check_mode_names_stale_and_extra_files_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--output", str(tmp_path)]) == 0
    assert main(["--check", "--output", str(tmp_path)]) == 0
    page = tmp_path / page_name(all_rules()[1])
    page.write_text(page.read_text() + "hand edit\n")
    (tmp_path / "old-rule-name.md").write_text("# renamed\n")
    capsys.readouterr()
    assert main(["--check", "--output", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert (
        page.name in err and "old-rule-name.md" in err and "python -m fastapi_lint.docs_gen" in err
    )
    main(["--output", str(tmp_path)])
    assert not (tmp_path / "old-rule-name.md").exists()
    assert stale_files(tmp_path, generate(all_rules())) == []


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_each_page_has_every_docstring_section(rule: type[Rule]) -> None:
    page = generate([rule])[page_name(rule)]
    assert page.startswith("<!-- Generated") and f"# {rule.name} ({rule.code})\n" in page
    headings = re.findall(r"^## (.+)$", page, re.M)
    expected = [title for title, body in rule.doc_sections().items() if body]
    assert sorted(headings) == sorted([*expected, "Peer equivalents"])
    assert not rule.fixable or "Fix safety" in headings


def test_index_links_every_rule_to_its_page() -> None:
    pages = generate(all_rules())
    links = re.findall(r"^\| \[(FAPI\d{3})\]\(([^)]+)\)", pages[docs_gen.INDEX], re.M)
    assert [code for code, _ in links] == [rule.code for rule in all_rules()]
    assert all(target in pages for _, target in links)


def test_every_rule_has_a_peer_entry() -> None:
    """Fails until peers.PEERS has a line for each rule: the peer column must stay complete."""
    missing = [rule.code for rule in all_rules() if rule.code not in PEERS]
    assert not missing, f"add these codes to src/fastapi_lint/peers.py: {', '.join(missing)}"


def test_peers_names_only_existing_rules() -> None:
    assert set(PEERS) <= {rule.code for rule in all_rules()}


def _table_rows(markdown: str) -> list[list[str]]:
    """The cells of every table row, split on the pipes that are not escaped."""
    rows = [re.split(r"(?<!\\)\|", line)[1:-1] for line in markdown.splitlines()]
    return [[cell.strip() for cell in row] for row in rows if row]


def test_readme_peer_column_agrees_with_peers() -> None:
    """While the README's rule table has a peer column, it says what peers.py says."""
    rows = _table_rows((PROJECT / "README.md").read_text(encoding="utf-8"))
    header = next(row for row in rows if row[:2] == ["code", "name"] and "peer" in row)
    column = header.index("peer")
    peers = {row[0]: row[column] for row in rows if re.fullmatch(r"FAPI\d{3}", row[0])}
    assert peers, "the README rule table has no rows"
    wrong = {
        code: (peer, PEERS.get(code)) for code, peer in peers.items() if PEERS.get(code) != peer
    }
    assert not wrong, f"(README, src/fastapi_lint/peers.py) peers differ: {wrong}"


def _options_read(rule: type[Rule]) -> set[str]:
    """The settings the rule's module reads as ``options.<field>``."""
    source = inspect.getsource(importlib.import_module(rule.__module__))
    names = {field.name for field in dataclasses.fields(RuleOptions)} - {"project_root"}
    return {
        name.replace("_", "-") for name in re.findall(r"\boptions\.(\w+)", source) if name in names
    }


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_the_options_a_rule_reads_are_in_its_options_section(rule: type[Rule]) -> None:
    missing = _options_read(rule) - set(docs_gen.documented_options(rule))
    assert not missing, f"{rule.code}: name {sorted(missing)} in the docstring's ## Options"


@pytest.mark.parametrize(
    "rule",
    [rule for rule in all_rules() if docs_gen.documented_options(rule)],
    ids=lambda rule: rule.code,
)
def test_option_defaults_on_a_page_load_as_the_defaults(rule: type[Rule], tmp_path: Path) -> None:
    """The page's TOML block is a valid configuration that changes nothing."""
    page = generate([rule])[page_name(rule)]
    block = re.search(r"```toml\n(.*?)```", page, re.S)
    assert block, page
    (tmp_path / "pyproject.toml").write_text(block.group(1))
    options = load_config(tmp_path).options
    assert options == RuleOptions()
