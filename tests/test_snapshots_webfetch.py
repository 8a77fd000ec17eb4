"""Snapshot of the WebFetch approval card (120x36, theme warden-dark); regenerate after an
intended change with ``make snapshots``."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.scenarios import settle, wait_until
from tests.snapshot_apps.webfetch_card_app import WebFetchCardApp

SIZE = (120, 36)


def test_webfetch_card_for_a_loopback_url(snap_compare) -> None:
    """See ``tests/snapshot_apps/webfetch_card_app.py``: the https URL, "Host: 127.0.0.1  port
    8443", the yellow "⚠ 127.0.0.1 is a loopback address" line, the http URL the model asked
    for, the prompt with its square brackets shown as typed, and the domain answers on the key
    line."""

    async def run_before(pilot: Pilot) -> None:
        from widgets.approval_queue import ApprovalCard

        await wait_until(pilot, lambda: any(card.has_focus
                                            for card in pilot.app.query(ApprovalCard)),
                         what="the focused card")
        await settle(pilot)

    assert snap_compare(WebFetchCardApp(), terminal_size=SIZE, run_before=run_before)
