"""Fixes of FAPI501 (marker defaults -> `Annotated`) and FAPI503 (redundant `response_model=`).

The before/after pairs in ``fixtures/fixes/`` show the common layouts; these tests pin
the choices around them: where the `Annotated` import goes, when no fix is offered, how
an argument leaves a call, and that both fixes are unsafe.
"""

from __future__ import annotations

import json
from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner

from fastapi_lint.cli import cli
from fastapi_lint.fixer.files import fix_bytes
from fastapi_lint.fixer.source import FixSettings, compiles
from fastapi_lint.models import Diagnostic
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.rules.fastapi._call_arguments import comments, without_argument
from fastapi_lint.rules.fastapi.non_annotated_dependency import NonAnnotatedDependency
from fastapi_lint.rules.fastapi.redundant_response_model import RedundantResponseModel
from fastapi_lint.runner.single_file import lint_source

EVERYTHING = FixSettings(unsafe=True)
DB_PARAM = "def f(db: Session = Depends(get_db)) -> None: ...\n"


def fixed(source: str, rule: type[Rule] = NonAnnotatedDependency) -> str:
    """``source`` after every fix of ``rule``; it must compile and need no second run."""
    result = fix_bytes(source.encode(), "app.py", (rule,), RuleOptions(), EVERYTHING)
    assert compiles(result.current, "app.py")
    again = fix_bytes(result.current.encode(), "app.py", (rule,), RuleOptions(), EVERYTHING)
    assert again.text is None
    return result.current


def findings(source: str, rule: type[Rule] = NonAnnotatedDependency) -> list[Diagnostic]:
    result = lint_source(source, "app.py", (rule,))
    assert not result.internal_errors, result.internal_errors
    return list(result.diagnostics)


def assert_no_fix(source: str, rule: type[Rule] = NonAnnotatedDependency) -> None:
    found = findings(source, rule)
    assert found, "the rule should still report"
    assert all(d.fix is None for d in found)
    assert fixed(source, rule) == source


# -- FAPI501: the `Annotated` import ------------------------------------------------------


def test_a_new_import_section_keeps_blank_lines_and_the_comments_of_the_next_one() -> None:
    source = (
        "from __future__ import annotations\n\n"
        "# Third party.\n"
        "from fastapi import Depends\n"
        "from sqlalchemy.orm import Session\n\n"
        "from .db import get_db\n\n\n"
        "def f(db: Session = Depends(get_db)) -> None: ...\n"
    )
    assert fixed(source) == (
        "from __future__ import annotations\n\n"
        "from typing import Annotated\n\n"
        "# Third party.\n"
        "from fastapi import Depends\n"
        "from sqlalchemy.orm import Session\n\n"
        "from .db import get_db\n\n\n"
        "def f(db: Annotated[Session, Depends(get_db)]) -> None: ...\n"
    )


def test_the_import_goes_after_the_leading_standard_library_imports() -> None:
    source = (
        "import os\nimport sys\n\nfrom fastapi import Query\n\n\n"
        "def f(q: str = Query('x')) -> None: ...\n"
    )
    assert fixed(source) == (
        "import os\nimport sys\nfrom typing import Annotated\n\nfrom fastapi import Query\n\n\n"
        "def f(q: Annotated[str, Query()] = 'x') -> None: ...\n"
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("from typing import Any", "from typing import Annotated, Any"),
        ("from typing import TYPE_CHECKING", "from typing import TYPE_CHECKING, Annotated"),
        (
            "from typing import TYPE_CHECKING, cast",
            "from typing import TYPE_CHECKING, Annotated, cast",
        ),
        (
            "from typing import (\n    Any,\n    Optional,\n)",
            "from typing import (\n    Annotated,\n    Any,\n    Optional,\n)",
        ),
        (
            "from typing import (\n    TYPE_CHECKING,\n)",
            "from typing import (\n    TYPE_CHECKING,\n    Annotated,\n)",
        ),
    ],
)
def test_annotated_joins_the_from_typing_import_line_in_isort_order(
    before: str, after: str
) -> None:
    body = "\nfrom fastapi import Depends\n\n\ndef f(db: Session = Depends(get_db)) -> None: ...\n"
    expected = (
        "\nfrom fastapi import Depends\n\n\n"
        "def f(db: Annotated[Session, Depends(get_db)]) -> None: ...\n"
    )
    assert fixed(before + "\n" + body) == after + "\n" + expected


