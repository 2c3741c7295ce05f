"""Autofix (issue 7): fixture pairs for every fixable rule, and the guarantees of `--fix`.

Every fixable rule has before/after pairs in ``fixtures/fixes/<module_name>/``:
``<case>.py`` fixed with that rule alone (unsafe fixes included) must give
``<case>.fixed.py`` exactly, compile, and need no second run.
"""

from __future__ import annotations

import difflib
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import libcst as cst
import pytest
from click.testing import CliRunner

import fastapi_lint.fixer.files as fixer_module
from fastapi_lint import registry
from fastapi_lint.cli import cli
from fastapi_lint.fixer.files import FixRun, fix_bytes, fix_files
from fastapi_lint.fixer.source import FixSettings, apply_fixes, compiles, fix_source
from fastapi_lint.fixer.writing import FileChangedError, write_atomically
from fastapi_lint.fixes import replace
from fastapi_lint.models import Diagnostic, Edit, Fix
from fastapi_lint.options import RuleOptions
from fastapi_lint.project_model.project import Project
from fastapi_lint.rule import Invalid, ProjectFinding, ProjectRule, Rule, Valid
from fastapi_lint.runner.jobs import FileJob
from fastapi_lint.runner.project import ProjectRun
from fastapi_lint.runner.single_file import lint_source

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "fixes"
FIXABLE = [rule for rule in registry.all_rules() if rule.fixable]
EVERYTHING = FixSettings(unsafe=True)


def _module_name(rule: type[Rule]) -> str:
    return rule.__module__.rpartition(".")[2]


def _pairs() -> list[tuple[type[Rule], Path]]:
    return [
        (rule, case)
        for rule in FIXABLE
        for case in sorted((FIXTURES / _module_name(rule)).glob("*.py"))
        if not case.name.endswith(".fixed.py")
    ]


def _pair_id(value: object) -> str:
    return value.code if isinstance(value, type) else Path(str(value)).stem


def _fixed_text(source: str, rules: tuple[type[Rule], ...], path: str = "case.py") -> str:
    return fix_bytes(source.encode(), path, rules, RuleOptions(), EVERYTHING).current


# -- fixture pairs -----------------------------------------------------------------------


@pytest.mark.parametrize("rule", FIXABLE, ids=_pair_id)
def test_every_fixable_rule_has_before_and_after_fixtures(rule: type[Rule]) -> None:
    cases = [case for fixable, case in _pairs() if fixable is rule]
    assert cases, f"missing fixtures/fixes/{_module_name(rule)}/<case>.py and <case>.fixed.py"
    for case in cases:
        assert case.with_name(f"{case.stem}.fixed.py").is_file(), f"{case} has no .fixed.py"


@pytest.mark.parametrize(("rule", "case"), _pairs(), ids=_pair_id)
def test_fixture_is_fixed_exactly_into_its_pair(rule: type[Rule], case: Path) -> None:
    fixed = _fixed_text(case.read_text(), (rule,), case.name)
    assert fixed == case.with_name(f"{case.stem}.fixed.py").read_text()


@pytest.mark.parametrize(("rule", "case"), _pairs(), ids=_pair_id)
def test_fixed_fixture_compiles_and_a_second_run_changes_nothing(
    rule: type[Rule], case: Path
) -> None:
    fixed = _fixed_text(case.read_text(), (rule,), case.name)
    assert compiles(fixed, case.name)
    again = fix_bytes(fixed.encode(), case.name, (rule,), RuleOptions(), EVERYTHING)
    assert again.text is None and again.applied == ()


