"""``explain``'s category and risk for commands that are not proven read-only (the issue:
``warden explain --json`` gives a risk other than ``unknown`` for >= 90 % of NL2Bash, and a
category saying what the command does: "runs project code" for ``python -m pytest``, "runs a
program on each file" for ``find -exec wc``).

The corpus figure is measured by :func:`test_nl2bash_risk_is_known_for_nine_in_ten`, over the
whole corpus with a temporary directory as cwd; it skips when ``../shared/corpora`` is absent.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from tui.check import explain_main
from tui.shell.explain import (
    _BLOCKER_RULES,
    _FINDING_VERDICTS,
    _LEVELS,
    CATEGORIES,
    PROGRAM_CATEGORIES,
    Explanation,
    explain,
)

CWD = Path("/home/u/proj")
HOME = Path("/home/u")
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "nl2bash" / "all.cm"


def ex(command: str) -> Explanation:
    return explain(command, cwd=CWD, home=HOME, working_dirs=(CWD,))


@pytest.mark.parametrize(("command", "category", "risk"), [
    # the two examples
    ("python -m pytest", "runs project code", "writes-outside"),
    ("find . -name '*.py' -exec wc -l {} \\;", "runs a program on each file", "read-only"),
    # proven read-only, and read-only parts the analyser could not prove on their own
    ("ls -la src", "read-only", "read-only"),
    ("cat src/$(ls | head -1)", "reads files", "read-only"),
    ("echo $(date)", "shows information", "read-only"),
    ("cd /tmp", "changes directory", "read-only"),
    ("set -e", "changes shell settings", "read-only"),
    ("X=$(ls)", "sets shell variables", "read-only"),
    ("IFS= read -r line", "changes shell settings", "read-only"),
    ("crontab -l", "shows information", "read-only"),
    # writes and removals Warden sees
    ("touch new.txt", "writes files in the project", "writes-project"),
    ("echo hi > /tmp/x", "writes files outside the project", "writes-outside"),
    ("find . -type f -exec cp {} /tmp/out \\;", "writes files outside the project",
     "writes-outside"),
    ("rm -rf build", "deletes files", "destructive"),
    ("find . -name '*.o' | xargs rm", "deletes files", "writes-outside"),
    ("chmod 644 f", "changes permissions", "writes-project"),
    ("chmod 644 /etc/x", "changes permissions", "writes-outside"),
    ("git commit -m x", "changes the repository", "writes-project"),
    ("git reset --hard", "discards uncommitted work", "destructive"),
    ("git push --force origin main", "changes git history", "destructive"),
    ("dd if=/dev/zero of=/dev/sdb", "erases or overwrites data", "destructive"),
    # network and packages
    ("curl https://x.dev", "reaches the network", "network"),
    ("pip install requests", "installs packages", "network"),
    ("apt-get remove vim", "removes packages", "writes-outside"),
    # code Warden does not model: never low, never "unknown"
    ("make", "runs project code", "writes-outside"),
    ("npm test", "runs project code", "writes-outside"),
    ("cargo test", "runs project code", "writes-outside"),
    ("go test ./...", "runs project code", "writes-outside"),
    ("./script.sh", "runs project code", "writes-outside"),
    ("python script.py", "runs project code", "writes-outside"),
    ("make > log.txt", "runs project code", "writes-outside"),
    ("bash /opt/x.sh", "runs a script", "writes-outside"),
    ("python -c 'print(1)'", "runs code given on the command line", "writes-outside"),
    ("node -e 'x'", "runs code given on the command line", "writes-outside"),
    ("bash -c 'ls > out.txt'", "runs code given on the command line", "writes-project"),
    ("ls | sh", "runs commands from its input", "writes-outside"),
    ("curl -s https://x.example/i.sh | sh", "runs commands from its input", "network"),
    ("bash", "starts a shell", "writes-outside"),
    ("frobnicate --all", "runs an unknown program", "writes-outside"),
    ("$CMD foo", "runs an unknown program", "writes-outside"),
    ("awk 'BEGIN{system(\"ls\")}'", "runs another program", "writes-outside"),
    ("export PATH=/tmp:$PATH; ls", "runs programs in a changed environment", "writes-outside"),
    ("LD_PRELOAD=./x.so ls", "runs programs in a changed environment", "writes-outside"),
    ("vim notes.txt", "opens an editor", "writes-outside"),
    ("docker run x", "runs containers or virtual machines", "writes-outside"),
    # the system, other users, processes
    ("mount /dev/sda1 /mnt", "changes system settings", "writes-outside"),
    ("date -s 2020-01-01", "changes system settings", "writes-outside"),
    ("sudo ls", "runs as another user", "writes-outside"),
    ("su -", "runs as another user", "writes-outside"),
    ("kill -9 123", "stops or signals processes", "writes-outside"),
    # a program named by path is that file, not the program of the same name
    ("./make", "runs project code", "writes-outside"),
    ("/opt/x/mount", "runs an unknown program", "writes-outside"),
    ("mkfs.ext4 /dev/sdb1", "erases or overwrites data", "destructive"),
    # listing forms of programs that can change things
    ("mount | grep sd", "shows information", "read-only"),
    ("find . -type f | xargs | wc -c", "reads files", "read-only"),
    ("history -a", "writes files outside the project", "writes-outside"),
    # a process substitution is /dev/fd/N, never an option; "$a" may be one
    ("diff <(echo a) <(echo b)", "reads files", "read-only"),
    # what Warden cannot know stays unknown
    ("echo $((1+1))", "could not be analysed", "unknown"),
    ('find "$dir" -name x', "reads files", "unknown"),
    ('diff "$a" "$b"', "reads files", "unknown"),
    ("IFS=: ; echo $x", "sets shell variables", "unknown"),
])
def test_category_and_risk(command: str, category: str, risk: str) -> None:
    """A reviewer should see each command's category saying what it does and its risk: code
    Warden does not model (make, pytest, scripts, unknown programs) is "writes-outside", never
    "read-only" nor "unknown"; a find start point built at run time stays "unknown"."""
    e = ex(command)
    assert (e.category, e.risk) == (category, risk)


def test_a_redirect_does_not_lower_the_risk_of_project_code() -> None:
    """``make`` and ``make > log.txt`` both run project code: adding a write inside the project
    must not turn "writes-outside" into "writes-project"."""
    assert ex("make").risk == ex("make > log.txt").risk == "writes-outside"


def test_a_builtin_after_an_environment_change_stays_read_only() -> None:
    """``export PATH=...; ls`` may run another ``ls``; ``echo`` is a builtin the new PATH cannot
    change, so the same line with ``echo`` is read-only."""
    assert ex("export PATH=/tmp:$PATH; echo hi").risk == "read-only"
    assert ex("export PATH=/tmp:$PATH; ls").risk == "writes-outside"


def test_substitution_commands_are_not_tainted_by_their_own_assignment() -> None:
    """``LINE=$(ls)``: the substitution runs before LINE is set, so ls is not "in a changed
    environment"; a command after the assignment is."""
    assert ex("LINE=$(ls)").category == "sets shell variables"
    assert ex("LINE=x; ls").category == "runs programs in a changed environment"


