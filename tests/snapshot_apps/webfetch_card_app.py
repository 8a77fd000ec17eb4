"""Snapshot app: one WebFetch approval card for a loopback URL the model gave as ``http``.

What a reviewer should see in the SVG (120x36, theme ``warden-dark``): a focused card (yellow
border) titled "WebFetch  Fetch a web page"; the URL that will be fetched,
``https://127.0.0.1:8443/docs/install``, on a lighter band; "Host: 127.0.0.1  port 8443"; the
warning "⚠ 127.0.0.1 is a loopback address: the page comes from this machine." on a yellow band;
"Model asked for: http://127.0.0.1:8443/docs/install  (fetched over HTTPS)"; "Prompt: " with the
model's prompt, square brackets and all (markup off); the line saying a separate model reads
the page and only its answer reaches the conversation; "Why asking: …"; the key line
"y allow once   s this domain, this session   a allow for this domain…   n deny   N deny with
reason"; and the footer with the allow and deny groups.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Footer

from tests.snapshot_apps.themed import ThemedApp
from tui.approvals import ApprovalRequest
from tui.permissions.decision import Decision
from tui.tools.base import ToolContext
from tui.tools.webfetch import WebFetch
from widgets.approval_queue import ApprovalQueue

URL = "http://127.0.0.1:8443/docs/install"
PROMPT = "List the [install] steps and any commands the page says to run"


class WebFetchCardApp(ThemedApp):
    """An approval queue holding one WebFetch request."""

    def compose(self) -> ComposeResult:
        yield ApprovalQueue(id="queue")
        yield Footer()

    async def on_mount(self) -> None:
        call = await WebFetch().prepare("toolu_1", {"url": URL, "prompt": PROMPT},
                                        ToolContext(cwd=Path("/project")))
        request = ApprovalRequest(
            call, Decision("ask", "No rule allows WebFetch, so Warden asks."),
            asyncio.get_running_loop().create_future(),
            suggested_rules=("WebFetch(domain:127.0.0.1)",))
        self.query_one(ApprovalQueue).add_request(request)
