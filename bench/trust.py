"""Workspace trust at start-up: what it costs to know whether a folder is trusted.

``trust_check_ms`` is the median time of what ``warden`` does before the first frame for trust
(:func:`tui.trust.stored_decision`: find the git root without running git, read the store) in a
git repository with a stored decision among 200 others; ``trust_check_first_ms`` is the
first call in the process, with the imports it needs.  ``trust_gate_ms`` is the extra time
loading the settings takes when a ``.claude/settings.local.json`` exists, because Warden then
asks git whether the file is tracked (a tracked local file counts as repository-supplied).
``trust_report_ms`` builds what the trust screen shows (off the event loop, once per new
folder).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Target, median

NAME = "trust"
ROUNDS = 41

TARGETS = {
    "trust_check_ms": Target("<", 20),
    "trust_check_first_ms": Target("<", 60),
    "trust_gate_ms": Target("<", 40),
    "trust_report_ms": Target("<", 250),
}


def _timed(fn, rounds: int = ROUNDS) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def run() -> dict[str, Any]:
    """The three figures, in milliseconds, and the spread of the first."""
    from tui.settings import load_settings
    from tui.trust import TrustStore, stored_decision
    from tui.trust_report import trust_report

    keys = ("WARDEN_DATA_DIR", "WARDEN_CONFIG_DIR", "WARDEN_MANAGED_DIR")
    saved = {k: os.environ.get(k) for k in keys}
    with tempfile.TemporaryDirectory(prefix="warden-bench-trust-") as tmp:
        base = Path(tmp).resolve()
        os.environ["WARDEN_DATA_DIR"] = str(base / "data")
        os.environ["WARDEN_CONFIG_DIR"] = str(base / "user")
        os.environ["WARDEN_MANAGED_DIR"] = str(base / "managed")
        try:
            repo = base / "repo"
            (repo / "src" / "pkg").mkdir(parents=True)
            subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
            (repo / ".claude").mkdir()
            (repo / ".claude" / "settings.json").write_text(json.dumps(
                {"permissions": {"allow": ["Bash(make *)"], "deny": ["Read(./.env)"]}}))
            store = TrustStore(base / "data" / "trust.json")
            for i in range(200):
                store.set(base / f"other-{i}", i % 2 == 0, "bench")
            store.set(repo, True, "bench")
            cwd = repo / "src" / "pkg"
            first = _timed(lambda: stored_decision(cwd), 1)  # its imports included
            check = _timed(lambda: stored_decision(cwd))
            without = _timed(lambda: load_settings(repo, trusted_project=True), 21)
            (repo / ".claude" / "settings.local.json").write_text(json.dumps(
                {"permissions": {"allow": ["Bash(npm test)"]}}))
            with_local = _timed(lambda: load_settings(repo, trusted_project=True), 21)
            report = _timed(lambda: trust_report(repo), 11)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return {
        "trust_check_ms": median(check),
        "trust_check_first_ms": round(first[0], 1),
        "trust_gate_ms": round(max(0.0, statistics.median(with_local)
                                   - statistics.median(without)), 1),
        "trust_report_ms": median(report),
    }
