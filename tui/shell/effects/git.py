"""git: read-only forms, network subcommands, writes and destructive forms (SPEC §4).

Choices:

* ``git -C DIR`` is treated like ``cd DIR`` for that one git command: paths resolve against
  DIR, and the command is not read-only when DIR is not the current directory (that
  repository's hooks and config, core.fsmonitor included, would apply; REF §2.4).  ``-C`` is not
  a write target: git itself decides what it writes inside the repository.
* ``--git-dir``, ``--work-tree``, ``--exec-path=``, ``-c`` and ``--config-env`` make any git
  command not read-only.
* Destructive (asks with a warning, SPEC §4): ``reset --hard``; ``checkout`` with ``--``,
  ``.`` or ``-f``; ``switch -f/--discard-changes``; ``restore`` of the working tree (``--staged``
  alone is safe); ``clean -f`` (not with ``-n``); ``push`` with ``-f``, ``--force``,
  ``--force-with-lease``, ``--force-if-includes`` (a lease still overwrites remote history),
  ``--mirror``, ``--delete``, ``--prune``, ``+REFSPEC`` or ``:BRANCH``; ``branch -D`` and
  ``-d -f``; ``stash drop/clear``; ``reflog expire/delete``.
* Network: clone, fetch, pull, push, ls-remote, submodule update/add/sync..., send-email,
  request-pull, ``archive --remote``, ``remote update`` and ``remote show`` (without ``-n``).
"""

from __future__ import annotations

import os

from tui.shell.data import (
    GIT_READ_ONLY_SUBCOMMANDS,
    NETWORK_SUBCOMMANDS,
)
from tui.shell.effects.base import (
    Ctx,
    host_of_url,
    host_of_userhost,
    lit,
)
from tui.shell.options import OptSpec, flag_present, parse_options
from tui.shell.paths import Cwd, resolve_arg
from tui.shell.words import Arg

_GIT_GLOBAL_ARG = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace",
                             "--super-prefix", "--config-env", "--list-cmds", "--attr-source",
                             "--exec-path"})


def handle_git(ctx: Ctx) -> None:
    """git: global options, read-only forms, network, writes and destructive forms."""
    args = ctx.args
    i = 0
    run_dir: Cwd = ctx.cwd
    while i < len(args):
        v = args[i].value
        if not v.startswith("-"):
            break
        name = v.split("=", 1)[0]
        if name in ("--git-dir", "--work-tree", "--exec-path") and ("=" in v or
                                                                  name != "--exec-path"):
            ctx.block(f"git {name} points git at other files")
        if name == "-C" and i + 1 < len(args):
            target = args[i + 1]
            paths = resolve_arg(target, run_dir, ctx.home)
            if any(p is None for p in paths):
                run_dir = None
            else:
                run_dir = tuple(p for p in paths if p is not None)
            if run_dir != ctx.cwd:
                ctx.block("git -C runs git in another directory, whose hooks and config apply")
        if name in _GIT_GLOBAL_ARG and "=" not in v:
            i += 2
        else:
            i += 1
    if not args[i:]:
        return
    sub_arg = args[i]
    sub = sub_arg.value
    rest = args[i + 1:]
    ctx.out.subcommand = sub
    if not sub_arg.static:
        ctx.block("the git subcommand is not known before it runs")
        return
    words = [a.value for a in rest]
    saved_cwd = ctx.cwd
    ctx.cwd = run_dir
    try:
        _git_sub(ctx, sub, rest, words)
    finally:
        ctx.cwd = saved_cwd


def _git_listing_ok(sub: str, rest: list[Arg], words: list[str]) -> bool:
    ops = [w for w in words if not w.startswith("-")]
    flags = [w for w in words if w.startswith("-")]
    if sub == "branch":
        bad = {"-d", "-D", "-m", "-M", "-c", "-C", "--delete", "--move", "--copy", "-u",
               "--set-upstream-to", "--unset-upstream", "--edit-description", "-f", "--force",
               "-t", "--track", "--no-track", "--create-reflog"}
        if any(f.split("=", 1)[0] in bad for f in flags):
            return False
        parsed = parse_options(rest, OptSpec(long_arg=("contains", "no-contains", "merged",
                                                       "no-merged", "sort", "format",
                                                       "points-at", "column")))
        return not parsed.operands or parsed.has("-l", "--list")
    if sub == "tag":
        bad = {"-d", "--delete", "-a", "--annotate", "-s", "--sign", "-m", "--message", "-f",
               "--force", "-u", "--local-user", "-F", "--file", "-e", "--edit"}
        if any(f.split("=", 1)[0] in bad for f in flags):
            return False
        return not ops or "-l" in flags or "--list" in flags
    if sub == "config":
        bad = {"--unset", "--unset-all", "--add", "--replace-all", "--rename-section",
               "--remove-section", "-e", "--edit", "--file", "-f", "--blob"}
        if any(f.split("=", 1)[0] in bad for f in flags):
            return False
        if any(f.startswith("--get") or f in ("-l", "--list") for f in flags):
            return True
        if not ops or ops[0] in ("get", "list"):
            return True
        return len(ops) == 1 and ops[0] not in ("set", "unset", "rename-section",
                                                "remove-section", "edit")
    if sub == "remote":
        return not ops or ops[0] in ("get-url",)
    if sub == "stash":
        return bool(ops) and ops[0] in ("list", "show")
    if sub == "reflog":
        return not ops or ops[0] in ("show", "exists")
    if sub == "worktree":
        return bool(ops) and ops[0] == "list"
    if sub == "notes":
        return not ops or ops[0] in ("list", "show")
    if sub == "submodule":
        return not ops or ops[0] == "status"
    return True


