"""FAPI501 non-annotated-dependency: what it flags, where, what it advises, what stays quiet.

Ruff issues about FAST002 kept as regressions here: #15043 (ruff's suggested ``Annotated[str,
Query("")]`` is rejected by FastAPI; the default must move out of the call). #20680 and #16795
are about FAST003 (path parameters), which FAPI502 covers, not this rule.
"""

from __future__ import annotations

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.rules.fastapi.non_annotated_dependency import NonAnnotatedDependency
from fastapi_lint.runner.single_file import lint_source

HEADER = "from fastapi import APIRouter, Body, Depends, FastAPI, Path, Query, Security\n"


def lint(code: str) -> list[Diagnostic]:
    result = lint_source(code, "app.py", (NonAnnotatedDependency,))
    assert not result.internal_errors, result.internal_errors
    return list(result.diagnostics)


def messages(code: str) -> list[str]:
    return [d.message for d in lint(code)]


# -- what is flagged -----------------------------------------------------------------


@pytest.mark.parametrize(
    "marker", ["Depends", "Security", "Query", "Path", "Body", "Header", "Cookie", "Form", "File"]
)
@pytest.mark.parametrize("module", ["fastapi", "fastapi.params", "fastapi.param_functions"])
def test_every_marker_from_every_module(module: str, marker: str) -> None:
    code = f"from {module} import {marker}\n\n\ndef f(x: int = {marker}()) -> None: ...\n"
    found = lint(code)
    assert len(found) == 1
    assert f"FastAPI's `{marker}`" in found[0].message


@pytest.mark.parametrize(
    "imports, call",
    [
        ("import fastapi", "fastapi.Depends(g)"),
        ("import fastapi as fa", "fa.Depends(g)"),
        ("import fastapi.params", "fastapi.params.Depends(g)"),
        ("from fastapi import params", "params.Depends(g)"),
        ("from fastapi import Depends as D", "D(g)"),
        ("from fastapi import Depends\nInject = Depends", "Inject(g)"),
    ],
)
def test_markers_are_resolved_through_imports_and_aliases(imports: str, call: str) -> None:
    assert len(lint(f"{imports}\n\n\ndef f(x: int = {call}) -> None: ...\n")) == 1


def test_routes_dependencies_methods_and_nested_functions_are_all_checked() -> None:
    code = (
        HEADER + "app = FastAPI()\n\n\n"
        "def get_user(token: str = Depends(scheme)) -> str:\n    return token\n\n\n"
        "class Pagination:\n"
        "    def __init__(self, page: int = Query(1)) -> None: ...\n\n"
        "    async def __call__(self, size: int = Query(50)) -> int: ...\n\n\n"
        "def make_dependency(default: str):\n"
        "    def dependency(q: str = Query(default)) -> str:\n        return q\n"
        "    return dependency\n\n\n"
        '@app.get("/")\nasync def index(user: str = Depends(get_user)) -> None: ...\n'
    )
    assert [(d.line, d.message.split("`")[1]) for d in lint(code)] == [
        (5, "token"),
        (10, "page"),
        (12, "size"),
        (16, "q"),
        (22, "user"),
    ]


def test_positional_only_keyword_only_and_unannotated_parameters() -> None:
    code = HEADER + "def f(a: int = Query(1), /, b=Depends(g), *, c: int = Query(2)) -> None: ...\n"
    found = messages(code)
    assert len(found) == 3
    assert "declare it as `b: Annotated[T, Depends(g)]` with `T` the type it receives" in found[1]


def test_nested_import_as_in_ruff_issue_15043() -> None:
    code = (
        "def test_handler():\n"
        "    from fastapi import FastAPI, Query\n\n"
        "    app = FastAPI()\n\n"
        '    @app.get("/test")\n'
        '    def handler(echo: str = Query("")):\n'
        "        return echo\n"
    )
    assert len(lint(code)) == 1


def test_a_bare_marker_without_call_is_flagged_too() -> None:
    # FastAPI would take the function object itself as the default: surely meant Query().
    found = messages(HEADER + "def f(q: str = Query) -> None: ...\n")
    assert found == [
        "`q` has FastAPI's `Query` as its default value; declare it as `q: Annotated[str, Query()]`"
    ]


def test_a_variable_holding_a_marker_is_followed_to_its_call() -> None:
    code = (
        "from fastapi import Depends, File, Query, UploadFile\n\n"
        "current_user = Depends(get_user)\nupload = File(...)\npage = Query(1, ge=1)\n\n\n"
        "def f(user: User = current_user, up: UploadFile = upload, p: int = page) -> None: ...\n"
    )
    assert messages(code) == [
        "`user` has FastAPI's `Depends` as its default value (through `current_user`); "
        "declare it as `user: Annotated[User, Depends(get_user)]`",
        "`up` has FastAPI's `File` as its default value (through `upload`); "
        "declare it as `up: Annotated[UploadFile, File()]`",
        "`p` has FastAPI's `Query` as its default value (through `page`); "
        "declare it as `p: Annotated[int, Query(ge=1)] = 1`",
    ]


