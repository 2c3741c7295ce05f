"""Parity: every finding of ruff's T201, TRY002, S110/S112 and N999 is also ours.

FAPI901 covers T201 (print) outside the `script-modules` globs, FAPI903 covers TRY002
(raise-vanilla-class), FAPI905 covers S110 (try-except-pass) and S112
(try-except-continue), FAPI907 covers N999 (invalid-module-name) for file names. Ruff runs
with its defaults (``--isolated``) on snippets, on the rule fixtures and on every file of
the git-ignored corpus/; ours may find more (``...`` bodies, scripts outside packages),
never less. ``# noqa`` comments are ignored on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from corpus_helpers import (
    CORPUS_OPTIONS,
    ROOT,
    CorpusLint,
    CorpusRuff,
    Item,
    lint_ignoring_noqa,
    our_findings,
    position,
    ruff_by_file,
    run_ruff,
    write_snippets,
)
from fastapi_lint.files import is_excluded
from fastapi_lint.models import FileResult
from fastapi_lint.options import DEFAULT_SCRIPT_MODULES, RuleOptions
from fastapi_lint.rules.ops.generic_exception import GenericException
from fastapi_lint.rules.ops.module_name_not_snake_case import ModuleNameNotSnakeCase
from fastapi_lint.rules.ops.print_call import PrintCall
from fastapi_lint.rules.ops.swallowed_exception import SwallowedException

pytest.importorskip("ruff")

FIXTURES = ROOT / "fixtures" / "rules"
RUFF_CODES = {
    "T201": "FAPI901",
    "TRY002": "FAPI903",
    "S110": "FAPI905",
    "S112": "FAPI905",
    "N999": "FAPI907",
}
RULES = (PrintCall, GenericException, SwallowedException, ModuleNameNotSnakeCase)
# FAPI901's, FAPI903's and FAPI905's strict modes are ruff's T201, TRY002 and S110/S112;
# their defaults leave console code, exceptions caught on the spot and deliberate
# swallowing (clean-up, fallbacks) alone.
STRICT = ("FAPI901", "FAPI903", "FAPI905")
OPTIONS = RuleOptions(project_root=str(ROOT), strict=STRICT)
Finding = tuple[str, int, int]  # (our code, line, column)

SNIPPETS: dict[str, str] = {
    "prints": (
        "import builtins\nimport builtins as b\nfrom builtins import print as echo\n"
        "print('a')\nprint('b', file=None)\nbuiltins.print('c')\nb.print('d')\necho('e')\n"
        "def f(print):\n    print('shadowed')\n"
        "def g():\n    print('inner')\n    def h():\n        print('nested')\n"
        "class C:\n    def m(self):\n        print('method')\n"
        "lam = lambda: print('lambda')\n"
        "if __name__ == '__main__':\n    print('main')\n"
    ),
    "print_rebound": "def print(*args):\n    pass\nprint('mine')\n",
    "print_imported": "from rich import print\nprint('[b]rich[/b]')\n",
    "raises": (
        "import builtins\nfrom builtins import Exception as E\n"
        "raise Exception\nraise Exception('x')\nraise BaseException('y') from None\n"
        "raise builtins.Exception()\nraise E('aliased')\nraise ValueError('fine')\n"
        "def f(Exception):\n    raise Exception('shadowed')\n"
        "def g():\n    try:\n        pass\n    except Exception:\n        raise\n"
        "class C:\n    def m(self):\n        raise Exception('method')\n"
    ),
    "raise_rebound": "class Exception(ValueError):\n    pass\nraise Exception('mine')\n",
    "handlers": (
        "import builtins\n"
        "try:\n    pass\nexcept Exception:\n    pass\n"
        "try:\n    pass\nexcept BaseException as e:\n    pass\n"
        "try:\n    pass\nexcept:\n    pass\n"
        "try:\n    pass\nexcept (ValueError, Exception):\n    pass\n"
        "try:\n    pass\nexcept builtins.Exception:\n    pass\n"
        "try:\n    pass\nexcept ValueError:\n    pass\n"
        "try:\n    pass\nexcept Exception:\n    ...\n"
        "try:\n    pass\nexcept Exception:\n    pass\n    pass\n"
        "try:\n    pass\nexcept Exception: pass\n"
        "for i in range(3):\n"
        "    try:\n        pass\n    except Exception:\n        continue\n"
        "    try:\n        pass\n    except:\n        continue\n"
        "    try:\n        pass\n    except Exception:\n        pass\n        continue\n"
        "    try:\n        pass\n    except KeyError:\n        continue\n"
        "try:\n    pass\nexcept Exception:\n    # a comment is no statement\n    pass\n"
        "try:\n    pass\nexcept Exception:\n    x = 1\n"
        "def f(Exception):\n    try:\n        pass\n    except Exception:\n        pass\n"
    ),
    "handler_star": "try:\n    pass\nexcept* Exception:\n    pass\n",
}
# Package layouts for N999, which ruff checks inside packages only.
MODULE_FILES = (
    "pkg/__init__.py",
    "pkg/UserService.py",
    "pkg/user-service.py",
    "pkg/1abc.py",
    "pkg/class.py",
    "pkg/Ab.py",
    "pkg/_private.py",
    "pkg/__main__.py",
    "pkg/abc1.py",
    "pkg/versions/__init__.py",
    "pkg/versions/1abc_x.py",
    "pkg/versions/1ABC.py",
    "pkg/migrations/0001_init.py",
    "pkg/sub/__init__.py",
    "pkg/sub/HTTPClient.py",
    "Standalone-Script.py",
)


def _is_script(file: Path) -> bool:
    return is_excluded(file, root=ROOT, patterns=DEFAULT_SCRIPT_MODULES)


def _ruff(
    files: Sequence[Path], items: Iterable[Item]
) -> tuple[dict[Path, set[Finding]], set[Path]]:
    """Ruff's findings per file, and the files where it saw a syntax error."""
    found, broken = ruff_by_file(files, items, RUFF_CODES)
    theirs = {
        file: {(RUFF_CODES[item["code"]], *position(item)) for item in reported}
        for file, reported in found.items()
    }
    return theirs, broken


