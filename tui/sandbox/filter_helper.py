"""A compiled helper that applies the Unix-socket filter, for sandboxed commands with network.

The network relay inside the sandbox needs ``socket(AF_UNIX)`` to reach the host proxy, so the
filter cannot be given to bubblewrap for the whole sandbox; it is applied just before the
user's command by a helper (REF §6.3: srt's ``apply-seccomp``).  A Python helper works
everywhere but costs a Python start-up (~10 ms here) on every command; this module compiles a
40-line C helper once with the system C compiler into the user cache directory and uses it
when it builds.  Same contract as the Python one (``tui.sandbox.bwrap.filter_helper_argv``):
``HELPER <filter as hex> [--landlock] [--wait-listen=ADDR:PORT] PROGRAM ARGS...``; exit 126
without running anything when the filter (or the Landlock domain asked for) cannot be applied
(fail closed).

:func:`filter_setup` decides, per command, how the filter is applied (issue 10 item 4):

* with this helper (or the Python one when the relay needs it) in front of the command, and
  the command in a Landlock domain when the kernel has Landlock.  A process in a domain cannot
  ``ptrace``, ``process_vm_writev`` or open ``/proc/PID/mem`` of processes outside it, which
  keeps the command away from the sandbox's own unfiltered processes (bubblewrap's init, pid
  1; the network relay, which holds a Unix socket to the host proxy): without it a command can
  attach to them as the same user and make them open any Unix socket on its behalf.  Tracing
  its own children (``strace``, ``gdb``) still works;
* without Landlock, the seccomp program also refuses ``ptrace``, ``process_vm_readv/writev``
  and ``pidfd_getfd`` (debuggers then fail in the sandbox); ``/proc/PID/mem`` stays open
  (``warden doctor`` says so);
* by bubblewrap itself (``--seccomp FD``) when there is no network and no compiled helper.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SOURCE = r"""
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

/* An empty Landlock domain: creating socket files is the only file access handled (nothing
   else changes), abstract Unix sockets are scoped (ABI 6+).  Being in a domain is what
   matters: processes outside it cannot be traced or have their memory written. */
static int landlock(void) {
    struct { unsigned long long fs, net, scoped; } attr = {1ULL << 9, 0, 0};
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0UL, 1UL);
    if (abi < 1) return -1;
    unsigned long size = 8;
    if (abi >= 6) { attr.scoped = 1ULL; size = sizeof attr; }
    long fd = syscall(__NR_landlock_create_ruleset, &attr, size, 0UL);
    if (fd < 0) return -1;
    long rc = syscall(__NR_landlock_restrict_self, fd, 0UL);
    close((int)fd);
    return rc == 0 ? 0 : -1;
}

static int listening(const char *want) {
    char line[512];
    FILE *fh = fopen("/proc/net/tcp", "r");
    if (!fh) return 1;
    int found = 0;
    while (!found && fgets(line, sizeof line, fh)) {
        char *at = strstr(line, want);
        if (at && strstr(at, " 00000000:0000 0A ")) found = 1;
    }
    fclose(fh);
    return found;
}

