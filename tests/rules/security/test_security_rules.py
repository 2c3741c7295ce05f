"""FAPI801-FAPI806 (the `security` family), beyond the rules' own VALID/INVALID examples.

Also the measured comparisons with ruff's flake8-bandit rules: S105/S106/S107 (hardcoded
passwords) and S608 (SQL built from strings). Ours are narrower by design; the tests pin
that every ruff finding on a real secret, or on SQL that reaches an execute sink, is ours
too, and that the ruff findings we drop are the false positives we mean to drop.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fastapi_lint.models import Diagnostic
from fastapi_lint.options import RuleOptions
from fastapi_lint.rule import Rule
from fastapi_lint.rules.security._secret_names import is_secret_name, looks_like_secret
from fastapi_lint.rules.security._values import is_migration_path, is_test_path
from fastapi_lint.rules.security.debug_enabled import DebugEnabled
from fastapi_lint.rules.security.hardcoded_secret import HardcodedSecret
from fastapi_lint.rules.security.insecure_jwt_decode import InsecureJwtDecode
from fastapi_lint.rules.security.permissive_cors import PermissiveCors
from fastapi_lint.rules.security.sql_injection import SqlInjection
from fastapi_lint.rules.security.unmaintained_jwt_library import UnmaintainedJwtLibrary
from fastapi_lint.runner.single_file import lint_source


def findings(rule: type[Rule], source: str, path: str = "app/main.py") -> list[Diagnostic]:
    result = lint_source(textwrap.dedent(source), path, (rule,))
    assert not result.internal_errors, result.internal_errors
    return list(result.diagnostics)


def lines(rule: type[Rule], source: str, path: str = "app/main.py") -> list[int]:
    return [d.line for d in findings(rule, source, path)]


# -- FAPI801 permissive-cors -------------------------------------------------------

CORS_HEADER = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
app = FastAPI()
"""


def cors(body: str) -> list[Diagnostic]:
    return findings(PermissiveCors, CORS_HEADER + textwrap.dedent(body))


def test_cors_wildcard_with_credentials_is_an_error_and_alone_a_warning() -> None:
    found = cors(
        """\
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
        app.add_middleware(CORSMiddleware, allow_origins=["*"])
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False)
        """
    )
    assert [(d.line, d.severity) for d in found] == [(4, "error"), (5, "warning"), (6, "warning")]
    assert all(d.code == "FAPI801" for d in found)


@pytest.mark.parametrize("regex", [".*", ".+", "^.*$", r"https?://.*", "(.*)", "[^/]+://.*"])
def test_cors_regex_matching_every_origin(regex: str) -> None:
    call = f"allow_origin_regex={regex!r}, allow_credentials=True"
    found = cors(f"app.add_middleware(CORSMiddleware, {call})\n")
    assert [d.severity for d in found] == ["error"]


@pytest.mark.parametrize(
    "regex", [r"https://.*\.example\.com", r"https://app\.example\.com", "[", "http://localhost:.*"]
)
def test_cors_regex_restricted_or_invalid_is_quiet(regex: str) -> None:
    code = f"app.add_middleware(CORSMiddleware, allow_origin_regex={regex!r})\n"
    assert cors(code) == []


def test_cors_every_way_of_adding_the_middleware() -> None:
    found = findings(
        PermissiveCors,
        """\
        import fastapi.middleware.cors
        from fastapi.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware
        from starlette.applications import Starlette

        middleware = [Middleware(CORSMiddleware, allow_origins="*")]
        app = Starlette(middleware=middleware)
        wrapped = CORSMiddleware(app, allow_origins=["*"], allow_credentials=True)
        app.add_middleware(fastapi.middleware.cors.CORSMiddleware, allow_origins=("*",))
        """,
    )
    assert [(d.line, d.severity) for d in found] == [(6, "warning"), (8, "error"), (9, "warning")]


def test_cors_origins_followed_through_local_then_module_names() -> None:
    found = cors(
        """\
        ORIGINS = ["*"]
        SAFE = ["https://app.example.com"]

        def local_wins() -> None:
            ORIGINS = ["https://app.example.com"]
            app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)

        def module_value() -> None:
            app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)

        def parameter(ORIGINS: list[str]) -> None:
            app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)

        app.add_middleware(CORSMiddleware, allow_origins=SAFE, allow_credentials=True)
        """
    )
    assert [d.line for d in found] == [12]


