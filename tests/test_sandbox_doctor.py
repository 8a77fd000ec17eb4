"""``warden doctor``: each failure says why and how to fix it (``SPEC.md`` §8, REF §6.3)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tui.cli_sandbox import doctor_main
from tui.sandbox.doctor import DoctorReport, can_run, diagnose
from tui.sandbox.policy import SandboxPolicy

_OK, _WHY = can_run()


def test_missing_managed_bwrap_path(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere" / "bwrap")
    policy = SandboxPolicy(enabled=True, bwrap_path=missing, bwrap_configured=True,
                           problems=("an entry was skipped",))
    report = diagnose(policy)
    assert not report.ok
    binary = report.checks[0]
    assert binary.name == "bubblewrap binary" and not binary.ok and binary.required
    assert missing in binary.detail and "sandbox.bwrapPath" in binary.fix
    assert missing in report.reason() and "Fix:" in report.reason()
    text = report.summary()
    assert "[FAIL] bubblewrap binary" in text and "fix:" in text
    assert "an entry was skipped" in text and "cannot run here" in text
    data = report.to_json()
    assert data["ok"] is False and data["problems"] == ["an entry was skipped"]
    assert {"name", "ok", "detail", "fix", "required"} <= set(data["checks"][0])
    json.dumps(data)
    ok, why = can_run(policy)
    assert not ok and missing in why


def test_relative_managed_bwrap_path() -> None:
    report = diagnose(SandboxPolicy(bwrap_path="bin/bwrap", bwrap_configured=True))
    assert not report.ok and "absolute" in report.checks[0].detail


def test_bwrap_not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    report = diagnose(None)
    assert not report.ok
    assert "apt-get install bubblewrap" in report.checks[0].fix
    probe = next(c for c in report.checks if c.name == "namespaces usable")
    assert not probe.ok and probe.required


def test_bwrap_that_cannot_start(tmp_path: Path) -> None:
    """A binary that exits non-zero: the probe fails with the binary's last message."""
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\n"
                    "exit 1\n")
    fake.chmod(0o755)
    report = diagnose(SandboxPolicy(bwrap_path=str(fake), bwrap_configured=True))
    probe = next(c for c in report.checks if c.name == "namespaces usable")
    assert not probe.ok and "No permissions to create new namespace" in probe.detail
    assert probe.fix
    assert not report.ok


def test_report_ok_ignores_optional_checks() -> None:
    from tui.sandbox.doctor import Check

    report = DoctorReport((Check("a", True, "", required=True), Check("b", False, "x", "y")))
    assert report.ok and report.reason() == ""
    assert "[warn] b" in report.summary()


@pytest.mark.skipif(not _OK, reason=f"the kernel forbids the sandbox: {_WHY}")
def test_real_bwrap_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    report = diagnose()
    assert report.ok, report.summary()
    names = [c.name for c in report.checks]
    assert names[:3] == ["bubblewrap binary", "bubblewrap version", "namespaces usable"]
    assert "network bridge" in names and "Unix-socket filter" in names
    assert doctor_main(["--settings", "{}"]) == 0
    assert "The sandbox can run here." in capsys.readouterr().out
    assert doctor_main(["--json", "--settings", "{}"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_doctor_cli_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    managed = Path(os.environ["WARDEN_MANAGED_DIR"])
    managed.mkdir(parents=True, exist_ok=True)
    missing = str(tmp_path / "missing-bwrap")
    (managed / "managed-settings.json").write_text(
        json.dumps({"sandbox": {"bwrapPath": missing}}))
    assert doctor_main(["--cwd", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert missing in out and "[FAIL]" in out
