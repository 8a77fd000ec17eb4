"""The shell analyser's published data (SPEC §4, REF §2.3, §2.4, §7.1, §7.2, §11.2).

Everything here is plain data, each entry or group with a comment, so the README can list it and
each set has a test (``tests/test_shell_data.py``).  Claude Code leaves its equivalents
undocumented (REF §12.3); Warden publishes them.
"""

from __future__ import annotations

from typing import NamedTuple

from tui.shell.registry import REGISTRY

# --------------------------------------------------------------------------------------------
# Read-only commands (REF §2.4, issue 9): derived from the program registry
# (tui/shell/registry), where every option of each program is listed with its arity and effect.
# A command is read-only only when every option it is given is known and safe for its program.
# --------------------------------------------------------------------------------------------
READ_ONLY_COMMANDS: frozenset[str] = frozenset(
    name for name, prog in REGISTRY.items() if prog.read_only and " " not in name)

# git subcommands that only read the repository; some only in their listing forms, which
# ``effects.git`` checks: branch, tag, config (reading), remote, stash (list, show), reflog,
# worktree (list), notes (list, show).
GIT_READ_ONLY_SUBCOMMANDS: frozenset[str] = frozenset(
    name[4:] for name in REGISTRY if name.startswith("git "))

# sed script commands that write files or run commands; any of them makes sed not read-only.
SED_SCRIPT_WRITE_OR_EXEC: tuple[str, ...] = (
    "w FILE",      # write pattern space to FILE
    "W FILE",      # write first line of pattern space to FILE
    "e [CMD]",     # run CMD (or the pattern space) through the shell
    "s///w FILE",  # s command's w flag: write substitutions to FILE
    "s///e",       # s command's e flag: run the result as a command
)

# --------------------------------------------------------------------------------------------
# Safe environment variables (REF §2.3): a leading assignment of one of these is stripped
# before allow rules match.  None of them can change which program runs, load code, or move
# where files are written.  Deliberately absent: PATH, LD_*, DYLD_*, PYTHONPATH, PYTHONSTARTUP,
# PYTHONWARNINGS (imports modules), NODE_OPTIONS, NODE_PATH, BASH_ENV, ENV, SHELLOPTS, IFS,
# GIT_* (GIT_SSH_COMMAND, GIT_EXTERNAL_DIFF...), PAGER, EDITOR, HOME, TMPDIR, GOFLAGS,
# NPM_CONFIG_*, PYTEST_ADDOPTS, JAVA_TOOL_OPTIONS, PERL5OPT, RUBYOPT, DJANGO_SETTINGS_MODULE.
# --------------------------------------------------------------------------------------------
SAFE_ENV_VARS: frozenset[str] = frozenset({
    # locale and time zone
    "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "LC_MONETARY",
    "LC_NUMERIC", "LC_TIME", "LC_ADDRESS", "LC_IDENTIFICATION", "LC_MEASUREMENT", "LC_NAME",
    "LC_PAPER", "LC_TELEPHONE", "TZ",
    # terminal and colour
    "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLUMNS",
    "LINES", "GREP_COLOR", "GREP_COLORS", "LS_COLORS", "TIME_STYLE", "CARGO_TERM_COLOR",
    # build and test modes that select behaviour, not code
    "CI", "NODE_ENV", "NODE_NO_WARNINGS", "RAILS_ENV", "RACK_ENV", "MIX_ENV", "APP_ENV",
    # language runtimes: diagnostics and output buffering only
    "RUST_BACKTRACE", "RUST_LOG", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED",
    "PYTHONIOENCODING", "PYTHONHASHSEED", "PYTHONUTF8", "GOOS", "GOARCH", "CGO_ENABLED",
})


# --------------------------------------------------------------------------------------------
# Wrappers (SPEC §4, REF §2.3): stripped before rules match; their name is kept in
# SimpleCommand.wrappers.  "short_arg": short options that take a value; "long_arg": long
# options that take a value; "positional": words consumed before the command (timeout's
# DURATION, flock's lock file); "exec_style": the command is an argument of another program
# (origin is the wrapper's name; watch, setsid, flock and ionice also get an "exec-wrapper"
# finding, sudo, doas and pkexec a "privileged" finding).
# --------------------------------------------------------------------------------------------
class WrapperSpec(NamedTuple):
    """How a wrapper's own options and arguments are laid out before the wrapped command."""

    short_arg: str
    long_arg: tuple[str, ...]
    positional: int
    exec_style: bool


