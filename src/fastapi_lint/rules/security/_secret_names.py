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
)
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
    if not words:
        return False
    return words[-1] in _SECRET_WORDS or tuple(words[-2:]) in _SECRET_PAIRS


def looks_like_secret(value: str, name: str) -> bool:
    """Whether ``value``, assigned to the secret-named ``name``, can be a real secret."""
    text = value.strip()
    if text.startswith(_PEM):
        return True
    if len(text) < MIN_SECRET_LENGTH or any(char.isspace() for char in text):
        return False  # too short for a key, or prose (an error message)
    return not (is_placeholder(text) or _LOCATION.match(text) or _is_label(text, name))


def is_placeholder(value: str) -> bool:
    lowered = value.lower()
    if len(set(lowered)) == 1:  # "xxxxxxxx", "00000000"
        return True
    if lowered.startswith("<") and lowered.endswith(">"):
        return True
    return any(marker in lowered for marker in _PLACEHOLDER_MARKERS)


def _is_label(value: str, name: str) -> bool:
    """The name of a field, header or setting rather than its value.

    ``RESET_PASSWORD_BAD_TOKEN = "RESET_PASSWORD_BAD_TOKEN"`` (an error code),
    ``X_TOKEN = "x-token"`` (a header), ``username_and_password = "username-password"``
    (an enum value), ``token = "access_token"`` (a key name).
    """
    words, own = name_words(_SEPARATORS.sub("_", value)), name_words(name)
    if own[-1] in words and set(words) <= set(own):
        return True  # spelled with the name's own words, its secret word included
    return value.isidentifier() and is_secret_name(value)