def test_variables_of_the_enclosing_function_and_of_the_module() -> None:
    """The dependency-factory shape of ruff issue #12982, which FAST002 does not see."""
    code = (
        "from fastapi import Depends\n\ncurrent_user = Depends(get_user)\n\n\n"
        "def permission(resource):\n"
        "    dependable = Depends(resource)\n\n"
        "    def check(item: Item = dependable, user: User = current_user) -> Item:\n"
        "        return item\n\n"
        "    return Depends(check)\n\n\n"
        "class Views:\n"
        "    def show(self, user: User = current_user) -> None: ...\n"
    )
    found = messages(code)
    assert len(found) == 3
    assert "`item: Annotated[Item, Depends(resource)]`" in found[0]
    assert "`user: Annotated[User, Depends(get_user)]`" in found[1]
    assert "`user: Annotated[User, Depends(get_user)]`" in found[2]


def test_a_variable_bound_in_branches_goes_into_annotated_as_it_is() -> None:
    code = (
        "from fastapi import Depends\n\n"
        "if settings.strict:\n    auth = Depends(strict_user)\n"
        "else:\n    auth = Depends(any_user)\n\n\n"
        "def f(user: User = auth) -> None: ...\n"
    )
    (message,) = messages(code)
    assert message.endswith("(through `auth`); declare it as `user: Annotated[User, auth]`")


# -- where it is reported --------------------------------------------------------------


def test_the_finding_covers_the_default_value() -> None:
    """Issue 7 turns the default into Annotated metadata: the range is the default itself."""
    code = (
        HEADER
        + "def f(db: Session = Depends(get_db), q: str = Query(\n    None,\n)) -> None: ...\n"
    )
    first, second = lint(code)
    assert (first.line, first.column, first.end_line, first.end_column) == (2, 21, 2, 36)
    assert (second.line, second.column, second.end_line, second.end_column) == (2, 47, 4, 2)


def test_a_parenthesised_default_is_reported_inside_its_parentheses() -> None:
    found = lint(HEADER + "def f(db: Session = (Depends(get_db))) -> None: ...\n")
    assert [(d.column, d.end_column) for d in found] == [(22, 37)]


# -- what it advises -------------------------------------------------------------------


def test_ruff_issue_15043_the_default_moves_out_of_the_call() -> None:
    """FastAPI rejects ``Annotated[str, Query("")]``; the advice keeps ``= ""`` outside."""
    found = messages(HEADER + 'def handler(echo: str = Query("")) -> str:\n    return echo\n')
    assert len(found) == 1
    assert 'declare it as `echo: Annotated[str, Query()] = ""`' in found[0]
    assert 'Query("")]' not in found[0]


@pytest.mark.parametrize(
    "parameter, advice",
    [
        ("q: str | None = Query(None, max_length=50)",
         "q: Annotated[str | None, Query(max_length=50)] = None"),
        ("q: str = Query(default='x', alias='Q')", "q: Annotated[str, Query(alias='Q')] = 'x'"),
        ("q: list[str] = Query(default_factory=list)",
         "q: Annotated[list[str], Query(default_factory=list)]"),
        ("item_id: int = Path(..., ge=1)", "item_id: Annotated[int, Path(ge=1)]"),
        ("item_id: int = Path(default=..., ge=1)", "item_id: Annotated[int, Path(ge=1)]"),
        ("data: dict = Body(embed=True)", "data: Annotated[dict, Body(embed=True)]"),
        ("db: Session = Depends(get_db, use_cache=False)",
         "db: Annotated[Session, Depends(get_db, use_cache=False)]"),
        ("user: User = Security(current, scopes=['me'])",
         "user: Annotated[User, Security(current, scopes=['me'])]"),
        ("commons: Commons = Depends()", "commons: Annotated[Commons, Depends()]"),
        ("q: Annotated[str, 'doc'] = Query('x')", "q: Annotated[str, 'doc', Query()] = 'x'"),
        ("q: 'str' = Query('x')", "q: Annotated['str', Query()] = 'x'"),
    ],
)  # fmt: skip
def test_the_message_spells_out_the_rewritten_parameter(parameter: str, advice: str) -> None:
    code = "from typing import Annotated\n" + HEADER + f"def f({parameter}) -> None: ...\n"
    found = messages(code)
    assert len(found) == 1
    assert f"declare it as `{advice}`" in found[0]


def test_a_multiline_call_is_shown_on_one_line() -> None:
    code = HEADER + "def f(q: str = Query(\n    None,\n    max_length=5,\n)) -> None: ...\n"
    assert "`q: Annotated[str, Query(max_length=5)] = None`" in messages(code)[0]


