"""Every ``hooks`` object of the real settings corpus loads into a HookSet without an exception
(``SPEC.md`` §1: none of the 189 files may crash Warden); unsupported parts become problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED
from tui.hooks import HookSet
from tui.settings.model import SettingsSource

CORPUS = SHARED / "corpora" / "claude-settings"


def _files() -> list[Path]:
    return sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the settings corpus is not at {CORPUS}")
def test_every_corpus_hooks_object_loads() -> None:
    loaded = handlers = 0
    for path in _files():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # not JSON: the settings loader rejects it (tested elsewhere)
        if not isinstance(data, dict) or "hooks" not in data:
            continue
        source = SettingsSource("project", path)
        hooks = HookSet.from_files([(source, data)], data)
        loaded += 1
        handlers += len(hooks.handlers)
        for problem in hooks.problems:
            assert problem.source is source and problem.key.startswith(("hooks", "disable",
                                                                        "allowManaged"))
        for handler in hooks.handlers:
            assert handler.command and handler.timeout > 0
            assert handler.source is source
    assert loaded >= 50, f"only {loaded} corpus files have hooks"
    assert handlers >= 200