def _run_ruff(files: Sequence[Path]) -> tuple[dict[Path, set[Finding]], set[Path]]:
    return _ruff(files, run_ruff(files, RUFF_CODES))


def _findings(result: FileResult) -> set[Finding] | None:
    """Our findings, or None if the file does not parse."""
    return our_findings(result, lambda d: (d.code, d.line, d.column))


def _ours(file: Path) -> set[Finding] | None:
    """Our findings with ``noqa`` neutralised, or None if the file does not parse."""
    return _findings(lint_ignoring_noqa(file, RULES, OPTIONS))


def _expected(file: Path, theirs: set[Finding]) -> set[Finding]:
    """Ruff's findings we promise: T201 only outside the script globs."""
    if not _is_script(file):
        return theirs
    return {finding for finding in theirs if finding[0] != "FAPI901"}


def _compare(
    files: Sequence[Path],
    ruff: tuple[dict[Path, set[Finding]], set[Path]],
    ours: Iterable[set[Finding] | None],
) -> tuple[list[str], int, int]:
    """Ruff findings we miss (readable lines), how many ruff made, and how many we made."""
    theirs, broken = ruff
    missed: list[str] = []
    counts = [0, 0]
    for file, found in zip(files, ours, strict=True):
        if found is None or file in broken:
            continue
        expected = _expected(file, theirs[file])
        counts[0] += len(expected)
        counts[1] += len(found)
        missed.extend(
            f"{file}:{line}:{col}: {code}" for code, line, col in sorted(expected - found)
        )
    return missed, counts[0], counts[1]


