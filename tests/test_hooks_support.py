"""Helpers shared by the hook tests (no tests here): settings files in tmp_path, and hook
scripts written there.

The user and managed directories come from ``WARDEN_CONFIG_DIR`` / ``WARDEN_MANAGED_DIR``,
which ``tests/conftest.py`` points into tmp for every test.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from tui.settings import load_settings
from tui.settings.model import CliSettings, Settings


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))
    return path


def settings_in(project: Path, *, user: Any = None, project_data: Any = None, local: Any = None,
                managed: Any = None, cli: str | None = None, trusted: bool = True) -> Settings:
    """Write the given settings objects to their files and load them all."""
    if user is not None:
        write_json(Path(os.environ["WARDEN_CONFIG_DIR"]) / "settings.json", user)
    if managed is not None:
        write_json(Path(os.environ["WARDEN_MANAGED_DIR"]) / "managed-settings.json", managed)
    if project_data is not None:
        write_json(project / ".claude" / "settings.json", project_data)
    if local is not None:
        write_json(project / ".claude" / "settings.local.json", local)
    project.mkdir(parents=True, exist_ok=True)
    return load_settings(project, cli=CliSettings(settings=cli) if cli else None,
                         trusted_project=trusted)


def hooks_of(event: str, command: str, matcher: str | None = None, **extra: Any) -> dict:
    """``{"hooks": {event: [{"matcher": ..., "hooks": [{"type": "command", ...}]}]}}``."""
    group: dict[str, Any] = {"hooks": [{"type": "command", "command": command, **extra}]}
    if matcher is not None:
        group["matcher"] = matcher
    return {"hooks": {event: [group]}}


def script(directory: Path, name: str, body: str, *, python: bool = False) -> Path:
    """An executable hook script; ``python=True`` gives it this interpreter's shebang."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    shebang = f"#!{sys.executable}\n" if python else "#!/bin/sh\n"
    path.write_text(shebang + body.lstrip("\n"))
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


GIT_PUSH_GATE = r"""
# PreToolUse (Bash): no direct pushes, as the corpus's "BLOCKED: Use feature branches" gate.
input=$(cat)
if printf '%s' "$input" | grep -qE '"command": *"[^"]*git +push'; then
  echo 'BLOCKED: push from a feature branch through a pull request, not from here' >&2
  exit 2
fi
exit 0
"""

PATH_GATE = r"""
# PreToolUse (Edit|Write): block any path outside the project, as the corpus's path validators.
import json, os, sys

data = json.load(sys.stdin)
path = data.get("tool_input", {}).get("file_path", "")
root = os.path.realpath(os.environ["CLAUDE_PROJECT_DIR"])
real = os.path.realpath(path)
if not (real == root or real.startswith(root + os.sep)):
    print(f"Blocked: {path} is outside the project {root}", file=sys.stderr)
    sys.exit(2)
sys.exit(0)
"""

FORMATTER = r"""
# PostToolUse (Edit|Write): a formatter that rewrites the edited file (strips trailing spaces).
import json, sys

data = json.load(sys.stdin)
path = data["tool_input"]["file_path"]
with open(path) as f:
    lines = f.read().splitlines()
with open(path, "w") as f:
    f.write("\n".join(line.rstrip() for line in lines) + "\n")
print(json.dumps({"hookSpecificOutput": {"hookEventName": "PostToolUse",
                                         "additionalContext": f"formatted {path}"}}))
"""
