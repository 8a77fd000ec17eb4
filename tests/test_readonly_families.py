"""Issue 9: "read-only" is proven.  One section per family of attacks, each with commands that
must no longer run without asking and everyday commands that must keep running.

A reviewer should see, for every family, both directions: the attack asks (or is denied) and
the ordinary command is still allowed, decided through the real engine in a fresh project.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.check import evaluate
from tui.shell import analyze


def decide(command: str, cwd: Path, *, settings: dict | None = None, mode: str | None = None):
    """The engine's decision for a Bash command in ``cwd`` with only ``settings``."""
    return evaluate("Bash", {"command": command}, cwd=cwd, settings=settings or {}, mode=mode,
                    discover=False)


def behavior(command: str, cwd: Path, **kw) -> str:
    return decide(command, cwd, **kw).behavior


def an(command: str, cwd: Path = Path("/p")):
    return analyze(command, cwd=cwd, home=Path("/home/u"), working_dirs=(cwd,))


# -- family 1: options as the program parses them -----------------------------------------

@pytest.mark.parametrize("command", [
    "sed --in-pl s/a/b/ f",            # getopt_long prefix of --in-place
    "sed --in-place=.bak s/a/b/ f",
    "sort --compress-prog=sh f",       # prefix of --compress-program
    "sort -ofile f",                   # attached short value
    "sort -uofile f",                  # clustered, then attached
    "git -ccore.pager=sh log",         # attached -c value
    "git grep -Osh x",                 # attached optional value of -O
    "tree -oout.txt",
    "find . -name x -fprint out",
    "ls --frobnicate",                 # unknown option
    "cat --unknown-thing f",
    "head --li 5 f --bogus",
    "sort --s=x f",                    # ambiguous abbreviation (--sort, --stable...)
    "ls -*",                           # a glob that can only expand to options
    "sed -f* f",
    "uniq *",                          # the second match would be overwritten
    "uniq $FILES",                     # an unquoted variable can split into two words
    "git branch --column topic",       # --column's value is only ever attached: creates topic
    "git tag --sort=refname v9",
    "sed s/a/*/ f",                    # the script itself is a glob
    "git status --help",               # opens a manual page, or a browser (help.format)
    "git --help", "git log --textconv", "git cat-file --filters HEAD:f",
    "git show '--format=%G?' HEAD",    # signature placeholders run gpg
    "git checkout status",             # the first operand is the subcommand
])
def test_options_as_parsed_are_not_read_only(command: str) -> None:
    """Each of these is an option the program would honour (or one Warden does not know):
    none is read-only any more."""
    a = an(command)
    assert not a.read_only, (command, a)


@pytest.mark.parametrize("command", [
    "ls -la", "ls -lah --color=never src", "cat -n f", "head -n 5 f", "head -5 f",
    "head --lin=5 f", "tail -f log", "wc -l *.py", "sort -k2,2n -t, f", "sort -rn f",
    "cut -d: -f1 /etc/passwd", "grep -rn TODO src", "grep -E 'a|b' f", "rg -n foo",
    "rg --hidden -g '*.py' foo", "tree -L 2", "jq -r .name package.json", "uniq -c f",
    "diff -u a b", "du -sh .", "df -h", "find . -name '*.py' -type f", "git status",
    "git diff --stat", "git log --oneline -n 5", "git show HEAD~1", "echo \"$HOME\"", "(ls)",
    "bash -lc 'ls && pwd'", "sh -c 'cat README'", "stat -c %s f", "md5sum f", "nl -ba f",
    "git log -- --output=log.out", "git diff -Oorderfile", "git remote get-url origin",
    "git branch --list 'feat*'", "nl -nrz Cargo.toml", "sed -n '1,5p' f",
])
def test_everyday_read_only_commands_stay_read_only(command: str) -> None:
    """The everyday commands the issue names keep running without a prompt."""
    a = an(command)
    assert a.ok and a.read_only, (command, a)


def test_abbreviation_and_full_option_decide_the_same(tmp_path: Path) -> None:
    """``--in-pl`` is ``--in-place``: the decision does not depend on the spelling."""
    for short, full in [("sed --in-pl s/a/b/ f", "sed --in-place s/a/b/ f"),
                        ("sort --out=x f", "sort --output=x f"),
                        ("grep --recur foo .", "grep --recursive foo .")]:
        assert behavior(short, tmp_path) == behavior(full, tmp_path), short


