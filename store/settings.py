"""The account rules of ``[accounts]`` in ``config/settings.toml``: lockout and password cost."""

from __future__ import annotations

from dataclasses import dataclass

from config import ConfigError, load_toml


@dataclass(frozen=True)
class AccountSettings:
    """Lockout, password length and scrypt cost.

    Attributes
    ----------
    max_failures : int
        Consecutive failed logins that lock an account.
    lockout_minutes : int
        How long it stays locked; 0 until an administrator unlocks it.
    min_password_length : int
        Shortest password accepted.
    session_hours : int
        A login lasts at most this long, then the person logs in again.
    scrypt_n, scrypt_r, scrypt_p : int
        scrypt cost (memory ``n × r × 128`` bytes).
    """

    max_failures: int = 5
    lockout_minutes: int = 15
    min_password_length: int = 10
    session_hours: int = 12
    scrypt_n: int = 32768
    scrypt_r: int = 8
    scrypt_p: int = 1


def _int(section: dict, key: str, low: int, default: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(
            f"config/settings.toml, [accounts] « {key} » : attendu un entier ≥ {low}, "
            f"reçu « {value} »."
        )
    return value


def load_account_settings() -> AccountSettings:
    """Read ``[accounts]`` of ``config/settings.toml`` (defaults for missing keys).

    Raises
    ------
    ConfigError
        When a value is not a whole number in its range, or ``scrypt_n`` is not a power of 2.
    """
    section = load_toml("settings.toml").get("accounts", {})
    defaults = AccountSettings()
    settings = AccountSettings(
        max_failures=_int(section, "max_failures", 1, defaults.max_failures),
        lockout_minutes=_int(section, "lockout_minutes", 0, defaults.lockout_minutes),
        min_password_length=_int(section, "min_password_length", 8, defaults.min_password_length),
        session_hours=_int(section, "session_hours", 1, defaults.session_hours),
        scrypt_n=_int(section, "scrypt_n", 2**14, defaults.scrypt_n),
        scrypt_r=_int(section, "scrypt_r", 8, defaults.scrypt_r),
        scrypt_p=_int(section, "scrypt_p", 1, defaults.scrypt_p),
    )
    if settings.scrypt_n & (settings.scrypt_n - 1):
        raise ConfigError(
            "config/settings.toml, [accounts] « scrypt_n » : attendu une puissance de 2 "
            f"(32768 = 2^15), reçu « {settings.scrypt_n} »."
        )
    return settings
