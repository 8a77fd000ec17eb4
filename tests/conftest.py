"""Shared fixtures: every test runs with Warden's config directories moved into tmp; a fake
clock for the approval cards' guard; ``snap_compare`` with steady cursors and stable paths."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.fake_clock import FakeClock

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from tests.scenarios import ShownDir

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

try:  # a test extra: without it the property tests skip, saying so, and the others still run
    import hypothesis  # noqa: F401
except ImportError:
    from tests import hypothesis_absent

    sys.modules["hypothesis"] = hypothesis_absent.hypothesis
    sys.modules["hypothesis.strategies"] = hypothesis_absent.strategies


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never read or write the real ~/.claude or /etc/claude-code, nor use a real key."""
    base = tmp_path_factory.mktemp("warden-config")
    monkeypatch.setenv("WARDEN_CONFIG_DIR", str(base / "user"))
    monkeypatch.setenv("WARDEN_MANAGED_DIR", str(base / "managed"))
    monkeypatch.setenv("WARDEN_DATA_DIR", str(base / "data"))  # workspace trust decisions
    monkeypatch.setenv("WARDEN_PREFERENCES_DIR", str(base / "preferences"))
    # The global git excludes file Warden appends to (REF §1.2) defaults to
    # $XDG_CONFIG_HOME/git/ignore: keep it out of the real ~/.config.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "xdg-config"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_MODEL", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)


@pytest.fixture
def guard_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """One fake clock for the approval cards' typing guard: the cards and the prompt read it
    (see :mod:`tests.fake_clock`); step it past ``ApprovalCard.GUARD_SECONDS`` to answer."""
    from widgets.approval_card import ApprovalCard
    from widgets.prompt_input import PromptInput

    clock = FakeClock()
    monkeypatch.setattr(ApprovalCard, "clock", clock)
    monkeypatch.setattr(PromptInput, "clock", clock)
    return clock



@pytest.fixture
def _shown_dirs() -> Iterator[list[ShownDir]]:
    """The :class:`~tests.scenarios.ShownDir` directories this test made; removed afterwards."""
    made: list[ShownDir] = []
    yield made
    for directory in made:
        directory.remove()


@pytest.fixture
def shown_dir(_shown_dirs: list[ShownDir]) -> Callable[[str], Path]:
    """``shown_dir(shown)``: a fresh directory of this test's own, whose path ``snap_compare``
    writes as ``shown`` in the screenshot (see :class:`tests.scenarios.ShownDir`)."""
    from tests.scenarios import ShownDir

    def make(shown: str) -> Path:
        _shown_dirs.append(ShownDir(shown))
        return _shown_dirs[-1].path

    return make


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool], _shown_dirs: list[ShownDir],
                 monkeypatch: pytest.MonkeyPatch) -> Callable[..., bool]:
    """pytest-textual-snapshot's ``snap_compare``, the same for every snapshot: the cursors are
    steady when the screenshot is taken (:func:`tests.scenarios.steady_cursors`: a blinking
    cursor is on or off by chance), and each :func:`shown_dir` is written as the path it
    stands for."""
    import textual._doc

    from tests.scenarios import steady_cursors

    take_svg_screenshot = textual._doc.take_svg_screenshot

    def take_steady(*args: Any, run_before: Callable[[Pilot], Any] | None = None,
                    **kwargs: Any) -> str:
        async def before(pilot: Pilot) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            steady_cursors(pilot.app)

        svg = take_svg_screenshot(*args, run_before=before, **kwargs)
        for directory in _shown_dirs:
            svg = directory.show(svg)
        return svg

    # The plugin imports take_svg_screenshot from textual._doc when it compares.
    monkeypatch.setattr(textual._doc, "take_svg_screenshot", take_steady)
    return snap_compare
