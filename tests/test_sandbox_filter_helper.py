"""The compiled Unix-socket filter helper: it applies the filter, then runs the command."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tui.sandbox.bwrap import unix_socket_filter
from tui.sandbox.filter_helper import compiled_helper, helper_argv

pytestmark = pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None,
                                reason="no C compiler: Warden falls back to the Python helper")

PROBE = ("import socket\n"
         "socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()\n"
         "try:\n    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
         "except PermissionError:\n    print('unix refused')\n"
         "else:\n    print('unix allowed')\n")


def test_helper_builds_and_refuses_unix_sockets_only() -> None:
    program = unix_socket_filter()
    if program is None:
        pytest.skip("no seccomp program for this machine's architecture")
    argv = helper_argv(program)
    assert argv is not None and argv[0] == compiled_helper()
    out = subprocess.run([*argv, sys.executable, "-c", PROBE], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "unix refused"


def test_helper_fails_closed_on_a_broken_filter() -> None:
    path = compiled_helper()
    assert path is not None
    out = subprocess.run([path, "zz", "/bin/echo", "ran"], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 126 and "ran" not in out.stdout
