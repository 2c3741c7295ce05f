"""The fixes of the pydantic family (issue 7): FAPI601 config, FAPI603 methods, FAPI604 arguments.

The before/after pairs in ``fixtures/fixes/pydantic_v1_*`` show what each fix writes;
these tests pin down when a fix is safe or unsafe, and each reason not to offer one.
"""

from __future__ import annotations

import textwrap
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
from fastapi_lint.rules.pydantic._imported_name import with_name
from fastapi_lint.rules.pydantic.pydantic_v1_config import PydanticV1Config
from fastapi_lint.rules.pydantic.pydantic_v1_field_argument import (
    PydanticV1FieldArgument,
    anchored_at_start,
)
from fastapi_lint.rules.pydantic.pydantic_v1_method import PydanticV1Method
from fastapi_lint.runner.single_file import lint_source
from project_helpers import write_tree

EVERYTHING = FixSettings(unsafe=True)


def _only(source: str, rule: type[Rule]) -> Diagnostic:
    (finding,) = lint_source(textwrap.dedent(source), "case.py", (rule,)).diagnostics
    return finding


def _fixed(source: str, rule: type[Rule], settings: FixSettings = EVERYTHING) -> str:
    text = textwrap.dedent(source)
    return fix_bytes(text.encode(), "case.py", (rule,), RuleOptions(), settings).current


def _model(config: str, header: str = "from pydantic import BaseModel\n", body: str = "") -> str:
    """A module with one model whose inner class is ``config`` (indented by the caller)."""
    return f"{header}\n\nclass User(BaseModel):\n{body}    class Config:\n{config}"


# -- FAPI601: safe, unsafe ------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        "        extra = 'forbid'\n",
        "        frozen = True\n        title = 'User'\n",
        "        arbitrary_types_allowed = True\n        json_encoders = {int: str}\n",
        "        from_attributes = True\n",  # already the v2 spelling
    ],
)
def test_keys_that_v2_reads_the_same_give_a_safe_fix(config: str) -> None:
    finding = _only(_model(config), PydanticV1Config)
    assert finding.fix is not None and finding.fix.applicability == "safe"


@pytest.mark.parametrize(
    "config",
    [
        "        orm_mode = True\n",
        "        validate_all = True\n",
        "        anystr_strip_whitespace = True\n",
        "        allow_mutation = False\n",
        "        extra = 'forbid'\n        schema_extra = {'example': {}}\n",
    ],
)
def test_keys_v2_ignores_in_the_inner_class_make_the_fix_unsafe(config: str) -> None:
    # v2 only warns about a renamed key in ``class Config``: once renamed, it takes effect.
    finding = _only(_model(config), PydanticV1Config)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"


def test_unsafe_fixes_wait_for_unsafe_fixes() -> None:
    source = _model("        orm_mode = True\n")
    assert _fixed(source, PydanticV1Config, FixSettings()) == source
    assert "ConfigDict(from_attributes=True)" in _fixed(source, PydanticV1Config)


def test_extra_enum_becomes_its_string() -> None:
    source = _model("        extra = Extra.forbid\n", "from pydantic import BaseModel, Extra\n")
    fixed = _fixed(source, PydanticV1Config, FixSettings())
    assert 'model_config = ConfigDict(extra="forbid")' in fixed
    assert "from pydantic import BaseModel, ConfigDict, Extra\n" in fixed


def test_allow_mutation_true_becomes_frozen_false() -> None:
    fixed = _fixed(_model("        allow_mutation = True\n"), PydanticV1Config)
    assert "model_config = ConfigDict(frozen=False)" in fixed


# -- FAPI601: not offered ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        "        def alias(name: str) -> str:\n            return name\n",
        '        """Docs."""\n        frozen = True\n',
        "        fields = {'name': {'alias': 'Name'}}\n",
        "        underscore_attrs_are_private = True\n",
        "        smart_union = True\n",
        "        copy_on_model_validation = 'none'\n",
        "        json_loads = loads\n",
        "        getter_dict = object\n",
        "        table = 'users'\n",  # not a v2 key
        "        env_file = '.env'\n",  # a settings key, on a plain model
        "        allow_mutation = flag\n",
        "        orm_mode = True\n        from_attributes = True\n",
        "        title = 'User'\n        json_schema_extra = {'title': title}\n",
        "        frozen = True; title = 'User'\n",
        "        frozen: bool = True\n",
        "        frozen = validate_assignment = True\n",
        "        if DEBUG:\n            title = 'debug'\n",
        "        # nothing to say\n        pass\n",
    ],
)
def test_no_fix_for_what_the_inner_class_cannot_carry_over(config: str) -> None:
    assert _only(_model(config), PydanticV1Config).fix is None


