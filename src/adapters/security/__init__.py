"""Security adapters: argon2id password hashing, JWT tokens, Fernet encryption at rest and key derivation."""

from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.secret_box import FernetSecretBox, derive_key, fernet_key
from adapters.security.tokens import JwtTokenIssuer

__all__ = ("Argon2PasswordHasher", "FernetSecretBox", "JwtTokenIssuer", "derive_key", "fernet_key")
