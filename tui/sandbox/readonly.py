"""The read-only sandbox: where commands Warden judged read-only run (issue 10 item 1).

No analysis of Bash is perfect, so a command that Warden runs without asking *because its
analysis judged it read-only* runs in a sandbox that makes that judgement true:

* the whole host file system, working directories included, is mounted read-only
  (``--ro-bind / /``); nothing is bound writable;
* Read deny paths are masked exactly as in the configured sandbox (``filesystem.denyRead`` and
  ``Read(...)`` deny rules, computed again before each command: :func:`refresh_masks`);
* ``/tmp`` is a private, empty tmpfs (``TMPDIR=/tmp``); working directories below ``/tmp`` are
  bound again, read-only, on top of it;
* no network at all: a new network namespace with no relay and no proxy variables, and the
  Unix-socket filter (seccomp) always on, ``allowAllUnixSockets`` notwithstanding;
* the same isolation flags as every sandboxed command (:data:`tui.sandbox.bwrap.FLAGS`).

A write fails with ``EROFS`` and a connection attempt fails; :func:`network_violations` and
:func:`tui.sandbox.runner.write_violations` name them beside the command's output.  Everything
that only reads works: ``git status``, ``git diff`` and ``git log`` included (Bash commands run
with ``GIT_OPTIONAL_LOCKS=0``, so ``git status`` does not refresh the index).

Sources: issue 10 item 1, ``SPEC.md`` §8, REF §6.3 (bubblewrap flags and masks).
"""

from __future__ import annotations

import dataclasses
import re

from tui.sandbox.policy import SandboxPolicy

__all__ = ["MAX_NETWORK_NOTES", "network_violations", "read_only_policy", "why_unavailable"]

MAX_NETWORK_NOTES = 3
"""Most "network blocked" sentences reported for one command."""

_NETWORK = re.compile(
    r"network is unreachable|could not resolve|couldn't resolve|"
    r"temporary failure in name resolution|name or service not known|"
    r"no address associated with hostname|name resolution|failed to resolve|"
    r"getaddrinfo\(\) thread failed|"
    r"connection refused|cannot assign requested address|"
    r"(?:socket|connect)\S*.*operation not permitted|"
    r"operation not permitted.*(?:socket|connect)", re.IGNORECASE)


def read_only_policy(policy: SandboxPolicy) -> SandboxPolicy:
    """The read-only profile of ``policy``: same working directories, masks, ``bwrapPath`` and
    ``/proc`` choice; nothing writable; file-system isolation and the Unix-socket filter always
    on, whatever ``filesystem.disabled`` and ``allowAllUnixSockets`` say; no domains."""
    return dataclasses.replace(
        policy, enabled=True, write_paths=(), deny_write=(), filesystem_disabled=False,
        allow_all_unix_sockets=False, allowed_domains=(), denied_domains=())


def why_unavailable(policy: SandboxPolicy | None, *, probed: bool = False) -> str:
    """``""`` when the read-only sandbox can run here, else why not and how to fix it (one
    sentence, ``warden doctor``'s).

    Starts bubblewrap once (at most :data:`tui.sandbox.doctor.PROBE_TIMEOUT_S`) unless
    ``probed`` (the caller has just started it with the same ``bwrapPath``)."""
    from tui.sandbox.bwrap import unix_socket_filter
    from tui.sandbox.doctor import can_run

    if not probed:
        ok, why = can_run(policy)
        if not ok:
            return why
    if unix_socket_filter() is None:
        return ("Unix-socket filter: no seccomp table for this machine, so a read-only command "
                "could still connect to local services. Fix: run on x86-64 or arm64")
    return ""


def network_violations(output: str) -> list[str]:
    """``"network blocked: <line> (...)"`` for each error line of a command in the read-only
    sandbox that looks like a failed connection or name lookup (at most
    :data:`MAX_NETWORK_NOTES`)."""
    found: list[str] = []
    seen: set[str] = set()
    for line in output.splitlines():
        text = line.strip()
        if text.startswith('File "') or text in seen:  # a traceback's frames: not the error
            continue
        if text and _NETWORK.search(text):
            seen.add(text)
            shown = text if len(text) <= 160 else text[:157] + "..."
            found.append(f"network blocked: {shown} (the read-only sandbox has no network)")
            if len(found) >= MAX_NETWORK_NOTES:
                break
    return found