WRAPPERS: dict[str, WrapperSpec] = {
    # env [-i0v] [-u NAME] [-C DIR] [NAME=VALUE]... CMD (-S: split string, fails closed)
    "env": WrapperSpec("uCS", ("unset", "chdir", "split-string", "block-signal",
                               "default-signal", "ignore-signal"), 0, False),
    # command [-p] CMD (command -v/-V is a lookup, not a wrapper)
    "command": WrapperSpec("", (), 0, False),
    # builtin NAME
    "builtin": WrapperSpec("", (), 0, False),
    # exec [-cl] [-a NAME] CMD
    "exec": WrapperSpec("a", (), 0, False),
    # nohup CMD
    "nohup": WrapperSpec("", (), 0, False),
    # nice [-n N | -N] CMD
    "nice": WrapperSpec("n", ("adjustment",), 0, False),
    # timeout [-s SIG] [-k DUR] [--foreground] [--preserve-status] DURATION CMD
    "timeout": WrapperSpec("sk", ("signal", "kill-after"), 1, False),
    # time [-p] [-v] [-f FMT] [-o FILE (a write target)] CMD
    "time": WrapperSpec("fo", ("format", "output"), 0, False),
    # stdbuf [-i MODE] [-o MODE] [-e MODE] CMD
    "stdbuf": WrapperSpec("ioe", ("input", "output", "error"), 0, False),
    # zsh's noglob CMD
    "noglob": WrapperSpec("", (), 0, False),
    # sudo [-u USER] [-g GROUP] [-p PROMPT] [-C N] [-D DIR] ... [VAR=VAL] CMD (options whose
    # value is optional, such as -h[HOST], take it only when attached)
    "sudo": WrapperSpec("ugpCDrtUTc", ("user", "group", "prompt", "close-from",
                                        "chdir", "role", "type", "other-user",
                                        "command-timeout", "login-class"), 0, True),
    # doas [-u USER] [-C CONFIG] CMD
    "doas": WrapperSpec("uC", (), 0, True),
    # watch [-n SECS] [-d] [-x] CMD...; without -x the words are joined and run by sh -c
    "watch": WrapperSpec("nq", ("interval", "equexit"), 0, True),
    # setsid [-cfw] CMD
    "setsid": WrapperSpec("", (), 0, True),
    # flock [-sxun] [-w SECS] [-E N] FILE (CMD... | -c STRING); FILE is created: a write target
    "flock": WrapperSpec("wE", ("timeout", "wait", "conflict-exit-code"), 1, True),
    # ionice [-c CLASS] [-n LEVEL] [-t] CMD (with -p/-P/-u it changes running processes)
    "ionice": WrapperSpec("cnpPu", ("class", "classdata", "pid", "pgid", "uid"), 0, True),
    # --- beyond the SPEC list: programs whose arguments are a command to run (Warden's
    # extension; they all get the "exec-wrapper" or "privileged" finding)
    # busybox APPLET ARGS
    "busybox": WrapperSpec("", (), 0, False),
    # pkexec [--user USER] CMD (runs as root)
    "pkexec": WrapperSpec("", ("user",), 0, True),
    # chroot [--userspec U:G] NEWROOT CMD
    "chroot": WrapperSpec("", ("userspec", "groups"), 1, True),
    # strace / ltrace [-e EXPR] [-o FILE] [-p PID] CMD
    "strace": WrapperSpec("abeEIopPsSuUX", ("output", "trace", "signal", "attach", "user",
                                            "env"), 0, True),
    "ltrace": WrapperSpec("aeEnopsuxXAD", ("output",), 0, True),
    # valgrind [--tool=X ...] CMD (its options are all --name=value)
    "valgrind": WrapperSpec("", (), 0, True),
    # unshare / nsenter [-t PID] [-S UID] [-G GID] [-R DIR] [-w DIR] CMD
    "unshare": WrapperSpec("SGRw", ("setuid", "setgid", "root", "wd", "propagation",
                                    "setgroups", "map-user", "map-group"), 0, True),
    "nsenter": WrapperSpec("tSG", ("target", "setuid", "setgid"), 0, True),
    # firejail [--name=value ...] CMD
    "firejail": WrapperSpec("", (), 0, True),
    # systemd-run [-p PROP] [-E ENV] [-u UNIT] CMD
    "systemd-run": WrapperSpec("pEuHM", ("property", "setenv", "unit", "host", "machine",
                                         "description", "slice", "working-directory", "uid",
                                         "gid", "nice"), 0, True),
    # caffeinate [-t SECS] [-w PID] CMD (macOS)
    "caffeinate": WrapperSpec("tw", (), 0, True),
    # xargs [-0rtpx] [-n N] [-I R] [-d D] [-a FILE] CMD: arguments come from standard input
    "xargs": WrapperSpec("EILnPsdaei", ("max-args", "max-lines", "max-procs", "max-chars",
                                        "delimiter", "arg-file", "process-slot-var",
                                        "replace", "eof"), 0, True),
}

