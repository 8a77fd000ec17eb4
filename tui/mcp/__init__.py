"""MCP servers: where they are defined, whether they may start, and their tools (issue 13 item 1).

* :mod:`tui.mcp.config`: server definitions from ``.mcp.json`` (project), ``~/.claude.json``
  (user and local) and ``--mcp-config FILE``, with ``${VAR}`` expansion; ``warden mcp check``.
* :mod:`tui.mcp.approvals`: approval before first connection, the settings that enable or
  disable servers, and pinned tools (a changed tool is disabled until approved again).
* :mod:`tui.mcp.client`: connections through the official ``mcp`` SDK (stdio, optionally inside
  the sandbox, and streamable HTTP).
* :mod:`tui.mcp.tool`: each approved tool as a Warden :class:`~tui.tools.base.Tool` named
  ``mcp__<server>__<tool>`` of permission class ``mcp``.
* :mod:`tui.mcp.manager`: the session's servers, started off the first frame.

UI-free: nothing here imports Textual.
"""