def compare(files: Iterable[Path]) -> tuple[list[str], int, int]:
    """Ruff findings we miss (readable lines), how many ruff made, and how many we made."""
    resolved = sorted({file.resolve() for file in files})
    return _compare(resolved, _run_ruff(resolved), map(_ours, resolved))


def test_snippets_cover_every_ruff_finding(tmp_path: Path) -> None:
    missed, theirs, ours = compare(write_snippets(tmp_path, SNIPPETS))
    assert missed == []
    assert theirs >= 25  # guards the comparison itself: an empty one would pass trivially
    assert ours > theirs  # `...` bodies, `pass` twice, `pass` + `continue`


def test_snippet_findings_are_exactly_the_expected_ones(tmp_path: Path) -> None:
    """Where we go beyond ruff, on purpose: each extra finding is listed here."""
    files = write_snippets(tmp_path, SNIPPETS)
    theirs, _ = _run_ruff([file.resolve() for file in files])
    extra = {
        (file.name, *finding)
        for file in files
        for finding in (_ours(file) or set()) - theirs[file.resolve()]
    }
    assert extra == {
        ("handlers.py", "FAPI905", 28, 1),  # `...` body
        ("handlers.py", "FAPI905", 32, 1),  # `pass` twice
        ("handlers.py", "FAPI905", 49, 5),  # `pass` then `continue`
    }


def test_module_names_cover_every_ruff_finding(tmp_path: Path) -> None:
    files = []
    for relative in MODULE_FILES:
        file = tmp_path / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("x = 1\n", encoding="utf-8")
        files.append(file)
    theirs, _ = _run_ruff([file.resolve() for file in files])
    ours = {file.name for file in files if _ours(file)}
    flagged_by_ruff = {file.name for file in files if theirs[file.resolve()]}
    assert flagged_by_ruff == {"UserService.py", "user-service.py", "1abc.py", "class.py"} | {
        "Ab.py",
        "1ABC.py",
        "HTTPClient.py",
    }
    # Ours also flags the stand-alone script, which ruff skips outside packages.
    assert ours == flagged_by_ruff | {"Standalone-Script.py"}


def test_fixtures_cover_every_ruff_finding() -> None:
    folders = ("print_call", "generic_exception", "swallowed_exception")
    files = [file for folder in folders for file in (FIXTURES / folder).glob("*.py")]
    missed, theirs, _ = compare(files)
    assert missed == []
    assert theirs >= 9


def test_corpus_covers_every_ruff_finding(corpus_lint: CorpusLint, corpus_ruff: CorpusRuff) -> None:
    # The shared run matched the module globs against the same root as ``OPTIONS``.
    assert CORPUS_OPTIONS.project_root == OPTIONS.project_root
    files = corpus_lint.files
    ruff = _ruff(files, corpus_ruff.items(list(RUFF_CODES)))
    missed, theirs, _ = _compare(files, ruff, map(_findings, corpus_lint.results_for(RULES)))
    missed = _missed_in_strict_mode(missed)
    assert missed == [], "\n".join(missed[:50])
    assert theirs > 0


def _missed_in_strict_mode(missed: list[str]) -> list[str]:
    """The shared run has the rules' defaults: the T201, TRY002, S110 and S112 findings they
    leave alone on purpose must all be made in strict mode."""
    strict: dict[str, set[tuple[str, int, int]]] = {}
    others = []
    for entry in missed:
        where, _, code = entry.rpartition(": ")
        path, line, column = where.rsplit(":", 2)
        if code in STRICT:
            strict.setdefault(path, set()).add((code, int(line), int(column)))
        else:
            others.append(entry)
    for path, expected in sorted(strict.items()):
        found = _findings(lint_ignoring_noqa(Path(path), RULES, OPTIONS)) or set()
        others.extend(f"{path}:{line}:{col}: {code}" for code, line, col in expected - found)
    return others