def test_cors_quiet_on_what_it_cannot_see_and_on_other_middleware() -> None:
    assert (
        cors(
            """\
            from starlette.middleware.gzip import GZipMiddleware
            from app.config import settings
            ORIGINS = ["*"]
            ORIGINS = ORIGINS + ["https://x.example.com"]
            options = {"allow_origins": ["*"]}
            app.add_middleware(CORSMiddleware, allow_origins=settings.origins)
            app.add_middleware(CORSMiddleware, **options)
            app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)
            app.add_middleware(GZipMiddleware, allow_origins=["*"])
            app.add_middleware(CORSMiddleware, allow_origins=["https://*.example.com"])
            """
        )
        == []
    )


def test_cors_middleware_of_another_library_is_quiet() -> None:
    code = (
        "from fastapi import FastAPI\nfrom app.cors import CORSMiddleware\napp = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=['*'])\n"
    )
    assert findings(PermissiveCors, code) == []


# -- FAPI802 hardcoded-secret ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "db_password",
        "DB_PASS",
        "passwd",
        "smtpPassword",
        "secret",
        "jwt_secret",
        "client_secret",
        "SECRET_KEY",
        "secretKey",
        "api_key",
        "apiKey",
        "APIKey",
        "APIKEY",
        "private_key",
        "aws_secret_access_key",
        "access_token",
        "refreshToken",
        "__auth_token",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "token_url",
        "tokenUrl",
        "password_reset_path",
        "tokenizer",
        "secret_name",
        "TOKEN_TYPE",
        "token_type",
        "max_tokens",
        "passed",
        "bypass_cache",
        "csrf_token_cookie_path",
        "CSRF_TOKEN_KEY",
        "RESET_PASSWORD_TOKEN_AUDIENCE",
        "PASSWORD_HASH_ALGORITHM",
        "token_endpoint_auth_method",
        "TOKEN_PREFIX",
        "public_key",
        "key",
        "",
        "_",
        # stand-ins by name: documented defaults, fakes, demos
        "fake_secret_token",
        "DEFAULT_PASSWORD",
        "DEFAULT_OAUTH_CLIENT_KEY",
        "fake_wallet_secret",
        "RABBITMQ_DEFAULT_PASS",
    ],
)
def test_not_secret_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7", "SECRET_KEY"),
        ("hunter22", "password"),
        ("admin", "admin_password"),
        ("!secret", "SECRET_KEY"),
        ("postgres", "POSTGRES_PASSWORD"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----", "key"),
        ("session-cookie", "token"),
        ("super secret jwt secret", "SECRET"),
        ("my signing passphrase 2", "jwt_signing_key"),
        ("password", "password"),
        ("secret", "client_secret"),
    ],
)
def test_secret_values(value: str, name: str) -> None:
    assert looks_like_secret(value, name)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("", "password"),
        ("abc", "password"),
        ("changeme", "SECRET_KEY"),
        ("CHANGE_ME_IN_PRODUCTION", "SECRET_KEY"),
        ("your-secret-here", "SECRET_KEY"),
        ("your_api_key", "api_key"),
        ("<api-key>", "api_key"),
        ("${DB_PASSWORD}", "DB_PASSWORD"),
        ("{{ vault.db_password }}", "db_password"),
        ("%(password)s", "password"),
        ("xxxxxxxxxx", "token"),
        ("************", "password"),
        ("sk-...", "api_key"),
        ("secret-placeholder", "secret"),
        ("dummy-token-for-docs", "token"),
        ("/run/secrets/db_password", "db_password"),
        ("https://auth.example.com/token", "token"),
        ("Your session has expired, sign in again.", "INVALID_TOKEN"),
        ("RESET_PASSWORD_BAD_TOKEN", "RESET_PASSWORD_BAD_TOKEN"),
        ("x-token", "X_TOKEN"),
        ("username-password", "username_and_password"),
        ("access_token", "token"),
        ("refreshToken", "token"),
        ("[PAD]", "pad_token"),
        ("</s>", "eos_token"),
        ("$generate", "generate_access_key"),
        ("phc_YeUxaojbKk5KPi8hNlx1bBKHzuZ4FDtl67kH1blv8Bh", "project_api_key"),
        ("pk_live_51H8abcDEF", "stripe_api_key"),
        ("x-oauth-basic", "password"),
        ("defaultpassword", "password"),
        ("testpassword", "password"),
        ("test-secret", "SECRET_KEY"),
        ("default_oauth_client", "OAUTH_CLIENT_KEY"),
        ("Invalid token, sign in again", "SECRET"),
        ("invalid password", "password"),
        ("super secret jwt secret", "password"),
    ],
)
def test_not_secret_values(value: str, name: str) -> None:
    assert not looks_like_secret(value, name)


