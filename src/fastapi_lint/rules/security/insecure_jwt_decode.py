"""FAPI803: a JWT decoded without an algorithm list, without verification, or allowing none."""

from __future__ import annotations

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
    is_false,
)

_PYJWT = frozenset({"jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode"})
_JOSE = frozenset({"jose.jwt.decode"})
_JOSERFC = frozenset({"joserfc.jwt.decode"})
_DECODERS = _PYJWT | _JOSE | _JOSERFC
# Where the algorithm list may be passed positionally: decode(token, key, algorithms).
_ALGORITHMS_POSITION = 2
_UNVERIFIED = "signature verification is turned off"


class InsecureJwtDecode(Rule):
    """
    ## What it does
    Flags `decode` calls of PyJWT (`jwt.decode`, `jwt.decode_complete`), python-jose
    (`jose.jwt.decode`) and joserfc (`joserfc.jwt.decode`), resolved through the module's
    imports, that:
    - pass no algorithm list (`algorithms=`, or the third positional argument; for joserfc
      a `registry=` restricts the algorithms too);
    - turn signature verification off: `options={"verify_signature": False}` (the dict
      written in the call or assigned once in the same function) or the old PyJWT
      `verify=False`;
    - allow the `"none"` algorithm in their `algorithms` list.

    An unverified decode is left alone when the same function also decodes the same token
    with verification on: reading the issuer or key id first to pick the key is the
    documented way to verify tokens from several issuers. So is one of an OpenID Connect
    ID token read from the provider's token response (`token["id_token"]`, a local
    `id_token` taken from it): received from the token endpoint over TLS, its signature
    need not be checked (OpenID Connect Core 3.1.3.7). An `id_token` parameter, sent by
    a client, is still flagged.

    ## Why is this bad?
    A JWT says in its own header which algorithm signed it. Without an explicit list the
    decoder trusts that header: python-jose and PyJWT 1.x then accept an HMAC token
    "signed" with the server's public RSA key (algorithm confusion), and any library that
    allows `none` accepts a token with no signature at all. With verification off the
    claims are whatever the client wrote: anyone can be anyone. PyJWT 2 refuses to verify
    without `algorithms=`, so there the call fails at run time instead.

    ## Example
    ```python
    import jwt


    def user_id(token: str, key: str) -> str:
        claims = jwt.decode(token, key)
        return claims["sub"]


    def issuer(token: str) -> str:
        return jwt.decode(token, options={"verify_signature": False})["iss"]
    ```

    ## Use instead
    ```python
    import jwt


    def user_id(token: str, key: str) -> str:
        claims = jwt.decode(token, key, algorithms=["HS256"])
        return claims["sub"]
    ```
    To read a header before verifying, use `jwt.get_unverified_header(token)`, then
    decode with verification on.

    ## Options
    None.

    ## Known limitations
    Options and algorithm lists built elsewhere (another function, a module constant
    dict, `**kwargs`) are not read. `PyJWT().decode(...)` on an instance and
    `jws`-level APIs are not checked. joserfc without `algorithms=` falls back to its
    registry's recommended algorithms, which never include `none`: the finding there asks
    to pin the algorithm the key is meant for.
    """

    code = "FAPI803"
    name = "insecure-jwt-decode"
    family = "security"
    roles = frozenset({Role.APP})
    severity = "error"
    message = "JWT decoded insecurely: {problem}; {advice}"
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid(
            "import jwt\n\n\ndef claims(token: str, key: str) -> dict:\n"
            "    return jwt.decode(token, key, algorithms=['HS256'], audience='api')\n"
        ),
        Valid(
            "from jose import jwt\n\n\ndef claims(token: str, key: str) -> dict:\n"
            "    return jwt.decode(token, key, ['RS256'])\n"
        ),
        Valid(
            "import jwt\n\n\ndef header(token: str) -> dict:\n"
            "    return jwt.get_unverified_header(token)\n"
        ),
        Valid(
            "import jwt\n\n\ndef claims(token: str, keys: dict) -> dict:\n"
            "    issuer = jwt.decode(token, options={'verify_signature': False})['iss']\n"
            "    return jwt.decode(token, keys[issuer], algorithms=['RS256'])\n"
        ),
        Valid("import json\n\n\ndef load(text: str) -> dict:\n    return json.decode(text)\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid(
            "import jwt\n\n\ndef claims(token: str, key: str) -> dict:\n"
            "    return jwt.decode(token, key)\n",
            line=5,
            column=12,
            message_contains="no `algorithms=` list",
        ),
        Invalid(
            "import jwt\n\n\ndef claims(token: str) -> dict:\n"
            "    return jwt.decode(token, options={'verify_signature': False})\n",
            line=5,
            column=30,
            message_contains="verification is turned off",
        ),
        Invalid(
            "from jose import jwt\n\n\ndef claims(token: str, key: str) -> dict:\n"
            "    return jwt.decode(token, key, algorithms=['HS256', 'none'])\n",
            line=5,
            column=56,
            message_contains="`none`",
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._values = ScopeValues()
        self._names: frozenset[str] | None = None
        # Every decoder is imported from a module spelled with `jwt`.
        self._relevant = "jwt" in context.source

    def _decoder_names(self) -> frozenset[str]:
        if self._names is None:
            self._names = call_names(self.context.model, _DECODERS)
        return self._names

    def visit_Call(self, node: cst.Call) -> None:
        if not self._relevant or callee_name(node) not in self._decoder_names():
            return
        library = self.context.model.qualified_name(node.func)
        if library not in _DECODERS or any(arg.star for arg in node.args):
            return
        unverified = self._verification_off(node)
        if unverified is not None:
            if not self._verified_elsewhere(node) and not self._id_token(node):
                self.report(unverified, problem=_UNVERIFIED, advice=_VERIFY_ADVICE)
            return
        self._check_algorithms(node, library)

    def _check_algorithms(self, node: cst.Call, library: str) -> None:
        algorithms = _algorithms(node)
        if algorithms is None and not (library in _JOSERFC and keyword_arg(node, "registry")):
            self.report(node, problem="no `algorithms=` list", advice=_ALGORITHMS_ADVICE)
            return
        none = _none_algorithm(algorithms)
        if none is not None:
            self.report(none, problem="the `none` algorithm is allowed", advice=_NONE_ADVICE)

    def _verification_off(self, node: cst.Call) -> cst.CSTNode | None:
        """The argument that turns verification off, or None."""
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else ""
            if keyword == "verify" and is_false(arg.value):
                return arg
            if keyword == "options" and _disables_signature(self._dict_of(arg.value)):
                return arg
        return None

    def _dict_of(self, expr: cst.BaseExpression) -> cst.BaseExpression | None:
        if not isinstance(expr, cst.Name):
            return expr
        scope = current_scope(self.context)
        return None if scope is None else self._values.single(scope, expr.value)

    def _id_token(self, node: cst.Call) -> bool:
        """An OpenID Connect ID token read from the provider's token response
        (``token["id_token"]``): received from the token endpoint over TLS, it needs no
        signature check to be read (OIDC Core 3.1.3.7). One a client sends in (a
        parameter named ``id_token``) must be verified."""
        tokens = positional_args(node)[:1]
        if not tokens or "id_token" not in self.context.module.code_for_node(tokens[0]):
            return False
        function = self.context.enclosing_function()
        if not isinstance(tokens[0], cst.Name) or function is None:
            return True
        params = function.params
        names = {
            p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)
        }
        return tokens[0].value not in names

    def _verified_elsewhere(self, node: cst.Call) -> bool:
        """Whether the enclosing function also decodes the same token with verification."""
        function = self.context.enclosing_function()
        tokens = positional_args(node)[:1]
        if function is None or not tokens:
            return False
        finder = _VerifiedDecodes(self, self.context.module.code_for_node(tokens[0]))
        function.body.visit(finder)
        return finder.found

    def is_verifying_decode(self, call: cst.Call, token: str) -> bool:
        """A decoder call on ``token`` with an algorithm list and verification on."""
        if callee_name(call) not in self._decoder_names():
            return False
        if self.context.model.qualified_name(call.func) not in _DECODERS:
            return False
        first = positional_args(call)[:1]
        if not first or self.context.module.code_for_node(first[0]) != token:
            return False
        return _algorithms(call) is not None and self._verification_off(call) is None


