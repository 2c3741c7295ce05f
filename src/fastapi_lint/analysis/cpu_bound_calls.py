"""Password hashing and key derivation, slow on purpose (FAPI104's catalogue).

Shared by FAPI104, which flags these calls in an ``async def``, and by the project
summary, which records them in plain ``def`` functions for FAPI102.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from fastapi_lint.analysis.async_scope import receiver_types
from fastapi_lint.fastapi_model.module import ModuleModel
from fastapi_lint.fastapi_model.names import Lookup

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


def cpu_bound_call(model: ModuleModel, call: cst.Call, lookup: Lookup) -> bool:
    """True when ``call`` hashes a password or derives a key."""
    qualified = model.resolve(call.func, lookup)
    if qualified is not None:
        return is_cpu_bound_function(qualified)
    func = call.func
    if not isinstance(func, cst.Attribute):
        return False
    owners = receiver_types(model, func.value, lookup)
    return any(func.attr.value in _methods_of(owner) for owner in owners)
