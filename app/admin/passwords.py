"""Password hashing (Argon2id through pwdlib) and the password policy for admin accounts.

The policy follows OWASP ASVS 5.0 (V6.2): a minimum length, no composition rules, no truncation, and a
check against commonly used passwords, vendored so that it works offline.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import PROJECT_ROOT, get_settings

MIN_LENGTH = 12
MAX_LENGTH = 1024
COMMON_PASSWORDS_FILE = PROJECT_ROOT / "app" / "admin" / "common_passwords.txt"


@lru_cache
def _hasher() -> PasswordHash:
    settings = get_settings()
    argon2 = Argon2Hasher(
        time_cost=settings.password_hash_passes, memory_cost=settings.password_hash_memory_kib
    )
    return PasswordHash((argon2,))


# Each Argon2 verification holds 64 MiB for ~0.2 s: bound how many run at once, whatever the load.
_slots = threading.BoundedSemaphore(4)


def hash_password(password: str) -> str:
    with _slots:
        return _hasher().hash(password)


@lru_cache
def _dummy_hash() -> str:
    return _hasher().hash("a password nobody has, for equal timing")


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(matches, new hash if the parameters should be upgraded). An unknown account (``None``) is
    checked against a dummy hash, so a wrong name takes as long as a wrong password."""
    with _slots:
        if password_hash is None:
            _hasher().verify(password, _dummy_hash())
            return False, None
        return _hasher().verify_and_update(password, password_hash)


@lru_cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, account: str) -> str | None:
    """Why a password is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"A password needs at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"A password has at most {MAX_LENGTH} characters."
    folded = password.casefold()
    if folded in _common_passwords() or len(set(folded)) < 4:
        return "This password is too common or too easy to guess."
    if account and account.casefold() in folded:
        return "The password must not contain the account name."
    for common in _common_passwords():
        # A common word padded with digits or repeated ("password123456", "qwertyqwerty").
        if len(common) >= 6 and folded.strip("0123456789!@#$%^&*.") in {common, common * 2}:
            return "This password is too common or too easy to guess."
    return None
