"""FAPI801: CORS open to every origin, an error when credentials are allowed too."""

from __future__ import annotations

import re
from typing import ClassVar

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.syntax import keyword_arg, positional_args, string_value
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid
from fastapi_lint.rules.security._values import (
    ScopeValues,
    call_names,
    callee_name,
    current_scope,
    is_true,
)

_CORS = frozenset(
    {
        "fastapi.middleware.cors.CORSMiddleware",
        "starlette.middleware.cors.CORSMiddleware",
    }
)
_MIDDLEWARE = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})
# add_middleware(CORSMiddleware, ...), Middleware(CORSMiddleware, ...) in a list, or the
# middleware wrapping an app directly: CORSMiddleware(app, ...).
_CALLS = frozenset({"add_middleware"})
# Starlette full-matches the regex against the Origin header: one that accepts origins
# an attacker registers accepts them all.
_ATTACKER_ORIGINS = ("https://attacker.invalid", "http://evil.attacker.invalid:8080")
_WITH_CREDENTIALS = (
    "CORS allows every origin ({origins}) together with credentials: any website can "
    "make authenticated requests as your users; list the trusted origins"
)
_WITHOUT_CREDENTIALS = (
    "CORS allows every origin ({origins}); list the origins that may call the API "
    "unless it is meant to be public"
)


class PermissiveCors(Rule):
    """
    ## What it does
    Flags `CORSMiddleware` (FastAPI's or Starlette's) configured for every origin:
    `"*"` in `allow_origins`, or an `allow_origin_regex` that accepts any origin (`.*`,
    `.+`, `^https?://.*$`...: tested against made-up attacker origins). With
    `allow_credentials=True` it is an error; without credentials a warning. The
    middleware may be added with `app.add_middleware(CORSMiddleware, ...)`, listed as
    `Middleware(CORSMiddleware, ...)` or wrap an app as `CORSMiddleware(app, ...)`.
    An `allow_origins` name is followed to a list assigned once in the same function
    or at module level.

    ## Why is this bad?
    Starlette answers a credentialed request from a wildcard configuration by echoing
    the caller's `Origin`, so the browser lets *any* website send requests with your
    users' cookies and read the responses: every logged-in visitor of a
    malicious page is impersonated. Without credentials, `"*"` still lets every site read
    what your API returns to anonymous callers, which is right only for public APIs.

    ## Example
    ```python
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    ```

    ## Use instead
    ```python
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    from app.config import settings

    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,  # e.g. ["https://app.example.com"]
        allow_credentials=True,
    )
    ```

    ## Options
    None.

    ## Known limitations
    Origins read from settings, the environment or another module are not seen, so a
    wildcard configured there is not reported; neither are arguments passed through
    `**kwargs`. `allow_credentials` counts only as the literal `True`. Subclasses of
    `CORSMiddleware` are not followed.
    """

    code = "FAPI801"
    name = "permissive-cors"
    family = "security"
    roles = frozenset({Role.APP})
    severity = "error"
    message = _WITH_CREDENTIALS
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
            "app = FastAPI()\napp.add_middleware(\n"
            "    CORSMiddleware, allow_origins=['https://app.example.com'], "
            "allow_credentials=True\n)\n"
        ),
        Valid(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
            "from app.config import settings\n\napp = FastAPI()\n"
            "app.add_middleware(CORSMiddleware, allow_origins=settings.origins, "
            "allow_credentials=True)\n"
        ),
        Valid(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
            "app = FastAPI()\napp.add_middleware(\n"
            "    CORSMiddleware, allow_origin_regex=r'https://.*\\.example\\.com', "
            "allow_credentials=True\n)\n"
        ),
        Valid(
            "from fastapi import FastAPI\nfrom app.middleware import CORSMiddleware\n\n"
            "app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=['*'])\n"
        ),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
            "app = FastAPI()\napp.add_middleware(\n"
            "    CORSMiddleware, allow_origins=['*'], allow_credentials=True\n)\n",
            line=6,
            column=35,
            message_contains="together with credentials",
        ),
        Invalid(
            "from starlette.applications import Starlette\n"
            "from starlette.middleware import Middleware\n"
            "from starlette.middleware.cors import CORSMiddleware\n\n"
            "middleware = [Middleware(CORSMiddleware, allow_origins=['*'])]\n"
            "app = Starlette(middleware=middleware)\n",
            line=5,
            column=56,
            message_contains="unless it is meant to be public",
        ),
        Invalid(
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
            "app = FastAPI()\napp.add_middleware(\n"
            "    CORSMiddleware, allow_origin_regex='.*', allow_credentials=True\n)\n",
            line=6,
            column=40,
            message_contains="`allow_origin_regex='.*'`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._values = ScopeValues()
        self._names: frozenset[str] | None = None
        # However it is imported, the class is named in the file: skip the others cheaply.
        self._relevant = "CORSMiddleware" in context.source

    def _call_names(self) -> frozenset[str]:
        if self._names is None:
            self._names = _CALLS | call_names(self.context.model, _CORS | _MIDDLEWARE)
        return self._names

    def visit_Call(self, node: cst.Call) -> None:
        if not self._relevant or callee_name(node) not in self._call_names():
            return
        if not self._is_cors(node):
            return
        wildcard = self._wildcard(node)
        if wildcard is None:
            return
        where, origins = wildcard
        if is_true(keyword_arg(node, "allow_credentials")):
            self.report(where, origins=origins)
        else:
            self.report(where, _WITHOUT_CREDENTIALS.format(origins=origins), severity="warning")

    def _is_cors(self, node: cst.Call) -> bool:
        qualified = self.context.model.qualified_name(node.func)
        if qualified in _CORS:
            return True
        if qualified not in _MIDDLEWARE and callee_name(node) != "add_middleware":
            return False
        first = positional_args(node)[:1]
        return bool(first) and self.context.model.qualified_name(first[0]) in _CORS

    def _wildcard(self, node: cst.Call) -> tuple[cst.CSTNode, str] | None:
        """Where the every-origin setting is, and how to name it in the message."""
        origins = keyword_arg(node, "allow_origins")
        if origins is not None and _has_star(self._list_of(origins)):
            return origins, "`*`"
        regex = keyword_arg(node, "allow_origin_regex")
        pattern = string_value(regex)
        if regex is not None and pattern is not None and _matches_any_origin(pattern):
            return regex, f"`allow_origin_regex={pattern!r}`"
        return None

    def _list_of(self, expr: cst.BaseExpression) -> cst.BaseExpression | None:
        """A name's value when it is assigned once in this function, or else in the module."""
        if not isinstance(expr, cst.Name):
            return expr
        scope = current_scope(self.context)
        if scope is not None and self._values.assigned(scope, expr.value):
            return self._values.single(scope, expr.value)
        return self._values.single(self.context.module, expr.value)


def _has_star(origins: cst.BaseExpression | None) -> bool:
    if string_value(origins) == "*":  # a string is a sequence: Starlette sees "*" in it
        return True
    if not isinstance(origins, cst.List | cst.Tuple | cst.Set):
        return False
    return any(string_value(element.value) == "*" for element in origins.elements)


def _matches_any_origin(pattern: str) -> bool:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    return all(compiled.fullmatch(origin) for origin in _ATTACKER_ORIGINS)