# Wrappers that get the "exec-wrapper" finding: a prefix allow rule cannot approve what they
# run (REF §2.3; find -exec/-execdir/-ok/-okdir get it too).
EXEC_WRAPPERS: frozenset[str] = frozenset({"watch", "setsid", "flock", "ionice", "chroot",
                                           "strace", "ltrace", "valgrind", "unshare", "nsenter",
                                           "firejail", "systemd-run", "caffeinate"})

# Wrappers that run the command as another user: "privileged" finding, never read-only.
PRIVILEGE_WRAPPERS: frozenset[str] = frozenset({"sudo", "doas", "pkexec"})

# Shells whose -c string is parsed again as a nested command (SPEC §4).
NESTED_SHELLS: frozenset[str] = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash",
                                           "busybox", "fish", "su", "runuser"})


# --------------------------------------------------------------------------------------------
# Network (SPEC §4 "network commands are blocked by default", REF §7.1): never read-only.
# --------------------------------------------------------------------------------------------
NETWORK_COMMANDS: frozenset[str] = frozenset({
    # fetchers and transfer tools
    "curl", "wget", "aria2c", "axel", "http", "https", "xh", "httpie", "lynx", "links",
    "w3m", "ftp", "lftp", "tftp", "sftp", "scp", "rsync", "rclone", "smbclient",
    # raw sockets and remote shells
    "nc", "ncat", "netcat", "socat", "telnet", "ssh", "mosh", "ssh-copy-id", "sshpass",
    # DNS and reachability (never read-only, SPEC §4)
    "dig", "nslookup", "host", "ping", "ping6", "traceroute", "traceroute6", "tracepath",
    "mtr", "whois", "nmap", "arping",
    # mail
    "mail", "mailx", "sendmail", "mutt",
})

# Programs that reach the network only in some subcommands ("" = with no subcommand at all,
# "*" = always; two words = a subcommand and its first argument).
NETWORK_SUBCOMMANDS: dict[str, frozenset[str]] = {
    # git: talks to remotes
    "git": frozenset({"clone", "fetch", "pull", "push", "ls-remote", "submodule", "send-email",
                      "request-pull", "archive --remote", "remote update", "remote show"}),
    # package managers: download packages or publish them
    "pip": frozenset({"install", "download", "wheel", "index", "search"}),
    "pip3": frozenset({"install", "download", "wheel", "index", "search"}),
    "uv": frozenset({"pip install", "add", "sync", "lock", "tool install", "tool run",
                     "python install"}),
    "uvx": frozenset({"*"}),
    "poetry": frozenset({"install", "add", "update", "lock", "publish"}),
    "npm": frozenset({"install", "i", "ci", "add", "update", "publish", "view", "info",
                      "exec", "audit", "outdated", "login", "pack"}),
    "pnpm": frozenset({"install", "i", "add", "update", "publish", "dlx"}),
    "yarn": frozenset({"install", "add", "upgrade", "publish", "dlx", ""}),
    "npx": frozenset({"*"}),
    "bunx": frozenset({"*"}),
    "cargo": frozenset({"install", "fetch", "publish", "update", "search", "add"}),
    "go": frozenset({"get", "install", "mod download", "mod tidy"}),
    "gem": frozenset({"install", "update", "push", "fetch"}),
    "bundle": frozenset({"install", "update"}),
    "composer": frozenset({"install", "require", "update"}),
    "apt": frozenset({"install", "update", "upgrade", "download"}),
    "apt-get": frozenset({"install", "update", "upgrade", "dist-upgrade", "download",
                          "source"}),
    "yum": frozenset({"install", "update", "upgrade", "makecache"}),
    "dnf": frozenset({"install", "update", "upgrade", "makecache"}),
    "brew": frozenset({"install", "update", "upgrade", "fetch", "tap"}),
    "apk": frozenset({"add", "update", "upgrade", "fetch"}),
    "pacman": frozenset({"-S", "-Sy", "-Syu", "-Syy"}),
    "docker": frozenset({"pull", "push", "login", "search"}),
    "podman": frozenset({"pull", "push", "login", "search"}),
    "gh": frozenset({"*"}),
    "openssl": frozenset({"s_client", "s_server", "s_time", "ocsp"}),
    "conda": frozenset({"install", "create", "update"}),
}

