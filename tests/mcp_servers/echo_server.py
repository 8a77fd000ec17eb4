"""A small MCP server for the tests: stdio by default, streamable HTTP with ``--http PORT``.

Tools:
* ``echo(text)``: returns ``text``.  Its description is read at start from the file named by
  ``ECHO_DESC_FILE`` when set (so a test can change it between two runs: a "rug pull"),
  else "Echo the text back.".
* ``noop()``: returns "ok" (the bench's no-op call).
* ``env_keys()``: the names of the variables in the server's environment, one per line.
* ``crash()``: the server exits at once (a crashed server).
* ``hang(seconds)``: sleeps (a hung server).
* ``touch(path)``: creates a file, or says why it could not (what a sandbox allows).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from mcp.server.mcpserver import MCPServer

app = MCPServer("echo", log_level="WARNING")


def _echo_description() -> str:
    path = os.environ.get("ECHO_DESC_FILE")
    return Path(path).read_text(encoding="utf-8") if path else "Echo the text back."


@app.tool(description=_echo_description())
def echo(text: str) -> str:
    return text


@app.tool(description="Do nothing and say ok.")
def noop() -> str:
    return "ok"


@app.tool(description="List the names of the server's environment variables.")
def env_keys() -> str:
    return "\n".join(sorted(os.environ))


@app.tool(description="Exit the server process at once.")
def crash() -> str:
    os._exit(3)


@app.tool(description="Sleep for a number of seconds.")
def hang(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


@app.tool(description="Create a file.")
def touch(path: str) -> str:
    try:
        Path(path).write_text("x", encoding="utf-8")
    except OSError as exc:
        return f"refused: {exc.strerror}"
    return "written"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--http":
        app.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        app.run()
