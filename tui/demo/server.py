"""A loopback HTTP server that answers the Anthropic Messages API from a cassette.

The official SDK talks to it unchanged (``AsyncAnthropic(base_url=server.base_url,
api_key="demo")``): ``POST /v1/messages`` with ``"stream": true`` gets a ``text/event-stream``
body (chunked, HTTP/1.1 keep-alive) carrying the cassette node's events; without it, the
assembled Message JSON. A request whose system prompt carries one of the cassette's ``side``
markers (the approval card's explain-risks request) is answered from those recorded side nodes
(:meth:`~tui.demo.cassette.Cassette.resolve_side`), not from the conversation. Errors use the
API's JSON shape
``{"type": "error", "error": {"type": ..., "message": ...}, "request_id": ...}``.

Run as a program for benchmarks::

    python -m tui.demo.server --cassette FILE --cwd DIR [--tps N] [--port P]

prints ``READY <base_url>`` on one line once it listens, then serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import urlsplit

from tui.demo.cassette import Cassette, CassetteError, assemble_message, events_for, load_cassette

log = logging.getLogger(__name__)

MESSAGES_PATH = "/v1/messages"
_MAX_BODY = 64 * 1024 * 1024
_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class _Stopped(Exception):
    """The server is stopping while a response is being streamed."""


class ReplayServer:
    """Serve a cassette over HTTP on a loopback port, in a background thread.

    Args:
        cassette: the recorded conversation.
        cwd: working directory substituted for ``{{cwd}}`` in the events sent.
        tokens_per_second: when set, sleep ``1 / tokens_per_second`` seconds before each
            content_block_delta event (one delta ~ one token); None streams as fast as possible.
            May be changed while serving.
        host: interface to bind (loopback by default).
        port: TCP port; 0 picks a free one (see :attr:`base_url`).

    Attributes:
        requests: JSON bodies of the ``POST /v1/messages`` requests received, in order.
        unthrottled_deltas: the first this many content_block_delta events of each response
            are sent at once, whatever ``tokens_per_second`` (a benchmark measures the end of a
            very long answer without waiting through its beginning).  May be changed while
            serving.
        last_stream_end: ``time.monotonic()`` when the last streamed response was completely
            written (None before the first).
        response_delays: for each streamed response, seconds from the request's arrival to
            its headers being sent: the server's own "time to first token" (reading and
            parsing the body, finding the reply), which grows with the conversation sent and
            which a benchmark of the client takes out of its figures.
    """

    def __init__(
        self,
        cassette: Cassette,
        *,
        cwd: str | Path,
        tokens_per_second: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if tokens_per_second is not None and tokens_per_second <= 0:
            raise ValueError("tokens_per_second must be positive or None")
        self.cassette = cassette
        self.cwd = str(cwd)
        self.tokens_per_second = tokens_per_second
        self.requests: list[dict[str, Any]] = []
        self.unthrottled_deltas = 0
        self.last_stream_end: float | None = None
        self.response_delays: list[float] = []
        self._host = host
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` of the running server (for ``AsyncAnthropic(base_url=...)``).

        Raises:
            RuntimeError: the server is not started.
        """
        if self._httpd is None:
            raise RuntimeError("the replay server is not started")
        host, port = self._httpd.server_address[:2]
        if isinstance(host, bytes):  # the type allows it; a TCP server's host is a str
            host = host.decode()
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Bind the port and serve in a daemon thread; returns once the socket listens.

        Raises:
            RuntimeError: already started.
            OSError: the address cannot be bound.
        """
        if self._httpd is not None:
            raise RuntimeError("the replay server is already started")
        self._stopping.clear()
        httpd = _HTTPServer((self._host, self._port), _Handler)
        httpd.replay = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="warden-replay-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, abort responses in progress and close every connection.

        Safe to call more than once, or on a server never started.
        """
        httpd = self._httpd
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _next_request_id(self) -> str:
        with self._lock:
            return f"req_replay_{next(self._ids):06d}"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    replay: ReplayServer

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()

    def track(self, sock: socket.socket, alive: bool) -> None:
        with self._conn_lock:
            if alive:
                self._connections.add(sock)
            else:
                self._connections.discard(sock)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr, which would garble a full-screen UI.
        exc = sys.exc_info()[1]
        if isinstance(exc, _CLIENT_GONE):
            log.debug("replay server: connection from %s dropped", client_address)
        else:
            log.exception("replay server: error while serving %s", client_address)

    def close_connections(self) -> None:
        with self._conn_lock:
            connections = list(self._connections)
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                log.debug("replay server: connection already closed")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "warden-replay/1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except _CLIENT_GONE:
            log.debug("replay server: client went away before the response was flushed")
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("replay server: " + format, *args)

    # --- routing --------------------------------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        self._arrived = time.monotonic()
        replay = self.server.replay
        request_id = replay._next_request_id()
        try:
            body = self._read_body()
        except ValueError as exc:
            self._send_error(400, "invalid_request_error", str(exc), request_id)
            return
        if urlsplit(self.path).path.rstrip("/") != MESSAGES_PATH:
            self._not_found(request_id)
            return
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._send_error(
                400, "invalid_request_error", f"The request body is not valid JSON: {exc}",
                request_id,
            )
            return
        if not isinstance(payload, dict):
            self._send_error(
                400, "invalid_request_error", "The request body must be a JSON object",
                request_id,
            )
            return
        replay.requests.append(payload)
        messages = payload.get("messages")
        if not isinstance(messages, list):
            self._send_error(400, "invalid_request_error", "messages: Field required", request_id)
            return
        try:
            node = replay.cassette.resolve_side(_system_text(payload.get("system")), messages,
                                                cwd=replay.cwd)
            if node is None:
                node = replay.cassette.resolve(messages, cwd=replay.cwd)
            events = events_for(node, replay.cwd)
            if payload.get("stream") is True:
                self._stream(events, request_id)
            else:
                self._send_json(200, assemble_message(events), request_id)
        except CassetteError as exc:
            self._send_error(400, "invalid_request_error", str(exc), request_id)
        except _Stopped:
            self.close_connection = True
        except _CLIENT_GONE:
            log.debug("replay server: client closed the connection mid-response")
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._read_body_quietly()
        self._not_found(self.server.replay._next_request_id())

    do_PUT = do_DELETE = do_PATCH = do_GET  # noqa: N815 - stdlib naming

    # --- helpers --------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length_text = self.headers.get("Content-Length", "0")
        try:
            length = int(length_text)
        except ValueError:
            self.close_connection = True
            raise ValueError(f"Invalid Content-Length header {length_text!r}") from None
        if length < 0 or length > _MAX_BODY:
            self.close_connection = True
            raise ValueError(f"Content-Length {length} is out of range")
        return self.rfile.read(length) if length else b""

    def _read_body_quietly(self) -> None:
        try:
            self._read_body()
        except ValueError:
            self.close_connection = True

    def _not_found(self, request_id: str) -> None:
        self._send_error(
            404, "not_found_error", f"Not found: {self.command} {urlsplit(self.path).path}",
            request_id,
        )

    def _send_error(self, status: int, kind: str, message: str, request_id: str) -> None:
        body = {"type": "error", "error": {"type": kind, "message": message},
                "request_id": request_id}
        self._send_json(status, body, request_id, extra={"x-should-retry": "false"})

    def _send_json(
        self,
        status: int,
        body: dict[str, Any],
        request_id: str,
        *,
        extra: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", request_id)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _stream(self, events: Sequence[dict[str, Any]], request_id: str) -> None:
        replay = self.server.replay
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", request_id)
        self.end_headers()
        self.wfile.flush()
        replay.response_delays.append(time.monotonic() - self._arrived)
        add_ping = not any(event["event"] == "ping" for event in events)
        due = time.monotonic()  # deadlines rather than plain sleeps: no drift at high rates
        free = replay.unthrottled_deltas
        for event in events:
            if replay._stopping.is_set():
                raise _Stopped
            tps = replay.tokens_per_second
            if free > 0 and event["event"] == "content_block_delta":
                free -= 1
                due = time.monotonic()
            elif tps and event["event"] == "content_block_delta":
                due = max(due + 1.0 / tps, time.monotonic() - 0.25)
                delay = due - time.monotonic()
                if delay > 0 and replay._stopping.wait(delay):
                    raise _Stopped
            self._write_chunk(_sse(event["event"], event["data"]))
            if add_ping and event["event"] == "content_block_start":
                add_ping = False
                self._write_chunk(_sse("ping", {"type": "ping"}))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        replay.last_stream_end = time.monotonic()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


def _system_text(system: Any) -> str:
    """The request's system prompt as text (a string, or text blocks joined by newlines)."""
    if isinstance(system, str):
        return system
    if isinstance(system, list):
        return "\n".join(str(block.get("text", "")) for block in system
                         if isinstance(block, dict))
    return ""


def _sse(kind: str, data: dict[str, Any]) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {kind}\ndata: {payload}\n\n".encode()


# --- command line --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a cassette until SIGTERM or SIGINT; print ``READY <base_url>`` once listening.

    Returns the exit status (0, or 2 for a bad cassette).
    """
    parser = argparse.ArgumentParser(
        prog="python -m tui.demo.server", description="Replay a Warden cassette over HTTP."
    )
    parser.add_argument("--cassette", required=True, type=Path, help="cassette JSON file")
    parser.add_argument("--cwd", required=True, help="directory substituted for {{cwd}}")
    parser.add_argument("--tps", type=float, default=None, help="tokens (deltas) per second")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind")
    args = parser.parse_args(argv)
    try:
        cassette = load_cassette(args.cassette)
    except CassetteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = ReplayServer(
        cassette, cwd=args.cwd, tokens_per_second=args.tps, host=args.host, port=args.port
    )
    server.start()
    try:
        print(f"READY {server.base_url}", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