def test_secret_every_place_a_literal_is_given() -> None:
    found = findings(
        HardcodedSecret,
        """\
        import os
        from os import getenv
        from pydantic import BaseModel, Field, SecretStr

        DB_PASSWORD = "pa55-w0rd-1234"
        API_KEY: str = "sk_live_abcdef123456"
        class Settings(BaseModel):
            jwt_secret: str = Field("3f9a1c7e5b2d4f60")
            signing_key: SecretStr = Field(default=SecretStr("3f9a1c7e5b2d4f60"))
        def login(user: str, password: str = "letmein-now") -> None:
            client.auth(api_key="sk_live_abcdef123456")
            self.access_token = "ghp_0123456789abcdef"
            fallback = getenv("AUTH_TOKEN", "tok_0123456789")
            other = os.environ.get("APP_SECRET", default="tok_0123456789")
        """,
    )
    assert [d.line for d in found] == [5, 6, 8, 9, 10, 11, 12, 13, 14]
    assert "`signing_key`" in found[3].message


def test_secret_quiet_on_comparisons_dicts_enums_and_non_literals() -> None:
    assert (
        findings(
            HardcodedSecret,
            """\
            import enum
            import os
            from fastapi import Header

            CONFIG = {"password": "pa55-w0rd-1234", "api_key": "sk_live_abcdef123456"}
            CONFIG["password"] = "pa55-w0rd-1234"
            SECRET_KEY = os.environ["SECRET_KEY"]
            API_KEY = f"sk_{os.environ['SUFFIX']}"
            TOKEN = b"binary-token-1234"
            class Kind(enum.Enum):
                API_KEY = "api-key-header"
                PASSWORD = "password-form-flow"
            def check(token: str, x_token: str = Header()) -> bool:
                return token == "fake-super-secret-token" or "hunter22" != x_token
            def read(name: str = "password-field") -> None: ...
            os.getenv("DATABASE_URL", "postgres://user:pw@localhost/db")
            """,
        )
        == []
    )


def test_secret_a_field_name_constant_is_a_label_a_parameter_default_is_not() -> None:
    assert not looks_like_secret("password", "PASSWORD", constant=True)
    assert looks_like_secret("password", "password")


def test_secret_env_fallbacks_flag_keys_and_generated_credentials_only() -> None:
    found = findings(
        HardcodedSecret,
        """\
        import os

        SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "!secret")
        DB = os.getenv("POSTGRES_PASSWORD", "postgres")
        BROKER = os.environ.get("RABBITMQ_PASSWORD", "langflow")
        TOKEN = os.environ.get("GITHUB_TOKEN", "ghp_16C7e42F292c6912E7710c838347Ae178B4a")
        """,
    )
    assert [d.line for d in found] == [3, 6]
    assert found[0].message == (
        '`os.getenv("DJANGO_SECRET_KEY")` falls back to a hardcoded secret; do not fall back '
        "to a hard-coded value: fail when `DJANGO_SECRET_KEY` is unset"
    )


def test_secret_settings_class_defaults_are_told_to_drop_the_default() -> None:
    found = findings(
        HardcodedSecret,
        """\
        from pydantic import Field
        from pydantic_settings import BaseSettings

        class AuthSettings(BaseSettings):
            jwt_secret: str = "3f9a1c7e5b2d4f60a8e1"
            password: str = Field(default="defaultpassword")
            redis_password: str = Field(default="testpassword")

        class FakeWalletFundingSource(AuthSettings):
            fake_wallet_secret: str = Field(default="ToTheMoon1")
        """,
    )
    assert [d.line for d in found] == [5]
    assert "drop the default so the setting must be given" in found[0].message
    assert "pydantic-settings field" not in found[0].message


@pytest.mark.parametrize(
    "path", ["app/server/seeds.py", "app/db/seed_users.py", "app/fixtures.py", "app/demo_data.py"]
)
def test_secret_seed_and_demo_data_modules_are_skipped(path: str) -> None:
    source = "users = [User(username='argilla', api_key='1234abcd5678')]\n"
    assert findings(HardcodedSecret, source, path) == []
    assert len(findings(HardcodedSecret, source, "app/server/users.py")) == 1


def test_secret_a_placeholder_the_library_needs_with_its_check_off() -> None:
    source = (
        "from slack_bolt import App\n\n"
        'app = App(token="xoxb-valid", signing_secret="valid-s3cret-x",'
        " token_verification_enabled=False)\n"
        'other = App(token="xoxb-8H2kd93Ldk29", signing_secret="9f2c1e7b5a3d")\n'
    )
    assert [(d.line, d.column) for d in findings(HardcodedSecret, source)] == [(4, 19), (4, 55)]