@pytest.mark.parametrize(
    ("imports", "spelling"),
    [
        ("import typing as t", "t.Annotated"),
        ("import typing_extensions", "typing_extensions.Annotated"),
        ("from typing_extensions import Annotated", "Annotated"),
        ("import typing\nfrom typing import Annotated as Ann", "Ann"),
    ],
)
def test_annotated_is_spelled_as_the_module_imports_it(imports: str, spelling: str) -> None:
    source = f"{imports}\n\nfrom fastapi import Depends\n\n\n{DB_PARAM}"
    assert fixed(source).endswith(f"def f(db: {spelling}[Session, Depends(get_db)]) -> None: ...\n")
    assert fixed(source).startswith(imports + "\n\nfrom fastapi")  # no import added


def test_two_fixes_add_one_import() -> None:
    source = (
        "from fastapi import Depends, Query\n\n\n"
        "def f(db: Session = Depends(get_db)) -> None: ...\n\n\n"
        "def g(q: str = Query('x')) -> None: ...\n"
    )
    assert fixed(source).count("from typing import Annotated") == 1


@pytest.mark.parametrize(
    "imports",
    [
        "from .models import *",  # might bind `Annotated` to anything
        "from .models import Annotated",  # taken by something else
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from typing import Annotated",
    ],
)
def test_no_fix_when_annotated_cannot_be_named(imports: str) -> None:
    assert_no_fix(f"{imports}\n\nfrom fastapi import Depends\n\n\n{DB_PARAM}")


def test_no_import_is_added_below_the_def() -> None:
    """Imported there, `Annotated` would not exist yet when the annotation is evaluated."""
    assert_no_fix(f"{DB_PARAM}\n\nfrom fastapi import Depends\n")


def test_a_local_name_annotated_hides_the_import() -> None:
    assert_no_fix(
        "from fastapi import Depends\n\n\n"
        "def outer() -> None:\n"
        "    Annotated = object()\n\n"
        "    def f(db: Session = Depends(get_db)) -> None: ...\n"
    )


def test_the_fix_is_unsafe_and_leaves_crlf_line_endings() -> None:
    source = "from fastapi import Depends\r\n\r\n\r\n" + DB_PARAM.replace("\n", "\r\n")
    (found,) = findings(source)
    assert found.fix is not None and found.fix.applicability == "unsafe"
    safe_only = fix_bytes(
        source.encode(), "app.py", (NonAnnotatedDependency,), RuleOptions(), FixSettings()
    )
    assert safe_only.text is None
    assert fixed(source) == (
        "from typing import Annotated\r\n\r\n"
        "from fastapi import Depends\r\n\r\n\r\n"
        "def f(db: Annotated[Session, Depends(get_db)]) -> None: ...\r\n"
    )


# -- FAPI501: the parameter ---------------------------------------------------------------

HEAD = "from typing import Annotated\n\nfrom fastapi import Body, Depends, Query\n\n\n"


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("q: str = Query(None)", "q: Annotated[str, Query()] = None"),
        (
            "q: str = Query(default='x', alias='query')",
            "q: Annotated[str, Query(alias='query')] = 'x'",
        ),
        (
            "q: str = Query(alias='query', default='x')",
            "q: Annotated[str, Query(alias='query')] = 'x'",
        ),
        ("q: str = Query(...)", "q: Annotated[str, Query()]"),
        ("q: str = Query(default=..., min_length=2)", "q: Annotated[str, Query(min_length=2)]"),
        ("q: str = Query(min_length=2)", "q: Annotated[str, Query(min_length=2)]"),
        ("q: str=Query('x')", "q: Annotated[str, Query()]='x'"),
        ("b: Item = Body(..., embed=True)", "b: Annotated[Item, Body(embed=True)]"),
        ("p: Pager = Depends()", "p: Annotated[Pager, Depends()]"),
        (
            "db: Session = Depends(get_db, use_cache=False)",
            "db: Annotated[Session, Depends(get_db, use_cache=False)]",
        ),
        ("q: Annotated[str, Doc('q')] = Query('x')", "q: Annotated[str, Doc('q'), Query()] = 'x'"),
        (
            "q: Annotated[str, Doc('q'),] = Query('x')",
            "q: Annotated[str, Doc('q'), Query(),] = 'x'",
        ),
    ],
)
def test_the_parameter_is_rewritten_as_the_message_advises(param: str, expected: str) -> None:
    assert (
        fixed(f"{HEAD}def f({param}) -> None: ...\n") == f"{HEAD}def f({expected}) -> None: ...\n"
    )


