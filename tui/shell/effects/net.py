"""Handlers for programs that reach the network (SPEC §4 network commands, REF §7.1)."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from tui.shell import argspec
from tui.shell.data import (
    NETWORK_SUBCOMMANDS,
)
from tui.shell.effects.base import (
    Ctx,
    host_of_url,
    host_of_userhost,
    lit,
)
from tui.shell.options import OptSpec


def handle_curl(ctx: Ctx) -> None:
    """curl: the URLs reached, -o/-O/-c/-D files written, -T/-d @file/-F @file read."""
    parsed = ctx.parsed(argspec.SPECS["curl"][0])
    urls = [a.value for a in parsed.operands] + parsed.get("--url")
    hosts = [host_of_url(u) for u in urls]
    ctx.net(" ".join(urls) or "(URL from arguments)", hosts)
    for arg in parsed.get_args("-o", "--output"):
        if arg.value != "-":
            ctx.write(arg, "curl -o")
    if parsed.has("-O", "--remote-name", "--remote-name-all"):
        outdir = (parsed.get("--output-dir") or [""])[-1]
        for u in urls:
            name = os.path.basename(urlsplit(u).path) if "://" in u else os.path.basename(u)
            ctx.write(os.path.join(outdir, name or "index.html"), "curl -O")
    for name in ("-c", "--cookie-jar", "-D", "--dump-header", "--trace", "--trace-ascii",
                 "--stderr", "--libcurl", "--etag-save", "--hsts", "--alt-svc"):
        for arg in parsed.get_args(name):
            if arg.value != "-":
                ctx.write(arg, f"curl {name}")
    for name in ("-T", "--upload-file", "-K", "--config", "--netrc-file", "--etag-compare"):
        for arg in parsed.get_args(name):
            if arg.value != "-":
                ctx.read(arg, f"curl {name}")
    for name in ("-d", "--data", "--data-binary", "--data-ascii", "--data-urlencode", "--json",
                 "-F", "--form"):
        for v in parsed.get(name):
            _, _, after = v.partition("@") if name not in ("-F", "--form") else \
                v.partition("=")
            if name in ("-F", "--form"):
                after = after[1:] if after[:1] in ("@", "<") else ""
            if after and after != "-":
                ctx.target(lit(after.split(";", 1)[0]), f"curl {name}", "read")
    if not any(t.kind == "write" for t in ctx.out.targets):
        ctx.out.info.append("standard output")


def handle_wget(ctx: Ctx) -> None:
    """wget: the URLs reached, downloads written, -i/--post-file read."""
    parsed = ctx.parsed(argspec.SPECS["wget"][0])
    urls = [a.value for a in parsed.operands]
    ctx.net(" ".join(urls) or "(URLs from a file)", [host_of_url(u) for u in urls])
    docs = parsed.get_args("-O", "--output-document")
    prefix = (parsed.get("-P", "--directory-prefix") or [""])[-1]
    if docs:
        for arg in docs:
            if arg.value != "-":
                ctx.write(arg, "wget -O")
    elif parsed.has("-r", "--recursive", "-m", "--mirror"):
        for u in urls:
            ctx.write(os.path.join(prefix, host_of_url(u) or "."), "wget -r")
    else:
        for u in urls:
            name = os.path.basename(urlsplit(u if "://" in u else "//" + u).path)
            ctx.write(os.path.join(prefix, name or "index.html"), "wget")
    for name in ("-o", "--output-file", "-a", "--append-output", "--save-cookies"):
        for arg in parsed.get_args(name):
            ctx.write(arg, f"wget {name}")
    for name in ("-i", "--input-file", "--post-file", "--body-file", "--load-cookies"):
        for arg in parsed.get_args(name):
            if arg.value != "-":
                ctx.read(arg, f"wget {name}")


def handle_ssh(ctx: Ctx) -> None:
    """ssh: the host reached; a remote command runs there."""
    parsed = ctx.parsed(argspec.SPECS["ssh"][0])
    ops = parsed.operands
    host = host_of_userhost(ops[0].value) if ops else ""
    ctx.net(ops[0].value if ops else "", [host])
    for arg in parsed.get_args("-i", "-F"):
        ctx.read(arg, "ssh")
    if len(ops) > 1:
        ctx.out.executes.append(f"on {host}: " + " ".join(a.value for a in ops[1:]))


_REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|[^/:]*[^/:\\]::?)")


def handle_scp_like(ctx: Ctx) -> None:
    """scp/rsync: remote operands reached; local ones read or written."""
    prog = ctx.program
    parsed = ctx.parsed(argspec.SPECS[prog][0])
    ops = parsed.operands
    remote = [a for a in ops if _REMOTE.match(a.value) and not a.value.startswith("/")]
    if prog == "rsync" and not remote:
        for src in ops[:-1]:
            ctx.read(src, "rsync")
        if len(ops) >= 2:
            ctx.write(ops[-1], "rsync")
        if parsed.has("--delete", "--delete-after", "--delete-before", "--delete-during",
                      "--remove-source-files"):
            ctx.out.notes.append("deletes files")
        return
    hosts = [host_of_url(a.value) if "://" in a.value else host_of_userhost(a.value)
             for a in remote]
    ctx.net(" ".join(a.value for a in remote) or "(remote)", hosts)
    local = [a for a in ops if a not in remote]
    if ops and ops[-1] in local and len(ops) >= 2:
        ctx.write(ops[-1], prog)
        local = local[:-1]
    for a in local:
        ctx.read(a, prog)
    for arg in parsed.get_args("-i", "-F"):
        ctx.read(arg, prog)


def handle_simple_net(ctx: Ctx) -> None:
    """nc, dig, ping, socat, mail...: the host or addresses reached."""
    spec = argspec.SPECS.get(ctx.program, (OptSpec(), "-"))[0]
    parsed = ctx.parsed(spec)
    ops = [a.value for a in parsed.operands]
    prog = ctx.program
    if prog == "dig":
        names = [o.lstrip("@") for o in ops if not o.startswith("+")]
        ctx.net(" ".join(ops), names[:2])
        return
    if prog == "socat":
        hosts = []
        for o in ops:
            m = re.match(r"(?i)^(?:tcp|udp|tcp4|tcp6|udp4|udp6|openssl|ssl|proxy)[^:]*:"
                         r"([^:,]+)", o)
            if m:
                hosts.append(m.group(1))
        ctx.net(" ".join(ops), hosts)
        for o in ops:
            if re.match(r"(?i)^(exec|system):", o):
                ctx.out.executes.append(o)
        return
    if prog in ("mail", "mailx", "sendmail", "mutt"):
        ctx.net(" ".join(ops), [o.rsplit("@", 1)[-1] for o in ops if "@" in o])
        ctx.out.info.append("standard input")
        return
    if prog in ("sshpass",):
        ctx.net(" ".join(ops[:2]), [])
        return
    host = ops[0] if ops else ""
    h = host_of_url(host) if "://" in host else host_of_userhost(host) if host else ""
    ctx.net(" ".join(ops) if ops else "", [h])


def handle_openssl(ctx: Ctx) -> None:
    """openssl: s_client/s_server reach the network; -in read, -out written."""
    sub = ctx.args[0].value if ctx.args else ""
    ctx.out.subcommand = sub
    if sub in ("s_client", "s_server", "s_time", "ocsp"):
        hosts = []
        for k, a in enumerate(ctx.args):
            if a.value == "-connect" and k + 1 < len(ctx.args):
                hosts.append(ctx.args[k + 1].value.rsplit(":", 1)[0])
        ctx.net(sub, hosts)
    for k, a in enumerate(ctx.args):
        if a.value in ("-in", "-inkey", "-key", "-CAfile", "-cert") and k + 1 < len(ctx.args):
            ctx.read(ctx.args[k + 1], "openssl")
        if a.value == "-out" and k + 1 < len(ctx.args):
            ctx.write(ctx.args[k + 1], "openssl -out")


def handle_package_network(ctx: Ctx) -> None:
    """Package managers and friends: network only in NETWORK_SUBCOMMANDS."""
    words = [a.value for a in ctx.args if not a.value.startswith("-")]
    subs = NETWORK_SUBCOMMANDS.get(ctx.program, frozenset())
    first = words[0] if words else ""
    two = " ".join(words[:2])
    if ctx.program == "pacman":
        flags = [a.value for a in ctx.args if a.value.startswith("-S")]
        if flags:
            ctx.net(" ".join(a.value for a in ctx.args))
        return
    ctx.out.subcommand = first
    if "*" in subs or first in subs or two in subs:
        ctx.net(" ".join(a.value for a in ctx.args).strip())
