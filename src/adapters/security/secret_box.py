"""Encryption at rest with Fernet (AES-128-CBC + HMAC-SHA256), and key derivation from the one server secret."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

if TYPE_CHECKING:
    from collections.abc import Sequence

KEY_BYTES = 32
CANNOT_DECRYPT = "This secret cannot be decrypted with the configured keys; was the secret key changed?"


def derive_key(secret: str, purpose: str) -> bytes:
    """A 32-byte key for one `purpose`, derived from `secret` with HKDF-SHA256 (`info=purpose`).

    Keys for different purposes are independent: knowing the token signing key says nothing about the
    encryption key, though both come from the same `ASKVIDEO_SECRET_KEY`.
    """
    if not secret:
        raise ValueError("The secret key is empty.")
    # No salt: the secret is already a high-entropy key, which is what HKDF's extract step needs (RFC 5869 §3.1).
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode())
    return hkdf.derive(secret.encode())


def fernet_key(secret: str, purpose: str) -> bytes:
    """A Fernet key (URL-safe base64 of 32 bytes) derived from `secret` for `purpose`."""
    return base64.urlsafe_b64encode(derive_key(secret, purpose))


class FernetSecretBox:
    """Authenticated encryption for secrets at rest: the first key encrypts, every key decrypts.

    To rotate, put the new key first and keep the old ones after it until `rotate` has re-encrypted
    every stored ciphertext.
    """

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("A secret box needs at least one key.")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, plaintext: str) -> bytes:
        """Encrypt with the current (first) key."""
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, ciphertext: bytes) -> str:
        """Decrypt with whichever configured key opens it; raise ValueError if none does."""
        try:
            return self._fernet.decrypt(ciphertext).decode()
        except InvalidToken as error:
            raise ValueError(CANNOT_DECRYPT) from error

    def rotate(self, ciphertext: bytes) -> bytes:
        """Re-encrypt with the current key (a ciphertext from any configured key); raise ValueError if none opens it."""
        try:
            return self._fernet.rotate(ciphertext)
        except InvalidToken as error:
            raise ValueError(CANNOT_DECRYPT) from error
