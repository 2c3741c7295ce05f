"""FAPI603 pydantic-v1-method: which receivers are models, in one file and across modules."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.cli import cli
from fastapi_lint.models import Diagnostic, Edit
from fastapi_lint.rules.pydantic.pydantic_v1_method import PydanticV1Method
from fastapi_lint.runner.single_file import lint_source
from fastapi_lint.summary.codec import summary_from_json, summary_to_json
from project_helpers import write_tree

MODELS = """\
from collections.abc import Sequence
from typing import Annotated, Optional

from fastapi import Body, FastAPI
from pydantic import BaseModel
from pydantic_settings import BaseSettings

app = FastAPI()


class Base(BaseModel):
    id: int


class User(Base):
    name: str


class Settings(BaseSettings):
    debug: bool = False


settings = Settings()
"""
HEADER_LINES = MODELS.count("\n")


def _findings(body: str) -> list[Diagnostic]:
    source = MODELS + textwrap.dedent(body)
    return list(lint_source(source, "example.py", (PydanticV1Method,)).diagnostics)


def _where(body: str) -> list[tuple[int, int]]:
    """(line, column) of each finding, lines counted from the start of ``body``."""
    return [(d.line - HEADER_LINES, d.column) for d in _findings(body)]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        # annotations: plain, Optional, X | None, Annotated, a string, type[X]
        ("def f(user: User) -> None:\n    user.dict()\n", [(2, 10)]),
        ("def f(user: Optional[User]) -> None:\n    user.json()\n", [(2, 10)]),
        ("def f(user: User | None) -> None:\n    user.copy()\n", [(2, 10)]),
        ("def f(user: Annotated[User, Body()]) -> None:\n    user.dict()\n", [(2, 10)]),
        ("def f(user: 'User') -> None:\n    user.dict()\n", [(2, 10)]),
        ("def f(kind: type[User]) -> None:\n    kind.parse_obj({})\n", [(2, 10)]),
        ("def f(data: dict) -> None:\n    x: User = User(**data)\n    x.dict()\n", [(3, 7)]),
        # constructors and their results, copies of models
        ("def f(data: dict) -> None:\n    x = User(**data)\n    x.dict()\n", [(3, 7)]),
        ("def f(d: dict) -> None:\n    x = User.model_validate(d)\n    x.json()\n", [(3, 7)]),
        ("def f(d: dict) -> None:\n    x = User.parse_obj(d)\n    x.json()\n", [(2, 14), (3, 7)]),
        ("def f(u: User) -> None:\n    x = u.model_copy()\n    x.dict()\n", [(3, 7)]),
        ("def f(data: dict) -> None:\n    User(**data).dict()\n", [(2, 18)]),
        ("def f(d: dict) -> None:\n    User.model_validate(d).dict()\n", [(2, 28)]),
        ("def f(d: dict) -> None:\n    if (x := User(**d)):\n        x.dict()\n", [(3, 11)]),
        # the class itself, every v1 class method
        ("User.parse_obj({})\n", [(1, 6)]),
        ("User.parse_raw('{}')\n", [(1, 6)]),
        ("User.parse_file('user.json')\n", [(1, 6)]),
        ("User.from_orm(object())\n", [(1, 6)]),
        ("User.construct(id=1)\n", [(1, 6)]),
        ("User.schema()\n", [(1, 6)]),
        ("User.schema_json()\n", [(1, 6)]),
        ("User.update_forward_refs()\n", [(1, 6)]),
        ("User.validate({})\n", [(1, 6)]),
        ("print(User.__fields__)\n", [(1, 12)]),
        # module-level instances, pydantic's own BaseModel, settings
        ("def f() -> dict:\n    return settings.dict()\n", [(2, 21)]),
        ("def f(m: BaseModel) -> str:\n    return m.json()\n", [(2, 14)]),
        # a route handler's body parameter
        (
            "@app.post('/users')\nasync def create(user: User) -> dict:\n"
            "    return user.dict(exclude_unset=True)\n",
            [(3, 17)],
        ),
        # a closure sees the enclosing function's names
        ("def f(user: User) -> None:\n    def g() -> None:\n        user.dict()\n", [(3, 14)]),
        # narrowed by an isinstance guard
        (
            "def f(value: object) -> dict:\n    if isinstance(value, User):\n"
            "        return value.dict()\n    return {}\n",
            [(3, 22)],
        ),
        (
            "def f(value) -> object:\n"
            "    return value.json() if isinstance(value, User) else value\n",
            [(2, 18)],
        ),
        (
            "def f(value) -> object:\n    return isinstance(value, User) and value.copy()\n",
            [(2, 46)],
        ),
        (
            "def f(v, ok: bool) -> None:\n"
            "    if ok and isinstance(v, BaseModel):\n        v.dict()\n",
            [(3, 11)],
        ),
        # elements of a collection annotated with the model
        (
            "def f(users: list[User]) -> None:\n    for user in users:\n        user.dict()\n",
            [(3, 14)],
        ),
        ("def f(users: list[User]) -> None:\n    print([u.dict() for u in users])\n", [(2, 14)]),
        (
            "def f(users: Optional[Sequence[User]]) -> None:\n    {u.json() for u in users}\n",
            [(2, 8)],
        ),
        ("def f(users: tuple['User', ...]) -> None:\n    [u.copy() for u in users]\n", [(2, 8)]),
    ],
)
def test_a_v1_method_on_a_known_model_is_flagged_at_the_method_name(
    body: str, where: list[tuple[int, int]]
) -> None:
    assert _where(body) == where


@pytest.mark.parametrize(
    "body",
    [
        # other objects with the same method names
        "import httpx\n\nhttpx.get('https://example.com').json()\n",
        "import requests\n\ndef f() -> None:\n    r = requests.get('x')\n    r.json()\n",
        "import os\n\nos.environ.copy()\n",
        "def f(data: dict) -> None:\n    data.copy()\n",
        "def f(data: dict[str, User]) -> None:\n    data.copy()\n",
        # the class is not known
        "def f(user) -> None:\n    user.dict()\n",
        "def f(rows: list[dict]) -> None:\n    for row in rows:\n        row.copy()\n",
        "def f(users: dict[str, User]) -> None:\n    print([u.dict() for u in users])\n",
        "def f(users: list[User]) -> None:\n    for user in users.values():\n        user.dict()\n",
        "def f(users: list[User | None]) -> None:\n    print([u.dict() for u in users])\n",
        # no isinstance guard over the call, or a guard saying something else
        "def f(value) -> None:\n    if not isinstance(value, User):\n        value.copy()\n",
        "def f(value) -> None:\n    if isinstance(value, User):\n        pass\n"
        "    else:\n        value.copy()\n",
        "def f(value) -> None:\n    if isinstance(value, (User, dict)):\n        value.copy()\n",
        "def f(value) -> None:\n    if isinstance(value, dict):\n        value.copy()\n",
        "def f(value) -> None:\n    if isinstance(value, User):\n"
        "        g = lambda value: value.copy()\n",
        "def f(user: User | Settings) -> None:\n    user.dict()\n",
        "def make() -> User: ...\n\n\ndef f() -> None:\n    user = make()\n    user.dict()\n",
        # a name bound to two different things in one function
        "def f(data: dict) -> None:\n    x = User(**data)\n    x = data\n    x.copy()\n",
        "def f(user: User, rows: list) -> None:\n"
        "    for user in rows:\n        pass\n    user.dict()\n",
        "def f(user: User) -> None:\n"
        "    try:\n        pass\n    except ValueError as user:\n        user.copy()\n",
        # a nested def or a lambda rebinding the name
        "def f(user: User) -> None:\n    def g(user: dict) -> None:\n        user.copy()\n",
        "def f(user: User) -> None:\n    g = lambda user: user.copy()\n",
        # v2 names, and the method read without a call
        "def f(user: User) -> None:\n    user.model_dump()\n    User.model_validate({})\n",
        "def f(user: User) -> None:\n    callback = user.dict\n",
        # a staticmethod's first parameter is not self
        "class Tool(User):\n"
        "    @staticmethod\n    def run(value: dict) -> None:\n        value.copy()\n",
        # a local class shadowing nothing, a class that is not a model
        "class Bag(dict):\n    pass\n\n\ndef f(bag: Bag) -> None:\n    bag.copy()\n",
        "class Outer:\n    def f(self) -> None:\n        self.json()\n",
        # an import from outside the project, and pydantic.v1
        "from lnurl import LnurlResponse\n\nLnurlResponse.parse_obj({})\n",
        "from pydantic.v1 import BaseModel as V1\n\n\n"
        "class Old(V1):\n    pass\n\n\nOld.parse_obj({})\n",
        # the model (or a base of the module) defines the method itself
        "class Export(User):\n    def json(self) -> str:\n        return ''\n\n\n"
        "def f(e: Export) -> None:\n    e.json()\n",
        "class Mixin(Base):\n    def dict(self) -> dict:\n        return {}\n\n\n"
        "class Row(Mixin):\n    pass\n\n\nRow(id=1).dict()\n",
    ],
)
def test_other_receivers_stay_quiet(body: str) -> None:
    assert _findings(body) == []


def test_self_and_cls_in_a_models_methods() -> None:
    body = (
        "class Account(User):\n"
        "    def public(self) -> dict:\n"
        "        return self.dict()\n\n"
        "    @classmethod\n"
        "    def load(cls, raw: str) -> 'Account':\n"
        "        return cls.parse_raw(raw)\n"
    )
    assert _where(body) == [(3, 21), (7, 20)]


def test_the_message_names_the_model_and_the_v2_method() -> None:
    (finding,) = _findings("def f(user: User) -> None:\n    user.dict()\n")
    assert finding.message == (
        "`.dict()` is Pydantic v1 API, deprecated on model `User`; use `.model_dump()`"
    )
    assert (finding.end_column - finding.column) == len("dict")


@pytest.mark.parametrize(
    ("call", "rename"),
    [
        ("user.dict()", "model_dump"),
        ("user.dict(exclude_none=True, by_alias=True)", "model_dump"),
        ("user.json(include={'id'})", "model_dump_json"),
        ("user.copy(update={'id': 2}, deep=True)", "model_copy"),
        ("User.parse_obj({})", "model_validate"),
        ("User.parse_raw('{}')", "model_validate_json"),
        ("User.construct(**{'id': 1})", "model_construct"),
        ("User.schema(by_alias=False)", "model_json_schema"),
        ("User.validate({})", "model_validate"),
        ("User.__fields__", "model_fields"),
        ("user.__fields_set__", "model_fields_set"),
    ],
)
def test_a_plain_rename_carries_a_safe_fix_replacing_the_name(call: str, rename: str) -> None:
    (finding,) = _findings(f"def f(user: User) -> None:\n    {call}\n")
    assert finding.fix is not None and finding.fix.applicability == "safe"
    (edit,) = finding.fix.edits
    assert edit == Edit(finding.line, finding.column, finding.line, finding.end_column, rename)


@pytest.mark.parametrize(
    "call",
    [
        "user.json(indent=2)",  # json.dumps arguments: model_dump_json takes other ones
        "user.dict(skip_defaults=True)",
        "user.dict(**options)",
        "user.copy(include={'id'})",  # model_copy has no include/exclude
        "User.parse_raw(b'{}', content_type='application/json')",
        "User.parse_obj(*rows)",
        "User.parse_file('user.json')",
        "User.schema_json()",
        "User.update_forward_refs()",
        "user.__fields__",  # model_fields on an instance is itself deprecated (2.11)
    ],
)
def test_no_fix_when_the_rename_would_change_the_meaning(call: str) -> None:
    body = f"def f(user: User, options: dict, rows: list) -> None:\n    {call}\n"
    (finding,) = _findings(body)
    assert finding.fix is None


def test_from_orm_becomes_model_validate_reading_attributes() -> None:
    # v2's from_orm is model_validate only when the config sets from_attributes.
    (finding,) = _findings("def f(user: User) -> None:\n    User.from_orm(user)\n")
    assert finding.fix is not None and finding.fix.applicability == "safe"
    (edit,) = finding.fix.edits
    content = "model_validate(user, from_attributes=True"
    assert edit == Edit(finding.line, 10, finding.line, 23, content)


@pytest.mark.parametrize("call", ["User.from_orm()", "User.from_orm(obj=user)"])
def test_from_orm_without_its_one_positional_argument_gets_no_fix(call: str) -> None:
    (finding,) = _findings(f"def f(user: User) -> None:\n    {call}\n")
    assert finding.fix is None


def test_a_fix_on_a_multi_line_call_edits_the_name_where_it_is() -> None:
    body = "def f(user: User) -> None:\n    (\n        user\n        .dict()\n    )\n"
    (finding,) = _findings(body)
    assert (finding.line - HEADER_LINES, finding.column) == (4, 10)
    assert finding.fix is not None
    assert finding.fix.edits[0].line == finding.line


def test_a_model_imported_from_an_unlinted_module_is_not_judged() -> None:
    # Alone, the file cannot tell what ``app.models.User`` is: the project step decides.
    source = "from app.models import User\n\n\ndef f(user: User) -> None:\n    user.dict()\n"
    assert lint_source(source, "example.py", (PydanticV1Method,)).diagnostics == ()


# -- across modules, through the CLI ---------------------------------------------------

PROJECT = {
    "pyproject.toml": "[project]\nname = 'shop'\n",
    "app/__init__.py": "",
    "app/models/__init__.py": "from .user import User as User\n",
    "app/models/base.py": """
        from pydantic import BaseModel


        class Base(BaseModel):
            id: int


        class Plain:
            def json(self) -> str:
                return "{}"
    """,
    "app/models/user.py": """
        from .base import Base, Plain


        class Address(Base):
            city: str


        class User(Base):
            name: str
            address: Address

            def export(self) -> dict:
                return self.dict()


        class Custom(Base):
            def json(self) -> str:
                return "custom"


        class Child(Custom):
            pass


        class NotModel(Plain):
            pass
    """,
    "app/config.py": """
        from pydantic_settings import BaseSettings


        class Settings(BaseSettings):
            debug: bool = False


        settings = Settings()
    """,
    "app/routes.py": """
        from typing import Optional

        from fastapi import APIRouter
        import httpx

        from app import models
        from app.config import settings
        from app.models import User
        from app.models.user import Child, NotModel

        router = APIRouter()


        @router.post("/users")
        async def create(user: User, child: Child, other: NotModel, maybe: Optional[User]) -> dict:
            child.json()
            other.json()
            httpx.get("https://example.com").json()
            User.parse_obj({}).json(by_alias=True)
            models.User.schema()
            print(user.address.dict(), settings.dict(), maybe.copy(deep=True))
            return user.dict(exclude_none=True)


        def local_import(raw: str) -> None:
            from app.models.user import Address

            Address.parse_raw(raw, content_type="application/json")
    """,
}
EXPECTED = [
    ("app/models/user.py", 13, 21, "User", "model_dump"),
    ("app/routes.py", 19, 10, "User", "model_validate"),
    ("app/routes.py", 19, 24, "User", "model_dump_json"),
    ("app/routes.py", 20, 17, "User", "model_json_schema"),
    ("app/routes.py", 21, 24, "Address", "model_dump"),
    ("app/routes.py", 21, 41, "Settings", "model_dump"),
    ("app/routes.py", 21, 55, "User", "model_copy"),
    ("app/routes.py", 22, 17, "User", "model_dump"),
    ("app/routes.py", 28, 13, "Address", None),
]


def _check_json(root: Path, *extra: str) -> list[dict[str, object]]:
    args = ["check", str(root), "--select", "FAPI603", "--output-format", "json", *extra]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    found: list[dict[str, object]] = json.loads(result.output)["diagnostics"]
    return found


def _summarised(found: list[dict[str, object]], root: Path) -> list[tuple[object, ...]]:
    rows = []
    for item in found:
        fix = item["fix"]
        rename = fix["edits"][0]["content"] if isinstance(fix, dict) else None
        path = Path(str(item["path"])).resolve().relative_to(root.resolve()).as_posix()
        model = str(item["message"]).split("model `")[1].split("`")[0]
        rows.append((path, item["line"], item["column"], model, rename))
    return rows


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_models_defined_in_other_modules_are_followed_through_imports(shop: Path) -> None:
    found = _check_json(shop, "--no-cache")
    assert _summarised(found, shop) == EXPECTED


def test_each_finding_is_reported_once_and_its_fix_edits_the_method_name(shop: Path) -> None:
    found = _check_json(shop, "--no-cache")
    places = [(item["path"], item["line"], item["column"]) for item in found]
    assert len(places) == len(set(places))
    routes = (shop / "app/routes.py").read_text().splitlines()
    for item in found:
        fix = item["fix"]
        if isinstance(fix, dict) and item["path"] == "app/routes.py":
            (edit,) = fix["edits"]
            line = routes[edit["line"] - 1]
            assert line[edit["column"] - 1 : edit["end_column"] - 1] in {
                "dict",
                "json",
                "copy",
                "schema",
                "parse_obj",
            }


def test_the_cache_answers_the_same_findings_and_fixes(shop: Path) -> None:
    first = _check_json(shop, "--cache-dir", str(shop / ".cache"))
    second = _check_json(shop, "--cache-dir", str(shop / ".cache"))
    assert first == second
    assert _summarised(second, shop) == EXPECTED


def test_a_noqa_comment_silences_a_project_finding(shop: Path) -> None:
    routes = shop / "app/routes.py"
    text = routes.read_text().replace(
        "return user.dict(exclude_none=True)", "return user.dict()  # noqa: FAPI603"
    )
    routes.write_text(text)
    rows = _summarised(_check_json(shop, "--no-cache"), shop)
    assert ("app/routes.py", 22, 17, "User", "model_dump") not in rows
    assert len(rows) == len(EXPECTED) - 1


def test_summaries_with_model_calls_round_trip_through_json(shop: Path) -> None:
    source = (shop / "app/routes.py").read_text()
    summary = lint_source(source, "app/routes.py", (), project="collect").summary
    assert summary is not None and summary.model_calls
    assert summary_from_json(json.loads(json.dumps(summary_to_json(summary)))) == summary
    assert {call.line for call in summary.model_calls} <= {n for n, _ in summary.lines}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "def f(value: BaseModel) -> str:\n    return value.json()\n",
            "`.json()` is Pydantic v1 API, deprecated on `value`, a Pydantic model; "
            "use `.model_dump_json()`",
        ),
        (
            "def f(kind: type[BaseModel]) -> dict:\n    return kind.schema()\n",
            "`.schema()` is Pydantic v1 API, deprecated on `kind`, a Pydantic model class; "
            "use `.model_json_schema()`",
        ),
        (
            "def f(row: object) -> User:\n    return User.from_orm(row)\n",
            "`.from_orm()` is Pydantic v1 API, deprecated on model `User`; "
            "use `.model_validate()` with `from_attributes=True`",
        ),
        (
            "def f() -> str:\n    return User.schema_json()\n",
            "`.schema_json()` is Pydantic v1 API, deprecated on model `User`; "
            "use `json.dumps(User.model_json_schema())`",
        ),
    ],
)
def test_the_message_names_the_receiver_when_it_is_pydantics_own_base(
    body: str, message: str
) -> None:
    (finding,) = _findings(body)
    assert finding.message == message


def test_an_annotation_naming_a_model_class_held_in_a_variable() -> None:
    body = (
        "def build(schema: dict) -> None:\n"
        "    Schema: type[BaseModel] = make_model(schema)\n\n"
        "    class Tool:\n"
        "        def call(self, arguments: Schema) -> dict:\n"
        "            return arguments.dict()\n\n"
        "        def describe(self) -> dict:\n"
        "            return Schema.schema()\n"
    )
    found = _findings(body)
    assert [(d.line - HEADER_LINES, d.column) for d in found] == [(6, 30), (9, 27)]
    assert "on `arguments`, a Pydantic model;" in found[0].message
    assert "on `Schema`, a Pydantic model class;" in found[1].message
