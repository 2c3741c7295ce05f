"""FAPI104: password hashing or key derivation in the body of an ``async def``."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from fastapi_lint.fastapi_model import Lookup
from fastapi_lint.rule import Invalid, Valid
from fastapi_lint.rules._async_calls import AsyncCallRule

_KDF = "cryptography.hazmat.primitives.kdf"
_NACL_SCHEMES = ("nacl.pwhash", "nacl.pwhash.argon2id", "nacl.pwhash.argon2i", "nacl.pwhash.scrypt")
# Module-level functions, by qualified name. They are slow on purpose: tens to hundreds
# of milliseconds of CPU per call, during which the event loop serves nobody.
_FUNCTIONS = frozenset(
    {
        "bcrypt.hashpw",
        "bcrypt.checkpw",
        "bcrypt.kdf",
        "hashlib.pbkdf2_hmac",
        "hashlib.scrypt",
        "werkzeug.security.generate_password_hash",
        "werkzeug.security.check_password_hash",
        "argon2.hash_password",
        "argon2.hash_password_raw",
        "argon2.verify_password",
        "argon2.low_level.hash_secret",
        "argon2.low_level.hash_secret_raw",
        "argon2.low_level.verify_secret",
        "django.contrib.auth.hashers.make_password",
        "django.contrib.auth.hashers.check_password",
        *(f"{scheme}.{name}" for scheme in _NACL_SCHEMES for name in ("str", "verify", "kdf")),
    }
)
# passlib's hash classes (``passlib.hash.bcrypt``, or ``.using(rounds=...)`` copies) and
# its ready-made contexts (``passlib.apps.custom_app_context``).
_PASSLIB_HASHER = frozenset({"hash", "verify", "encrypt", "genhash"})
_PASSLIB_CONTEXT = frozenset({*_PASSLIB_HASHER, "verify_and_update", "dummy_verify"})
_PASSLIB_CONTEXT_MODULES = ("passlib.apps.", "passlib.hosts.")
_PWDLIB = frozenset({"hash", "verify", "verify_and_update"})
_HASH_VERIFY = frozenset({"hash", "verify"})
_DERIVE = frozenset({"derive", "verify", "derive_phc_encoded", "verify_phc_encoded"})
# Instance class (the qualified constructor or factory, as the model infers it) -> methods.
_METHODS: Mapping[str, frozenset[str]] = {
    "passlib.context.CryptContext": _PASSLIB_CONTEXT,
    "passlib.context.CryptContext.from_string": _PASSLIB_CONTEXT,
    "passlib.context.CryptContext.from_path": _PASSLIB_CONTEXT,
    "argon2.PasswordHasher": _HASH_VERIFY,
    "argon2.PasswordHasher.from_parameters": _HASH_VERIFY,
    "pwdlib.PasswordHash": _PWDLIB,
    "pwdlib.PasswordHash.recommended": _PWDLIB,
    "pwdlib.hashers.argon2.Argon2Hasher": _HASH_VERIFY,
    "pwdlib.hashers.bcrypt.BcryptHasher": _HASH_VERIFY,
    "fastapi_users.password.PasswordHelper": frozenset({"hash", "verify_and_update"}),
    f"{_KDF}.pbkdf2.PBKDF2HMAC": _DERIVE,
    f"{_KDF}.scrypt.Scrypt": _DERIVE,
    f"{_KDF}.argon2.Argon2id": _DERIVE,
}


def _methods_of(owner: str) -> frozenset[str]:
    """The slow methods of an object (or module) ``owner``."""
    known = _METHODS.get(owner)
    if known is not None:
        return known
    if owner.startswith("passlib.hash."):
        return _PASSLIB_HASHER
    if owner.startswith(_PASSLIB_CONTEXT_MODULES):
        return _PASSLIB_CONTEXT
    return frozenset()


def is_cpu_bound_function(qualified: str) -> bool:
    """``bcrypt.hashpw``, ``passlib.hash.bcrypt.hash``, ``passlib.apps.custom_app_context.hash``."""
    if qualified in _FUNCTIONS:
        return True
    owner, _, method = qualified.rpartition(".")
    return method in _methods_of(owner)


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
    ``python
    from fastapi import FastAPI
    from pwdlib import PasswordHash

    app = FastAPI()
    password_hash = PasswordHash.recommended()


    @app.post("/signup")
    async def signup(user: UserIn) -> UserOut:
        hashed = password_hash.hash(user.password)
        return await save_user(user.email, hashed)
    ``

    ## Use instead
    ``python
    from starlette.concurrency import run_in_threadpool


    @app.post("/signup")
    async def signup(user: UserIn) -> UserOut:
        hashed = await run_in_threadpool(password_hash.hash, user.password)
        return await save_user(user.email, hashed)
    ``
    or declare the endpoint with `def` when it makes no other awaited call.

    ## Options
    None.

    ## Known limitations
    Hashers are recognised by qualified name (`bcrypt.hashpw`, `passlib.hash.bcrypt.hash`)
    or as objects created from a known class in the same function or at module level
    (`pwd_context = CryptContext(...)`, `PasswordHash.recommended()`), or annotated with
    one. A hasher reached through an attribute (`self.password_helper.hash`) or from
    another module's helper is not seen. Calls of the module's own plain `def` helpers
    that hash (`verify_password()` calling `pwd_context.verify()`, even through other
    helpers) are flagged at the helper call. Other CPU-heavy work (image processing,
    large JSON documents, model inference) is not recognised.
    """

    code = "FAPI104"
    name = "cpu-bound-call-in-async-function"
    family = "async"
    severity = "error"
    message = (
        "CPU-bound call `{call}()` in async function `{function}`{via} blocks the event "
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
            "def verify_password(plain: str, hashed: str) -> bool:\n"
            "    return password_hash.verify(plain, hashed)\n\n\n"
            "async def login(plain: str, hashed: str) -> bool:\n"
            "    return verify_password(plain, hashed)\n",
            line=11,
            column=12,
            message_contains="`verify_password()` in async function `login` (it runs "
            "`password_hash.verify()`)",
        ),
    )

    def offending_call(self, call: cst.Call, lookup: Lookup) -> str | None:
        qualified = self.context.model.resolve(call.func, lookup)
        if qualified is not None:
            return "" if is_cpu_bound_function(qualified) else None
        func = call.func
        if not isinstance(func, cst.Attribute):
            return None
        owners = self.receiver_types(func.value, lookup)
        return "" if any(func.attr.value in _methods_of(o) for o in owners) else None

    def report_call(
        self, call: cst.Call, function: cst.FunctionDef, detail: str, via: cst.Call | None
    ) -> None:
        self.report(
            call,
            call=self.callee_text(call),
            function=function.name.value,
            via="" if via is None else f" (it runs `{self.callee_text(via)}()`)",
        )
