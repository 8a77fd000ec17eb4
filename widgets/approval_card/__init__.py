"""Approval cards: one card class per kind of request, chosen from a registry.

- :mod:`~widgets.approval_card.base`: :class:`ApprovalCard`, the base (and the card of a tool
  call no other class takes, a read outside the project), and :data:`ANSWER_KEYS`, the answers
  a card may offer;
- :mod:`~widgets.approval_card.command`: :class:`CommandCard`, a Bash command;
- :mod:`~widgets.approval_card.edit`: :class:`EditCard`, a proposed file change and its hunks;
- :mod:`~widgets.approval_card.network`: :class:`NetworkCard`, a host for the sandbox;
- :mod:`~widgets.approval_card.webfetch`: :class:`WebFetchCard`, a page for WebFetch.

:func:`card_for` picks the class: the first of :data:`CARD_CLASSES` whose ``accepts`` takes the
request.  A new kind of request (an :data:`~tui.approvals.ApprovalSubject`) is one card class
here plus one line in :data:`CARD_CLASSES`.
"""

from __future__ import annotations

from tui.approvals import ApprovalRequest
from widgets.approval_card.base import ANSWER_KEYS, AnswerKey, ApprovalCard
from widgets.approval_card.command import CommandCard
from widgets.approval_card.edit import EditCard
from widgets.approval_card.network import NetworkCard
from widgets.approval_card.webfetch import WebFetchCard

__all__ = [
    "ANSWER_KEYS",
    "CARD_CLASSES",
    "AnswerKey",
    "ApprovalCard",
    "CommandCard",
    "EditCard",
    "NetworkCard",
    "WebFetchCard",
    "card_for",
]

CARD_CLASSES: tuple[type[ApprovalCard], ...] = (
    EditCard,
    CommandCard,
    NetworkCard,
    WebFetchCard,
)
"""The card classes by kind, asked in order; a request none accepts gets :class:`ApprovalCard`."""


def card_for(request: ApprovalRequest, *, local_settings: str = "") -> ApprovalCard:
    """A new card of the registered class that shows ``request``."""
    card_class = next((c for c in CARD_CLASSES if c.accepts(request)), ApprovalCard)
    return card_class(request, local_settings=local_settings)