def test_long_annotations_and_calls_are_abbreviated() -> None:
    long_type = "dict[str, list[tuple[int, int, int, int, int, int, int, int]]]"
    code = (
        HEADER + f"def f(x: {long_type} = Depends(a_dependency_with_a_long_name, use_cache=False,"
        " scope='function')) -> None: ...\n"
    )
    # Values go first, names stay; never as ``...``, which reads as "required".
    shown = "`x: Annotated[T, Depends(<value>, use_cache=<value>, scope=<value>)]`"
    assert shown in messages(code)[0]


def test_calls_too_long_even_without_values_keep_only_a_placeholder() -> None:
    keywords = ", ".join(f"keyword_number_{i}=1" for i in range(6))
    code = HEADER + f"def f(q: str = Query('x', {keywords})) -> None: ...\n"
    assert "`q: Annotated[str, Query(<arguments>)] = 'x'`" in messages(code)[0]


def test_a_marker_in_annotated_and_in_the_default_is_called_out() -> None:
    code = (
        "from typing import Annotated\n"
        + HEADER
        + "def f(q: Annotated[str, Query(max_length=5)] = Query('x')) -> None: ...\n"
    )
    (message,) = messages(code)
    assert "both in `Annotated[...]` and as its default value, which FastAPI rejects" in message


def test_parameters_that_lose_their_default_are_told_to_move() -> None:
    """Python refuses a parameter without default after one with a default."""
    code = (
        HEADER + "def f(\n"
        "    first: Session = Depends(get_db),\n"  # nothing before it keeps a default
        "    q: str = Query(''),\n"  # keeps ``= ''``
        "    item_id: int = Path(...),\n"  # loses its default after q: must move
        "    *,\n"
        "    user: User = Depends(current),\n"  # keyword-only: order does not matter
        ") -> None: ...\n"
    )
    moved = [d.message.split("`")[1] for d in lint(code) if "move it before" in d.message]
    assert moved == ["item_id"]


def test_plain_defaults_before_count_for_the_move_hint() -> None:
    code = HEADER + "def f(limit: int = 10, db: Session = Depends(get_db)) -> None: ...\n"
    assert "move it before the parameters that keep one, or after `*`" in messages(code)[0]


# -- what stays quiet ------------------------------------------------------------------


QUIET = {
    "annotated": (
        "from typing import Annotated\n"
        + HEADER
        + "SessionDep = Annotated[Session, Depends(get_db)]\n"
        "router = APIRouter()\n\n\n"
        '@router.get("/items/{item_id}")\n'
        "async def read(\n"
        "    item_id: Annotated[int, Path(ge=1)],\n"
        "    db: SessionDep,\n"
        "    q: Annotated[str | None, Query(max_length=50)] = None,\n"
        "    body: Annotated[dict, Body()] = None,\n"
        ") -> None: ...\n"
    ),
    "pathlib": "from pathlib import Path\n\n\ndef f(p: Path = Path('.')) -> None: ...\n",
    "own_function": (
        "from fastapi import FastAPI\n\n\n"
        "def Depends(x: object = None) -> object:\n    return x\n\n\n"
        "def f(db: object = Depends(get_db)) -> None: ...\n"
    ),
    "shadowed_import": (
        "from fastapi import Query\n\n\n"
        "def Query(x: object = None) -> object:\n    return x\n\n\n"
        "def f(q: object = Query(1)) -> None: ...\n"
    ),
    "variable_holding_something_else": (
        "from fastapi import Depends, FastAPI\n\napp = FastAPI()\nlimit = int('10')\n"
        "default_user = User()\n\n\n"
        "def f(n: int = limit, user: User = default_user) -> None: ...\n"
    ),
    "variable_shadowed_in_the_enclosing_function": (
        "from fastapi import Depends\n\ncurrent_user = Depends(get_user)\n\n\n"
        "def factory():\n"
        "    current_user = make_user()\n\n"
        "    def f(user: User = current_user) -> None: ...\n"
    ),
    "lambda": "from fastapi import Depends\n\nf = lambda db=Depends(get_db): db\n",
    "other_library": (
        "import typer\nfrom myapp.deps import Depends\n\n\n"
        "def f(name: str = typer.Option('x'), db: object = Depends(get_db)) -> None: ...\n"
    ),
    "not_a_default": (
        "from fastapi import Depends, FastAPI\n\n"
        "app = FastAPI(dependencies=[Depends(verify)])\n\n\n"
        "def f(db: object = None, *, deps: list = [Depends(g)]) -> None:\n"
        "    x = Depends(g)\n"
    ),
    "no_fastapi": (
        "from deps import Depends\n\n\ndef f(db: object = Depends(get_db)) -> None: ...\n"
    ),
}


