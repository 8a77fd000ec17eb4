"""A quick sample of the dynamic oracle (``make oracle`` runs the full one).

Two checks, both real runs in bubblewrap under strace:

* the instrument itself: in a fresh fixture, commands known to write, read a canary, make
  git run the hostile fsmonitor hook and reach for the network are each caught (this does not
  depend on Warden's decisions);
* a seeded sample of NL2Bash commands, the agent commands and their variants (a few hundred
  inputs, ~150 of them allowed and run) goes through the whole pipeline: Warden's decision,
  the sandbox, the classifier, the report; the report is complete and holds no defect;
* every command a full run once caught (``tests/oracle_regressions.txt``) stays fixed.

Skipped, with the reason, where bubblewrap or strace cannot run or ``../shared/corpora`` is
absent.  A reviewer should see the skip reason name the missing piece and how to install it.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from bench import oracle
from bench.oracle_fixture import build_fixture
from bench.oracle_sandbox import probe, run_traced
from bench.oracle_strace import Expectation, classify, parse_trace
from bench.oracle_variants import generate


@pytest.fixture(scope="module")
def usable(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skip the module's tests where the sandbox or strace cannot run."""
    ok, why = probe(tmp_path_factory.mktemp("oracle-probe"))
    if not ok:
        pytest.skip(f"the oracle cannot run here: {why}")


def test_the_instrument_catches_each_family(usable: None, tmp_path: Path) -> None:
    """``touch``, ``cat ~/.ssh/id_rsa``, ``git status`` (fsmonitor hook) and a DNS lookup in
    one sandbox: a write, a canary read, an unlisted exec and a connect; ``ls`` alone: none.
    The fixture's template on the host is left untouched."""
    fixture = build_fixture(tmp_path / "ws")
    traces = tmp_path / "traces"
    traces.mkdir()
    canaries = frozenset(fixture.canaries)

    def defects(command: str, programs: set[str]) -> set[str]:
        run = run_traced(command, workspace=fixture.root, project=fixture.project,
                         home=fixture.home, trace_dir=traces, name="t", timeout=5.0)
        assert run.trace, run.output
        found = classify(parse_trace(run.trace), Expectation(frozenset(programs), (), canaries))
        return {f"{d.family}: {d.reason}" for d in found}

    assert defects("ls -la", {"ls"}) == set()
    found = defects("touch new.txt; cat ~/.ssh/id_rsa; git status; getent hosts example.com",
                    {"touch", "cat", "git", "getent"})
    project, home = fixture.project, fixture.home
    assert f"write: open for writing {project}/new.txt" in found
    assert f"canary: read {home}/.ssh/id_rsa" in found
    assert "exec: exec warden-marker-fsmonitor (by git)" in found
    assert any(f.startswith("connect: connect ") and f.endswith(":53") for f in found), found
    assert not (fixture.project / "new.txt").exists()


@pytest.mark.skipif(not oracle.NL2BASH.is_file(),
                    reason=f"{oracle.NL2BASH} is missing (clone without ../shared?)")
def test_a_sample_runs_end_to_end(usable: None, capsys: pytest.CaptureFixture[str]) -> None:
    """~330 inputs (100 NL2Bash lines, the agent commands, variants of both); Warden allows
    some 100-200 of them; each runs and every defect in the report names its command, kind,
    reason and syscall lines, with a regression line to paste into a test."""
    corpus = [c for c in oracle.NL2BASH.read_text(encoding="utf-8").splitlines() if c.strip()]
    bases = random.Random(0).sample(corpus, 100) + list(oracle.EXTRA)
    variants = [(v.text, v.kind, v.base) for v in generate(bases, seed=0, target=0)]
    picked = random.Random(0).sample(variants, min(len(variants), 190))
    chosen = [(c, "nl2bash" if c in corpus else "extra", c) for c in bases] + picked
    items = [(i, text, kind, base) for i, (text, kind, base) in enumerate(chosen)]
    report = oracle.run_oracle(items, jobs=2, timeout=3.0)
    figures = report["figures"]
    assert figures["oracle_inputs"] == len(items)
    assert 100 <= figures["oracle_commands"] <= len(items)
    assert figures["oracle_commands"] - figures["oracle_timeouts"] > 90
    assert len(report["errors"]) <= figures["oracle_commands"] // 20, report["errors"][:5]
    assert len(report["defects"]) == figures["oracle_defects"] == len(report["regressions"])
    for entry in report["defects"]:
        assert entry["command"] and entry["kind"] and entry["defects"]
        for d in entry["defects"]:
            assert d["family"] in oracle.FAMILIES and d["reason"] and d["lines"]
    with capsys.disabled():
        print(f"\noracle sample: {figures}")
        print("\n".join(report["regressions"][:40]))
    # issue 9: nothing Warden allows does what its analysis did not list
    assert figures["oracle_defects"] == 0, report["regressions"][:20]


REGRESSIONS = Path(__file__).with_name("oracle_regressions.txt")


def test_every_defect_the_oracle_found_stays_fixed(usable: None) -> None:
    """Each command the full oracle once caught (``tests/oracle_regressions.txt``: xargs and
    ``grep -R`` reading through a symlink to ``~/.aws``, ``tac``'s temporary file, ``man``'s
    page cache, git running the hostile fsmonitor and diff.external, ``git status`` taking
    ``index.lock``...) is run again in a fresh fixture: either Warden no longer allows it, or
    what it does is what the analysis lists."""
    commands = [c for c in REGRESSIONS.read_text(encoding="utf-8").splitlines() if c.strip()]
    assert len(commands) >= 100
    items = [(i, c, "regression", c) for i, c in enumerate(commands)]
    report = oracle.run_oracle(items, jobs=2, timeout=3.0)
    assert report["figures"]["oracle_defects"] == 0, report["regressions"][:20]


def test_the_oracle_refuses_to_run_without_bwrap(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    """With neither ``bwrap`` nor ``strace`` on ``PATH`` the probe says which is missing and
    how to install it (what the sample test's skip reason shows)."""
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    ok, why = probe(tmp_path)
    assert not ok and "bwrap is not on PATH" in why and "bubblewrap" in why
