"""What the benchmark groups share: targets, how to launch Warden, errors."""

from __future__ import annotations

import operator
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.ptyterm import PtyApp, venv_bin

REPO_ROOT = Path(__file__).resolve().parent.parent

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


class BenchError(Exception):
    """A benchmark could not measure its figures (the app did not start, did not stream...)."""


@dataclass(frozen=True)
class Target:
    """A figure's goal, e.g. ``Target("<", 80)``."""

    op: str
    value: float

    def met(self, figure: float) -> bool:
        """True when ``figure`` meets the target."""
        return _OPS[self.op](figure, self.value)

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


def warden_command(*args: str) -> tuple[list[str], dict[str, str]]:
    """The command that runs Warden with ``args``, and the environment it needs.

    The venv's ``warden`` console script when installed, else ``python -m tui`` with the
    repository on ``PYTHONPATH`` (so it works from any working directory).
    """
    script = venv_bin() / "warden"
    if script.exists():
        return [str(script), *args], {}
    return [str(venv_bin() / "python"), "-m", "tui", *args], {"PYTHONPATH": str(REPO_ROOT)}


def median(values: Sequence[float]) -> float:
    """The median, rounded to 0.1."""
    return round(statistics.median(values), 1)


def failure(app: PtyApp, what: str) -> BenchError:
    """A :class:`BenchError` saying ``what`` did not happen, with the screen and exit status."""
    status = "still running" if app.alive() else f"exited with status {app.proc.returncode}"
    screen = app.text().strip() or "(empty)"
    return BenchError(
        f"{what} ({' '.join(app.argv)}: {status}).\n--- screen ---\n{screen}\n"
        f"--- last output ---\n{app.output_tail(1500)!r}"
    )