@pytest.mark.parametrize("name", sorted(QUIET))
def test_quiet(name: str) -> None:
    assert lint(QUIET[name]) == []


def test_files_without_fastapi_never_build_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cheap text check runs first: a module that never says ``fastapi`` costs nothing."""

    def fail(*args: object) -> None:
        raise AssertionError("model built")

    monkeypatch.setattr("fastapi_lint.fastapi_model.module.ModuleModel.build", fail)
    code = "from deps import Depends\n\n\ndef f(db: object = Depends(g), n: int = 1) -> None: ...\n"
    assert lint(code) == []
    # The same defaults in a FastAPI module do build it (and here fail): the patch is effective.
    result = lint_source(HEADER + code, "app.py", (NonAnnotatedDependency,))
    assert any("model built" in error.message for error in result.internal_errors)


# -- functions FastAPI never resolves ----------------------------------------------------


def test_a_function_another_framework_registers_is_left_alone() -> None:
    code = (
        "from mcp.server import Server\n"
        + HEADER
        + "server = Server('tools')\n\n\n"
        + "@server.call_tool()\n"
        + "async def call_tool(name: str, *, notify: bool = Depends(get_flag)) -> list: ...\n"
    )
    assert lint(code) == []


def test_a_route_and_a_fastapi_registrar_are_still_checked() -> None:
    code = (
        HEADER
        + "from .limits import limiter\napp = FastAPI()\n\n\n"
        + "@app.get('/items')\n@limiter.limit('5/minute')\n"
        + "async def items(db: Session = Depends(get_db)) -> list: ...\n\n\n"
        + "@app.middleware('http')\n"
        + "async def stamp(request, call_next, db: Session = Depends(get_db)): ...\n"
    )
    assert len(lint(code)) == 2


HELPER = (
    "from fastapi import Header, Request, UploadFile\n"
    + HEADER
    + "app = FastAPI()\n\n\n"
    + "async def indexer(\n    request: Request,\n    files: list[UploadFile],\n"
    + "    user_agent: str | None = Header(None),\n    host: str | None = Header(None),\n"
    + ") -> None: ...\n\n\n"
)


def test_a_helper_the_module_calls_with_every_marker_parameter_is_left_alone() -> None:
    code = HELPER + (
        "@app.post('/index')\nasync def index(request: Request, files: list[UploadFile],"
        " user_agent: Annotated[str | None, Header()] = None, host: Annotated[str | None,"
        " Header()] = None) -> None:\n"
        "    await indexer(request, files, user_agent, host=host)\n"
    )
    assert lint(code) == []


@pytest.mark.parametrize(
    "use",
    [
        "    await indexer(request, files, user_agent)\n",  # ``host`` keeps its marker
        "    await other.indexer(request, files, user_agent, host)\n",
        "    ...\n\n\nsome_dependency = Depends(indexer)\n",
    ],
)
def test_a_helper_that_fastapi_may_still_resolve_is_checked(use: str) -> None:
    code = HELPER + (
        "@app.post('/index')\nasync def index(request: Request, files: list[UploadFile]):\n"
    )
    found = lint(code + use)
    assert {d.message.split("`")[1] for d in found} >= {"user_agent", "host"}


def test_a_method_called_on_self_with_its_markers_is_a_helper() -> None:
    code = (
        "from fastapi import Header\n"
        + HEADER
        + "class Indexer:\n"
        + "    def run(self, agent: str = Header(None)) -> None: ...\n\n"
        + "    def __call__(self, agent: str = Header(None)) -> None:\n"
        + "        self.run(agent)\n"
    )
    assert [d.line for d in lint(code)] == [6]  # ``__call__`` is what FastAPI would call


def test_a_function_of_the_module_returning_a_dependency_marker_is_a_marker() -> None:
    code = (
        HEADER
        + "def LimitBody():\n    '''The body size limit.'''\n    return Depends(get_limit)\n\n\n"
        + "def PageQuery():\n    return Query(1, ge=1)\n\n\n"
        + "def handler(limit: int = LimitBody(), page: int = PageQuery()) -> None: ...\n"
    )
    (found,) = lint(code)
    assert found.message == (
        "`limit` has FastAPI's `Depends` as its default value (through `LimitBody()`); "
        "declare it as `limit: Annotated[int, LimitBody()]`"
    )
    assert found.fix is None


def test_an_abbreviated_call_argument_keeps_what_it_calls() -> None:
    code = (
        HEADER + "def f(limit=Depends(\n    RateLimiter(requests=20, subscribed_requests=20,"
        " window=60, slug='chat_minute')\n)) -> None: ...\n"
    )
    assert "`limit: Annotated[T, Depends(RateLimiter(<arguments>))]`" in messages(code)[0]
