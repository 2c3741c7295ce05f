"""FAPI806: an import of python-jose (``jose``), a JWT library no longer maintained."""

from __future__ import annotations

from typing import ClassVar, TypeGuard

import libcst as cst

from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.syntax import dotted_name
from fastapi_lint.rule import FileContext, Invalid, Rule, Valid


def _is_jose(module: str | None) -> TypeGuard[str]:
    return module is not None and (module == "jose" or module.startswith("jose."))


class UnmaintainedJwtLibrary(Rule):
    """
    ## What it does
    Flags imports of `jose` (the python-jose package): `import jose`,
    `from jose import jwt`, `from jose.exceptions import JWTError` and the like.

    ## Why is this bad?
    python-jose went years without a release and has published vulnerabilities
    (CVE-2024-33663, algorithm confusion with OpenSSH ECDSA keys; CVE-2024-33664, a JWE
    decompression bomb); its 2025 releases patched those and little else. FastAPI's own
    security tutorial moved from python-jose to PyJWT for that reason. Security code
    should sit on a library whose fixes keep coming.

    ## Example
    ```python
    from jose import JWTError, jwt


    def read_subject(token: str, key: str) -> str | None:
        try:
            claims = jwt.decode(token, key, algorithms=["HS256"])
        except JWTError:
            return None
        return str(claims["sub"])
    ```

    ## Use instead
    ```python
    import jwt


    def read_subject(token: str, key: str) -> str | None:
        try:
            claims = jwt.decode(token, key, algorithms=["HS256"])
        except jwt.InvalidTokenError:
            return None
        return str(claims["sub"])
    ```
    PyJWT (`import jwt`) has almost the same `encode`/`decode` API; joserfc (from the
    Authlib authors) covers JWE and JWK sets as well.

    ## Options
    None.

    ## Known limitations
    Only imports are seen, one finding per file (at its first import of `jose`; the
    others go when that one does); a dependency that pulls in
    python-jose without the code importing it is not reported. Relative imports of a
    project module named `jose` are not flagged.
    """

    code = "FAPI806"
    name = "unmaintained-jwt-library"
    family = "security"
    roles = frozenset({Role.APP, Role.SCRIPT, Role.TEST})
    severity = "warning"
    message = (
        "python-jose (`{module}`) is unmaintained and has had security flaws; "
        "use PyJWT (`import jwt`) or joserfc"
    )
    VALID: ClassVar[tuple[Valid, ...]] = (
        Valid("import jwt\nfrom joserfc import jwt as jose_jwt\n"),
        Valid("from .jose import helpers\nimport josepy\n"),
        Valid("from authlib.jose import JsonWebToken\n"),
    )
    INVALID: ClassVar[tuple[Invalid, ...]] = (
        Invalid("from jose import JWTError, jwt\n", line=1, column=6),
        Invalid("import os\nimport jose.jwt as jose_jwt\n", line=2, column=8),
        Invalid("from jose.exceptions import ExpiredSignatureError\n", line=1, column=6),
        Invalid(
            "from jose import jwt\nfrom jose.exceptions import JWTError\nimport jose\n",
            line=1,
            column=6,
        ),
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._reported = False

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = dotted_name(alias.name)
            if _is_jose(module):
                self._report_once(alias.name, module)
                return

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = dotted_name(node.module)
        if _is_jose(module):
            self._report_once(node.module, module)

    def _report_once(self, node: cst.CSTNode, module: str) -> None:
        """One finding per file: the fix is one change of library, not one per line."""
        if not self._reported:
            self._reported = True
            self.report(node, module=module)