def _git_sub(ctx: Ctx, sub: str, rest: list[Arg], words: list[str]) -> None:
    ops = [w for w in words if not w.startswith("-")]
    # read-only forms
    if sub not in GIT_READ_ONLY_SUBCOMMANDS:
        ctx.block(f"git {sub} is not a read-only git command")
    elif not _git_listing_ok(sub, rest, words):
        ctx.block(f"this form of git {sub} changes the repository")
    for flag in ("--output", "--ext-diff", "--open-files-in-pager"):
        if flag_present(words, flag):
            ctx.block(f"git {flag} writes a file or runs a program")
    if sub == "grep" and flag_present(words, "-O"):
        ctx.block("git grep -O runs a pager program")
    for k, w in enumerate(words):
        if w == "--":
            break  # pathspecs follow: "git log -- --output=x" names a file, writes nothing
        if w.startswith("--output="):
            ctx.write(w.split("=", 1)[1], "git --output")
        elif w in ("--output", "-o") and sub in ("diff", "log", "show", "archive",
                                                 "format-patch") and k + 1 < len(words):
            ctx.write(rest[k + 1], f"git {sub} {w}")
    # reads of file contents
    if sub == "blame" and ops:
        ctx.read(rest[words.index(ops[-1])], "git blame")
    if sub == "diff" and "--no-index" in words:
        for a in rest:
            if not a.value.startswith("-"):
                ctx.read(a, "git diff --no-index")
    if sub in ("show", "cat-file"):
        for o in ops:
            if ":" in o and not o.startswith(":") or o.startswith(":") and len(o) > 1:
                path = o.split(":", 1)[1]
                if path:
                    ctx.read(path, f"git {sub}")
    # network
    net_subs = NETWORK_SUBCOMMANDS["git"]
    two = f"{sub} {ops[0]}" if ops else sub
    if sub in net_subs or two in net_subs or (sub == "archive" and "--remote" in
                                              " ".join(words)):
        if sub == "submodule" and (not ops or ops[0] in ("status", "foreach", "summary")):
            pass
        elif sub == "remote" and not (ops and ops[0] in ("update", "show")) or \
                (sub == "remote" and "-n" in words):
            pass
        else:
            urls = [o for o in ops if "://" in o or "@" in o or o.endswith(".git")]
            hosts = [host_of_url(u) if "://" in u else host_of_userhost(u) for u in urls]
            ctx.net(f"{sub} {' '.join(ops)}".strip(), hosts)
    # writes
    if sub == "clone":
        parsed = parse_options(rest, OptSpec(short_arg="obcju", long_arg=(
            "origin", "branch", "config", "jobs", "upload-pack", "template", "reference",
            "separate-git-dir", "depth", "shallow-since", "shallow-exclude", "filter",
            "server-option", "bundle-uri")))
        if len(parsed.operands) >= 2:
            ctx.write(parsed.operands[1], "git clone")
        elif parsed.operands:
            name = os.path.basename(parsed.operands[0].value.rstrip("/"))
            name = name[:-4] if name.endswith(".git") else name
            ctx.write(name.rsplit(":", 1)[-1] or ".", "git clone")
    elif sub == "init":
        target = [a for a in rest if not a.value.startswith("-")]
        ctx.write(target[0] if target else lit("."), "git init")
    elif sub == "rm" and "--cached" not in words:
        for a in rest:
            if not a.value.startswith("-"):
                ctx.delete(a, "git rm")
    elif sub == "mv":
        for a in rest:
            if not a.value.startswith("-"):
                ctx.write(a, "git mv")
    # destructive
    _git_destructive(ctx, sub, words, ops)


def _git_destructive(ctx: Ctx, sub: str, words: list[str], ops: list[str]) -> None:
    text = " ".join(["git", sub, *words])
    hit = False
    if sub == "reset" and "--hard" in words:
        hit = True
    elif sub == "checkout" and ("--" in words[:-1] or "." in ops or
                                any(w in ("-f", "--force") for w in words)):
        hit = True
    elif sub == "switch" and any(w in ("-f", "--force", "--discard-changes") for w in words):
        hit = True
    elif sub == "restore" and ops and not (("--staged" in words or "-S" in words) and
                                           "--worktree" not in words and "-W" not in words):
        hit = True
    elif sub == "clean" and any(w == "--force" or (w.startswith("-") and not
                                                   w.startswith("--") and "f" in w)
                                for w in words) and not any(w in ("-n", "--dry-run")
                                                            for w in words):
        hit = True
    elif sub == "push" and (any(w in ("-f", "--force", "--mirror", "--delete", "-d",
                                      "--prune") or w.startswith(("--force-with-lease",
                                                                  "--force-if-includes"))
                                for w in words) or any(o.startswith("+") or
                                                       o.startswith(":") for o in ops[1:])):
        hit = True
    elif sub == "branch" and ("-D" in words or (("-d" in words or "--delete" in words) and
                                                ("-f" in words or "--force" in words))):
        hit = True
    elif sub == "stash" and ops and ops[0] in ("drop", "clear"):
        hit = True
    elif sub == "reflog" and ops and ops[0] in ("expire", "delete"):
        hit = True
    if hit:
        ctx.out.destructive.append(text)