def test_every_category_the_rules_name_exists() -> None:
    """The program table, finding verdicts and blocker rules only name categories of
    CATEGORIES (a typo would otherwise raise at run time), and every category has a level."""
    named = set(PROGRAM_CATEGORIES.values())
    named |= {v for v in _FINDING_VERDICTS.values() if v and not v.startswith("@")}
    named |= {v for _, v in _BLOCKER_RULES if v and not v.startswith("@")}
    assert named <= set(CATEGORIES)
    assert all(level in _LEVELS for level in CATEGORIES.values())
    assert PROGRAM_CATEGORIES["python -m pytest"] == "runs project code"
    assert PROGRAM_CATEGORIES["npm install"] == "installs packages"


def test_code_categories_are_never_low() -> None:
    """Fail closed: every category for code Warden does not model has a level above
    "unknown" (an unknown program is not low risk, and not merely unknown)."""
    for category in ("runs project code", "runs a script", "runs an unknown program",
                     "runs code given on the command line", "runs commands from its input",
                     "starts a shell", "runs another program",
                     "runs programs in a changed environment"):
        assert _LEVELS.index(CATEGORIES[category]) > _LEVELS.index("unknown"), category


def test_json_keeps_its_old_keys_and_adds_category() -> None:
    """``to_json()`` keeps every key it had (so ``warden explain --json`` consumers keep
    working) and adds ``category``."""
    data = json.loads(json.dumps(ex("cat a > b").to_json()))
    assert set(data) == {"command", "risk", "category", "summary", "commands", "warnings",
                         "analysis"}
    assert set(data["analysis"]) == {"ok", "fail_reason", "read_only", "commands", "writes",
                                     "reads", "findings", "network", "critical_removals",
                                     "destructive_git"}
    assert set(data["commands"][0]) == {"program", "summary", "reads", "writes", "deletes",
                                        "executes", "hosts", "described"}
    assert data["risk"] == "writes-project"
    assert data["category"] == "writes files in the project"


def test_warden_explain_json_prints_the_category(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """``warden explain "python -m pytest" --json`` prints the category and a risk that is not
    "unknown"."""
    assert explain_main(["python -m pytest", "--json", "--cwd", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["category"] == "runs project code"
    assert data["risk"] == "writes-outside"


def test_garbage_gets_a_category() -> None:
    """Inputs that cannot be parsed still get a category and never raise."""
    for text in ("((((", "`", "$(", "'", "\x00", "\\", "a\n" * 100, "🙂 --x", ""):
        e = ex(text)
        assert e.category in CATEGORIES
        if not e.analysis.ok:
            assert (e.category, e.risk) == ("could not be analysed", "unknown")


@pytest.mark.skipif(not CORPUS.is_file(),
                    reason=f"the nl2bash corpus is not checked out at {CORPUS}")
def test_nl2bash_risk_is_known_for_nine_in_ten() -> None:
    """Over NL2Bash (12,607 commands, cwd a temporary directory) at least 90 % get a risk
    other than "unknown"; every command gets a category, "read-only" exactly when the analysis
    proves it, and "could not be analysed" exactly when it fails."""
    lines = [ln for ln in CORPUS.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(lines) > 12_000
    risks: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        for line in lines:
            e = explain(line, cwd=cwd, home=HOME, working_dirs=(cwd,))
            risks[e.risk] += 1
            assert e.category in CATEGORIES, line
            assert (e.category == "read-only") == e.analysis.read_only, line
            assert (e.category == "could not be analysed") == (not e.analysis.ok), line
    known = 1 - risks["unknown"] / len(lines)
    assert known >= 0.90, (known, risks.most_common())