@pytest.mark.parametrize(
    "source",
    [
        # a value reading a name of the class body
        _model("        schema_extra = {'title': title}\n", body="    title = 'User'\n"),
        # a base, decorators
        "from pydantic import BaseModel, BaseConfig\n\n\n"
        "class User(BaseModel):\n    class Config(BaseConfig):\n        frozen = True\n",
        # a model_config too (v2 refuses both), another Config
        _model("        frozen = True\n", body="    model_config = {}\n"),
        # the file reads a Config
        _model("        frozen = True\n") + "\n\nprint(User.Config.frozen)\n",
        _model("        frozen = True\n")
        + "\n\nclass Admin(User):\n    class Config(User.Config):\n"
        "        title = 'Admin'\n",
        # a model inside a function
        "from pydantic import BaseModel\n\n\ndef make() -> type:\n"
        "    class User(BaseModel):\n        class Config:\n            frozen = True\n\n"
        "    return User\n",
        # v1 settings: pydantic.BaseSettings is gone from v2
        "from pydantic import BaseSettings\n\n\n"
        "class Settings(BaseSettings):\n    class Config:\n        env_file = '.env'\n",
        # ConfigDict is another thing here, and pydantic itself is not imported
        _model(
            "        frozen = True\n",
            "from pydantic import BaseModel\nfrom app import ConfigDict\n",
        ),
        # imported only below the class: too late when the class body runs
        _model("        frozen = True\n") + "\n\nfrom pydantic import ConfigDict\n",
        # a star import may bind ConfigDict
        _model(
            "        frozen = True\n", "from pydantic import BaseModel\nfrom app.types import *\n"
        ),
        # the class body binds ConfigDict itself
        _model("        frozen = True\n", body="    ConfigDict = dict\n"),
    ],
)
def test_no_fix_where_the_model_or_the_file_would_read_something_else(source: str) -> None:
    findings = lint_source(source, "case.py", (PydanticV1Config,)).diagnostics
    assert findings and all(finding.fix is None for finding in findings)


# -- FAPI601: names and imports ------------------------------------------------------------


def test_config_dict_through_the_module_when_the_name_is_taken() -> None:
    header = "import pydantic\nfrom app import ConfigDict\nfrom pydantic import BaseModel\n"
    fixed = _fixed(_model("        frozen = True\n", header), PydanticV1Config)
    assert "    model_config = pydantic.ConfigDict(frozen=True)\n" in fixed
    assert fixed.startswith(header)


def test_settings_through_an_aliased_module_import() -> None:
    source = (
        "import pydantic_settings as ps\n\n\n"
        "class Settings(ps.BaseSettings):\n    class Config:\n        env_prefix = 'APP_'\n"
    )
    fixed = _fixed(source, PydanticV1Config, FixSettings())
    assert "    model_config = ps.SettingsConfigDict(env_prefix='APP_')\n" in fixed


def test_settings_key_on_a_model_inheriting_settings_of_the_module() -> None:
    source = (
        "from pydantic_settings import BaseSettings\n\n\n"
        "class Base(BaseSettings):\n    pass\n\n\n"
        "class Settings(Base):\n    class Config:\n        env_file = '.env'\n"
    )
    fixed = _fixed(source, PydanticV1Config, FixSettings())
    assert "from pydantic_settings import BaseSettings, SettingsConfigDict\n" in fixed
    assert "model_config = SettingsConfigDict(env_file='.env')" in fixed


def test_two_models_add_the_import_once() -> None:
    source = (
        "from pydantic import BaseModel\n\n\n"
        "class A(BaseModel):\n    class Config:\n        frozen = True\n\n\n"
        "class B(BaseModel):\n    class Config:\n        title = 'B'\n"
    )
    fixed = _fixed(source, PydanticV1Config)
    assert fixed.count("ConfigDict") == 3
    assert fixed.startswith("from pydantic import BaseModel, ConfigDict\n")


def test_a_crlf_file_keeps_crlf() -> None:
    source = _model("        frozen = True  # never changes\n").replace("\n", "\r\n")
    fixed = _fixed(source, PydanticV1Config)
    assert "ConfigDict(\r\n        frozen=True,  # never changes\r\n    )\r\n" in fixed
    assert "\n" not in fixed.replace("\r\n", "")
    assert compiles(fixed, "case.py")


def test_a_long_config_goes_one_argument_a_line() -> None:
    config = "".join(f"        {key} = True\n" for key in ("frozen", "strict", "use_enum_values"))
    config += "        title = 'A rather long title for this particular model'\n"
    fixed = _fixed(_model(config), PydanticV1Config)
    assert "    model_config = ConfigDict(\n        frozen=True,\n        strict=True,\n" in fixed
    assert "        title='A rather long title for this particular model',\n    )\n" in fixed


