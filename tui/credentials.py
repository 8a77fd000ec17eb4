"""The API key: from ``ANTHROPIC_API_KEY``, the ``apiKeyHelper`` setting's program, or the OS
keychain (keyring), never a plain file.

``SPEC.md`` §9: credentials live in the keychain; they never reach disk in plain text, logs or
transcripts.  :func:`redact` removes a known secret from any text before it is shown or stored.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

KEYRING_SERVICE = "warden"
KEYRING_USER = "anthropic-api-key"


@dataclass(frozen=True)
class KeyLookup:
    """Where the key came from: ``source`` is ``"env"``, ``"apiKeyHelper"``, ``"keyring"`` or
    ``None`` (no key).

    ``problem`` explains a helper that failed or a keychain that could not be read (no backend,
    locked...).
    """

    key: str | None
    source: str | None
    problem: str | None = None


#: Seconds an ``apiKeyHelper`` program may take before it is killed.
HELPER_TIMEOUT_S = 30.0


def key_from_helper(command: str, *, cwd: Path, env: Mapping[str, str],
                    timeout_s: float = HELPER_TIMEOUT_S) -> KeyLookup:
    """Run the ``apiKeyHelper`` setting's command and take its output as the key (REF §9.1).

    The command runs with ``/bin/sh -c`` in ``cwd``, in its own process group (killed whole on
    timeout), stdin closed, with ``env`` (the tool environment: Warden's credentials already
    removed).  The key is the output's last non-empty line.  Its output is never shown: a
    failure reports the exit status and the first line of stderr with the output redacted.
    Never raises.
    """
    try:
        proc = subprocess.Popen(["/bin/sh", "-c", command], cwd=cwd, env=dict(env),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        return KeyLookup(None, None, f"apiKeyHelper could not start: {exc.strerror}")
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        from tui.process import signal_group

        signal_group(proc.pid, signal.SIGKILL)  # the whole group: the helper's children too
        proc.communicate()
        return KeyLookup(None, None, f"apiKeyHelper did not finish within {timeout_s:g} s")
    text = out.decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        first = err.decode("utf-8", "replace").strip().splitlines()[:1]
        detail = redact(first[0][:200], lines) if first else "no output"
        why = f"exited with status {proc.returncode}" if proc.returncode else "printed no key"
        return KeyLookup(None, None, f"apiKeyHelper {why} ({detail})")
    return KeyLookup(lines[-1], "apiKeyHelper")


def find_api_key(env: Mapping[str, str] | None = None, *, use_keyring: bool = True,
                 helper: str | None = None, helper_cwd: Path | None = None,
                 helper_env: Mapping[str, str] | None = None) -> KeyLookup:
    """Look for the key: the environment first, then the ``apiKeyHelper`` command (``helper``,
    from settings that may grant: user, managed, a trusted project), then the OS keychain.

    A helper that fails is reported in :attr:`KeyLookup.problem` and the keychain is tried.
    """
    env = os.environ if env is None else env
    key = env.get("ANTHROPIC_API_KEY", "").strip()
    if key:
        return KeyLookup(key, "env")
    helper_problem = None
    if helper:
        found = key_from_helper(helper, cwd=helper_cwd or Path.cwd(),
                                env=helper_env if helper_env is not None else env)
        if found.key:
            return found
        helper_problem = found.problem
    if not use_keyring:
        if helper_problem:
            return KeyLookup(None, None, helper_problem)
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
    return KeyLookup(stored, "keyring") if stored else KeyLookup(None, None, helper_problem)


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