def test_glob_in_option_position_is_checked_against_the_files_present(tmp_path: Path) -> None:
    """``find * -name x`` is read-only while no file name starts with ``-``; once a file named
    ``-delete`` exists, ``*`` would expand to that action, so it asks."""
    (tmp_path / "a.txt").write_text("x")
    assert behavior("find * -name x", tmp_path) == "allow"
    assert behavior("sort *.txt", tmp_path) == "allow"
    (tmp_path / "-delete").write_text("")
    (tmp_path / "-o.txt").write_text("")
    assert behavior("find * -name x", tmp_path) == "ask"
    assert behavior("sort *.txt", tmp_path) == "ask"
    assert "option" in decide("sort *.txt", tmp_path).reason


# -- family 2: option values that name files --------------------------------------------

@pytest.mark.parametrize(("command", "target"), [
    ("wc --files0-from=.env", ".env"), ("grep -f .env x f", ".env"),
    ("grep --file=.env x f", ".env"), ("date -f .env", ".env"), ("date --file .env", ".env"),
    ("hexdump -f .env f", ".env"), ("git blame --contents .env f", ".env"),
    ("jq -L .env . f", ".env"), ("sort --random-source=.env f", ".env"),
    ("diff --from-file=.env f", ".env"), ("git log -p -- .env", ".env"),
])
def test_option_values_that_name_files_are_reads(tmp_path: Path, command: str,
                                                 target: str) -> None:
    """A Read deny rule on ``.env`` catches it when it is the value of an option."""
    (tmp_path / ".env").write_text("SECRET=1\n")
    d = decide(command, tmp_path, settings={"permissions": {"deny": ["Read(./.env)"]}})
    assert d.behavior == "deny", (command, d)


def test_man_is_not_read_only() -> None:
    """``man ./page.1`` formats that file, whose ``.so`` requests can read any file; and the
    oracle saw ``man ls`` write its page cache as root and run its formatting pipeline."""
    assert not an("man ./page.1").read_only
    assert not an("man ls").read_only
    assert any(f.code == "exec-option" for f in an("man -P 'sh -c id' ls").findings)


def test_dereferencing_recursion_reads_unknown_files(tmp_path: Path) -> None:
    """``grep -R`` follows symlinks met on the way (a link in the project to ~/.aws); with a
    Read deny rule in force it asks.  ``grep -r`` does not follow them."""
    (tmp_path / "src").mkdir()
    rules = {"permissions": {"deny": ["Read(~/.aws/**)"]}}
    assert decide("grep -R key src", tmp_path, settings=rules).behavior == "ask"
    assert decide("grep -r key src", tmp_path, settings=rules).behavior == "allow"


# -- family 3: options that run programs ------------------------------------------------

@pytest.mark.parametrize("command", [
    "git grep -O x", "git grep --open-files-in-pager=sh x", "git --paginate log",
    "git -c core.pager=sh log", "git -c core.fsmonitor=./x status", "git -c alias.st=!sh st",
    "sort --compress-program=sh f", "tar -I 'sh -c id' -xf a.tar", "tar --to-command=sh -xf a",
    "tar --checkpoint-action=exec=sh -cf a.tar b", "rg -z foo", "rg --search-zip foo",
    "rg --pre ./x foo", "man -C ./conf ls", "go test -exec ./x ./...",
    "npm --script-shell=./x test", "cargo --config 'target.x.runner=\"./x\"' test",
    "pytest -p evil", "python -m pytest -p evil", "pytest --basetemp=/tmp/x",
    "git config core.fsmonitor './x'", "git config core.pager less",
    "git config --global user.name me", "git config alias.st '!sh'",
    "git push --receive-pack=./x origin", "git fetch --upload-pack=./x origin",
    "git push --exec=./x origin", "python3 -c 'import subprocess; subprocess.run([\"id\"])'",
    "node -e 'require(\"child_process\").execSync(\"id\")'", "perl -e 'system(\"id\")'",
    "ruby -e '`id`'", "python -c 'import socket; socket.socket()'",
])
def test_options_that_run_programs_ask_even_under_an_allow_rule(tmp_path: Path,
                                                                command: str) -> None:
    """A prefix allow rule for the program does not approve an option that runs a program."""
    program = command.split()[0]
    rules = [f"Bash({program} *)", f"Bash({' '.join(command.split()[:2])} *)"]
    d = decide(command, tmp_path, settings={"permissions": {"allow": rules}})
    assert d.behavior == "ask", (command, d)
    assert any(f.code == "exec-option" for f in an(command).findings), command


