"""The API key: from ``ANTHROPIC_API_KEY`` or the OS keychain (keyring), never a plain file.

``SPEC.md`` §9: credentials live in the keychain; they never reach disk in plain text, logs or
transcripts.  :func:`redact` removes a known secret from any text before it is shown or stored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

KEYRING_SERVICE = "warden"
KEYRING_USER = "anthropic-api-key"


@dataclass(frozen=True)
class KeyLookup:
    """Where the key came from: ``source`` is ``"env"``, ``"keyring"`` or ``None`` (no key).

    ``problem`` explains a keychain that could not be read (no backend, locked...).
    """

    key: str | None
    source: str | None
    problem: str | None = None


def find_api_key(env: Mapping[str, str] | None = None, *, use_keyring: bool = True) -> KeyLookup:
    """Look for the key: the environment first, then the OS keychain."""
    env = os.environ if env is None else env
    key = env.get("ANTHROPIC_API_KEY", "").strip()
    if key:
        return KeyLookup(key, "env")
    if not use_keyring:
        return KeyLookup(None, None)
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        except KeyringError as exc:
            return KeyLookup(None, None, f"The OS keychain could not be read: {exc}")
    except RuntimeError as exc:  # keyring raises RuntimeError when no backend is usable
        return KeyLookup(None, None, f"No usable OS keychain: {exc}")
    return KeyLookup(stored, "keyring") if stored else KeyLookup(None, None)


def store_api_key(key: str) -> None:
    """Save ``key`` in the OS keychain.

    Raises:
        keyring.errors.KeyringError: the keychain refused (locked, no backend).
        ValueError: the key is empty.
    """
    key = key.strip()
    if not key:
        raise ValueError("the API key is empty")
    import keyring

    keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)


def redact(text: str, secrets: list[str]) -> str:
    """Replace every occurrence of each secret (8+ characters) with ``[REDACTED]``."""
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, "[REDACTED]")
    return text
