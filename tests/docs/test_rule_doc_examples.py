"""Every rule's own docs are right about it: its "Example" is flagged, its "Use instead" is clean.

A rule page that shows code the rule does not flag, or a fix that another rule then
flags (a `= Depends(...)` default in a "Use instead", say), teaches the wrong thing.
Each ```` ```python ```` block of the two sections is linted the way a user would lint it:
written into a fresh project (one that targets current FastAPI, Pydantic, SQLAlchemy and
Python, so that no rule is off for old versions) and checked by the command line with
the default rules plus the rule itself (opt-in rules included).

- The "Example" code parses (FAPI000 is the exception: its example is the syntax error)
  and the rule reports it at least once.
- Every "Use instead" block parses and no rule reports anything in it.

The docs' conventions, which the test follows:
- A block is one file, ``app/example.py``, unless a comment line names a file
  (``# app/services/orders.py``, optionally followed by a comma and a remark): the
  code from there to the next such line is that file.
- ``router`` and ``app`` are an ``APIRouter()`` and a ``FastAPI()`` unless the block
  defines them: a block that uses one without defining it gets the two-line definition
  (and its import) put in front.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import cli
from fastapi_lint.registry import all_rules
from fastapi_lint.rule import Rule

_FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)
_FILE_HEADER = re.compile(r"#\s*(?P<path>(?:[\w.-]+/)*[\w-]+\.py)(?:\s*,.*)?")
_DEFAULT_FILE = "app/example.py"
_PYPROJECT = """\
[project]
name = "docs-example"
version = "1.0"
requires-python = ">=3.11"
dependencies = ["fastapi>=0.115", "pydantic>=2.7", "sqlalchemy>=2.0"]
"""
_PRELUDES = {
    "router": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n",
    "app": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n",
}
_SYNTAX = "FAPI000"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"


def code_blocks(rule: type[Rule], section: str) -> list[str]:
    return _FENCE.findall(rule.doc_sections().get(section, ""))


def files_of(block: str) -> dict[str, str]:
    """The files a block shows: split on comment lines that name a ``.py`` file."""
    files: dict[str, list[str]] = {}
    name, lines = _DEFAULT_FILE, list[str]()
    for line in block.splitlines():
        header = _FILE_HEADER.fullmatch(line.strip()) if line.startswith("#") else None
        if header is not None:
            if any(text.strip() for text in lines):
                files[name] = lines
            name, lines = header["path"], list[str]()
        else:
            lines.append(line)
    if any(text.strip() for text in lines) or not files:
        files[name] = lines
    return {path: with_prelude("\n".join(lines) + "\n") for path, lines in files.items()}


def with_prelude(text: str) -> str:
    """``router = APIRouter()`` / ``app = FastAPI()`` in front, when used but not defined."""
    for name, prelude in _PRELUDES.items():
        used = re.search(rf"^@{name}\.|\b{name}\.\w+\(", text, re.MULTILINE)
        defined = re.search(rf"^{name}\s*(?::[^=]*)?=", text, re.MULTILINE)
        if used and not defined:
            text = prelude + text
    return text


def lint(tmp_path: Path, files: dict[str, str], rule: type[Rule]) -> list[Finding]:
    """The findings of the default rules and ``rule`` on ``files``, as a user's check gives."""
    root = tmp_path / "project"
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(_PYPROJECT, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    arguments = ["check", "--output-format", "json", "--exit-zero", "--no-cache"]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(
            cli, [*arguments, "--extend-select", rule.code, "."], catch_exceptions=False
        )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    return [
        Finding(item["code"], item["path"], item["line"], item["message"])
        for item in report["diagnostics"]
    ]


RULES = all_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_the_example_is_flagged_by_its_rule(rule: type[Rule], tmp_path: Path) -> None:
    blocks = code_blocks(rule, "Example")
    assert blocks, f"{rule.code}: the Example section has no ```python block"
    for number, block in enumerate(blocks):
        found = lint(tmp_path / str(number), files_of(block), rule)
        if rule.code != _SYNTAX:
            broken = [str(finding) for finding in found if finding.code == _SYNTAX]
            assert not broken, f"{rule.code}: the Example does not parse: {broken}"
        flagged = [finding for finding in found if finding.code == rule.code]
        others = ", ".join(map(str, found)) or "nothing"
        assert flagged, f"{rule.code}: its Example is not flagged by it (found: {others})"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_use_instead_is_clean_under_every_default_rule(rule: type[Rule], tmp_path: Path) -> None:
    for number, block in enumerate(code_blocks(rule, "Use instead")):
        found = lint(tmp_path / str(number), files_of(block), rule)
        assert not found, f"{rule.code}: its 'Use instead' code is flagged:\n" + "\n".join(
            map(str, found)
        )


# --- the conventions above, on their own --------------------------------------------------


def test_a_block_is_split_into_the_files_its_comment_lines_name() -> None:
    block = (
        "# app/core/http.py\nimport requests\n\n\n"
        "# app/routers/legacy.py, included at the same prefix\n@router.get('/')\n"
        "async def root() -> None: ...\n"
    )
    files = files_of(block)
    assert list(files) == ["app/core/http.py", "app/routers/legacy.py"]
    assert files["app/core/http.py"] == "import requests\n\n\n"
    assert files["app/routers/legacy.py"].startswith("from fastapi import APIRouter\n")


def test_a_block_without_a_file_line_is_one_file_and_comments_stay_code() -> None:
    files = files_of("x = 1  # app/not_a_header.py\n# a remark\ny = 2\n")
    assert files == {_DEFAULT_FILE: "x = 1  # app/not_a_header.py\n# a remark\ny = 2\n"}


def test_the_prelude_is_added_only_for_names_used_and_not_defined() -> None:
    assert with_prelude("app = FastAPI()\n\n@app.get('/')\ndef f(): ...\n").startswith("app =")
    assert with_prelude("@app.get('/')\ndef f(): ...\n").startswith("from fastapi import FastAPI")
    assert with_prelude("def f(app): ...\n") == "def f(app): ...\n"
    both = with_prelude("@router.get('/')\ndef f(): ...\n\napp.include_router(router)\n")
    assert "router = APIRouter()" in both and "app = FastAPI()" in both
