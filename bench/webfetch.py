"""WebFetch's isolated context window: what the separate model request adds to a fetch, in ms.

Both sides run on loopback: the page comes from :class:`tui.demo.web_site.LoopbackSite` (HTTPS
with its own test CA, so TLS and the ``http`` upgrade are in both), and the model is the
replay server (:class:`tui.demo.server.ReplayServer`) answering the isolated request from a
side node under :data:`tui.tools.web_isolation.WEB_FETCH_MARKER`, through the real SDK client.

Each round times, back to back so both see the same machine load:

- the **raw fetch**: :meth:`tui.tools.web_http.Fetcher.fetch` of the page (about 48 KiB of
  HTML) and its conversion to Markdown, which is what a tool without isolation would return;
- the **isolated summary**: :meth:`tui.tools.webfetch.WebFetch.run` on the same URL: the same
  fetch and conversion, plus the injection scan of the page and the separate model request,
  whose answer alone is returned.

``webfetch_isolation_overhead_ms`` is the median of the per-round differences.  The replay
server answers at once, so the figure is Warden's own cost around the isolated request (the
SDK, the request body with the page, the scan), not a real model's latency.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import BenchError, Target

NAME = "webfetch"
ROUNDS = 31
WARMUP = 3

TARGETS = {
    "webfetch_isolation_overhead_ms": Target("<", 60),
}

PROMPT = "Which functions does the page document, and what does median return?"
ANSWER = "It documents mean and median; median returns the middle value of the sorted data."


def _doc_page() -> bytes:
    """About 48 KiB of documentation-like HTML."""
    sections = "".join(
        f"<h2>Function f{i}</h2><p>f{i}(data) returns a value computed from <code>data</code>;"
        f" it raises <code>ValueError</code> when data is empty. See also f{i + 1}.</p>"
        f"<ul><li>data: a sequence of numbers</li><li>returns: a float</li></ul>"
        f"<pre><code>&gt;&gt;&gt; f{i}([1, 2, 3])\n2.0</code></pre>"
        for i in range(160))
    return (f"<!doctype html><html><head><title>Statskit reference</title></head><body>"
            f"<h1>Statskit reference</h1>{sections}</body></html>").encode()


async def _measure(cwd: Path) -> tuple[list[float], list[float]]:
    import anthropic

    from tui.demo.build_cassettes import NodeSpec, build_cassette
    from tui.demo.server import ReplayServer
    from tui.demo.web_site import LoopbackSite, Reply
    from tui.tools.base import ToolContext
    from tui.tools.web_http import Fetcher, Page, to_markdown
    from tui.tools.web_isolation import WEB_FETCH_MARKER, IsolatedModel
    from tui.tools.webfetch import WebFetch

    cassette = build_cassette(
        [NodeSpec("idle", ("Nothing to do.",))], prefix="bench", description="webfetch bench",
        prompt="-", side={WEB_FETCH_MARKER: [NodeSpec("answer", (ANSWER,))]})
    with LoopbackSite() as site, ReplayServer(cassette, cwd=cwd) as server:
        site.route("/doc", Reply(200, {"Content-Type": "text/html; charset=utf-8"}, _doc_page()))
        url = site.url("/doc")
        client = anthropic.AsyncAnthropic(base_url=server.base_url, api_key="bench",
                                          max_retries=0)
        try:
            fetcher = Fetcher(verify=site.client_context())
            tool = WebFetch(fetcher)
            ctx = ToolContext(cwd=cwd, isolated_model=IsolatedModel(client, "claude-haiku"))
            call = await tool.prepare("toolu_bench", {"url": url, "prompt": PROMPT}, ctx)
            raw: list[float] = []
            isolated: list[float] = []
            for i in range(WARMUP + ROUNDS):
                start = time.perf_counter()
                page = await fetcher.fetch(url)
                if not isinstance(page, Page):
                    raise BenchError(f"{url} redirected to {page.target}")
                await asyncio.to_thread(to_markdown, page)
                middle = time.perf_counter()
                result = await tool.run(call, ctx)
                end = time.perf_counter()
                if result.is_error or ANSWER not in result.content:
                    raise BenchError(f"the isolated fetch failed: {result.content[:300]}")
                if i >= WARMUP:
                    raw.append((middle - start) * 1000)
                    isolated.append((end - middle) * 1000)
        finally:
            await client.close()
    return raw, isolated


def run() -> dict[str, Any]:
    """``webfetch_isolation_overhead_ms``: median extra milliseconds of the isolated summary
    over the raw fetch; details: both medians and the page size."""
    with tempfile.TemporaryDirectory(prefix="warden-bench-webfetch-") as tmp:
        raw, isolated = asyncio.run(_measure(Path(tmp).resolve()))
    diffs = [i - r for i, r in zip(isolated, raw, strict=True)]
    return {
        "webfetch_isolation_overhead_ms": round(statistics.median(diffs), 2),
        "webfetch_detail": {
            "rounds": ROUNDS,
            "page_bytes": len(_doc_page()),
            "median_raw_fetch_ms": round(statistics.median(raw), 2),
            "median_isolated_summary_ms": round(statistics.median(isolated), 2),
        },
    }
