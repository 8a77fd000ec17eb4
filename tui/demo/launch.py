"""Setting up ``warden --demo``: a fresh copy of the sample project and the replay server."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

DEMO_LABEL = "Demo: recorded model responses"
PACKAGE_DIR = Path(__file__).parent
SAMPLE_PROJECT = PACKAGE_DIR / "sample_project"
DEMO_CASSETTE = PACKAGE_DIR / "cassettes" / "demo.json"
DEMO_TOKENS_PER_SECOND = 90.0


def prepare_demo_project(target: Path | None = None) -> Path:
    """Copy the bundled sample project to ``target`` (a new temp dir when ``None``).

    An existing ``target`` is replaced.  Returns the project's resolved path.
    """
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="warden-demo-")) / "statskit"
    elif target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        SAMPLE_PROJECT, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache")
    )
    return target.resolve()


def demo_env() -> dict[str, str]:
    """Environment additions for the demo's commands: this Python first on ``PATH``.

    So ``python -m pytest`` in the sample project uses the interpreter Warden runs on, which
    has pytest installed by ``make demo``.
    """
    import os

    bindir = str(Path(sys.executable).parent)
    return {"PATH": bindir + os.pathsep + os.environ.get("PATH", "")}


def start_replay(cwd: Path, *, cassette: Path = DEMO_CASSETTE,
                 tokens_per_second: float | None = DEMO_TOKENS_PER_SECOND):
    """Load ``cassette`` and start a :class:`~tui.demo.server.ReplayServer` for ``cwd``."""
    from tui.demo.cassette import load_cassette
    from tui.demo.server import ReplayServer

    server = ReplayServer(load_cassette(cassette), cwd=cwd, tokens_per_second=tokens_per_second)
    server.start()
    return server