def test_parameters_that_lose_their_default_are_rewritten_together() -> None:
    """Each fix alone would leave `db` without default after `user` with one: one edit for both."""
    params = "a: int, user: User = Depends(u), db: Session = Depends(d), q: str = Query('x')"
    source = f"{HEAD}def f({params}) -> None: ...\n"
    found = findings(source)
    assert [d.fix is not None for d in found] == [True, True, True]
    edits = [d.fix.edits for d in found if d.fix is not None]
    assert edits[0] == edits[1]  # the same edit, applied once
    assert edits[2] != edits[0]
    assert fixed(source).endswith(
        "def f(a: int, user: Annotated[User, Depends(u)], db: Annotated[Session, Depends(d)], "
        "q: Annotated[str, Query()] = 'x') -> None: ...\n"
    )


def test_positional_only_and_keyword_only_parameters() -> None:
    params = "a: A = Depends(x), /, q: str = Query('x'), *, db: Session = Depends(d)"
    source = f"{HEAD}def f({params}) -> None: ...\n"
    assert fixed(source).endswith(
        "def f(a: Annotated[A, Depends(x)], /, q: Annotated[str, Query()] = 'x', *, "
        "db: Annotated[Session, Depends(d)]) -> None: ...\n"
    )


@pytest.mark.parametrize(
    "params",
    [
        "db=Depends(get_db)",  # no type to put in Annotated
        "q: str = Query",  # a bare marker: meant `Query()`, a guess
        "q: str = Query(**options)",  # the default may be in there
        "q: str = Query(*args)",
        "q: 'str' = Query('x')",  # FastAPI evaluates a string annotation, not one inside Annotated
        "limit: int = 10, db: Session = Depends(get_db)",  # would need reordering
        "q: str = Query('x'), db: Session = Depends(get_db)",
        "q: Annotated[str, Query()] = Query('x')",  # FastAPI rejects it: no single rewrite
        "q: str = Query(\n    'x',  # why\n)",  # the comment would go with the default
    ],
)
def test_no_fix_where_it_would_guess_reorder_or_change_meaning(params: str) -> None:
    source = f"{HEAD}def f({params}) -> None: ...\n"
    last = findings(source)[-1]
    assert last.fix is None
    if "Query('x'), db" not in params:
        assert fixed(source) == source


def test_no_fix_after_a_parameter_whose_fix_is_not_offered() -> None:
    source = f"{HEAD}def f(user=Depends(get_user), db: Session = Depends(get_db)) -> None: ...\n"
    assert_no_fix(source)


def test_a_marker_held_in_a_variable_is_not_fixed() -> None:
    assert_no_fix(
        f"{HEAD}current = Depends(get_user)\n\n\ndef f(user: User = current) -> None: ...\n"
    )


# -- FAPI501: `from __future__ import annotations` ----------------------------------------

DEFERRED = (
    "from __future__ import annotations\n\n"
    "from typing import Annotated\n\n"
    "from fastapi import Depends\n\n"
)


def test_deferred_annotations_are_fixed_when_fastapi_can_evaluate_them() -> None:
    source = f"{DEFERRED}from .db import Session, get_db\n\n\n{DB_PARAM}"
    assert fixed(source).endswith("def f(db: Annotated[Session, Depends(get_db)]) -> None: ...\n")


@pytest.mark.parametrize(
    "code",
    [
        # `User` only exists for type checkers: FastAPI could not evaluate the annotation
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .auth import User\n\n\n"
        "def f(user: User = Depends(get_user)) -> None: ...\n",
        # a dependency local to the enclosing function: FastAPI looks in the module's globals
        "def make() -> None:\n    def local() -> int: ...\n\n"
        "    def f(n: int = Depends(local)) -> None: ...\n",
        # bound after the def: not there yet when the route is declared
        "def f(n: Later = Depends(later)) -> None: ...\n\n\n"
        "class Later: ...\n\n\n"
        "def later() -> Later: ...\n",
    ],
)
def test_deferred_annotations_naming_what_fastapi_cannot_see_are_not_fixed(code: str) -> None:
    assert_no_fix(DEFERRED + code)


# -- FAPI503 ------------------------------------------------------------------------------

ROUTES = "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"


def test_response_model_is_dropped_with_its_comma() -> None:
    source = (
        f'{ROUTES}@router.get("/a", response_model=Item, status_code=200)\ndef a() -> Item: ...\n'
    )
    assert fixed(source, RedundantResponseModel) == (
        f'{ROUTES}@router.get("/a", status_code=200)\ndef a() -> Item: ...\n'
    )


