"""When a name denotes a secret and a string literal looks like one (FAPI802's rule).

A name is split into words (``snake_case``, ``camelCase``, ``UPPER_CASE``) and names a
secret when its *last* words do: ``password``, ``db_password``, ``jwtSecret``,
``SECRET_KEY``, ``aws_secret_access_key``. Words after the secret word make the name
about something else: ``token_url``, ``password_reset_path``, ``secret_name``,
``TOKEN_TYPE``, ``csrf_token_cookie_path``; and a longer word is another word
(``tokenizer``, ``passed``, ``max_tokens``).
"""

from __future__ import annotations

import re

# One word that is a secret by itself when it ends the name.
_SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "apikey", "secretkey"}
)
# Two words that are: ``*_api_key``, ``private_key``, ``AWS_SECRET_ACCESS_KEY``...
_SECRET_PAIRS = frozenset(
    (first, "key")
    for first in (
        "api",
        "private",
        "secret",
        "access",
        "signing",
        "encryption",
        "master",
        "jwt",
        "auth",
        "hmac",
        "client",
    )
)
# Keys that sign or encrypt: any value given them is the key itself, however weak
# (``os.getenv("SECRET_KEY", "!secret")`` lets anyone forge sessions when unset).
_SIGNING_WORDS = frozenset({"secret", "secretkey", "passphrase"})
_SIGNING_FIRSTS = frozenset({"secret", "signing", "encryption", "master", "jwt", "hmac", "private"})
# Words of a name that say its value is a stand-in, not the production secret:
# `DEFAULT_PASSWORD` (a documented default), `fake_wallet_secret`, `demo_api_key`.
_STAND_IN_WORDS = frozenset(
    {"default", "fake", "dummy", "mock", "example", "sample", "demo", "test"}
)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Shorter values are not credentials: `"x"`, `"."` (a `pwd`), `"abc"`. Weak defaults such as
# `"admin"` or `"!secret"` are kept: used when nothing overrides them, they are the key.
MIN_SECRET_LENGTH = 4
# Markers of a value meant to be replaced, compared in lower case.
_PLACEHOLDER_MARKERS = (
    "changeme",
    "change-me",
    "change_me",
    "change-this",
    "change_this",
    "replace-me",
    "replace_me",
    "replaceme",
    "your-",
    "your_",
    "yoursecret",
    "placeholder",
    "example",
    "dummy",
    "redacted",
    "xxx",
    "***",
    "...",
    "${",
    "{{",
    "%(",
    "default",
    "fake",
    "sample",
)
# A value starting with `test` is a test value (`testpassword`, `test-secret`).
_TEST_VALUE = re.compile(r"^test(?![a-z])|^test(?=pass|secret|token|key)", re.IGNORECASE)
# Special markers, not credentials: tokenizer tokens (`[PAD]`, `<pad>`) and sentinels
# a library replaces (`$generate`, `$ref:`).
_MARKER = re.compile(r"^(\[[^\]]*\]|<[^>]*>|\$[a-z_]+:?)$", re.IGNORECASE)
# Keys public by design (shipped to browsers and clients) and documented literals.
_PUBLIC_PREFIXES = ("phc_", "pk_live_", "pk_test_", "pk.")
_DOCUMENTED_LITERALS = frozenset({"x-oauth-basic", "x-access-token"})
# A value with spaces is a key only when written as a lower-case passphrase.
_PASSPHRASE = re.compile(r"[a-z0-9][a-z0-9 _-]*")
# A path or URL (a mounted secret file, a token endpoint) says where a secret is.
_LOCATION = re.compile(r"^(/|\./|~/|[a-z][a-z0-9+.-]*://)", re.IGNORECASE)
_PEM = "-----BEGIN"
_SEPARATORS = re.compile(r"[-.:/]")


def name_words(name: str) -> list[str]:
    """``jwtSecretKey`` -> ``["jwt", "secret", "key"]``; ``__API_KEY`` -> ``["api", "key"]``."""
    spaced = _CAMEL_BOUNDARY.sub("_", name)
    return [word for word in spaced.lower().split("_") if word]


def is_secret_name(name: str) -> bool:
    words = name_words(name)
    if not words or _STAND_IN_WORDS.intersection(words):
        return False
    return words[-1] in _SECRET_WORDS or tuple(words[-2:]) in _SECRET_PAIRS


def is_signing_name(name: str) -> bool:
    """A key that signs or encrypts: ``SECRET_KEY``, ``jwt_secret``, ``signing_key``."""
    words = name_words(name)
    if not words:
        return False
    return words[-1] in _SIGNING_WORDS or (
        words[-1] == "key" and len(words) > 1 and words[-2] in _SIGNING_FIRSTS
    )


def looks_random(value: str) -> bool:
    """A value shaped like a generated credential: long, mixing letters and digits."""
    kinds = sum(
        any(test(char) for char in value) for test in (str.islower, str.isupper, str.isdigit)
    )
    return len(value) >= 12 and kinds >= 2 and not any(char.isspace() for char in value)


def looks_like_secret(value: str, name: str, *, constant: bool = False) -> bool:
    """Whether ``value``, assigned to the secret-named ``name``, can be a real secret.

    ``constant``: the name is an UPPER_CASE constant, where a value spelling the name's
    secret word names a field (``PASSWORD = "password"``) rather than setting one.
    """
    text = value.strip()
    if text.startswith(_PEM):
        return True
    if len(text) < MIN_SECRET_LENGTH:
        return False  # too short for a key
    if any(char.isspace() for char in text) and not (
        is_signing_name(name) and _PASSPHRASE.fullmatch(text)
    ):
        return False  # prose (an error message), unless a passphrase given to a key
    return not (
        is_placeholder(text) or _LOCATION.match(text) or _is_label(text, name, constant=constant)
    )


def is_placeholder(value: str) -> bool:
    lowered = value.lower()
    if len(set(lowered)) == 1:  # "xxxxxxxx", "00000000"
        return True
    if _MARKER.match(lowered) or _TEST_VALUE.match(lowered):
        return True
    if lowered.startswith(_PUBLIC_PREFIXES) or lowered in _DOCUMENTED_LITERALS:
        return True
    return any(marker in lowered for marker in _PLACEHOLDER_MARKERS)


def _is_label(value: str, name: str, *, constant: bool) -> bool:
    """The name of a field, header, record or setting rather than its value.

    ``RESET_PASSWORD_BAD_TOKEN = "RESET_PASSWORD_BAD_TOKEN"`` (an error code),
    ``X_TOKEN = "x-token"`` (a header), ``username_and_password = "username-password"``
    (an enum value), ``token = "access_token"`` (a key name),
    ``OAUTH_CLIENT_KEY = "oauth_client"`` (a record's key). Not ``password="password"``
    given to a parameter: that is the weakest password there is.
    """
    words, own = name_words(_SEPARATORS.sub("_", value)), name_words(name)
    if words == own[-1:] and not constant:
        return False
    if set(words) <= set(own) and (own[-1] in words or len(words) > 1):
        return True  # spelled with the name's own words
    return value.isidentifier() and is_secret_name(value)
