"""``# noqa`` parsing: every documented form, and the forms that must not suppress."""

from __future__ import annotations

import pytest

from fastapi_lint.engine.lint import lint_source
from fastapi_lint.models import Diagnostic
from fastapi_lint.options import RuleOptions
from fastapi_lint.peers import PEER_SUPPRESSIONS
from fastapi_lint.registry import all_rules
from fastapi_lint.rules.type_hints.missing_parameter_annotation import MissingParameterAnnotation
from fastapi_lint.suppression import (
    FileSuppressions,
    is_suppressed,
    line_suppresses,
    suppressed_codes,
)


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


# --- the peers' suppressions (peers.PEER_SUPPRESSIONS) ----------------------------------


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("FAPI405", "def handle(event):  # noqa: C901"),
        ("FAPI405", "def handle(event):  # noqa: E501, PLR0912"),
        ("FAPI405", "def handle(event):  # pylint: disable=too-many-branches"),
        ("FAPI405", "def handle(event):  # pylint: disable=R0911,R0912"),
        ("FAPI401", "    else:  # noqa: RET505"),
        ("FAPI201", "def f(a):  # noqa: ANN001"),
        ("FAPI201", "def f(a):  # type: ignore"),
        ("FAPI202", "def f(a):  # type: ignore[no-untyped-def]"),
        ("FAPI804", 'query = f"SELECT * FROM {table}"  # noqa: S608'),
        ("FAPI908", "asyncio.create_task(job())  # noqa: RUF006"),
        ("FAPI901", "print(report)  # noqa: T201"),
        ("FAPI903", "raise Exception('bad')  # noqa: TRY002"),
        ("FAPI905", "except Exception:  # noqa: BLE001 - best effort"),
        ("FAPI905", "except Exception:  # pylint: disable=broad-except"),
        ("FAPI802", 'PASSWORD = "x"  # noqa: S105'),
        ("FAPI501", "def read(db: Session = Depends(get_db)):  # noqa: FAST002"),
        ("FAPI101", "    requests.get(url)  # noqa: ASYNC210"),
    ],
)
def test_a_peer_code_on_the_line_suppresses_the_same_check(code: str, line: str) -> None:
    assert is_suppressed(finding(code, line))
    assert not is_suppressed(finding(code, line), FileSuppressions(peers=False))


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("FAPI405", "def handle(event):  # noqa: E501"),
        ("FAPI404", "def handle(event):  # noqa: C901"),
        ("FAPI201", "def f(a):  # noqa: ANN201"),
        ("FAPI202", "def f(a):  # type: ignore[override]"),
        ("FAPI201", "x = f(a)  # type: ignored"),
        ("FAPI804", "cursor.execute(query)  # noqa: S105"),
        ("FAPI905", "except Exception:  # pylint: disable=too-many-branches"),
        ("FAPI405", "def handle(event):  # pylint: enable=too-many-branches"),
        ("FAPI405", "def handle(event):  # C901 is fine here"),
    ],
)
def test_other_peer_codes_suppress_nothing_else(code: str, line: str) -> None:
    assert not is_suppressed(finding(code, line))


def test_every_peer_suppression_names_an_existing_rule() -> None:
    codes = {rule.code for rule in all_rules()}
    assert set(PEER_SUPPRESSIONS) <= codes
    assert all(peer.noqa or peer.pylint or peer.mypy for peer in PEER_SUPPRESSIONS.values())


def at(code: str, line: int, text: str) -> Diagnostic:
    return Diagnostic(code, "n", "f", "warning", "m", "x.py", line, 1, line, 2, text)


def test_file_level_ruff_and_flake8_directives() -> None:
    source = 'import os\n# ruff: noqa: C901, S608\n\ndef f():\n    print("x")\n'
    scanned = FileSuppressions.scan(source)
    assert scanned.everywhere == {"FAPI405", "FAPI804"}
    assert is_suppressed(at("FAPI405", 4, "def f():"), scanned)
    assert not is_suppressed(at("FAPI901", 5, '    print("x")'), scanned)
    # A bare exemption quiets every rule a peer tool has, and only those.
    bare = FileSuppressions.scan("# flake8: noqa  - until the F401 cleanup\nimport os\n")
    assert {"FAPI401", "FAPI405", "FAPI201", "FAPI901"} <= bare.everywhere
    assert "FAPI302" not in bare.everywhere and "FAPI000" not in bare.everywhere
    assert not is_suppressed(at("FAPI000", 2, "import os"), bare)
    # Case-sensitive tool name, own line only, and off with the peers.
    for text in ("# Ruff: noqa\n", "x = 1  # ruff: noqa\n", "# ruff: noqa:\n"):
        assert FileSuppressions.scan(text).everywhere == frozenset(), text
    assert FileSuppressions.scan("# ruff: noqa\n", peers=False).everywhere == frozenset()


