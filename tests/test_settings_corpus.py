"""Real settings files (corpora/claude-settings) and SchemaStore's schema tests (SPEC §1).

Reads /work/shared/corpora in place (never copied into the repository); skipped when absent.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED
from tui.settings import load_settings
from tui.settings.schema import validate

CORPORA = SHARED / "corpora"
SETTINGS_DIR = CORPORA / "claude-settings"
SCHEMA_FILE = CORPORA / "schemas" / "claude-code-settings.schema.json"
SCHEMA_TESTS = CORPORA / "schemas" / "schemastore-tests" / "claude-code-settings"

pytestmark = pytest.mark.skipif(
    not SETTINGS_DIR.is_dir() or not SCHEMA_FILE.is_file(),
    reason=f"the shared corpora are not available at {CORPORA}",
)


def corpus_files() -> list[Path]:
    return sorted(p for p in SETTINGS_DIR.glob("*.json"))


def manifest() -> dict[str, str]:
    with (SETTINGS_DIR / "MANIFEST.tsv").open(newline="", encoding="utf-8") as fh:
        return {row["file"]: row["note"] for row in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="module")
def schemastore() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def load_as_project(src: Path, proj: Path, schema: dict[str, Any] | None):
    (proj / ".claude").mkdir(parents=True)
    target = proj / ".claude" / "settings.json"
    shutil.copyfile(src, target)
    return target, load_settings(proj, schema=schema)


@pytest.mark.parametrize("which", ["warden", "schemastore"])
def test_every_corpus_file_loads_or_is_reported(tmp_path: Path, which: str,
                                                schemastore: dict[str, Any]) -> None:
    files = corpus_files()
    assert len(files) == 189
    notes = manifest()
    schema = schemastore if which == "schemastore" else None
    tally: Counter[str] = Counter()
    for i, src in enumerate(files):
        target, s = load_as_project(src, tmp_path / f"p{i}", schema)
        (loaded,) = s.files
        for problem in s.problems:
            assert problem.path == target, (src.name, str(problem))
            assert str(target) in str(problem)
        errors = [p for p in s.problems if p.severity == "error"]
        if "invalid JSON" in notes[src.name]:
            assert errors and errors[0].line is not None, src.name
            assert not loaded.json_ok
            assert not any(r.behavior == "allow" for r in s.rules), src.name
        if errors:
            tally["rejected"] += 1
        elif s.problems:
            tally["warnings"] += 1
        else:
            tally["clean"] += 1
        if not loaded.schema_ok:
            assert not any(r.behavior == "allow" for r in s.rules), src.name
    assert tally["rejected"] == 9
    assert sum(tally.values()) == 189
    # Record the figures in the test output (-rA) for the report.
    print(f"{which}: {dict(tally)}")


def test_schemastore_validity_matches_the_manifest(tmp_path: Path,
                                                   schemastore: dict[str, Any]) -> None:
    notes = manifest()
    for i, src in enumerate(corpus_files()):
        note = notes[src.name]
        if "invalid JSON" in note:
            continue
        _, s = load_as_project(src, tmp_path / f"p{i}", schemastore)
        schema_problems = [p for p in s.problems if p.code == "schema"]
        expected_valid = "schema: valid against SchemaStore" in note
        assert (not schema_problems) == expected_valid, (src.name, note,
                                                         [str(p) for p in schema_problems])


def schemastore_tests(kind: str) -> list[Path]:
    return sorted((SCHEMA_TESTS / kind).glob("*.json"))


def test_schemastore_positive_files_have_no_schema_warnings(tmp_path: Path,
                                                            schemastore: dict[str, Any]) -> None:
    files = schemastore_tests("positive")
    assert files
    for i, src in enumerate(files):
        for which, schema in (("schemastore", schemastore), ("warden", None)):
            _, s = load_as_project(src, tmp_path / f"{which}{i}", schema)
            schema_problems = [str(p) for p in s.problems if p.code in ("schema", "json")]
            assert schema_problems == [], (which, src.name)
            assert s.files[0].schema_ok


def test_schemastore_negative_files_have_schema_warnings(tmp_path: Path,
                                                         schemastore: dict[str, Any]) -> None:
    files = schemastore_tests("negative")
    assert files
    for i, src in enumerate(files):
        target, s = load_as_project(src, tmp_path / f"n{i}", schemastore)
        schema_problems = [p for p in s.problems if p.code == "schema"]
        assert schema_problems, src.name
        located = [p for p in schema_problems if not p.message.startswith("and ")]
        assert located and all(p.path == target and p.line and p.key for p in located)


def test_warden_schema_accepts_every_positive_file() -> None:
    for src in schemastore_tests("positive"):
        assert validate(json.loads(src.read_text(encoding="utf-8"))) == [], src.name


def test_no_corpus_file_grants_anything_from_an_untrusted_repository(tmp_path: Path) -> None:
    """Issue 11: each of the 189 real files, committed as a cloned repository's
    ``.claude/settings.json`` and not trusted, adds no allow rule, directory, hook, env
    variable, helper command or permissive start mode, while its deny and ask rules all apply;
    trusted, its allow rules apply as written (the ones that parse)."""
    from tui.settings.trustgate import grants_of

    held = Counter()
    for i, src in enumerate(corpus_files()):
        proj = tmp_path / f"p{i}"
        (proj / ".claude").mkdir(parents=True)
        shutil.copyfile(src, proj / ".claude" / "settings.json")
        trusted = load_settings(proj, trusted_project=True)
        untrusted = load_settings(proj, trusted_project=False)
        project = next(f for f in trusted.files if f.source.scope == "project")
        grants = grants_of(project.data)
        assert not [r for r in untrusted.rules if r.behavior == "allow"], src.name
        assert untrusted.additional_directories == (), src.name
        for key in ("hooks", "env", "apiKeyHelper", "statusLine"):
            assert key not in untrusted.merged, (src.name, key)
        assert untrusted.default_mode in (None, "default", "plan", "dontAsk"), src.name
        restrict = [(r.behavior, r.text) for r in trusted.rules if r.behavior != "allow"]
        assert restrict == [(r.behavior, r.text) for r in untrusted.rules], src.name
        if grants.allow_rules:
            held["allow rules"] += 1
        if grants.hooks:
            held["hooks"] += 1
        if grants.env:
            held["env"] += 1
        if not grants.is_empty():
            assert any(p.code == "trust" for p in untrusted.problems), src.name
    # The audit's counts (issue 11): files with allow rules, hooks and env.
    assert held["allow rules"] >= 100 and held["hooks"] >= 60 and held["env"] >= 25, held
