"""Choosing the model: ``--model``, ``ANTHROPIC_MODEL``, settings ``model``, else the newest Sonnet.

The default comes from the SDK's own list of model names (the ``anthropic.types.Model`` literal),
so upgrading the SDK moves the default without a code change.  Importing the SDK is slow (over a
second here), so :func:`newest_sonnet` is called off the UI thread.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable

FALLBACK_MODEL = "claude-sonnet-4-5"
_SONNET = re.compile(r"^claude-sonnet-(\d+)(?:-(\d{1,2}))?(?:-(\d{8}))?$")


def _literal_strings(tp: object) -> list[str]:
    out: list[str] = []
    for arg in typing.get_args(tp):
        if isinstance(arg, str):
            out.append(arg)
        else:
            out.extend(_literal_strings(arg))
    return out


def pick_newest_sonnet(names: Iterable[str]) -> str | None:
    """The newest Sonnet alias among ``names`` (e.g. ``claude-sonnet-5-5`` over ``-4-6``).

    Aliases without a date are preferred to dated snapshots of the same version.
    """
    best: tuple[int, int, int, str] | None = None
    for name in names:
        m = _SONNET.match(name)
        if not m:
            continue
        major, minor, date = int(m[1]), int(m[2] or 0), m[3]
        key = (major, minor, 0 if date else 1, name)
        if best is None or key > best:
            best = key
    return best[3] if best else None


def newest_sonnet() -> str:
    """The newest Sonnet in the installed SDK's model list (imports ``anthropic``: slow)."""
    from anthropic.types import Model

    return pick_newest_sonnet(_literal_strings(Model)) or FALLBACK_MODEL


def configured_model(
    cli: str | None, env: dict[str, str], settings_model: str | None
) -> str | None:
    """The model the user asked for, by precedence: ``--model``, ``ANTHROPIC_MODEL``, settings.

    Returns ``None`` when none is set (the caller then uses :func:`newest_sonnet`).
    """
    for value in (cli, env.get("ANTHROPIC_MODEL"), settings_model):
        if value and value.strip():
            return value.strip()
    return None
