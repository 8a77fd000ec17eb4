"""Choosing the model: ``--model``, ``ANTHROPIC_MODEL``, settings ``model``, else the newest Sonnet.

The default comes from the SDK's own list of model names (the ``anthropic.types.Model`` literal),
so upgrading the SDK moves the default without a code change.  Importing the SDK is slow (over a
second here), so :func:`newest_sonnet` and :func:`resolve_model` are called off the UI thread.

Claude Code's model aliases (https://code.claude.com/docs/en/model-config) mean the same here:
``sonnet``, ``opus`` and ``haiku`` are the newest model of that family the SDK knows (or the full
name in ``ANTHROPIC_DEFAULT_SONNET_MODEL`` / ``..._OPUS_MODEL`` / ``..._HAIKU_MODEL``), ``default``
is Warden's default model, and a ``[1m]`` suffix on an alias or a full name asks for the
1M-token context window: the suffix is removed from the name sent and the request carries the
``context-1m-…`` beta (header ``anthropic-beta``).  Any other name is sent unchanged.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FALLBACK_MODEL = "claude-sonnet-4-5"
FALLBACK_CONTEXT_1M_BETA = "context-1m-2025-08-07"
FAMILIES = ("sonnet", "opus", "haiku")
_FAMILY_NAME = {
    family: re.compile(rf"^claude-{family}-(\d+)(?:-(\d{{1,2}}))?(?:-(\d{{8}}))?$")
    for family in FAMILIES
}
_ONE_M_SUFFIX = re.compile(r"\[1m\]$", re.IGNORECASE)
_CONTEXT_1M_BETA = re.compile(r"^context-1m-\d{4}-\d{2}-\d{2}$")


def _literal_strings(tp: object) -> list[str]:
    out: list[str] = []
    for arg in typing.get_args(tp):
        if isinstance(arg, str):
            out.append(arg)
        else:
            out.extend(_literal_strings(arg))
    return out


def pick_newest(family: str, names: Iterable[str]) -> str | None:
    """The newest model of ``family`` (``sonnet``, ``opus``, ``haiku``) among ``names``.

    ``claude-<family>-<major>[-<minor>][-<yyyymmdd>]`` names only, compared by (major, minor);
    an alias without a date is preferred to a dated snapshot of the same version.  Returns
    ``None`` when no name matches (also for an unknown family).
    """
    pattern = _FAMILY_NAME.get(family)
    if pattern is None:
        return None
    best: tuple[int, int, int, str] | None = None
    for name in names:
        m = pattern.match(name)
        if not m:
            continue
        major, minor, date = int(m[1]), int(m[2] or 0), m[3]
        key = (major, minor, 0 if date else 1, name)
        if best is None or key > best:
            best = key
    return best[3] if best else None


def pick_newest_sonnet(names: Iterable[str]) -> str | None:
    """The newest Sonnet alias among ``names`` (e.g. ``claude-sonnet-5-5`` over ``-4-6``).

    Aliases without a date are preferred to dated snapshots of the same version.
    """
    return pick_newest("sonnet", names)


def sdk_model_names() -> list[str]:
    """Every model name in the installed SDK's ``anthropic.types.Model`` literal (slow import)."""
    from anthropic.types import Model

    return _literal_strings(Model)


def newest_sonnet() -> str:
    """The newest Sonnet in the installed SDK's model list (imports ``anthropic``: slow)."""
    return pick_newest_sonnet(sdk_model_names()) or FALLBACK_MODEL


def context_1m_beta(betas: Iterable[str] | None = None) -> str:
    """The name of the 1M-token context beta: the newest ``context-1m-<date>`` in ``betas``.

    ``betas`` defaults to the installed SDK's ``anthropic.types.AnthropicBetaParam`` literal
    (slow import); :data:`FALLBACK_CONTEXT_1M_BETA` when none is listed.
    Source: https://docs.claude.com/en/docs/build-with-claude/context-windows (beta header
    ``anthropic-beta: context-1m-2025-08-07``).
    """
    if betas is None:
        from anthropic.types import AnthropicBetaParam

        betas = _literal_strings(AnthropicBetaParam)
    found = sorted(b for b in betas if _CONTEXT_1M_BETA.match(b))
    return found[-1] if found else FALLBACK_CONTEXT_1M_BETA


