"""Each published data set of the shell analyser, with a test (SPEC §4 "published ... each with
a test").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.shell import analyze
from tui.shell.data import (
    CRITICAL_PATHS,
    DESTRUCTIVE_GIT,
    EXEC_WRAPPERS,
    GIT_READ_ONLY_SUBCOMMANDS,
    INTERPRETER_CODE_FLAGS,
    NETWORK_COMMANDS,
    NETWORK_SUBCOMMANDS,
    PRIVILEGE_WRAPPERS,
    READ_ONLY_COMMANDS,
    SAFE_ENV_VARS,
    SED_SCRIPT_WRITE_OR_EXEC,
    SUSPICIOUS_CONSTRUCTS,
    WRAPPERS,
    is_safe_env_var,
)
from tui.shell.registry import REGISTRY
from tui.shell.registry.core import NOT_READ_ONLY

CWD = Path("/home/u/proj")


def an(command: str):  # noqa: ANN201
    # home inside the working directories so that a bare "cd" stays inside them
    return analyze(command, cwd=CWD, home=CWD, working_dirs=(CWD,))


@pytest.mark.parametrize("program", sorted(READ_ONLY_COMMANDS))
def test_every_read_only_command_without_args_is_read_only(program: str) -> None:
    a = an(program)
    assert a.ok, a.fail_reason
    assert a.read_only, (program, a)


def test_read_only_set_has_the_ref_examples() -> None:
    for name in ("ls", "cat", "echo", "pwd", "head", "tail", "grep", "find", "wc", "which",
                 "diff", "stat", "du", "cd", "git"):
        assert name in READ_ONLY_COMMANDS


def test_read_only_set_has_nothing_that_writes_or_reaches_out() -> None:
    for name in ("rm", "mv", "cp", "tee", "touch", "mkdir", "curl", "wget", "bash", "sh",
                 "xargs", "awk", "python", "node", "make", "npm", "dig", "ping", "ssh", "xxd"):
        assert name not in READ_ONLY_COMMANDS


@pytest.mark.parametrize("sub", sorted(GIT_READ_ONLY_SUBCOMMANDS))
def test_git_read_only_subcommands(sub: str) -> None:
    a = an(f"git {sub}" if sub not in ("stash", "worktree") else f"git {sub} list")
    assert a.read_only, (sub, a)


def _option_cases() -> list[tuple[str, str, str]]:
    """(program, option spelling, effect) for every harmful option of every read-only entry."""
    out = []
    for name, prog in sorted(REGISTRY.items()):
        if not prog.read_only or name in ("find", "env"):
            continue  # find's actions and env -S have their own tests (handlers, wrappers)
        for opt in prog.options:
            if opt.effect in NOT_READ_ONLY or opt.effect == "chdir":
                out.extend((name, n, opt.effect) for n in opt.names)
    return out


def _command_with(program: str, spelling: str) -> str:
    from tui.shell.registry.core import Opt  # noqa: F401 - documents what the table holds

    entry = REGISTRY[program]
    opt = entry.short(spelling[1:]) if not spelling.startswith("--") else \
        entry.long(spelling[2:])[0]
    assert opt is not None
    if opt.arity == 1:
        word = f"{spelling}=/elsewhere/x" if spelling.startswith("--") else \
            f"{spelling} /elsewhere/x"
    elif opt.arity == 2:
        word = f"{spelling}=x" if spelling.startswith("--") else f"{spelling}x"
    else:
        word = spelling
    if program == "git":
        return f"git {word} status"
    if program.startswith("git "):
        return f"{program} {word}"
    if program == "date":
        return f"date {word} +%s"
    return f"{program} {word} f"


@pytest.mark.parametrize(("program", "spelling", "effect"), _option_cases())
def test_every_harmful_option_makes_its_command_not_read_only(program: str, spelling: str,
                                                              effect: str) -> None:
    """Each option the registry marks as writing, running, deleting, configuring or moving
    where the program looks makes the command ask; an exec option also gives the finding that
    only an exact allow rule can pass."""
    command = _command_with(program, spelling)
    a = an(command)
    assert not a.read_only, command
    if effect == "exec":
        assert any(f.code == "exec-option" for f in a.findings), command


@pytest.mark.parametrize(("program", "spelling"), [
    ("sed", "--in-pl"), ("sed", "--in-place"), ("sort", "--compress-prog"),
    ("sort", "--out"), ("tree", "-o"), ("git grep", "--open-files"),
])
def test_abbreviated_or_attached_harmful_options_are_resolved(program: str,
                                                              spelling: str) -> None:
    """Long options are resolved to their canonical name before any check (getopt_long and
    git's parse-options accept unique prefixes)."""
    command = f"{program} {spelling}=x f" if spelling.startswith("--") else \
        f"{program} {spelling}x f"
    assert not an(command).read_only, command


@pytest.mark.parametrize("script", ["s/a/b/w out", "1w out", "1W out", "1e id", "s/a/id/e"])
def test_sed_script_commands_are_not_read_only(script: str) -> None:
    assert not an(f"sed '{script}' f").read_only
    assert SED_SCRIPT_WRITE_OR_EXEC


@pytest.mark.parametrize("name", sorted(SAFE_ENV_VARS))
def test_safe_env_vars_keep_read_only(name: str) -> None:
    assert is_safe_env_var(name)
    a = an(f"{name}=x ls")
    assert a.read_only
    assert a.commands[0].env == ((name, "x"),)


@pytest.mark.parametrize("name", ["PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES",
                                  "PYTHONPATH", "PYTHONSTARTUP", "NODE_OPTIONS", "BASH_ENV", "ENV",
                                  "IFS", "GIT_SSH_COMMAND", "GIT_EXTERNAL_DIFF", "GIT_DIR",
                                  "PAGER", "EDITOR", "HOME", "SHELLOPTS", "PERL5OPT", "RUBYOPT",
                                  "PYTHONWARNINGS", "GOFLAGS", "TMPDIR", "PROMPT_COMMAND"])
def test_dangerous_env_vars_are_not_safe(name: str) -> None:
    assert name not in SAFE_ENV_VARS
    assert not an(f"{name}=x ls").read_only


@pytest.mark.parametrize(("command", "read_only"), [
    ("env", True),  # prints the environment
    ("env -i ls", True),
    ("env x", False),  # runs x, which Warden does not model as read-only
    ("env rm -rf x", False),
    ("env A=1 rm x", False),
])
def test_env_is_judged_by_the_command_it_runs(command: str, read_only: bool) -> None:
    """The case a missing comma once hid (``"env " "x"`` read as ``"env x"``, so neither ``env``
    nor ``x`` was checked): ``env`` alone is read-only; with a command it is a wrapper and the
    command decides."""
    assert an(command).read_only is read_only


@pytest.mark.parametrize("name", sorted(WRAPPERS))
def test_every_wrapper_is_stripped(name: str) -> None:
    prefix = {"timeout": "timeout 5", "flock": "flock /tmp/lock", "nice": "nice -n 1",
              "env": "env A=1", "chroot": "chroot /mnt"}.get(name, name)
    a = an(f"{prefix} rm -rf x")
    assert a.ok, a.fail_reason
    cmd = a.commands[-1]
    assert cmd.argv == ("rm", "-rf", "x"), cmd
    assert name in cmd.wrappers
    if WRAPPERS[name].exec_style:
        assert cmd.origin == name
    if name in EXEC_WRAPPERS:
        assert any(f.code == "exec-wrapper" and name in f.reason for f in a.findings)
    if name in PRIVILEGE_WRAPPERS:
        assert any(f.code == "privileged" for f in a.findings)


def test_spec_wrapper_list_is_complete() -> None:
    for name in ("env", "command", "exec", "nohup", "nice", "timeout", "time", "stdbuf", "sudo",
                 "doas", "watch", "setsid", "flock", "ionice", "noglob", "builtin", "xargs"):
        assert name in WRAPPERS


@pytest.mark.parametrize("program", sorted(NETWORK_COMMANDS))
def test_no_network_command_is_read_only(program: str) -> None:
    a = an(f"{program} example.com")
    assert not a.read_only
    assert program not in READ_ONLY_COMMANDS
    if program not in ("rsync", "scp"):  # local forms of these two stay local
        assert a.network, program


def test_network_subcommands() -> None:
    for program, subs in NETWORK_SUBCOMMANDS.items():
        sub = sorted(subs)[-1]
        a = an(f"{program} {sub} x".replace("  ", " "))
        assert not a.read_only, (program, sub)


@pytest.mark.parametrize("program", sorted(p for p, f in INTERPRETER_CODE_FLAGS.items() if f))
def test_interpreter_socket_one_liners(program: str) -> None:
    flag = INTERPRETER_CODE_FLAGS[program][0]
    a = an(f"{program} {flag} 'import socket'")
    assert a.network, program
    assert not an(f"{program} {flag} 'print(1)'").network


def test_suspicious_constructs_cover_the_spec_list() -> None:
    for code in ("command-substitution", "backticks", "process-substitution", "ansi-c-quoting",
                 "ifs", "quoted-flag", "quoted-newline-comment", "line-continuation",
                 "parameter-transformation", "zsh-equals", "invisible-character", "homoglyph",
                 "brace-command", "variable-command", "exec-wrapper"):
        assert code in SUSPICIOUS_CONSTRUCTS
    for code, reason in SUSPICIOUS_CONSTRUCTS.items():
        assert reason.startswith(("Command", "sed")), code
        assert not reason.endswith("."), code


def test_ref_reason_sentences_are_kept_verbatim() -> None:
    assert SUSPICIOUS_CONSTRUCTS["command-substitution"] == \
        "Command contains $() command substitution"
    assert SUSPICIOUS_CONSTRUCTS["backticks"] == \
        "Command contains backticks for command substitution"
    assert SUSPICIOUS_CONSTRUCTS["ansi-c-quoting"] == \
        "Command contains ANSI-C quoting which can hide characters"
    assert SUSPICIOUS_CONSTRUCTS["quoted-flag"] == \
        "Command contains quoted characters in flag names"


def test_descriptive_lists_are_published() -> None:
    assert len(CRITICAL_PATHS) >= 6
    assert any("reset --hard" in d for d in DESTRUCTIVE_GIT)
