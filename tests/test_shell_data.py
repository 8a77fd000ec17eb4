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
    WRITE_OR_EXEC_FLAGS,
    is_safe_env_var,
)

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
    for name in ("rm", "mv", "cp", "tee", "touch", "mkdir", "curl", "wget", "bash", "sh", "env "
                 "x", "xargs", "awk", "python", "node", "make", "npm", "dig", "ping", "ssh"):
        assert name not in READ_ONLY_COMMANDS


@pytest.mark.parametrize("sub", sorted(GIT_READ_ONLY_SUBCOMMANDS))
def test_git_read_only_subcommands(sub: str) -> None:
    a = an(f"git {sub}" if sub not in ("stash", "worktree") else f"git {sub} list")
    assert a.read_only, (sub, a)


@pytest.mark.parametrize(("program", "flag"), [(p, f) for p, flags in
                                               sorted(WRITE_OR_EXEC_FLAGS.items())
                                               for f in flags])
def test_every_write_or_exec_flag_makes_its_command_not_read_only(program: str,
                                                                  flag: str) -> None:
    if program == "git":
        command = {"-c": "git -c core.pager=sh log", "--config-env": "git --config-env=a=B log",
                   "--exec-path": "git --exec-path=/tmp log", "-O": "git grep -O x",
                   "-C": "git -C /elsewhere status", "--git-dir": "git --git-dir=/x status",
                   "--work-tree": "git --work-tree=/x status",
                   "--upload-pack": "git ls-remote --upload-pack=x o"}.get(
            flag, f"git diff {flag}=x" if flag == "--output" else f"git diff {flag}")
    elif program == "find":
        command = f"find . {flag} x" + (" ;" if flag.startswith(("-exec", "-ok")) else "")
    elif program == "sed":
        command = f"sed {flag} script f" if flag in ("-f", "--file") else f"sed {flag} s/a/b/ f"
    elif program == "env":
        command = f"env {flag} 'ls'"
    else:
        command = f"{program} {flag} x y"
    a = an(command)
    assert not a.read_only, command


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
