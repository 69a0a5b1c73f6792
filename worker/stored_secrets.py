"""Key rotation for the secrets kept in the database: every ciphertext is re-encrypted
under the first configured key (compare-and-swap, so a concurrent change wins)."""

from __future__ import annotations

from worker.db import Database
from worker.secretbox import SecretBox


def rotate_keys(db: Database, box: SecretBox) -> int:
    """Re-encrypt every stored secret under the first configured key."""
    rotated = 0
    for stored in db.rpc("stored_ciphertexts"):
        fresh = box.rotate(stored["ciphertext"])
        rotated += bool(
            db.rpc(
                "replace_ciphertext",
                {
                    "kind": stored["kind"],
                    "id": stored["id"],
                    "old_ciphertext": stored["ciphertext"],
                    "new_ciphertext": fresh,
                },
            )
        )
    return rotated
