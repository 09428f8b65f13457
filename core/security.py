"""Password hashing (argon2id, the library's current parameters) and opaque token handling."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.settings import get_settings

_hasher = PasswordHasher()
# A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# What an invited user holds until they follow their link: not a hash argon2 reads, so no password matches it.
UNUSABLE_PASSWORD = "!unset"


def verify_password(password_hash: str | None, password: str) -> bool:
    """False for a missing or empty hash and for UNUSABLE_PASSWORD, after the same work as a real check."""
    usable = password_hash if password_hash and password_hash != UNUSABLE_PASSWORD else None
    try:
        return _hasher.verify(usable or _DUMMY_HASH, password) and usable is not None
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Tokens are stored only as a keyed hash: a stolen database does not yield usable tokens."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()