def test_an_exact_allow_rule_still_approves_an_exec_option(tmp_path: Path) -> None:
    """As for ``find -exec`` (REF §2.3), the user may approve the exact command text."""
    command = "sort --compress-program=gzip big.txt"
    d = decide(command, tmp_path, settings={"permissions": {"allow": [f"Bash({command})"]}})
    assert d.behavior == "allow"


def test_harmless_git_config_values_keep_git_read_only(tmp_path: Path) -> None:
    """``git -c color.ui=never log`` only changes output."""
    assert an("git -c color.ui=never log").read_only
    assert not an("git -c core.pager=cat log").read_only


# -- family 4: global options never hide a subcommand -----------------------------------

@pytest.mark.parametrize(("command", "rule"), [
    ("git --no-pager push origin main", "Bash(git push *)"),
    ("git -C . push", "Bash(git push *)"),
    ("git --literal-pathspecs push", "Bash(git push:*)"),
    ("docker --debug run alpine", "Bash(docker run *)"),
    ("docker -H unix:///x run alpine", "Bash(docker run *)"),
    ("npm --silent publish", "Bash(npm publish *)"),
    ("npm --loglevel silent publish", "Bash(npm publish *)"),
])
def test_global_options_do_not_hide_a_subcommand_from_deny_rules(tmp_path: Path, command: str,
                                                                 rule: str) -> None:
    """Deny rules see the command with its global options removed."""
    d = decide(command, tmp_path, settings={"permissions": {"deny": [rule]}})
    assert d.behavior == "deny", (command, d)


@pytest.mark.parametrize("command", ["git --git-dir=/tmp/x status", "git --work-tree=/ status",
                                     "git --exec-path=/tmp log", "git -C /tmp status",
                                     "make -C /tmp", "make -f /tmp/Makefile",
                                     "npm --prefix /tmp test"])
def test_options_that_change_where_a_program_looks_ask(tmp_path: Path, command: str) -> None:
    """These point the program at other configuration: never read-only, and a prefix allow
    rule does not approve them."""
    program = command.split()[0]
    d = decide(command, tmp_path, settings={"permissions": {"allow": [f"Bash({program} *)"]}})
    assert d.behavior == "ask", (command, d)


# -- family 5: program identity ---------------------------------------------------------

@pytest.mark.parametrize("command", ["./cat f", "bin/ls", "node_modules/.bin/grep x f",
                                     "/tmp/x/rg foo", "../ls", "'git status'",
                                     "bash -lc \"'git status'\"", "'ls -la'"])
def test_a_path_to_a_program_is_another_program(command: str) -> None:
    assert not an(command).read_only, command


def test_system_paths_are_the_program() -> None:
    assert an("/bin/ls -la").read_only
    assert an("/usr/bin/cat f").read_only


