"""Model choice, settings scalars and the API-key lookup."""

from __future__ import annotations

import json
from pathlib import Path

from tui.agent.models import configured_model, newest_sonnet, pick_newest_sonnet
from tui.credentials import find_api_key, redact
from tui.settings import load_scalars


def test_newest_sonnet_prefers_highest_version_and_alias() -> None:
    names = ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5", "claude-sonnet-5",
             "claude-sonnet-4-6", "claude-opus-9", "claude-sonnet-5-5", "claude-haiku-5-5"]
    assert pick_newest_sonnet(names) == "claude-sonnet-5-5"
    assert pick_newest_sonnet(["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"]) == (
        "claude-sonnet-4-5"
    )
    assert pick_newest_sonnet(["gpt"]) is None


def test_default_model_comes_from_the_sdk_list() -> None:
    import typing

    from anthropic.types import Model

    model = newest_sonnet()
    assert model.startswith("claude-sonnet-")
    assert model in repr(typing.get_args(Model))


def test_model_precedence_cli_env_settings() -> None:
    env = {"ANTHROPIC_MODEL": "from-env"}
    assert configured_model("from-cli", env, "from-settings") == "from-cli"
    assert configured_model(None, env, "from-settings") == "from-env"
    assert configured_model(None, {}, "from-settings") == "from-settings"
    assert configured_model(None, {}, None) is None


def test_settings_model_local_beats_project_beats_user(tmp_path: Path, monkeypatch) -> None:
    user = tmp_path / "user"
    user.mkdir()
    monkeypatch.setenv("WARDEN_CONFIG_DIR", str(user))
    (user / "settings.json").write_text(json.dumps({"model": "user-model"}))
    proj = tmp_path / "proj"
    (proj / ".claude").mkdir(parents=True)
    assert load_scalars(proj).values["model"] == "user-model"
    (proj / ".claude" / "settings.json").write_text(json.dumps({"model": "project-model"}))
    assert load_scalars(proj).values["model"] == "project-model"
    (proj / ".claude" / "settings.local.json").write_text(json.dumps({"model": "local-model"}))
    loaded = load_scalars(proj)
    assert loaded.values["model"] == "local-model"
    assert loaded.sources["model"].scope == "local"


def test_broken_settings_file_is_reported_with_line_and_column(tmp_path: Path) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "settings.json").write_text('{\n  "model": "x",\n}\n')
    loaded = load_scalars(tmp_path)
    assert "model" not in loaded.values
    assert len(loaded.problems) == 1
    assert "settings.json:2:15: remove the trailing comma" in loaded.problems[0]


def test_api_key_from_environment_first() -> None:
    lookup = find_api_key({"ANTHROPIC_API_KEY": " sk-test-123 "}, use_keyring=False)
    assert (lookup.key, lookup.source) == ("sk-test-123", "env")
    assert find_api_key({}, use_keyring=False).key is None


def test_redact_hides_the_key() -> None:
    assert redact("key=sk-ant-abcdef123456 end", ["sk-ant-abcdef123456"]) == "key=[REDACTED] end"