@pytest.mark.parametrize(
    "path",
    ["tests/test_auth.py", "app/tests/factories.py", "test/helpers.py", "test_settings.py",
     "app/auth_test.py", "conftest.py", "src/app/tests/unit/conftest.py", "C:\\app\\tests\\x.py"],
)  # fmt: skip
def test_secret_test_code_is_skipped(path: str) -> None:
    assert is_test_path(path)
    assert findings(HardcodedSecret, "SECRET_KEY = 'a8f5f167f44f4964e6c9'\n", path) == []


@pytest.mark.parametrize(
    "path", ["app/contest.py", "app/testing_utils.py", "app/latest.py", "attest/app.py"]
)
def test_secret_paths_that_only_look_like_tests_are_checked(path: str) -> None:
    assert not is_test_path(path)
    assert len(findings(HardcodedSecret, "SECRET_KEY = 'a8f5f167f44f4964e6c9'\n", path)) == 1


# -- FAPI803 insecure-jwt-decode -----------------------------------------------------


@pytest.mark.parametrize(
    "imports",
    [
        "import jwt",
        "import jwt as pyjwt\njwt = pyjwt",
        "from jose import jwt",
        "import jose.jwt as jwt",
        "from joserfc import jwt",
    ],
)
def test_jwt_decoders_resolved_through_imports(imports: str) -> None:
    code = f"{imports}\n\ndef f(token, key):\n    return jwt.decode(token, key)\n"
    assert len(findings(InsecureJwtDecode, code)) == 1


def test_jwt_other_decode_functions_are_quiet() -> None:
    code = (
        "import json\nimport base64\nfrom app import jwt\n\n"
        "def f(token, key):\n"
        "    json.decode(token)\n    base64.decode(token, key)\n    jwt.decode(token, key)\n"
        "    return decode(token, key)\n"
    )
    assert findings(InsecureJwtDecode, code) == []


def test_jwt_function_import_and_decode_complete() -> None:
    code = (
        "import jwt\nfrom jwt import decode\n\ndef f(token, key):\n"
        "    decode(token, key)\n    jwt.decode_complete(token, key)\n"
    )
    assert lines(InsecureJwtDecode, code) == [5, 6]


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        ("jwt.decode(t, k, algorithms=['HS256'], verify=False)", "verification is turned off"),
        ("jwt.decode(t, options=dict(verify_signature=False))", "verification is turned off"),
        ("jwt.decode(t, k, options={'verify_signature': False})", "verification is turned off"),
        ("jwt.decode(t, k, algorithms=['NONE'])", "`none`"),
        ("jwt.decode(t, k, algorithms='none')", "`none`"),
        ("jwt.decode(t, k, ('HS256', 'none'))", "`none`"),
        ("jwt.decode(t, k, options={'verify_exp': False})", "no `algorithms=`"),
    ],
)
def test_jwt_problems(call: str, problem: str) -> None:
    found = findings(InsecureJwtDecode, f"import jwt\n\ndef f(t, k):\n    return {call}\n")
    assert len(found) == 1
    assert problem in found[0].message


@pytest.mark.parametrize(
    "call",
    [
        "jwt.decode(t, k, algorithms=['HS256'], options={'verify_signature': True})",
        "jwt.decode(t, k, algorithms=['HS256'], options={'verify_exp': False})",
        "jwt.decode(t, k, algorithms=ALGORITHMS)",
        "jwt.decode(t, k, algorithms=['HS256'], verify=True)",
        "jwt.decode(t, k, *args)",
        "jwt.decode(t, k, **kwargs)",
        "jwt.decode(t, k, algorithms=['HS256'], options=OPTIONS)",
    ],
)
def test_jwt_safe_calls(call: str) -> None:
    code = f"import jwt\n\ndef f(t, k, *args, **kwargs):\n    return {call}\n"
    assert findings(InsecureJwtDecode, code) == []


def test_jwt_peek_is_quiet_only_when_the_same_token_is_then_verified() -> None:
    found = findings(
        InsecureJwtDecode,
        """\
        import jwt

        def verified(token, keys):
            issuer = jwt.decode(token, options={"verify_signature": False})["iss"]
            return jwt.decode(token, keys[issuer], algorithms=["RS256"])

        def other_token(token, other, keys):
            issuer = jwt.decode(token, options={"verify_signature": False})["iss"]
            return jwt.decode(other, keys[issuer], algorithms=["RS256"])

        def second_also_unverified(token, keys):
            jwt.decode(token, options={"verify_signature": False})
            return jwt.decode(token, keys, options={"verify_signature": False})

        def second_without_algorithms(token, keys):
            jwt.decode(token, options={"verify_signature": False})
            return jwt.decode(token, keys)

        header = jwt.decode(TOKEN, options={"verify_signature": False})
        """,
    )
    assert [d.line for d in found] == [8, 12, 13, 16, 17, 19]


