"""Permission-engine figures: ``decide()`` and ``explain()`` over the NL2Bash corpus.

Every one of the 12,607 NL2Bash commands is decided as a Bash call against the largest settings
file in the corpus (by size: 591 allow rules), in default mode, in a temporary project.
``parse_fail_closed_pct`` is the share of commands that end in ask only because Warden could not
analyse them.  Reads ``../shared/corpora`` (skipped with a clear message where it is absent).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import BenchError, Target

NAME = "permissions"
REPO_ROOT = Path(__file__).resolve().parents[1]
CORPORA = REPO_ROOT.parent / "shared" / "corpora"
NL2BASH = CORPORA / "nl2bash" / "all.cm"
SETTINGS_DIR = CORPORA / "claude-settings"

TARGETS = {
    "decide_p50_us": Target("<", 400),
    "decide_p99_us": Target("<", 3000),
    "parse_fail_closed_pct": Target("<", 2),
}


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def largest_settings_file() -> Path:
    """The largest settings file of the corpus, by size in bytes."""
    files = [p for p in SETTINGS_DIR.glob("*.json")]
    if not files:
        raise BenchError(f"{SETTINGS_DIR} is missing (clone without ../shared?)")
    return max(files, key=lambda p: p.stat().st_size)


def run() -> dict[str, Any]:
    """Decide and explain every NL2Bash command; return the figures."""
    if not NL2BASH.is_file():
        raise BenchError(f"{NL2BASH} is missing (clone without ../shared?)")
    from tui.permissions.engine import CallView, PermissionContext, decide
    from tui.permissions.policy import Policy
    from tui.settings import CliSettings, load_settings
    from tui.shell.explain import explain

    commands = [line.rstrip("\n") for line in NL2BASH.read_text(encoding="utf-8").splitlines()]
    settings_file = largest_settings_file()
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as tmp:
        cwd = Path(tmp).resolve()
        loaded = load_settings(cwd, cli=CliSettings(settings=str(settings_file)), only=())
        policy = Policy.from_entries(loaded.rules)
        ctx = PermissionContext(working_dirs=(cwd,), policy=policy,
                                repo_has_unsaved_work=lambda _cwd: True)
        decide_us: list[float] = []
        explain_us: list[float] = []
        behaviors = {"allow": 0, "ask": 0, "deny": 0}
        fail_closed = 0
        for command in commands:
            view = CallView.from_input("Bash", {"command": command}, cwd)
            start = time.perf_counter()
            decision = decide(view, ctx)
            decide_us.append((time.perf_counter() - start) * 1e6)
            behaviors[decision.behavior] += 1
            if decision.source == "built-in: command analysis":
                fail_closed += 1
            start = time.perf_counter()
            explain(command, cwd=cwd, working_dirs=(cwd,))
            explain_us.append((time.perf_counter() - start) * 1e6)
    n = len(commands)
    return {
        "decide_p50_us": round(statistics.median(decide_us), 1),
        "decide_p99_us": round(_percentile(decide_us, 99), 1),
        "explain_p50_us": round(statistics.median(explain_us), 1),
        "parse_fail_closed_pct": round(100 * fail_closed / n, 2),
        "decide_commands": n,
        "decide_rules": len(policy.rules()),
        "decide_settings_file": settings_file.name,
        "decide_allow_pct": round(100 * behaviors["allow"] / n, 1),
        "decide_ask_pct": round(100 * behaviors["ask"] / n, 1),
        "decide_deny_pct": round(100 * behaviors["deny"] / n, 1),
    }
