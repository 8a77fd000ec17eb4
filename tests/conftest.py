"""Shared fixtures: every test runs with Warden's config directories moved into tmp."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_clock import FakeClock

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


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