# -- FAPI804 sql-injection -----------------------------------------------------------


STRICT_SQL = RuleOptions(strict=("FAPI804",))


def sql(body: str, path: str = "app/crud.py") -> list[int]:
    """Lines flagged in strict mode, where every interpolated value counts: how SQL is
    built and where it is run, whatever the values' source."""
    header = "import sqlalchemy as sa\nimport sqlmodel\nfrom sqlalchemy import text\n"
    result = lint_source(header + textwrap.dedent(body), path, (SqlInjection,), STRICT_SQL)
    assert not result.internal_errors, result.internal_errors
    return [d.line for d in result.diagnostics]


def sql_default(body: str) -> list[str]:
    """Messages of the default mode, where only values from outside count."""
    return [d.message for d in findings(SqlInjection, body)]


ROUTE_HEADER = """\
import os
from enum import Enum
from fastapi import APIRouter, Depends, Request
router = APIRouter()
"""


@pytest.mark.parametrize(
    ("body", "source"),
    [
        (  # a route's parameter
            "@router.get('/u')\ndef f(conn, name: str):\n"
            "    conn.execute(f\"SELECT * FROM u WHERE n = '{name}'\")\n",
            "`name` (a parameter of route `f`)",
        ),
        (  # a dependency's parameter
            "def dep(conn, token: str):\n"
            "    conn.execute(f\"SELECT * FROM u WHERE t = '{token}'\")\n"
            "@router.get('/u', dependencies=[Depends(dep)])\ndef f(): ...\n",
            "`token` (a parameter of dependency `dep`)",
        ),
        (  # request data through assignments
            "async def f(request: Request, conn):\n"
            "    data = await request.json()\n    name = data['name'].strip()\n"
            "    where = f\"n = '{name}'\"\n"
            "    conn.execute(f'SELECT * FROM u WHERE {where}')\n",
            "`where` (request data in `f`)",
        ),
        (  # a helper called with a route's value, two calls deep
            "@router.get('/u')\ndef f(conn, sort: str):\n    return g(conn, sort=sort)\n"
            "def g(conn, sort):\n    return h(conn, sort)\n"
            "def h(conn, column):\n    return conn.execute(f'SELECT * FROM u ORDER BY {column}')\n",
            "`column` (a parameter of route `f`, passed on to `g`, passed on to `h`)",
        ),
        (  # a method called on an instance
            "class Repo:\n"
            "    def find(self, name):\n"
            "        return self.conn.execute(f\"SELECT * FROM u WHERE n = '{name}'\")\n"
            "repo = Repo()\n"
            "@router.get('/u')\ndef f(name: str):\n    return repo.find(name)\n",
            "`name` (a parameter of route `f`, passed on to `find`)",
        ),
        (  # the environment, where a value can be bound
            "def f(conn):\n    day = os.getenv('DAY')\n"
            "    conn.execute(f\"SELECT * FROM e WHERE day = '{day}'\")\n",
            "`day` (read from `os.getenv('DAY')`)",
        ),
        (  # a file
            "def f(conn, path):\n    name = open(path).read()\n"
            "    conn.execute(\"DELETE FROM u WHERE n = '%s'\" % name)\n",
            "`name` (read from `open(path).read()`)",
        ),
        (  # whitespace before the first value (the statement's start is a value)
            "@router.get('/u')\ndef f(conn, owner: str):\n    select = 'SELECT id'\n"
            '    query = f"""\n        {select}\n        FROM r WHERE owner = \'{owner}\'"""\n'
            "    return conn.execute(query)\n",
            "`owner` (a parameter of route `f`)",
        ),
    ],
)
def test_sql_values_from_outside(body: str, source: str) -> None:
    (message,) = sql_default(ROUTE_HEADER + body)
    assert f"with {source}" in message


