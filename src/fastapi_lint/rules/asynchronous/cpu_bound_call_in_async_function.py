"""FAPI104: password hashing or key derivation in the body of an ``async def``."""

from __future__ import annotations

import libcst as cst

from fastapi_lint.analysis.cpu_bound_calls import cpu_bound_call
from fastapi_lint.context.roles import Role
from fastapi_lint.fastapi_model.names import Lookup
from fastapi_lint.rule import Invalid, Valid
from fastapi_lint.rules.asynchronous._async_calls import AsyncCallRule


class CpuBoundCallInAsyncFunction(AsyncCallRule):
    """
    ## What it does
    Flags password hashing and key derivation (`bcrypt`, passlib's `CryptContext`,
    `pwdlib`'s `PasswordHash`, argon2's `PasswordHasher`, `hashlib.pbkdf2_hmac`/`scrypt`,
    werkzeug's password helpers...) written directly in the body of an `async def`.

    ## Why is this bad?
    Password hashes are slow on purpose: one `hash()` or `verify()` takes tens to hundreds
    of milliseconds of CPU. In an `async def` endpoint or dependency that time is spent on
    the event loop, so every other request served by the worker waits for it; a few
    concurrent logins stall the whole service. In a threadpool the hash runs while the
    loop keeps serving (the hashing libraries release the GIL).

    ## Example
    ```python
    from fastapi import FastAPI
    from pwdlib import PasswordHash

    app = FastAPI()
    password_hash = PasswordHash.recommended()


    @app.post("/signup")
    async def signup(user: UserIn) -> UserOut:
        hashed = password_hash.hash(user.password)
        return await save_user(user.email, hashed)
    ```

    ## Use instead
    ```python
    from starlette.concurrency import run_in_threadpool


    @app.post("/signup")
    async def signup(user: UserIn) -> UserOut:
        hashed = await run_in_threadpool(password_hash.hash, user.password)
        return await save_user(user.email, hashed)
    ```
    or declare the endpoint with `def` when it makes no other awaited call.

    ## Options
    None.

    ## Known limitations
    Hashers are recognised by qualified name (`bcrypt.hashpw`, `passlib.hash.bcrypt.hash`)
    or as objects created from a known class in the same function or at module level
    (`pwd_context = CryptContext(...)`, `PasswordHash.recommended()`), or annotated with
    one. A hasher reached through an attribute (`self.password_helper.hash`) is not seen.
    A call of the project's own plain `def` helper that hashes (`verify_password()`
    calling `pwd_context.verify()`, in any module, through any depth of helpers) is
    FAPI102's (`blocking-call-via-helper`), not this rule's. Other CPU-heavy work (image
    processing, large JSON documents, model inference) is not recognised.
    """

    code = "FAPI104"
    name = "cpu-bound-call-in-async-function"
    family = "async"
    roles = frozenset({Role.APP, Role.EXAMPLE})
    severity = "error"
    message = (
        "CPU-bound call `{call}()` in async function `{function}` blocks the event "
        "loop; use `await run_in_threadpool({call}, ...)`"
    )

    VALID = (
        Valid(
            "from passlib.context import CryptContext\n"
            "from starlette.concurrency import run_in_threadpool\n\n"
            'pwd_context = CryptContext(schemes=["bcrypt"])\n\n\n'
            "async def signup(password: str) -> str:\n"
            "    return await run_in_threadpool(pwd_context.hash, password)\n"
        ),
        Valid(
            "from passlib.context import CryptContext\n\n"
            'pwd_context = CryptContext(schemes=["bcrypt"])\n\n\n'
            "def verify_password(plain: str, hashed: str) -> bool:\n"
            "    return pwd_context.verify(plain, hashed)\n"
        ),
        Valid(
            "import bcrypt\n"
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.post("/token")\n'
            "def login(password: str, hashed: bytes) -> dict:\n"
            '    return {"ok": bcrypt.checkpw(password.encode(), hashed)}\n'
        ),
        Valid(
            "import asyncio\n"
            "import hashlib\n\n\n"
            "async def derive(password: bytes, salt: bytes) -> bytes:\n"
            "    digest = hashlib.sha256(salt).digest()\n"
            "    return await asyncio.to_thread(\n"
            '        hashlib.pbkdf2_hmac, "sha256", password, digest, 600_000\n'
            "    )\n"
        ),
    )
    INVALID = (
        Invalid(
            "from fastapi import FastAPI\n"
            "from passlib.context import CryptContext\n\n"
            "app = FastAPI()\n"
            'pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")\n\n\n'
            '@app.post("/signup")\n'
            "async def signup(email: str, password: str) -> dict:\n"
            "    hashed = pwd_context.hash(password)\n"
            '    return {"email": email, "hashed": hashed}\n',
            line=10,
            column=14,
            message_contains=(
                "CPU-bound call `pwd_context.hash()` in async function `signup` blocks the "
                "event loop; use `await run_in_threadpool(pwd_context.hash, ...)`"
            ),
        ),
        Invalid(
            "import bcrypt\n\n\n"
            "async def check(password: str, hashed: bytes) -> bool:\n"
            "    return bcrypt.checkpw(password.encode(), hashed)\n",
            line=5,
            column=12,
            message_contains="`bcrypt.checkpw()`",
        ),
        Invalid(
            "from pwdlib import PasswordHash\n\n"
            "password_hash = PasswordHash.recommended()\n\n\n"
            "async def login(plain: str, hashed: str) -> bool:\n"
            "    return password_hash.verify(plain, hashed)\n",
            line=7,
            column=12,
            message_contains="`password_hash.verify()` in async function `login`",
        ),
    )

    def offending_call(self, call: cst.Call, lookup: Lookup) -> str | None:
        return "" if cpu_bound_call(self.context.model, call, lookup) else None

    def report_call(self, call: cst.Call, function: cst.FunctionDef, detail: str) -> None:
        self.report(call, call=self.callee_text(call), function=function.name.value)