def test_a_name_path_finds_inside_the_project_is_not_read_only(tmp_path: Path,
                                                               monkeypatch) -> None:
    """With the project's ``bin`` first on PATH, ``cat`` there is the project's program:
    neither the read-only allowance nor a bare-name allow rule applies."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "cat"
    fake.write_text("#!/bin/sh\necho pwned\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    assert behavior("cat f", tmp_path) == "allow"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert behavior("cat f", tmp_path) == "ask"
    d = decide("cat f", tmp_path, settings={"permissions": {"allow": ["Bash(cat *)"]}})
    assert d.behavior == "ask"


def test_a_function_defined_earlier_is_not_the_program(tmp_path: Path) -> None:
    assert behavior("cat() { rm -rf .; }; cat f", tmp_path) == "ask"


# -- family 6: builtins that evaluate code ----------------------------------------------

@pytest.mark.parametrize("command", [
    "test -v 'a[$(id)]'", "[ -v 'a[$(id)]' ]", "declare 'a[$(id)]=1'",
    "printf -v 'a[`id`]' x", "read 'a[$(id)]' < f", "let 'a[$(id)]=1'",
    "export 'a[$(id)]=1'", "unset 'a[$(id)]'",
])
def test_subscripts_holding_code_are_code(tmp_path: Path, command: str) -> None:
    """Single quotes hide the substitution from the parse, but bash evaluates the subscript."""
    a = an(command)
    assert any(f.code == "subscript-code" for f in a.findings), command
    d = decide(command, tmp_path, settings={"permissions": {"allow": ["Bash"]}})
    assert d.behavior == "ask"


def test_plain_test_stays_read_only() -> None:
    assert an("test -f README.md").read_only
    assert an("[ -d src ]").read_only


# -- family 7: paths resolved as the kernel resolves them -------------------------------

def test_dotdot_after_a_symlink_goes_up_from_the_target(tmp_path: Path) -> None:
    """``gd/../hooks/x`` with ``gd -> .git/objects`` lands in ``.git/hooks``: protected."""
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "hooks").mkdir()
    (tmp_path / "gd").symlink_to(tmp_path / ".git" / "objects")
    d = decide("echo x > gd/../hooks/pre-commit", tmp_path, mode="acceptEdits")
    assert d.behavior == "ask" and "protected" in d.reason, d
    assert behavior("touch notes.txt", tmp_path, mode="acceptEdits") == "allow"


def test_a_shipped_symlink_into_claude_is_protected(tmp_path: Path) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / "cl").symlink_to(tmp_path / ".claude")
    d = decide("echo '{}' > cl/settings.json", tmp_path, mode="acceptEdits")
    assert d.behavior == "ask", d


def test_a_link_made_earlier_in_the_command_is_followed(tmp_path: Path) -> None:
    for command in ("ln -s .git/hooks h && echo x > h/pre-commit",
                    "cp -s .claude/settings.json s && echo x > s",
                    "ln .bashrc b; echo x >> b"):
        d = decide(command, tmp_path, settings={"permissions": {"allow": [
            "Bash(ln *)", "Bash(cp *)", "Bash(echo *)", "Edit(./**)"]}})
        assert d.behavior == "ask", (command, d)


def test_a_file_with_other_hard_links_asks(tmp_path: Path) -> None:
    """A hard link made by an earlier call: writing it writes the original too."""
    original = tmp_path / "outside.txt"
    original.write_text("x")
    os.link(original, tmp_path / "alias.txt")
    d = decide("touch alias.txt", tmp_path, mode="acceptEdits")
    assert d.behavior == "ask" and "hard link" in d.reason
    assert behavior("touch plain.txt", tmp_path, mode="acceptEdits") == "allow"


def test_writes_outside_the_working_directories_ask_in_accept_edits(tmp_path: Path) -> None:
    work = tmp_path / "proj"
    work.mkdir()
    (work / "out").symlink_to(tmp_path)
    assert behavior("echo x > out/evil", work, mode="acceptEdits") == "ask"
    assert behavior("echo x > ../evil", work, mode="acceptEdits") == "ask"


# -- family 8: git's own discovery ------------------------------------------------------

def test_a_hostile_repository_config_makes_git_not_read_only(tmp_path: Path) -> None:
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "refs").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    config = tmp_path / ".git" / "config"
    config.write_text("[core]\n\trepositoryformatversion = 0\n")
    assert behavior("git status", tmp_path) == "allow"
    config.write_text("[core]\n\tfsmonitor = ./evil.sh\n")
    st = config.stat()
    os.utime(config, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000))
    d = decide("git status", tmp_path)
    assert d.behavior == "ask" and "fsmonitor" in d.reason, d


@pytest.mark.parametrize("target", ["HEAD", "refs/heads/x", "objects/ab", ".git/commondir",
                                    ".git/modules/sub/config", "sub/.git"])
def test_writing_git_discovery_files_is_protected(tmp_path: Path, target: str) -> None:
    d = decide(f"mkdir -p $(dirname {target}); echo x > {target}", tmp_path,
               mode="acceptEdits")
    assert d.behavior == "ask", (target, d)
    d = decide(f"echo x > {target}", tmp_path, mode="acceptEdits")
    assert d.behavior == "ask", (target, d)


# -- family 10: MCP rule names match whole segments -------------------------------------

def test_mcp_rule_names_match_whole_segments(tmp_path: Path) -> None:
    allow = {"permissions": {"allow": ["mcp__github"]}}
    ok = evaluate("mcp__github__get_issue", {}, cwd=tmp_path, settings=allow, discover=False)
    other = evaluate("mcp__github___get_issue", {}, cwd=tmp_path, settings=allow,
                     discover=False)
    other2 = evaluate("mcp__githubx__get_issue", {}, cwd=tmp_path, settings=allow,
                      discover=False)
    assert ok.behavior == "allow"
    assert other.behavior == "ask" and other2.behavior == "ask"
    deny = {"permissions": {"deny": ["mcp__github"]}}
    assert evaluate("mcp__github___x", {}, cwd=tmp_path, settings=deny,
                    discover=False).behavior == "deny"


# -- family 11: acceptEdits keeps prompting for commands with side effects -------------

@pytest.mark.parametrize("command", ["mkdir -p build/out", "touch notes.txt", "cp a.txt b.txt",
                                     "mv a.txt c.txt", "sed -i s/a/b/ a.txt",
                                     "touch build/*.o"])
def test_accept_edits_approves_file_changes_inside(tmp_path: Path, command: str) -> None:
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "build").mkdir()
    assert behavior(command, tmp_path, mode="acceptEdits") == "allow", command


@pytest.mark.parametrize("command", ["rm a.txt", "rmdir build", "rm -f build/*.o",
                                     "find . -name '*.o' -delete", "touch ../x",
                                     "cp a.txt /tmp/x", "touch .git/x", "touch .g*/x"])
def test_accept_edits_keeps_prompting(tmp_path: Path, command: str) -> None:
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "build").mkdir()
    assert behavior(command, tmp_path, mode="acceptEdits") == "ask", command


# -- family 12: false positives removed -------------------------------------------------

@pytest.mark.parametrize("command", ["echo '' x", "printf '%s' ''", "echo \"a\\\\b\"",
                                     "bash -c 'ls && pwd'", "bash -lc 'ls && pwd'",
                                     "sh -c 'cat README.md'", "zsh -lc 'git status'"])
def test_false_positives_are_gone(tmp_path: Path, command: str) -> None:
    assert behavior(command, tmp_path) == "allow", (command, decide(command, tmp_path))


def test_bash_c_is_judged_as_its_script(tmp_path: Path) -> None:
    assert behavior("bash -c 'rm -rf build'", tmp_path) == "ask"
    assert behavior("bash --rcfile ./x -c ls", tmp_path) == "ask"
    assert behavior("bash -c \"$CMD\"", tmp_path) == "ask"


# -- warden check --jsonl: cases can hold symlinks and hard links -----------------------

def test_check_cases_can_create_symlinks_and_hard_links() -> None:
    """A case reproduces a cloned repository's link into .git and a hard link to a dotfile;
    the first write asks as protected, the second as a file with other hard links."""
    from tui.check import CaseError, run_case

    base = {"tool": "Bash", "mode": "acceptEdits", "settings": {}}
    linked = run_case({**base, "input": {"command": "touch gd/../config"},
                       "files": {".git/hooks/x": "", "gd": {"symlink": ".git/hooks"}}})
    assert linked["decision"] == "ask" and ".git" in linked["reason"]
    hard = run_case({**base, "input": {"command": "touch alias"},
                     "files": {"original": "x", "alias": {"hardlink": "original"}}})
    assert hard["decision"] == "ask" and "hard link" in hard["reason"]
    with pytest.raises(CaseError, match="hard link"):
        run_case({**base, "input": {"command": "true"}, "files": {"a": {"hardlink": "nope"}}})


def test_git_reads_stay_allowed_in_an_ordinary_repository(tmp_path: Path) -> None:
    """A repository made by ``git init`` (its own config only sets format keys): git status,
    diff, log and show still run without a prompt."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for command in ("git status", "git diff", "git log --oneline -5", "git show HEAD",
                    "git status --short | head -5"):
        assert behavior(command, tmp_path) == "allow", command