@pytest.mark.parametrize(
    "body",
    [
        # the code's own values: parameters of functions no route calls with request data
        "def f(conn, table):\n    conn.execute(f'DELETE FROM {table}')\n"
        "def g(conn):\n    f(conn, 'users')\n",
        # converted by FastAPI: numbers, enums of the module, UUIDs
        "class Kind(str, Enum):\n    A = 'a'\n"
        "@router.get('/u')\ndef f(conn, kind: Kind, n: int, u: UUID | None = None):\n"
        "    conn.execute(f\"SELECT * FROM u WHERE k = '{kind.value}' AND u = '{u}' LIMIT {n}\")\n"
        "    conn.execute(f\"SELECT * FROM u WHERE k = '{Kind.A.value}'\")\n",
        # placeholders, bound names and a sanitised identifier
        "@router.get('/u')\ndef f(conn, ids: list[str], table: str):\n"
        "    marks = ', '.join('?' for _ in ids)\n"
        "    conn.execute(f'SELECT * FROM u WHERE id IN ({marks})', ids)\n"
        "    conn.execute(f'SELECT * FROM {quote_identifier(table)}')\n"
        "    conn.execute(f'SELECT * FROM {validated_table(table)} WHERE id = :id')\n",
        # values returned by the code's own functions (a filter object's clause)
        "@router.get('/u')\ndef f(conn, filters: Filters):\n"
        "    clause = filters.where()\n"
        "    conn.execute(f'SELECT * FROM u WHERE {clause}', filters.values())\n",
        # the operator's configuration where nothing can be bound
        "def f(conn):\n    schema = os.environ['SCHEMA']\n"
        "    conn.execute(f'CREATE SCHEMA IF NOT EXISTS {schema}')\n"
        "    conn.execute(f'SET search_path TO \"{schema}\"')\n"
        "    key = os.getenv('DB_KEY')\n    conn.execute(f\"PRAGMA key = '{key}'\")\n",
        # identifiers read from the database's catalogue
        "def f(conn):\n"
        "    for (table,) in conn.execute('SELECT name FROM sqlite_master').fetchall():\n"
        "        conn.execute(f'DELETE FROM {table}')\n",
    ],
)
def test_sql_the_codes_own_values_are_quiet(body: str) -> None:
    assert sql_default(ROUTE_HEADER + body) == []


@pytest.mark.parametrize(
    ("statement", "advice"),
    [
        ("f\"SELECT * FROM u WHERE n = '{x}'\"", "; use bound parameters"),
        ("f'SELECT * FROM {x}'", "an identifier cannot be bound: check it against a fixed list"),
        ("f'SELECT * FROM u ORDER BY {x} DESC'", "an identifier cannot be bound"),
        ("f'SELECT \"{x}\" FROM u'", "an identifier cannot be bound"),
        ("f'SELECT * FROM s.{x}'", "an identifier cannot be bound"),
        ("f\"PRAGMA key = '{x}'\"", "PRAGMA takes no bound parameters"),
    ],
)
def test_sql_advice_follows_where_the_value_sits(statement: str, advice: str) -> None:
    body = f"@router.get('/u')\ndef f(conn, x: str):\n    conn.execute({statement})\n"
    (message,) = sql_default(ROUTE_HEADER + body)
    assert advice in message


def test_sql_text_resolved_through_imports() -> None:
    assert sql(
        """\
        from sqlalchemy.sql import text as sql_text
        def f(name):
            text(f"name = '{name}'")
            sa.text(f"name = '{name}'")
            sql_text(f"name = '{name}'")
            sqlmodel.text(f"name = '{name}'")
            sa.sql.expression.text(f"name = '{name}'")
        """
    ) == [6, 7, 8, 9, 10]


def test_sql_text_of_another_library_is_quiet() -> None:
    assert (
        findings(
            SqlInjection,
            "from app.templates import text\n\ndef f(name):\n    return text(f'Hello {name}')\n",
        )
        == []
    )


@pytest.mark.parametrize(
    "sink",
    ["execute", "executemany", "executescript", "exec_driver_sql", "fetch", "fetchrow",
     "fetchval", "fetch_all", "fetch_one", "fetch_val", "execute_many", "fetchone", "fetchall"],
)  # fmt: skip
def test_sql_every_execute_sink(sink: str) -> None:
    assert sql(f"def f(conn, name):\n    conn.{sink}(f\"SELECT * FROM t WHERE n = '{{name}}'\")\n")


@pytest.mark.parametrize(
    "argument",
    [
        "f'SELECT * FROM t WHERE n = {name}'",
        "'SELECT * FROM t WHERE n = %s' % name",
        "'SELECT * FROM t WHERE n = %(n)s' % {'n': name}",
        "'SELECT * FROM t WHERE n = {}'.format(name)",
        "'SELECT * FROM t WHERE n = ' + name",
        "name + ' ORDER BY 1'",
        "'SELECT * ' 'FROM t WHERE n = ' f'{name}'",
        "f'  (SELECT * FROM t WHERE n = {name})'",
        'f"""\n    {name}\n    FROM t WHERE n = 1"""',
        "query=f'DELETE FROM t WHERE n = {name}'",
    ],
)
def test_sql_ways_of_building(argument: str) -> None:
    assert sql(f"def f(cursor, name):\n    cursor.execute({argument})\n") == [5]


