"""FAPI802: a secret-named variable, field, parameter or argument given a literal secret."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.syntax import (
    dotted_name,
    keyword_arg,
    positional_args,
    string_value,
)
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.security._secret_names import (
    is_secret_name,
    is_signing_name,
    looks_like_secret,
    looks_random,
    name_words,
)
from fastapi_lint.rules.security._values import callee_name, is_false, is_test_path

# Wrappers whose argument is the value: `secret: str = Field("...")`, `SecretStr("...")`.
_WRAPPERS = frozenset({"Field", "SecretStr", "SecretBytes"})
_GETENV = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_GETENV_NAMES = frozenset({"getenv", "get", "setdefault"})
_ENUM_SUFFIXES = ("Enum", "Flag")
_SETTINGS_SUFFIXES = ("Settings", "BaseSettings")
# A keyword naming a check switched off: the call's credential is a placeholder the
# library needs (`App(token="xoxb-valid", token_verification_enabled=False)`).
_CHECK_WORDS = ("verif", "validat")
_STAND_IN_MODULE_WORDS = frozenset(
    {"seed", "seeds", "fixture", "fixtures", "demo", "sample", "samples", "fake", "fakes"}
)
_ENV_ADVICE = "do not fall back to a hard-coded value: fail when `{variable}` is unset"
_SETTINGS_ADVICE = (
    "drop the default so the setting must be given (typed `SecretStr`), from the "
    "environment or a secrets store"
)


def _literal(expr: cst.BaseExpression | None) -> tuple[cst.BaseExpression, str] | None:
    """A plain string literal, directly or as the value of a `Field()`/`SecretStr()`."""
    if expr is None:
        return None
    value = string_value(expr)
    if value is not None:
        return expr, value
    if isinstance(expr, cst.Call) and callee_name(expr) in _WRAPPERS:
        default = keyword_arg(expr, "default")
        positional = positional_args(expr)
        return _literal(default if default is not None else next(iter(positional), None))
    return None


def _target_name(target: cst.BaseExpression) -> str | None:
    if isinstance(target, cst.Name):
        return target.value
    return target.attr.value if isinstance(target, cst.Attribute) else None


class HardcodedSecret(Rule):
    """
    ## What it does
    Flags a string literal that looks like a real secret given to something named like a
    secret, outside test code:
    - assigned to a variable or attribute (`SECRET_KEY = "..."`, `self.api_key = "..."`);
    - defaulted in a class field, directly or through `Field(...)`/`SecretStr(...)`
      (`jwt_secret: str = "..."` in a pydantic-settings class);
    - as a parameter default (`def connect(password: str = "...")`) or a keyword
      argument (`create_user(password="...")`);
    - as the fallback of `os.getenv("JWT_SECRET", "dev-secret")` or
      `os.environ.get(...)`, when the variable names a signing or encryption key (a weak
      fallback is the production key whenever the variable is unset) or the value looks
      generated (12 characters or more mixing letters and digits); a service password's
      local default (`os.getenv("POSTGRES_PASSWORD", "postgres")`) is not reported.

    **Secret names.** The name is split into words (`snake_case`, `camelCase`) and must
    *end* with `password`, `passwd`, `pwd`, `pass`, `passphrase`, `secret`, `token`,
    `apikey`, `secretkey`, or with `key` after `api`, `private`, `secret`, `access`,
    `signing`, `encryption`, `master`, `jwt`, `auth`, `hmac` or `client`. So
    `db_password`, `jwtSecret`, `AWS_SECRET_ACCESS_KEY` are secrets, and `token_url`,
    `password_reset_path`, `secret_name`, `TOKEN_TYPE`, `tokenizer`, `max_tokens` are not.
    Names saying the value is a stand-in are not secrets either: a word `default`, `fake`,
    `dummy`, `mock`, `example`, `sample`, `demo` or `test` (`DEFAULT_ADMIN_PASSWORD`,
    documented quickstart credentials; `fake_wallet_secret`).

    **Secret values.** Not reported: empty strings and values shorter than 4 characters;
    values with whitespace (messages), except PEM blocks and lower-case passphrases given
    to a signing key (`SECRET = "super secret jwt secret"`); placeholders (one repeated
    character, `<...>`, `[...]` such as a tokenizer's `[PAD]`, a `$name` sentinel, or
    containing `changeme`, `change-me`, `replace-me`, `your-`, `your_`, `placeholder`,
    `example`, `dummy`, `redacted`, `default`, `fake`, `sample`, `xxx`, `***`, `...`,
    `${`, `{{`, `%(`, or starting with `test`); keys public by design (PostHog `phc_`,
    Stripe `pk_live_`/`pk_test_`, Mapbox `pk.`) and documented literals (GitHub's
    `x-oauth-basic`); paths and URLs (`/run/secrets/db`, `https://...`); and labels: a
    value spelled with the name's own words (`X_TOKEN = "x-token"`, an error code equal
    to its constant, `OAUTH_CLIENT_KEY = "oauth_client"`, a record's key), or another
    secret-like identifier (`token = "access_token"`). `PASSWORD = "password"` is a
    label (a field's name), `password: str = "password"` as a default is not.
    Dictionary entries and comparisons are never reported, nor the keyword arguments of
    a call that switches a check off (`App(token="xoxb-valid",
    token_verification_enabled=False)`: a placeholder the library needs).

    **Test code** is skipped: files under a `tests/` or `test/` folder, `test_*.py`,
    `*_test.py` and `conftest.py`; so is made-up development data, modules named for it
    (`seeds.py`, `fixtures.py`, `demo_data.py`, `sample_users.py`).

    **The advice** follows the place: a fallback is told to fail when the variable is
    unset, a field of a settings class (a class named or based on `*Settings`) to drop
    its default, anything else to read the value from the environment or a secrets store.

    ## Why is this bad?
    A secret in the source is in every clone, fork, backup, CI log and container image of
    it, forever: rotating it means a code change, and removing it means rewriting
    history. Tokens signed with a key found in a public repository can be forged by
    anyone. Secrets belong in the environment or a secrets manager, read through one
    settings object.

    ## Example
    ```python
    from pydantic_settings import BaseSettings

    SECRET_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"


    class Settings(BaseSettings):
        database_password: str = "s3cr3t-passw0rd"
    ```

    ## Use instead
    ```python
    from pydantic import SecretStr
    from pydantic_settings import BaseSettings


    class Settings(BaseSettings):
        secret_key: SecretStr
        database_password: SecretStr
    ```

    ## Options
    None. The test-file patterns are fixed for now.

    ## Known limitations
    The check reads names and literals only: a secret under a neutral name
    (`KEY = "..."`, `config["password"] = "..."`, `{"password": "..."}`) is missed, and
    a label under a secret name that is neither spelled with the name's words nor a
    secret-like identifier (`token = "session-cookie"`) is reported. Weak default
    credentials (`password="admin"`, `os.getenv("SECRET_KEY", "!secret")`) are reported
    on purpose: when nothing overrides them, they are the production secret; a branch
    that only runs with authentication switched off is not told apart.
    """

    code = "FAPI802"
    name = "hardcoded-secret"
    family = "security"
    roles = frozenset({Role.APP, Role.SCRIPT})
    severity = "error"
    message = (
        "Hardcoded secret in `{target}`; read it from the environment or a secrets store "
        "(e.g. a pydantic-settings field typed `SecretStr`)"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "import os\n\nSECRET_KEY = os.environ['SECRET_KEY']\nTOKEN_TYPE = 'bearer'\n"
            "token_url = 'https://auth.example.com/token'\npassword_reset_path = '/reset'\n"
        ),
        Valid("SECRET_KEY = 'changeme-in-production'\nAPI_KEY = '<your api key>'\nTOKEN = ''\n"),
        Valid(
            "from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n    jwt_secret: SecretStr\n"
            "    secret_name: str = 'prod/app/jwt'\n"
        ),
        Valid("ERRORS = {'password': 'Password must be at least 8 characters'}\n"),
        Valid(
            "def check(x_token: str) -> bool:\n    return x_token == 'fake-super-secret-token'\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "SECRET_KEY = '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7'\n",
            line=1,
            column=14,
            message_contains="`SECRET_KEY`",
        ),
        Invalid(
            "from pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n    database_password: str = 's3cr3t-passw0rd'\n",
            line=5,
            column=30,
        ),
        Invalid(
            "def connect(host: str, apiKey: str = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc') -> None:\n"
            "    ...\n",
            line=1,
            column=38,
            message_contains="`apiKey`",
        ),
        Invalid(
            "import os\n\nJWT_KEY = os.getenv('JWT_SECRET', 'dev-jwt-secret-123')\n",
            line=3,
            column=35,
            message_contains="`JWT_SECRET`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._skipped = is_test_path(context.path) or _is_stand_in_data(context.path)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._check(_target_name(target.target), node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check(_target_name(node.target), node.value)

    def visit_Param(self, node: cst.Param) -> None:
        self._check(node.name.value, node.default)

    def visit_Call(self, node: cst.Call) -> None:
        if not _checks_switched_off(node):
            for arg in node.args:
                if arg.keyword is not None:
                    self._check(arg.keyword.value, arg.value)
        if callee_name(node) in _GETENV_NAMES:
            self._check_getenv(node)

    def _check_getenv(self, node: cst.Call) -> None:
        positional = positional_args(node)
        variable = string_value(positional[0]) if positional else None
        if variable is None or not is_secret_name(variable):
            return  # cheap tests first: `.get()` is everywhere
        if self.context.model.qualified_name(node.func) not in _GETENV:
            return
        fallback = positional[1] if len(positional) > 1 else keyword_arg(node, "default")
        literal = _literal(fallback)
        if literal is not None and not self._skipped:
            self._check_fallback(node, variable, *literal)

    def _check_fallback(self, node: cst.Call, variable: str, value: cst.CSTNode, text: str) -> None:
        if not looks_like_secret(text, variable):
            return
        # A service password's local default (`POSTGRES_PASSWORD` -> "postgres") is a
        # development convenience; a signing key's or a generated credential's is not.
        if is_signing_name(variable) or looks_random(text):
            called = self.context.module.code_for_node(node.func)
            self.report(
                value,
                f'`{called}("{variable}")` falls back to a hardcoded secret; '
                + _ENV_ADVICE.format(variable=variable),
            )

    def _check(self, name: str | None, value: cst.BaseExpression | None) -> None:
        if name is None or self._skipped:
            return
        literal = _literal(value)
        if literal is None or not is_secret_name(name):
            return
        node, text = literal
        if not looks_like_secret(text, name, constant=name.isupper()):
            return
        kind = self._class_kind()
        if kind == "enum":
            return  # enum members are labels: ``API_KEY = "api-key-auth"`` names a choice
        if kind == "settings":
            self.report(node, f"Hardcoded default secret for `{name}`; {_SETTINGS_ADVICE}")
        else:
            self.report(node, target=name)

    def _class_kind(self) -> str | None:
        """``"enum"`` or ``"settings"`` when the innermost scope is such a class body."""
        scopes = self.context.scopes
        if not scopes or not isinstance(scopes[-1], cst.ClassDef):
            return None
        bases = [dotted_name(base.value) or "" for base in scopes[-1].bases]
        if any(base.endswith(_ENUM_SUFFIXES) for base in bases):
            return "enum"
        named = (scopes[-1].name.value, *bases)
        return "settings" if any(n.endswith(_SETTINGS_SUFFIXES) for n in named) else None


def _is_stand_in_data(path: str) -> bool:
    """Seed, fixture and demo data modules (`seeds.py`, `demo_data.py`): accounts made up
    for development, not the production secrets."""
    stem = path.replace("\\", "/").rpartition("/")[2].rpartition(".")[0]
    return bool(_STAND_IN_MODULE_WORDS.intersection(name_words(stem)))


def _checks_switched_off(call: cst.Call) -> bool:
    return any(
        arg.keyword is not None
        and any(word in arg.keyword.value.lower() for word in _CHECK_WORDS)
        and is_false(arg.value)
        for arg in call.args
    )