@pytest.mark.parametrize(
    "source",
    [
        "# type: ignore\nimport os\n",
        "#!/usr/bin/env python\n# Copyright\n\n# type: ignore\n'''Doc.'''\n",
        "# type: ignore[attr-defined]\nimport os\n",
        "import os\n# mypy: ignore-errors\n",
        "# mypy: disallow-untyped-defs, ignore-errors\n",
    ],
)
def test_a_file_that_opted_out_of_type_checking_quiets_the_typing_rules(source: str) -> None:
    assert FileSuppressions.scan(source).everywhere == {"FAPI201", "FAPI202"}


@pytest.mark.parametrize(
    "source",
    [
        "import os\n# type: ignore\n",
        "'''Doc.'''\n# type: ignore\n",
        "x = 1  # type: ignore\n",
        "# mypy: strict\n",
    ],
)
def test_a_type_ignore_after_the_first_statement_is_not_file_wide(source: str) -> None:
    assert FileSuppressions.scan(source).everywhere == frozenset()


PYLINT_SOURCE = """\
import os


def get_connections(
    db,
    search=None,
) -> list:
    \"\"\"Docs.\"\"\"
    # pylint: disable=too-many-branches
    if search:
        pass
    return []


def other():
    if os:
        # pylint: disable=broad-except
        try:
            pass
        except Exception:
            pass
    return 1


# pylint: disable=too-many-statements
def long_one():
    # pylint: disable-next=no-else-return
    if os:
        return 1
    else:
        return 2
"""


def test_own_line_pylint_comments_hold_for_their_block() -> None:
    scanned = FileSuppressions.scan(PYLINT_SOURCE)
    # A comment in a function's body covers the function, its wrapped header included.
    assert is_suppressed(at("FAPI405", 4, "def get_connections("), scanned)
    assert not is_suppressed(at("FAPI405", 15, "def other():"), scanned)
    # Inside a nested block: that block, from its header on, and no further.
    assert is_suppressed(at("FAPI905", 20, "        except Exception:"), scanned)
    assert is_suppressed(at("FAPI905", 16, "    if os:"), scanned)
    assert not is_suppressed(at("FAPI905", 22, "    return 1"), scanned)
    # At the top level, the rest of the file.
    assert is_suppressed(at("FAPI404", 26, "def long_one():"), scanned)
    assert not is_suppressed(at("FAPI404", 4, "def get_connections("), scanned)
    # ``disable-next``: the next line only.
    assert is_suppressed(at("FAPI401", 28, "    if os:"), scanned)
    assert not is_suppressed(at("FAPI401", 30, "    else:"), scanned)
    assert FileSuppressions.scan(PYLINT_SOURCE, peers=False).blocks == ()


def test_pylint_skip_file_and_disable_all() -> None:
    assert "FAPI405" in FileSuppressions.scan("# pylint: skip-file\n").everywhere
    assert is_suppressed(finding("FAPI401", "    else:  # pylint: disable=all"))


def test_line_suppresses_for_rules_that_read_another_line() -> None:
    assert line_suppresses('sql = f"DELETE FROM {t}"  # noqa: S608', "FAPI804")
    assert line_suppresses("sql = build()  # noqa", "FAPI804")
    assert not line_suppresses('sql = f"DELETE FROM {t}"  # noqa: S608', "FAPI804", peers=False)
    assert not line_suppresses("def f(:  # noqa", "FAPI000")


def test_the_engine_honours_peers_unless_switched_off() -> None:
    source = "def handle(event):  # noqa: ANN001\n    return event\n"
    rules = [MissingParameterAnnotation]
    assert lint_source(source, "app.py", rules).diagnostics == ()
    off = lint_source(source, "app.py", rules, RuleOptions(peer_noqa=False))
    assert [d.code for d in off.diagnostics] == ["FAPI201"]
    top = "# type: ignore\n\ndef handle(event):\n    return event\n"
    assert lint_source(top, "app.py", rules).diagnostics == ()