@pytest.mark.parametrize(
    "argument",
    [
        "'SELECT * FROM t WHERE n = ?', (name,)",
        "f'SELECT * FROM t'",
        "'SELECT * ' + 'FROM t'",
        "b'SELECT * FROM t WHERE n = %s' % name",
        "f'job {name}'",
        "f'{verb} a file from the list'",
        "f'SELECT * FROM t LIMIT {int(name)} OFFSET {len(name)}'",
        "f'SELECT * FROM {TABLE} WHERE n = :n'",
        "f'SELECT * FROM {settings.TABLE_NAME} WHERE n = :n'",
        "f'SELECT * FROM t WHERE n = :{name}'",
        "f'SELECT * FROM t WHERE n = :n_{name}'",
        "f'SELECT * FROM t WHERE n IN ({placeholders})'",
        "f'SELECT * FROM t WHERE n IN ({\", \".join(placeholders)})'",
        "sa.select(name)",
    ],
)
def test_sql_safe_or_unknown_strings_are_quiet(argument: str) -> None:
    assert sql(f"def f(cursor, name, placeholders, verb):\n    cursor.execute({argument})\n") == []


def test_sql_bound_parameter_name_must_end_the_text() -> None:
    code = "def f(cursor, clause):\n    cursor.execute(f'SELECT * FROM t WHERE c = :c{clause}')\n"
    assert sql(code) == [5]


def test_sql_through_a_local_name() -> None:
    assert sql(
        """\
        QUERY = f"SELECT * FROM t WHERE n = '{NAME}'"
        def built(cursor, name):
            query = f"SELECT * FROM t WHERE n = '{name}'"
            return cursor.execute(query)
        def extended(cursor, name):
            query = "SELECT * FROM t"
            query += " WHERE n = '" + name + "'"
            return cursor.execute(query)
        def module_level(cursor):
            return cursor.execute(QUERY)
        def parameter(cursor, query):
            return cursor.execute(query)
        def clause_only(cursor, clause):
            query = "SELECT * FROM t"
            query += f" {clause}"
            return cursor.execute(query)
        def safe(session, name):
            statement = text("SELECT * FROM t WHERE n = :n")
            return session.execute(statement, {"n": name})
        def not_sql(runner, name):
            command = "job"
            command += f" {name}"
            return runner.execute(command)
        """
    ) == [7, 11, 19]


def test_sql_only_on_method_calls_and_not_twice_for_text_in_execute() -> None:
    code = (
        "def f(session, execute, name):\n"
        "    execute(f'SELECT {name}')\n"
        "    session.execute(text(f'SELECT {name}'))\n"
    )
    assert sql(code) == [6]


@pytest.mark.parametrize(
    "path",
    ["app/migrations/versions/0001_init.py", "alembic/versions/abc.py", "lnbits/core/migrations.py",
     "tests/test_crud.py", "app/crud_test.py"],
)  # fmt: skip
def test_sql_migrations_and_tests_are_skipped(path: str) -> None:
    assert is_migration_path(path) or is_test_path(path)
    assert sql("def f(c, t):\n    c.execute(f'DROP TABLE {t}')\n", path) == []


# -- FAPI805 debug-enabled -----------------------------------------------------------


def test_debug_guarded_by_a_debug_or_development_condition() -> None:
    found = findings(
        DebugEnabled,
        """\
        import os
        from fastapi import FastAPI
        from fastapi.applications import FastAPI as App
        from app.config import settings

        if settings.DEBUG:
            a = FastAPI(debug=True)
        elif os.getenv("ENV") == "development":
            b = FastAPI(debug=True)
        else:
            c = FastAPI(debug=False)
        if settings.environment == "local":
            d = App(debug=True)
        if settings.testing:
            e = App(debug=True)
        f = FastAPI(debug=True) if settings.debug else FastAPI()
        """,
    )
    assert [d.line for d in found] == [15, 16]


def test_debug_attribute_only_on_a_module_level_app() -> None:
    found = findings(
        DebugEnabled,
        """\
        from fastapi import FastAPI
        from starlette.applications import Starlette
        app = FastAPI()
        web = Starlette()
        settings = object()
        app.debug = True
        web.debug = True
        settings.debug = True
        app.debug = False
        def configure(application: FastAPI) -> None:
            app.debug = True
        """,
    )
    assert [d.line for d in found] == [6, 7]


def test_debug_of_other_classes_is_quiet() -> None:
    code = "from flask import Flask\nfrom app import FastAPI\nFlask(debug=True)\n"
    code += "FastAPI(debug=True)\n"
    assert findings(DebugEnabled, code) == []