def _changed_lines(old: str, new: str) -> Iterator[tuple[int, int]]:
    """1-based ranges of ``old``'s lines that differ in ``new`` (an insertion: where it goes)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, first, last, _, _ in matcher.get_opcodes():
        if tag != "equal":
            yield first + 1, max(last, first + 1)


@pytest.mark.parametrize(("rule", "case"), _pairs(), ids=_pair_id)
def test_each_fix_alone_touches_only_the_lines_of_its_edits(rule: type[Rule], case: Path) -> None:
    source = case.read_text()
    for diagnostic in lint_source(source, case.name, (rule,)).diagnostics:
        if diagnostic.fix is None:
            continue
        fixed, used = apply_fixes(source, [diagnostic])
        assert used == [diagnostic] and compiles(fixed, case.name)
        owned = [(edit.line, edit.end_line) for edit in diagnostic.fix.edits]
        for first, last in _changed_lines(source, fixed):
            inside = any(start <= first and last <= end for start, end in owned)
            assert inside, f"{case.name}:{diagnostic.line} changed lines {first}-{last}"


def test_crlf_file_is_fixed_with_crlf_line_endings() -> None:
    case = FIXTURES / "superfluous_else" / "comments.py"
    expected = case.with_name("comments.fixed.py").read_text().replace("\n", "\r\n")
    rule = registry.rule_by_code("FAPI401")
    assert rule is not None
    fixed = _fixed_text(case.read_text().replace("\n", "\r\n"), (rule,))
    assert fixed == expected


def test_file_without_final_newline_is_fixed_without_adding_one() -> None:
    rule = registry.rule_by_code("FAPI401")
    assert rule is not None
    source = "def f(x):\n    if x:\n        return 1\n    else:\n        x.close()\n    return 2"
    fixed = "def f(x):\n    if x:\n        return 1\n    x.close()\n    return 2"
    assert _fixed_text(source, (rule,)) == fixed


# -- applying edits ----------------------------------------------------------------------


def _finding(line: int, *edits: Edit, code: str = "FAPI999") -> Diagnostic:
    fix = Fix("safe", "test", edits)
    return Diagnostic(code, "test", "test", "warning", "m", "a.py", line, 1, line, 2, fix=fix)


def test_overlapping_fixes_go_in_turns_and_identical_edits_are_shared() -> None:
    text = "aaa\nbbb\nccc\n"
    first = _finding(1, Edit(1, 1, 2, 1, "AAA\n"), Edit(3, 1, 3, 1, "# top\n"))
    clashing = _finding(1, Edit(1, 2, 1, 3, "x"))
    sharing = _finding(2, Edit(2, 2, 2, 4, "BB"), Edit(3, 1, 3, 1, "# top\n"))
    fixed, used = apply_fixes(text, [clashing, sharing, first])
    assert fixed == "AAA\nbBB\n# top\nccc\n"
    assert used == [first, sharing]


def test_touching_edits_wait_for_the_next_round() -> None:
    left, right = _finding(1, Edit(1, 1, 1, 2, "X")), _finding(1, Edit(1, 2, 1, 3, "Y"))
    assert apply_fixes("abc\n", [left, right]) == ("Xbc\n", [left])


def test_invalid_fixes_are_skipped() -> None:
    outside = _finding(1, Edit(9, 1, 9, 1, "x"))
    self_overlapping = _finding(1, Edit(1, 1, 1, 3, "x"), Edit(1, 2, 1, 3, "y"))
    assert apply_fixes("abc\n", [outside, self_overlapping]) == ("abc\n", [])


class _BreaksCode(Rule):
    """A rule whose fix leaves code CPython refuses: `await` in a plain `def`."""

    code = "FAPI998"
    name = "breaks-code"
    family = "test"
    message = "m"
    fixable = True
    VALID: ClassVar[tuple[Valid, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()

    def visit_Pass(self, node: cst.Pass) -> None:
        broken = cst.Expr(cst.Await(cst.Name("later")))
        self.report(node, fix=replace(node, broken, "break it"))


class _NeverDone(Rule):
    """A rule whose fix always leaves something to fix: rounds must stop."""

    code = "FAPI997"
    name = "never-done"
    family = "test"
    message = "m"
    fixable = True
    VALID: ClassVar[tuple[Valid, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()

    def visit_Integer(self, node: cst.Integer) -> None:
        bigger = cst.Integer(str(int(node.value) + 1))
        self.report(node, fix=replace(node, bigger, "count up"))


def test_a_fix_that_breaks_the_code_is_left_out_and_the_others_applied() -> None:
    source = "def f():\n    pass\n"
    alone = fix_bytes(source.encode(), "a.py", (_BreaksCode,), RuleOptions(), EVERYTHING)
    assert alone.text is None and alone.rejected and alone.applied == ()
    annotate = registry.rule_by_code("FAPI202")
    assert annotate is not None
    rules = (_BreaksCode, annotate)
    both = fix_bytes(source.encode(), "a.py", rules, RuleOptions(), EVERYTHING)
    assert both.text == "def f() -> None:\n    pass\n" and both.rejected
    assert [fix.code for fix in both.applied] == ["FAPI202"]


def test_rounds_are_bounded() -> None:
    source = "x = 1\n"
    first = lint_source(source, "a.py", (_NeverDone,))
    fixed = fix_source(
        source, first, lambda text: lint_source(text, "a.py", (_NeverDone,)), EVERYTHING
    )
    assert fixed.text == "x = 11\n" and fixed.rounds == EVERYTHING.max_rounds == 10


def test_code_that_does_not_compile_is_never_fixed() -> None:
    rule = registry.rule_by_code("FAPI202")
    assert rule is not None
    # LibCST parses it, CPython refuses it: `return` outside a function.
    source = "def f():\n    pass\n\nreturn 1\n"
    result = fix_bytes(source.encode(), "a.py", (rule,), RuleOptions(), EVERYTHING)
    assert result.text is None and result.applied == ()


# -- the command line --------------------------------------------------------------------

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"
FIXED = (
    "import asyncio\nimport time\n\n\nasync def handler() -> None:\n    await asyncio.sleep(1)\n"
)
LEFT_OVER = "import requests\n\n\nasync def fetch() -> None:\n    requests.get('https://x')\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_fix_writes_the_file_reports_what_is_left_and_a_second_run_is_a_no_op(
    project: Path,
) -> None:
    fixable, other = project / "app.py", project / "other.py"
    fixable.write_text(BLOCKING)
    other.write_text(LEFT_OVER)
    code, out, _ = run("check", "--fix", "--output-format", "concise")
    assert fixable.read_text() == FIXED and other.read_text() == LEFT_OVER
    assert code == 1 and "other.py:5:5: FAPI101" in out and "app.py" not in out
    assert "Fixed 1 problem." in out
    written = fixable.stat().st_mtime_ns
    code, out, _ = run("check", "--fix", "--output-format", "concise")
    assert code == 1 and "Fixed" not in out and fixable.stat().st_mtime_ns == written


def test_fix_exits_0_when_nothing_is_left(project: Path) -> None:
    (project / "app.py").write_text(BLOCKING)
    assert run("check", "--fix")[0] == 0
    assert run("check")[0] == 0


def test_show_fixes_lists_the_fixes_per_file_and_rule(project: Path) -> None:
    (project / "app.py").write_text(BLOCKING)
    _, out, _ = run("check", "--fix", "--show-fixes", "--output-format", "concise")
    assert "- app.py:\n    1 × FAPI101 (blocking-call-in-async-function)" in out


def test_fix_lines_go_to_stderr_next_to_json(project: Path) -> None:
    (project / "app.py").write_text(BLOCKING)
    _, out, err = run("check", "--fix", "--output-format", "json")
    assert out.startswith("{") and "Fixed 1 problem." in err


def test_diff_prints_a_patch_writes_nothing_and_exits_1(project: Path) -> None:
    (project / "app.py").write_text(BLOCKING)
    code, out, err = run("check", "--diff")
    assert code == 1 and (project / "app.py").read_text() == BLOCKING
    assert out.startswith("--- app.py\n+++ app.py\n@@")
    assert "+import asyncio\n" in out and "+    await asyncio.sleep(1)\n" in out
    assert "Would fix 1 problem." in err


def test_diff_without_anything_to_fix_exits_0(project: Path) -> None:
    (project / "other.py").write_text(LEFT_OVER)
    code, out, err = run("check", "--diff")
    assert (code, out) == (0, "") and "Nothing to fix." in err


def test_diff_marks_a_missing_final_newline(project: Path) -> None:
    (project / "app.py").write_text(BLOCKING.rstrip("\n"))
    _, out, _ = run("check", "--diff")
    assert out.endswith("+    await asyncio.sleep(1)\n\\ No newline at end of file\n")


def test_stdin_fix_prints_the_fixed_source_and_findings_on_stderr(project: Path) -> None:
    code, out, err = run("check", "--fix", "--stdin-filename", "app.py", stdin=BLOCKING.encode())
    assert (code, out) == (0, FIXED) and "All checks passed!" in err


def test_stdin_fix_of_a_broken_file_echoes_it_unchanged(project: Path) -> None:
    broken = b"def f(:\n    time.sleep(1)\n"
    code, out, err = run("check", "--fix", "-", stdin=broken)
    assert code == 1 and out == broken.decode() and "FAPI000" in err


def test_stdin_diff(project: Path) -> None:
    code, out, _ = run("check", "--diff", "-", stdin=BLOCKING.encode())
    assert code == 1 and out.startswith("--- -\n+++ -\n")


def test_syntax_error_file_is_never_rewritten(project: Path) -> None:
    broken = project / "broken.py"
    broken.write_text("async def f() -> None:\n    time.sleep(1)\n    if :\n")
    before = broken.stat().st_mtime_ns
    code, _, _ = run("check", "--fix", "--unsafe-fixes")
    assert code == 1 and broken.stat().st_mtime_ns == before


def test_fixed_file_keeps_its_encoding_bom_line_endings_and_mode(project: Path) -> None:
    latin = project / "latin.py"
    latin.write_bytes(
        b"# -*- coding: latin-1 -*-\r\nimport time\r\n\r\n\r\n"
        b"async def caf\xe9() -> None:\r\n    time.sleep(1)  # \xe9t\xe9\r\n"
    )
    os.chmod(latin, 0o750)
    bom = project / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + BLOCKING.encode())
    run("check", "--fix")
    assert latin.read_bytes() == (
        b"# -*- coding: latin-1 -*-\r\nimport asyncio\r\nimport time\r\n\r\n\r\n"
        b"async def caf\xe9() -> None:\r\n    await asyncio.sleep(1)  # \xe9t\xe9\r\n"
    )
    assert stat.S_IMODE(latin.stat().st_mode) == 0o750
    assert bom.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()


def test_a_symlinked_file_is_fixed_through_the_link(project: Path) -> None:
    target = project / "real.py"
    target.write_text(BLOCKING)
    (project / "link").mkdir()
    (project / "link" / "app.py").symlink_to(target)
    run("check", "--fix", "link/app.py")
    assert (project / "link" / "app.py").is_symlink() and target.read_text() == FIXED


def test_cache_never_serves_findings_of_the_content_before_the_fix(project: Path) -> None:
    (project / "app.py").write_text(BLOCKING + "\n\ndef g():\n    pass\n")
    assert run("check", "--select", "FAPI101,FAPI202")[0] == 1  # fills the cache
    run("check", "--fix", "--select", "FAPI101,FAPI202")
    code, out, _ = run("check", "--select", "FAPI101,FAPI202", "--output-format", "concise")
    assert code == 0, out


# -- writing -----------------------------------------------------------------------------


def _no_temporary_files(folder: Path) -> bool:
    return not [path for path in folder.iterdir() if path.name.endswith(".tmp")]


def test_interrupted_write_leaves_the_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app.py"
    target.write_text("old\n")

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="No space"):
        write_atomically(target, b"new\n")
    assert target.read_text() == "old\n" and _no_temporary_files(tmp_path)
    monkeypatch.undo()
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomically(target, b"new\n")
    assert target.read_text() == "old\n" and _no_temporary_files(tmp_path)


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text("edited by someone else\n")
    with pytest.raises(FileChangedError):
        write_atomically(target, b"fixed\n", expected=b"what the fix started from\n")
    assert target.read_text() == "edited by someone else\n"


def test_a_write_failure_is_reported_and_exits_2(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "app.py").write_text(BLOCKING)

    def refuse(target: Path, data: bytes, *, expected: bytes | None = None) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fixer_module, "write_atomically", refuse)
    code, out, err = run("check", "--fix", "--output-format", "concise")
    assert code == 2 and "app.py: not fixed: Permission denied" in err
    assert "Fixed" not in out and (project / "app.py").read_text() == BLOCKING
    # The report is of the file on disk, which still has its finding.
    assert "app.py:5:5: FAPI101" in out and "All checks passed" not in out
    code, out, _ = run("check", "--fix", "--output-format", "json")
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["FAPI101"]


def test_fix_never_leaves_the_tree_through_a_symlinked_folder(tmp_path: Path) -> None:
    inside, outside = tmp_path / "p", tmp_path / "s"
    inside.mkdir()
    outside.mkdir()
    (outside / "other.py").write_text(BLOCKING)
    (inside / "app.py").write_text(BLOCKING)
    (inside / "up").symlink_to(tmp_path, target_is_directory=True)
    os.chdir(inside)
    try:
        run("check", "--fix", ".")
    finally:
        os.chdir(tmp_path)
    assert (inside / "app.py").read_text() == FIXED
    assert (outside / "other.py").read_text() == BLOCKING


def test_a_read_only_file_is_not_fixed_and_says_why(project: Path) -> None:
    target = project / "app.py"
    target.write_text(BLOCKING)
    os.chmod(target, 0o444)
    code, out, err = run("check", "--fix", "--output-format", "concise")
    assert target.read_text() == BLOCKING and stat.S_IMODE(target.stat().st_mode) == 0o444
    assert "app.py: not fixed: the file is read-only" in err
    assert code == 1 and "app.py:5:5: FAPI101" in out and "Fixed" not in out


def test_a_hard_linked_file_is_fixed_in_place_for_every_link(project: Path) -> None:
    target = project / "app.py"
    target.write_text(BLOCKING)
    twin = project / "twin.txt"
    os.link(target, twin)
    inode = target.stat().st_ino
    run("check", "--fix", "app.py")
    assert target.read_text() == FIXED and twin.read_text() == FIXED
    assert target.stat().st_ino == inode == twin.stat().st_ino


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_fix_run_as_root_keeps_the_owner_and_group(project: Path) -> None:
    target = project / "app.py"
    target.write_text(BLOCKING)
    os.chown(target, 12345, 23456)
    run("check", "--fix", "app.py")
    status = target.stat()
    assert target.read_text() == FIXED and (status.st_uid, status.st_gid) == (12345, 23456)


def test_temporary_files_of_killed_runs_are_removed_by_the_next(project: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(finished.stdout)  # a process that has exited: its pid is free
    stale = project / f".app.py.fastapi-lint-{dead}.k3j2.tmp"
    alive = project / f".app.py.fastapi-lint-{os.getppid()}.x9y8.tmp"  # a live process
    stale.write_text("half")
    alive.write_text("in use")
    (project / "app.py").write_text(BLOCKING)
    run("check", "--fix", "app.py")
    assert not stale.exists() and alive.exists()
    assert [p.name for p in project.glob("*.py")] == ["app.py"]  # never a .py to discover


# -- fixes from project rules ------------------------------------------------------------


class _RenameOld(ProjectRule):
    """A project rule with a text fix: renames module-level functions called `old`."""

    code = "FAPI996"
    name = "rename-old"
    family = "test"
    message = "m"
    fixable = True
    VALID: ClassVar[tuple[Valid, ...]] = ()
    INVALID: ClassVar[tuple[Invalid, ...]] = ()

    @classmethod
    def check_project(cls, project: Project) -> Iterator[ProjectFinding]:
        for module in project.modules.values():
            for function in module.summary.functions:
                if function.name == "old":
                    fix = Fix("safe", "rename", (Edit(function.line, 5, function.line, 8, "new"),))
                    yield ProjectFinding(module.path, function.line, 5, 8, "m", fix=fix)


def test_fixes_of_project_rules_are_applied_after_the_files_own(project: Path) -> None:
    source = project / "app.py"
    source.write_text(
        "def old(x):\n    if x:\n        return 1\n    else:\n        x.close()\n    return 2\n"
    )
    rules = (_RenameOld, registry.rule_by_code("FAPI401"))
    job = FileJob(source, "app.py", rules, summarise=True)  # type: ignore[arg-type]
    run_ = FixRun(RuleOptions(), 1, ProjectRun(rules, project, RuleOptions()), EVERYTHING)  # type: ignore[arg-type]
    (state,), (result,) = fix_files([job], run_)
    fixed = "def new(x):\n    if x:\n        return 1\n    x.close()\n    return 2\n"
    assert source.read_text() == fixed
    assert [fix.code for fix in state.applied] == ["FAPI401", "FAPI996"]
    assert result.diagnostics == ()


# A ``def`` (or class) whose header a fix changes keeps its body: its old and new code are
# generated only to the end of the body's first line. Each edit must equal the one made
# from the whole codes, including when the change spans lines (edits then cut at line
# starts) and when the file lacks its final newline.
_HEADERS = (
    "def f(a, b):\n    return a\n",
    "@app.get('/')\nasync def f(a,\n      b):  # why\n    # first\n    return a\n\n\nx = 1\n",
    "class C:\n    def f(self, a): return a\n    def g(self): pass",
    "class C(Base):  # note\n\n    x = 1\n",
    "def f(a, b):\r\n    return a\r\n",
)


def _header_edits(node: cst.FunctionDef | cst.ClassDef) -> list[cst.CSTNode]:
    renamed = node.with_changes(name=cst.Name("renamed"))
    decorated = node.with_changes(decorators=[cst.Decorator(cst.Name("cached")), *node.decorators])
    if isinstance(node, cst.ClassDef):
        return [renamed, decorated]
    spread_def = cst.parse_module("def f(\n    a: int,\n    b: int,\n): pass\n").body[0]
    assert isinstance(spread_def, cst.FunctionDef)
    spread = node.with_changes(params=spread_def.params)
    returns = node.with_changes(returns=cst.Annotation(cst.Name("None")))
    return [renamed, decorated, spread, returns]


@pytest.mark.parametrize("source", _HEADERS)
def test_header_fixes_equal_those_made_from_the_whole_code(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi_lint import fixes
    from fastapi_lint.positions import node_starts

    module = cst.parse_module(source)
    compared = 0
    for node in _all_defs(module):
        starts = node_starts(module, [node])
        for new in _header_edits(node):
            fix = fixes.PendingFix("fix", (fixes.NodeEdit(node, (new,)),))
            short = fixes.resolve_fix(fix, module, source, starts)
            with monkeypatch.context() as patch:
                patch.setattr(fixes, "_shared_body", lambda edit: None)
                whole = fixes.resolve_fix(fix, module, source, starts)
            assert short == whole
            assert short is not None
            compared += 1
    assert compared >= 2


def _all_defs(module: cst.Module) -> list[cst.FunctionDef | cst.ClassDef]:
    found: list[cst.FunctionDef | cst.ClassDef] = []

    class _Defs(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            found.append(node)

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            found.append(node)

    module.visit(_Defs())
    return found