int main(int argc, char **argv) {
    if (argc < 3) return 126;
    size_t n = strlen(argv[1]) / 2;
    if (n == 0 || n % 8 != 0) return 126;
    unsigned char *code = malloc(n);
    if (!code) return 126;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(argv[1][2 * i]), lo = hexval(argv[1][2 * i + 1]);
        if (hi < 0 || lo < 0) return 126;
        code[i] = (unsigned char)(hi * 16 + lo);
    }
    struct sock_fprog prog = {(unsigned short)(n / 8), (struct sock_filter *)code};
    int first = 2, want_landlock = 0;
    const char *wait = NULL;
    while (first < argc && strncmp(argv[first], "--", 2) == 0) {
        if (strcmp(argv[first], "--landlock") == 0) want_landlock = 1;
        else if (strncmp(argv[first], "--wait-listen=", 14) == 0) wait = argv[first] + 14;
        else break;
        first++;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fputs("warden: could not apply the Unix-socket filter; not running\n", stderr);
        return 126;
    }
    if (want_landlock && landlock() != 0) {
        fputs("warden: could not apply the Landlock domain; not running\n", stderr);
        return 126;
    }
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
        fputs("warden: could not apply the Unix-socket filter; not running\n", stderr);
        return 126;
    }
    if (wait != NULL) {
        char want[64];
        snprintf(want, sizeof want, " %s ", wait);
        struct timespec pause = {0, 1000000};
        int waited = 0;
        while (!listening(want)) {
            if (++waited > 1000) {
                fputs("warden: the network relay did not start; this command has no network\n",
                      stderr);
                break;
            }
            nanosleep(&pause, NULL);
        }
    }
    if (first >= argc) return 126;
    execv(argv[first], argv + first);
    perror("warden: exec");
    return 127;
}
"""


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("warden")) / "sandbox"


@cache
def compiled_helper() -> str | None:
    """The path of the compiled helper (built on first use), or None without a C compiler.

    The binary is named after the hash of its source, written atomically, and mode 0755.
    """
    digest = hashlib.sha256(SOURCE.encode()).hexdigest()[:16]
    target = _cache_dir() / f"apply-filter-{digest}"
    if target.is_file() and os.access(target, os.X_OK):
        return str(target)
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        src = Path(tmp) / "apply-filter.c"
        out = Path(tmp) / "apply-filter"
        src.write_text(SOURCE, encoding="utf-8")
        try:
            done = subprocess.run([compiler, "-O2", "-o", str(out), str(src)],
                                  capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode != 0 or not out.is_file():
            return None
        os.chmod(out, 0o755)
        os.replace(out, target)
    return str(target)


def helper_argv(program: bytes, *, landlock: bool = False) -> tuple[str, ...] | None:
    """``(helper, program-hex[, "--landlock"])`` for the compiled helper, or None when it
    cannot be built."""
    path = compiled_helper()
    if path is None:
        return None
    return (path, program.hex(), *(("--landlock",) if landlock else ()))


@cache
def landlock_abi() -> int:
    """The kernel's Landlock ABI version (``landlock_create_ruleset(NULL, 0,
    LANDLOCK_CREATE_RULESET_VERSION)``), 0 when Landlock is missing or disabled."""
    import ctypes
    import platform

    if platform.machine().lower() not in ("x86_64", "amd64", "aarch64", "arm64"):
        return 0  # the system-call number below is the same on these (generic table)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        abi = libc.syscall(ctypes.c_long(444), None, ctypes.c_long(0), ctypes.c_long(1))
    except (OSError, AttributeError):
        return 0
    return int(abi) if abi > 0 else 0


@dataclass(frozen=True)
class FilterSetup:
    """How one sandboxed command gets the Unix-socket filter (see the module docstring).

    Attributes:
        prefix: argv placed before ``SHELL -c COMMAND`` (a helper and its arguments); empty
            when bubblewrap applies the filter or there is none.
        seccomp_program: the program for bubblewrap's ``--seccomp FD``, or None.
        network: False when the command must run without network (the filter could not be
            applied after the relay starts: no compiled helper and no ``python3``).
        landlock: the command runs in a Landlock domain.
        notes: sentences for the command's violations (the network was turned off).
    """

    prefix: tuple[str, ...] = ()
    seccomp_program: bytes | None = None
    network: bool = True
    landlock: bool = False
    notes: tuple[str, ...] = ()


def filter_setup(*, network: bool, allow_all_unix_sockets: bool,
                 python: str | None) -> FilterSetup:
    """Choose how the Unix-socket filter is applied to one command (issue 10 item 4).

    Args:
        network: the command gets the network relay (which must start before the filter).
        allow_all_unix_sockets: ``sandbox.network.allowAllUnixSockets``: no filter at all.
        python: a ``python3`` the sandbox can run, for the Python helper; None if none.

    Returns:
        A :class:`FilterSetup`.  Never raises; a helper that cannot be built falls back as
        described in the module docstring.
    """
    from tui.sandbox.bwrap import filter_helper_argv, unix_socket_filter

    if allow_all_unix_sockets:
        return FilterSetup()
    landlock = landlock_abi() >= 1
    program = unix_socket_filter(block_tracing=not landlock)
    if program is None:
        return FilterSetup()
    compiled = helper_argv(program, landlock=landlock)
    if compiled is not None:
        return FilterSetup(prefix=compiled, landlock=landlock)
    if network and python is not None:
        return FilterSetup(prefix=filter_helper_argv(python, program, landlock=landlock),
                           landlock=landlock)
    notes: tuple[str, ...] = ()
    if network:
        notes = (("network unavailable: no python3 to apply the Unix-socket filter after the "
                  "network relay starts (the command ran with no network)"),)
    return FilterSetup(seccomp_program=unix_socket_filter(block_tracing=True), network=False,
                       notes=notes)
