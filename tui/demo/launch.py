"""Setting up ``warden --demo``: a fresh copy of the sample project and a running replay server."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when the replay starts, after the first frame is painted
    from tui.demo.server import ReplayServer

__all__ = [
    "DEMO_CASSETTE",
    "DEMO_LABEL",
    "DEMO_TOKENS_PER_SECOND",
    "DemoSetupError",
    "demo_env",
    "prepare_demo_project",
    "start_replay",
]

PACKAGE_DIR = Path(__file__).parent
SAMPLE_PROJECT = PACKAGE_DIR / "sample_project"
"""The bundled sample project (a small Python package with one failing test)."""
DEMO_CASSETTE = PACKAGE_DIR / "cassettes" / "demo.json"
"""The recorded demo conversation."""

DEMO_MODEL = "claude-sonnet-5-5"
"""The model name the demo cassette was recorded with (shown in the status line)."""
DEMO_PROMPT = "The test suite is failing. Please find the bug, fix it, and run the tests."
"""The demo's first prompt, pre-filled in the input (the cassette's ``prompt``)."""

DEMO_LABEL = "Demo: recorded model responses"
"""Status-line label of a demo session (``AppConfig.is_demo`` looks for the ``Demo`` prefix)."""

DEMO_TOKENS_PER_SECOND = 80.0
"""Default pace of the recorded model, in deltas (about tokens) per second."""

_COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


class DemoSetupError(Exception):
    """The demo project cannot be created where it was asked for."""


def prepare_demo_project(target: str | Path | None = None) -> Path:
    """Copy the bundled sample project and return the copy's absolute, resolved path.

    Args:
        target: where to put it; None makes a new temporary directory
            (``<tmp>/warden-demo-XXXX/statskit``). An existing ``target`` is replaced only if it
            is empty or is an earlier copy of the sample project.

    Raises:
        DemoSetupError: ``target`` exists and is something else (it is never deleted then).
        OSError: the copy failed.
    """
    if target is None:
        target = Path(tempfile.mkdtemp(prefix="warden-demo-")) / "statskit"
    path = Path(target).expanduser().absolute()
    if path.exists() or path.is_symlink():
        if not path.is_dir() or path.is_symlink():
            raise DemoSetupError(f"{path} exists and is not a directory; choose another --demo-dir")
        if any(path.iterdir()):
            if not _looks_like_demo_copy(path):
                raise DemoSetupError(
                    f"{path} is not empty and is not an earlier copy of the demo project; "
                    "refusing to replace it (choose another --demo-dir)"
                )
            shutil.rmtree(path)
        else:
            path.rmdir()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SAMPLE_PROJECT, path, ignore=_COPY_IGNORE)
    return path.resolve()


def _looks_like_demo_copy(path: Path) -> bool:
    markers = ("statskit/stats.py", "tests/test_stats.py", "CHANGELOG.md", "pyproject.toml")
    if not all((path / marker).is_file() for marker in markers):
        return False
    return 'name = "statskit"' in (path / "pyproject.toml").read_text(encoding="utf-8")


def demo_env() -> dict[str, str]:
    """Variables added to the demo's Bash commands.

    ``PATH`` starts with the directory of the Python running Warden when it holds a ``python``
    (a virtual environment's ``bin``), so the recorded ``python -m pytest -q`` uses that
    interpreter. Empty when there is no such directory.
    """
    bin_dir = Path(sys.executable).parent
    names = ("python.exe",) if os.name == "nt" else ("python",)
    if not any((bin_dir / name).exists() for name in names):
        return {}
    current = os.environ.get("PATH", "")
    return {"PATH": str(bin_dir) + (os.pathsep + current if current else "")}


def start_replay(
    cwd: str | Path, *, tokens_per_second: float | None = DEMO_TOKENS_PER_SECOND
) -> ReplayServer:
    """Start a :class:`ReplayServer` for the demo cassette in ``cwd``; the caller stops it.

    Raises:
        CassetteError: the bundled cassette is broken.
        OSError: no loopback port could be bound.
    """
    from tui.demo.cassette import load_cassette
    from tui.demo.server import ReplayServer

    server = ReplayServer(
        load_cassette(DEMO_CASSETTE), cwd=cwd, tokens_per_second=tokens_per_second
    )
    server.start()
    return server


class DemoReplay:
    """Starts the demo's replay server on first use and stops it at exit.

    The CLI hands :meth:`start` to the app as its base-URL factory, so loading the cassette and
    importing the HTTP server happen in the connect thread, after the first frame is painted.
    """

    def __init__(self, cwd: Path, tokens_per_second: float | None) -> None:
        self.cwd = cwd
        self.tokens_per_second = tokens_per_second
        self.server: ReplayServer | None = None

    def start(self) -> str:
        """Start the server (once) and return its base URL."""
        if self.server is None:
            self.server = start_replay(self.cwd, tokens_per_second=self.tokens_per_second)
        return self.server.base_url

    def stop(self) -> None:
        """Stop the server if it was started."""
        if self.server is not None:
            self.server.stop()