# -- FAPI806 unmaintained-jwt-library ------------------------------------------------


def test_jose_imports_one_finding_per_file() -> None:
    found = findings(
        UnmaintainedJwtLibrary,
        """\
        import os, jose.jwt, jose.jws
        from jose import jwt, jws
        from jose.backends import RSAKey
        from . import jose
        from .jose import jwt as local_jwt
        import josepy
        from joserfc import jwt as joserfc_jwt
        from python_jose import x
        """,
    )
    # One change of library fixes every import: reported at the first one only.
    assert [(d.line, d.column, d.severity) for d in found] == [(1, 12, "warning")]


def test_jose_reported_at_the_first_import_whatever_its_form() -> None:
    found = findings(UnmaintainedJwtLibrary, "from . import jose\nfrom jose import jwt\n")
    assert [(d.line, d.column) for d in found] == [(2, 6)]


# -- ruff parity: S105/S106/S107 and S608 ----------------------------------------------

REAL_SECRETS = """\
SECRET_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"
db_password = "Pr0d-Passw0rd!"
API_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
def connect(host, password="hunter2-hunter2"):
    client.login(password="s3cr3t-passw0rd")
class Settings:
    client_secret = "c0a8e1f2d3b4a5968778695a4b3c2d1e"
"""
# Ruff's findings we drop on purpose, one per kind seen on the corpus.
NOT_SECRETS = """\
TOKEN_TYPE = "bearer"
RESET_PASSWORD_BAD_TOKEN = "RESET_PASSWORD_BAD_TOKEN"
INVALID_TOKEN = "Your session has expired, sign in again."
RESET_PASSWORD_TOKEN_AUDIENCE = "fastapi-users:reset"
PASSWORD_HASH_ALGORITHM = "argon2"
def cookie(csrf_token_cookie_path="/", token_endpoint_auth_method="client_secret_post"):
    if x_token != "fake-super-secret-token":
        return Token(access_token=token, token_type="bearer")
    return OAuth(access_token_url="https://github.com/login/oauth/access_token")
"""
SQL_AT_SINKS = """\
from sqlalchemy import text
def f(session, cursor, name, table):
    session.execute(text(f"SELECT * FROM users WHERE name = '{name}'"))
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    cursor.execute("SELECT * FROM users WHERE name = '{}'".format(name))
    cursor.execute("DELETE FROM " + table + " WHERE id = 1")
    query = f"UPDATE users SET name = '{name}' WHERE id = 1"
    cursor.execute(query)
"""
SQL_ELSEWHERE = """\
def where(name):
    return f"SELECT * FROM users WHERE name = '{name}'"
MESSAGE = "select a file from " + "the list"
"""


def ruff_lines(tmp_path: Path, code: str, select: str) -> list[int]:
    pytest.importorskip("ruff")
    file = tmp_path / "snippet.py"
    file.write_text(code, encoding="utf-8")
    command = [
        sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--exit-zero",
        "--output-format", "json", "--select", select, str(file),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return sorted(item["location"]["row"] for item in json.loads(output))


def test_every_ruff_finding_on_a_real_secret_is_ours(tmp_path: Path) -> None:
    theirs = ruff_lines(tmp_path, REAL_SECRETS, "S105,S106,S107")
    assert theirs == [1, 2, 3, 4, 5, 7]
    assert set(theirs) <= set(lines(HardcodedSecret, REAL_SECRETS))


def test_ruff_false_positives_we_drop(tmp_path: Path) -> None:
    assert len(ruff_lines(tmp_path, NOT_SECRETS, "S105,S106,S107")) == 10
    assert lines(HardcodedSecret, NOT_SECRETS) == []


def test_every_ruff_s608_finding_that_reaches_a_sink_is_ours(tmp_path: Path) -> None:
    theirs = ruff_lines(tmp_path, SQL_AT_SINKS, "S608")
    result = lint_source(SQL_AT_SINKS, "app/main.py", (SqlInjection,), STRICT_SQL)
    ours = [d.line for d in result.diagnostics]
    assert len(theirs) == 5
    # Ruff reports the string where it is built, we report it where it is executed.
    assert set(theirs) - {7} <= set(ours) and 8 in ours


def test_sql_built_but_never_executed_is_left_to_ruff(tmp_path: Path) -> None:
    # Line 3 is prose that starts like SQL: ruff flags it, a sink-based rule cannot.
    assert ruff_lines(tmp_path, SQL_ELSEWHERE, "S608") == [2, 3]
    assert lines(SqlInjection, SQL_ELSEWHERE) == []