def test_response_model_fix_is_unsafe_and_listed_in_json() -> None:
    source = f'{ROUTES}@router.get("/a", response_model=Item)\ndef a() -> Item: ...\n'
    (found,) = findings(source, RedundantResponseModel)
    assert found.fix is not None and found.fix.applicability == "unsafe"
    assert found.fix.message == "Remove `response_model=`"


@pytest.mark.parametrize(
    "source",
    [
        f'{ROUTES}@router.get("/a", response_model=Item)\n@cached\ndef a() -> Item: ...\n',
        f'{ROUTES}@router.get(\n    "/a",\n    response_model=Item,  # public\n)\n'
        "@cached\ndef a() -> Item: ...\n",
        f'{ROUTES}@router.get("/a", response_model=(  # kept\n    Item\n))\ndef a() -> Item: ...\n',
    ],
)
def test_response_model_is_kept_when_fastapi_may_read_a_wrapper_or_a_comment_would_go(
    source: str,
) -> None:
    assert_no_fix(source, RedundantResponseModel)


def test_stacked_route_decorators_are_all_fixed() -> None:
    source = (
        f'{ROUTES}@router.get("/a", response_model=Item)\n'
        f'@router.get("/b", response_model=Item)\ndef a() -> Item: ...\n'
    )
    assert fixed(source, RedundantResponseModel) == (
        f'{ROUTES}@router.get("/a")\n@router.get("/b")\ndef a() -> Item: ...\n'
    )


# -- dropping an argument -----------------------------------------------------------------


def _without(code: str, value: str) -> str:
    call = cst.parse_expression(code)
    assert isinstance(call, cst.Call)
    empty = cst.Module(body=[])
    arg = next(a for a in call.args if empty.code_for_node(a.value) == value)
    new = without_argument(call, arg)
    assert comments(new) == comments(call) or "#" in empty.code_for_node(arg.value)
    return empty.code_for_node(new)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("f(a, b, c)", "f(a, c)"),
        ("f(b, c)", "f(c)"),
        ("f(a, b)", "f(a)"),
        ("f(a, b,)", "f(a,)"),
        ("f(b)", "f()"),
        ("f(\n    b,\n)", "f()"),
        ("f(\n    a,\n    b,\n)", "f(\n    a,\n)"),
        ("f(\n    a,\n    b\n)", "f(\n    a\n)"),
        ("f(\n    b,\n    c,\n)", "f(\n    c,\n)"),
        ("f(\n    a, b,\n    c,\n)", "f(\n    a,\n    c,\n)"),
        ("f(\n    a,  # on a\n    b,  # on b\n)", "f(\n    a,  # on a\n    # on b\n)"),
        ("f(\n    a,\n    b,  # on b\n    c,\n)", "f(\n    a,\n    # on b\n    c,\n)"),
        ("f(\n    a,\n    # above c\n    b,\n    c,\n)", "f(\n    a,\n    # above c\n    c,\n)"),
        ("f(a, b,  # on b\n  c)", "f(a,  # on b\n  c)"),
    ],
)
def test_an_argument_leaves_with_its_comma_and_its_line(code: str, expected: str) -> None:
    assert _without(code, "b") == expected


# -- the command line ---------------------------------------------------------------------


def test_cli_applies_both_fixes_only_with_unsafe_fixes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    app = tmp_path / "app.py"
    source = (
        f'{ROUTES}@router.get("/a", response_model=Item)\n'
        "def a(db: Session = Depends(get_db)) -> Item: ...\n"
    ).replace("import APIRouter", "import APIRouter, Depends")
    app.write_text(source)
    monkeypatch.chdir(tmp_path)
    args = ["check", "--select", "FAPI501,FAPI503", "--no-cache", "--output-format", "json"]
    report = json.loads(CliRunner().invoke(cli, args).stdout)
    kinds = {d["code"]: d["fix"]["applicability"] for d in report["diagnostics"]}
    assert kinds == {"FAPI501": "unsafe", "FAPI503": "unsafe"}
    CliRunner().invoke(cli, ["check", "--fix", "--select", "FAPI501,FAPI503", "--no-cache"])
    assert app.read_text() == source
    result = CliRunner().invoke(cli, [*args[:4], "--fix", "--unsafe-fixes"])
    assert result.exit_code == 0, result.output
    assert app.read_text() == (
        "from typing import Annotated\n\n"
        "from fastapi import APIRouter, Depends\n\n"
        "router = APIRouter()\n\n\n"
        '@router.get("/a")\ndef a(db: Annotated[Session, Depends(get_db)]) -> Item: ...\n'
    )
