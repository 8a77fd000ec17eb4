"""``apiKeyHelper`` (REF §9.1): a program that prints the API key, run only from settings that
may grant (user, managed, a trusted project), with its output kept secret."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tui.agent.session import AgentSession, NoApiKey
from tui.config import AppConfig
from tui.credentials import find_api_key, key_from_helper


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def test_the_helper_output_is_the_key(tmp_path: Path) -> None:
    helper = script(tmp_path / "key.sh", 'echo "note: fetching"\necho "  sk-from-helper  "\n')
    found = find_api_key({}, use_keyring=False, helper=str(helper), helper_cwd=tmp_path)
    assert (found.key, found.source) == ("sk-from-helper", "apiKeyHelper")
    # ANTHROPIC_API_KEY still comes first, and then the helper never runs.
    marker = tmp_path / "ran"
    helper2 = script(tmp_path / "k2.sh", f"touch {marker}\necho sk-x\n")
    found = find_api_key({"ANTHROPIC_API_KEY": "sk-env"}, use_keyring=False,
                         helper=str(helper2), helper_cwd=tmp_path)
    assert found.source == "env" and not marker.exists()


def test_a_failing_helper_says_why_without_showing_its_output(tmp_path: Path) -> None:
    helper = script(tmp_path / "bad.sh", 'echo sk-half-printed-secret\n'
                    'echo "vault: sk-half-printed-secret denied" >&2\nexit 3\n')
    found = key_from_helper(str(helper), cwd=tmp_path, env=dict(os.environ))
    assert found.key is None
    assert "status 3" in found.problem and "vault:" in found.problem
    assert "sk-half-printed-secret" not in found.problem


def test_a_hanging_helper_is_killed_with_its_children(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    helper = script(tmp_path / "hang.sh", f"sleep 60 & echo $! > {pidfile}\nwait\n")
    start = time.monotonic()
    found = key_from_helper(str(helper), cwd=tmp_path, env=dict(os.environ), timeout_s=0.5)
    assert found.key is None and "did not finish within 0.5 s" in found.problem
    assert time.monotonic() - start < 10
    child = int(pidfile.read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the helper's background child survived the timeout")


@pytest.mark.parametrize("trusted", [False, True])
def test_a_repository_helper_runs_only_after_trust(tmp_path: Path, trusted: bool,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An untrusted clone's apiKeyHelper is a program the repository chose: it never runs."""
    import tui.credentials as creds

    project = tmp_path / "clone"
    (project / ".claude").mkdir(parents=True)
    marker = tmp_path / "helper-ran"
    helper = script(project / "key.sh", f"touch {marker}\necho sk-from-repo\n")
    (project / ".claude" / "settings.json").write_text(json.dumps({"apiKeyHelper":
                                                                   str(helper)}))
    real = creds.find_api_key
    monkeypatch.setattr(creds, "find_api_key",
                        lambda env=None, **kw: real(env, **{**kw, "use_keyring": False}))
    session = AgentSession(AppConfig(cwd=project, base_url="http://127.0.0.1:9",
                                     trusted_project=trusted), lambda e: None)
    if trusted:
        session._connect_sync()
        assert marker.exists()
        assert session.agent.client.api_key == "sk-from-repo"
    else:
        with pytest.raises(NoApiKey):
            session._connect_sync()
        assert not marker.exists()