# Interpreters whose one-liner code is checked for sockets (SPEC §4): program -> code flags.
INTERPRETER_CODE_FLAGS: dict[str, tuple[str, ...]] = {
    "python": ("-c",), "python2": ("-c",), "python3": ("-c",), "pypy": ("-c",),
    "pypy3": ("-c",), "perl": ("-e", "-E"), "ruby": ("-e",), "node": ("-e", "--eval", "-p",
    "--print"), "nodejs": ("-e", "--eval", "-p", "--print"), "bun": ("-e", "--eval"),
    "deno": ("eval",), "php": ("-r",), "lua": ("-e",), "Rscript": ("-e",),
    "osascript": ("-e",), "pwsh": ("-c", "-Command"), "powershell": ("-c", "-Command"),
    "tclsh": (), "jshell": (),
}

# Words in interpreter code that open network connections (case-sensitive substrings).
INTERPRETER_NETWORK_MARKERS: tuple[str, ...] = (
    "socket", "urllib", "http", "requests", "fetch(", "Net::", "open-uri", "LWP", "IO::Socket",
    "TCPSocket", "UDPSocket", "net.connect", "net.createConnection", "XMLHttpRequest",
    "WebSocket", "websocket", "ftplib", "smtplib", "telnetlib", "paramiko", "aiohttp", "httpx",
    "fsockopen", "curl", "wget", "Invoke-WebRequest", "Invoke-RestMethod", "Net.WebClient",
    "dns.", "getaddrinfo", "gethostbyname", "require('net')", 'require("net")', "require('tls')",
    "tls.connect", "dgram", "ssl.wrap", "xmlrpc", "pycurl",
)


# Words in interpreter code that start processes, load native code or hide what is imported
# (issue 9, family 3): a one-liner holding one forces a prompt even under an allow rule.
INTERPRETER_PROCESS_MARKERS: tuple[str, ...] = (
    "subprocess", "os.system", "os.popen", "os.exec", "os.spawn", "os.fork", "pty.spawn",
    "posix_spawn", "commands.getoutput", "child_process", "execSync", "spawnSync", "execFile",
    "exec(", "system(", "popen", "IO.popen", "Process.spawn", "Kernel.exec", "fork", "`",
    "%x", "qx", "Runtime.getRuntime", "ProcessBuilder", "Start-Process", "Invoke-Expression",
    "shell_exec", "passthru", "proc_open", "pcntl_exec", "Deno.run", "Deno.Command",
    "Bun.spawn", "ctypes", "cffi", "__import__", "importlib", "eval(", "compile(", "dlopen",
    "process.binding", "require(", "import(", "open3", "Open3", "syscall", "socket",
)