@dataclass(frozen=True)
class ModelChoice:
    """The model to request and the betas the request needs.

    Attributes:
        name: the value sent as the request's ``model`` (alias resolved, ``[1m]`` removed).
        betas: values for the ``anthropic-beta`` header, e.g. ``("context-1m-2025-08-07",)``;
            empty when none is needed.
        requested: what the user wrote (``--model``, ``ANTHROPIC_MODEL`` or settings ``model``),
            or ``None`` when nothing was set.
    """

    name: str
    betas: tuple[str, ...] = ()
    requested: str | None = None


def resolve_model(
    requested: str | None,
    env: Mapping[str, str] | None = None,
    known: Iterable[str] | None = None,
    known_betas: Iterable[str] | None = None,
) -> ModelChoice:
    """Turn what the user asked for into the model name and betas to send.

    Args:
        requested: the output of :func:`configured_model` (``None`` = nothing configured, which
            means the default model).
        env: where ``ANTHROPIC_DEFAULT_{SONNET,OPUS,HAIKU}_MODEL`` are looked up (an alias
            resolves to that full name when it is set and non-empty); ``None`` = no overrides.
        known: the model names the SDK knows; defaults to :func:`sdk_model_names` (slow import).
        known_betas: the beta names the SDK knows; see :func:`context_1m_beta`.

    Returns:
        A :class:`ModelChoice`.  ``sonnet``/``opus``/``haiku`` (any case) resolve to the newest
        of that family in ``known``; ``default`` and ``None`` to the newest Sonnet.  When the SDK
        lists no model of the family, Sonnet falls back to :data:`FALLBACK_MODEL` and the other
        aliases are sent as written (the API then reports them).  Unknown names pass through
        unchanged.  Never raises for any string.

    Source: https://code.claude.com/docs/en/model-config (aliases, ``[1m]``, the
    ``ANTHROPIC_DEFAULT_*_MODEL`` variables).
    """
    text = (requested or "").strip()
    betas: tuple[str, ...] = ()
    if _ONE_M_SUFFIX.search(text):
        text = _ONE_M_SUFFIX.sub("", text).strip()
        betas = (context_1m_beta(known_betas),)
    alias = text.lower()
    if not text or alias == "default":
        alias = "sonnet"
    elif alias not in FAMILIES:
        return ModelChoice(name=text, betas=betas, requested=requested)
    override = (env or {}).get(f"ANTHROPIC_DEFAULT_{alias.upper()}_MODEL", "").strip()
    if override:
        if _ONE_M_SUFFIX.search(override):
            override = _ONE_M_SUFFIX.sub("", override).strip()
            betas = betas or (context_1m_beta(known_betas),)
        return ModelChoice(name=override, betas=betas, requested=requested)
    names = list(sdk_model_names() if known is None else known)
    newest = pick_newest(alias, names)
    if newest is None:
        newest = FALLBACK_MODEL if alias == "sonnet" else text
    return ModelChoice(name=newest, betas=betas, requested=requested)


def configured_model(
    cli: str | None, env: dict[str, str], settings_model: str | None
) -> str | None:
    """The model the user asked for, by precedence: ``--model``, ``ANTHROPIC_MODEL``, settings.

    Returns ``None`` when none is set (the caller then uses :func:`newest_sonnet`).  The value
    is returned as written (aliases included); :func:`resolve_model` turns it into the name and
    betas to send.
    """
    for value in (cli, env.get("ANTHROPIC_MODEL"), settings_model):
        if value and value.strip():
            return value.strip()
    return None