def _names(code: str) -> str:
    statement = cst.parse_statement(code)
    assert isinstance(statement, cst.SimpleStatementLine)
    node = statement.body[0]
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    new = node.with_changes(names=with_name(list(node.names), "ConfigDict"))
    return cst.Module([]).code_for_node(statement.with_changes(body=[new]))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("from pydantic import BaseModel\n", "from pydantic import BaseModel, ConfigDict\n"),
        ("from pydantic import Field\n", "from pydantic import ConfigDict, Field\n"),
        (
            "from pydantic import BaseModel, Field, validator\n",
            "from pydantic import BaseModel, ConfigDict, Field, validator\n",
        ),
        (
            "from pydantic import Field, BaseModel\n",
            "from pydantic import Field, BaseModel, ConfigDict\n",
        ),
        (
            "from pydantic import (\n    BaseModel,\n    Field,\n)\n",
            "from pydantic import (\n    BaseModel,\n    ConfigDict,\n    Field,\n)\n",
        ),
        (
            "from pydantic import (\n    AnyUrl,\n    BaseModel,\n)\n",
            "from pydantic import (\n    AnyUrl,\n    BaseModel,\n    ConfigDict,\n)\n",
        ),
    ],
)
def test_the_name_joins_an_import_in_its_order_and_layout(code: str, expected: str) -> None:
    assert _names(code) == expected


# -- FAPI603 ------------------------------------------------------------------------------------

MODELS = "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    id: int\n\n\n"


def test_from_orm_gets_from_attributes_and_the_rest_is_kept() -> None:
    source = MODELS + "def load(row: object) -> Item:\n    return Item.from_orm(row)  # ORM row\n"
    fixed = _fixed(source, PydanticV1Method, FixSettings())
    assert "    return Item.model_validate(row, from_attributes=True)  # ORM row\n" in fixed


def test_a_model_of_another_module_is_fixed_by_the_project_step(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            # A project that targets Pydantic 2: the fix is gated on it.
            "pyproject.toml": "[project]\nname = 'shop'\ndependencies = ['pydantic>=2']\n",
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/routes.py": """
                from app.models import Item


                def load(row: object, item: Item) -> dict:
                    made = Item.from_orm(
                        row
                    )
                    return {"made": made.dict(), "item": item.dict(by_alias=True)}
            """,
        },
    )
    args = ["check", str(tmp_path), "--select", "FAPI603", "--fix", "--no-cache"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    routes = (tmp_path / "app/routes.py").read_text()
    assert "    made = Item.model_validate(\n        row, from_attributes=True\n    )\n" in routes
    assert 'return {"made": made.model_dump(), "item": item.model_dump(by_alias=True)}' in routes
    again = CliRunner().invoke(cli, [*args[:-2], "--diff", "--no-cache"], catch_exceptions=False)
    assert again.exit_code == 0 and "+++" not in again.output


# -- FAPI604 ------------------------------------------------------------------------------------

FIELD = "from fastapi import Query\nfrom pydantic import Field\n\n"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("Field(regex='^a$')", "Field(pattern='^a$')"),
        ("Field([], min_items=1)", "Field([], min_length=1)"),
        ("Field([], max_items=0)", "Field([], max_length=0)"),  # v2 reads 0 too
        ("Query(None, regex='^a$')", "Query(None, pattern='^a$')"),
        # FastAPI hands regex to pydantic as pattern: anchored or not, the same check
        ("Query(None, regex='a$')", "Query(None, pattern='a$')"),
        ("Query(None, regex=PATTERN)", "Query(None, pattern=PATTERN)"),
    ],
)
def test_a_renamed_argument_gets_a_safe_fix(call: str, expected: str) -> None:
    fixed = _fixed(f"{FIELD}x = {call}\n", PydanticV1FieldArgument, FixSettings())
    assert fixed == f"{FIELD}x = {expected}\n"


@pytest.mark.parametrize(
    "call",
    [
        "Field(regex='^a$', pattern='^b$')",
        "Field([], min_items=1, min_length=2)",
        "Field(regex='^a$', **extra)",
        "Field(allow_mutation=False)",
        "Field(unique_items=True)",
        "Field(const=True)",
        # v1 checked regex with re.match, v2 searches for pattern: these would accept more
        "Field(regex='[a-z]+$')",
        "Field(regex='^a|b$')",
        "Field(regex=PATTERN)",
    ],
)
def test_no_fix_when_the_new_name_is_given_or_may_be(call: str) -> None:
    assert _only(f"{FIELD}x = {call}\n", PydanticV1FieldArgument).fix is None


@pytest.mark.parametrize(
    ("pattern", "anchored"),
    [
        ("^[a-z]+$", True),
        (r"^\d{3}-\d+", True),
        (r"\Aabc", True),
        ("^(classification|reconciliation)$", True),
        ("^[|]x", True),  # a | in a class
        ("^[]|]x", True),  # ] first in a class is a literal
        (r"^\|x", True),  # an escaped |
        ("[a-z]+$", False),
        ("^a|b", False),
        ("^(?:a|b)|c", False),
        (r"^\\|x", False),  # an escaped backslash, then a real |
        ("", False),
    ],
)
def test_a_regex_is_anchored_when_match_and_search_agree(pattern: str, anchored: bool) -> None:
    assert anchored_at_start(pattern) is anchored