# --------------------------------------------------------------------------------------------
# Suspicious constructs (SPEC §4 list, REF §7.2): code -> the reason shown in the prompt.  Each
# forces a prompt even when an allow rule matches.  "{x}" is replaced with the wrapper's name.
# --------------------------------------------------------------------------------------------
SUSPICIOUS_CONSTRUCTS: dict[str, str] = {
    "command-substitution": "Command contains $() command substitution",
    "backticks": "Command contains backticks for command substitution",
    "process-substitution": "Command contains <() or >() process substitution",
    "ansi-c-quoting": "Command contains ANSI-C quoting which can hide characters",
    "locale-quoting": "Command contains $\"...\" locale quoting, whose text can change at run time",
    "ifs": "Command uses or changes $IFS, which can hide word boundaries",
    "quoted-flag": "Command contains quoted characters in flag names",
    "quoted-newline-comment": "Command contains a quoted newline followed by a #-prefixed line, "
                              "which can hide arguments",
    "line-continuation": "Command contains a line continuation inside a word",
    "parameter-transformation": "Command contains a ${var@P}-style parameter transformation, "
                                "which can run or hide code",
    "indirect-expansion": "Command contains ${!var} indirect expansion, which hides what is "
                          "expanded",
    "zsh-equals": "Command contains a zsh =cmd expansion, which names a program by lookup",
    "invisible-character": "Command contains invisible, control or bidirectional characters",
    "homoglyph": "Command contains non-ASCII look-alike characters in a command name or flag",
    "brace-command": "Command uses brace expansion to build a command name",
    "brace-expansion": "Command uses brace expansion that Warden cannot expand",
    "variable-command": "Command uses a variable or substitution as the command name",
    "glob-command": "Command uses a glob pattern as the command name",
    "heredoc-expansion": "Command contains a here-document whose body is expanded by the shell "
                         "(command substitution or parameter expansion)",
    "nested-expansion": "Command passes a string with variables or substitutions to a shell, "
                        "which parses it again when it runs",
    "exec-wrapper": "Command runs another command through {x}, which a prefix rule cannot "
                    "approve",
    "privileged": "Command runs another command with elevated privileges through {x}",
    "function-definition": "Command defines a shell function, which can change what later "
                           "command names run",
    "sed-exec": "sed script runs shell commands (e command or s///e flag)",
    "unc-path": "Command contains a Windows UNC path, which can leak credentials",
    "dev-tcp": "Command opens a network connection through a /dev/tcp or /dev/udp redirect",
    "assigning-expansion": "Command assigns a variable inside a ${var:=value} expansion",
    "exec-option": "Command option {x} runs another program (or configures one to run), "
                   "which a prefix rule cannot approve",
    "subscript-code": "Command passes {x} an array subscript or arithmetic holding code, "
                      "which the shell evaluates",
}


# --------------------------------------------------------------------------------------------
# Critical-path removals (REF §11.2), implemented in paths.critical_reason: rm/rmdir (and
# find -delete, unlink, shred) of any of these always asks, whatever the rules and mode.
# --------------------------------------------------------------------------------------------
CRITICAL_PATHS: tuple[str, ...] = (
    "the filesystem root /",
    "a top-level directory (/usr, /etc, /home, /data...)",
    "the home directory",
    "a working directory or one of its parents",
    ("a glob directly under a working directory, the root, a top-level directory or the home "
     "directory (rm -rf *, rm -rf ~/*)"),
    "a glob or trailing slash directly under a shell variable (rm -rf \"$DIR\"/*, $DIR/)",
    "Windows drive roots and their top-level directories (C:\\, C:\\Windows)",
)

# Destructive git commands (SPEC §4): they ask with a warning when the repository has
# uncommitted or unpushed work (effects.destructive_git implements them).
DESTRUCTIVE_GIT: tuple[str, ...] = (
    "git reset --hard",
    "git checkout -- PATH / git checkout . / git checkout -f",
    "git switch --discard-changes / -f",
    "git restore PATH (working tree; --staged alone is safe)",
    "git clean -f / --force (not -n/--dry-run)",
    ("git push --force / -f / --force-with-lease / --force-if-includes / +REFSPEC / --mirror "
     "/ --delete / :BRANCH"),
    "git branch -D / --delete --force",
    "git stash drop / clear",
    "git reflog expire / delete",
)


def is_safe_env_var(name: str) -> bool:
    """True when ``NAME=value`` before a command cannot change what runs (SAFE_ENV_VARS)."""
    return name in SAFE_ENV_VARS
