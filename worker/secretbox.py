"""Encryption of the secrets GigFlow keeps for users and for the platform (Whop OAuth
tokens, PKCE verifiers, webhook signing secrets). The keys live in the worker's settings,
never in the database. Several keys may be configured: the first encrypts, any decrypts,
so a key is rotated by putting the new one first and running `gigflow secrets rotate`."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from worker import errors


class SecretBox:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        try:
            self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError as error:
            raise ValueError(
                "each key must be 32 url-safe base64-encoded bytes (Fernet.generate_key())"
            ) from error

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise errors.GigflowError(
                "a stored secret does not decrypt with the configured keys"
            ) from error

    def rotate(self, ciphertext: str) -> str:
        """The same secret under the first key."""
        try:
            return self._fernet.rotate(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise errors.GigflowError("a stored secret does not decrypt with any key") from error


def new_key() -> str:
    return Fernet.generate_key().decode()
