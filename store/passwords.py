"""Password hashing with scrypt (memory-hard, Python's standard library).

A hash is stored as ``scrypt$n$r$p$salt$key`` (salt and key in base64): each password has its
own random salt, and the cost it was hashed with travels with it so that raising the cost in the
settings never locks anyone out. Passwords are never stored, logged or compared in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from store.settings import AccountSettings

SCHEME = "scrypt"
SALT_BYTES = 16
KEY_BYTES = 32


def _kdf(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=2 * 128 * n * r * p + 1024 * 1024,
        dklen=KEY_BYTES,
    )


def hash_password(password: str, settings: AccountSettings) -> str:
    """The storable hash of ``password``, with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    n, r, p = settings.scrypt_n, settings.scrypt_r, settings.scrypt_p
    key = _kdf(password, salt, n, r, p)
    b64 = base64.b64encode
    return f"{SCHEME}${n}${r}${p}${b64(salt).decode()}${b64(key).decode()}"


def verify_password(password: str, stored: str | None, settings: AccountSettings) -> bool:
    """Whether ``password`` matches the ``stored`` hash (constant-time comparison).

    A missing or malformed hash never matches; the key is still derived once so that the time
    taken does not tell whether the account exists.
    """
    try:
        scheme, n, r, p, salt, key = (stored or "").split("$")
        if scheme != SCHEME:
            raise ValueError(scheme)
        params = int(n), int(r), int(p)
        salt_bytes, expected = base64.b64decode(salt), base64.b64decode(key)
    except ValueError:
        _kdf(password, b"\0" * SALT_BYTES, settings.scrypt_n, settings.scrypt_r, settings.scrypt_p)
        return False
    return hmac.compare_digest(_kdf(password, salt_bytes, *params), expected)