class _VerifiedDecodes(cst.CSTVisitor):
    def __init__(self, rule: InsecureJwtDecode, token: str) -> None:
        self.rule = rule
        self.token = token
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        self.found = self.found or self.rule.is_verifying_decode(node, self.token)


_VERIFY_ADVICE = "verify with the issuer's key, or read the header with `get_unverified_header`"
_ALGORITHMS_ADVICE = "pass the algorithms your key is for, e.g. `algorithms=['HS256']`"
_NONE_ADVICE = "remove it: a token with no signature would be accepted"


def _algorithms(call: cst.Call) -> cst.BaseExpression | None:
    given = keyword_arg(call, "algorithms")
    if given is not None:
        return given
    positional = positional_args(call)
    return positional[_ALGORITHMS_POSITION] if len(positional) > _ALGORITHMS_POSITION else None


def _none_algorithm(algorithms: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """The ``"none"`` element of a literal algorithm list (or the string itself)."""
    if string_value(algorithms) is not None:
        elements = [algorithms]
    elif isinstance(algorithms, cst.List | cst.Tuple | cst.Set):
        elements = [element.value for element in algorithms.elements]
    else:
        return None
    return next((e for e in elements if (string_value(e) or "").lower() == "none"), None)


def _disables_signature(options: cst.BaseExpression | None) -> bool:
    if isinstance(options, cst.Dict):
        return any(
            isinstance(element, cst.DictElement)
            and string_value(element.key) == "verify_signature"
            and is_false(element.value)
            for element in options.elements
        )
    if isinstance(options, cst.Call) and callee_name(options) == "dict":
        return any(
            arg.keyword is not None
            and arg.keyword.value == "verify_signature"
            and is_false(arg.value)
            for arg in options.args
        )
    return False
