"""A compiled helper that applies the Unix-socket filter, for sandboxed commands with network.

The network relay inside the sandbox needs ``socket(AF_UNIX)`` to reach the host proxy, so the
filter cannot be given to bubblewrap for the whole sandbox; it is applied just before the
user's command by a helper (REF §6.3: srt's ``apply-seccomp``).  A Python helper works
everywhere but costs a Python start-up (~10 ms here) on every command; this module compiles a
40-line C helper once with the system C compiler into the user cache directory and uses it
when it builds.  Same contract as the Python one (``tui.sandbox.bwrap.filter_helper_argv``):
``HELPER <filter as hex> [--wait-listen=ADDR:PORT] PROGRAM ARGS...``; exit 126 without running
anything when the filter cannot be applied (fail closed).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

SOURCE = r"""
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
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
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
        fputs("warden: could not apply the Unix-socket filter; not running\n", stderr);
        return 126;
    }
    int first = 2;
    if (strncmp(argv[2], "--wait-listen=", 14) == 0) {
        char want[64];
        snprintf(want, sizeof want, " %s ", argv[2] + 14);
        first = 3;
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


def helper_argv(program: bytes) -> tuple[str, ...] | None:
    """``(helper, program-hex)`` for the compiled helper, or None when it cannot be built."""
    path = compiled_helper()
    return None if path is None else (path, program.hex())
