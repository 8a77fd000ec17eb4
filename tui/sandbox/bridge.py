"""TCP-to-Unix-socket bridge that runs INSIDE the sandbox (``SPEC.md`` §8, REF §6.3).

Usage: ``python3 -S -I bridge.py SOCKET_PATH PORT`` (or the same source through ``-c``).

The sandbox has its own empty network namespace (``--unshare-net``): only loopback, no route
out.  This script listens on ``127.0.0.1:PORT`` there and forwards each accepted TCP connection
to the host proxy's Unix socket ``SOCKET_PATH`` (bind-mounted into the sandbox), so programs that
honour ``HTTP(S)_PROXY=http://127.0.0.1:PORT`` reach the filtering proxy and nothing else.  It is
the stdlib-only fallback for srt's ``socat TCP-LISTEN:PORT,fork UNIX-CONNECT:SOCKET`` relay.

Contract (the same as the ``socat`` wrapper in :mod:`tui.sandbox.network`):

* It returns (exit status ``0``) as soon as the listener is ready, leaving a forked child that
  serves connections in the background, so ``bridge && command`` never races the command's
  first connection.  Exit status ``1``: the port could not be bound (nothing is left running).
* The child closes stdin/stdout/stderr (it never holds the caller's pipes open) and prints
  nothing.  It exits when the process that started the bridge (the sandbox shell) exits,
  watched through a pidfd where the kernel has them, else polled every 0.2 s; in a PID namespace
  (``--unshare-pid``) the kernel also ends it with the namespace.
* A connection whose Unix-socket side cannot be opened is closed at once (fail closed).

Written for any Python 3 the sandboxed system may have (3.6+; 3.9+ for the pidfd): standard
library only, annotations quoted where they would not evaluate on old versions.  Only ``_socket``
is imported before the listener is ready; ``socket``/``threading``/``select`` are imported in the
forked child, which keeps the time to ready close to the interpreter's own start-up.
"""

# The C module: importing ``socket`` (enum etc.) would double the start-up time.  Every Python
# that has ``socket`` has ``_socket`` (``socket.py`` itself starts with ``import _socket``).
import _socket
import os
import sys

_BUF = 65536


def _copy(src: "_socket.socket", dst: "_socket.socket") -> None:
    """Copy ``src`` to ``dst`` until EOF, then half-close ``dst``; errors end the copy."""
    try:
        while True:
            data = src.recv(_BUF)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    try:
        dst.shutdown(_socket.SHUT_WR)
    except OSError:
        pass


def _serve_one(conn: "_socket.socket", socket_path: str) -> None:
    """Forward one accepted TCP connection to the Unix socket, both directions."""
    import socket
    import threading

    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(socket_path)
    except OSError:
        upstream.close()
        conn.close()
        return
    back = threading.Thread(target=_copy, args=(upstream, conn), daemon=True)
    back.start()
    _copy(conn, upstream)
    back.join()
    upstream.close()
    conn.close()


def _watch_fd(pid: int) -> "int | None":
    """A pidfd that becomes readable when ``pid`` exits, or ``None`` (then poll)."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return opener(pid)
    except OSError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _serve(fd: int, socket_path: str, parent: int) -> None:
    """Accept on the listening socket ``fd`` until ``parent`` exits (runs in the child)."""
    import select
    import socket
    import threading

    listener = socket.socket(fileno=fd)
    watch = _watch_fd(parent)
    waits: list[socket.socket | int] = [listener] if watch is None else [listener, watch]
    while True:
        try:
            ready, _, _ = select.select(waits, [], [], 0.2 if watch is None else None)
        except InterruptedError:
            continue
        if watch is not None and watch in ready:
            return
        if watch is None and not _alive(parent):
            return
        if listener in ready:
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=_serve_one, args=(conn, socket_path), daemon=True).start()


def main(argv: "list[str]") -> int:
    """``argv``: ``[prog, SOCKET_PATH, PORT]``.  Returns the exit status for the caller."""
    if len(argv) != 3 or not argv[2].isdigit() or not 0 < int(argv[2]) < 65536:
        return 2
    socket_path, port = argv[1], int(argv[2])
    parent = os.getppid()
    listener = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        listener.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
    except OSError:
        return 1
    if os.fork() != 0:
        return 0  # ready: the child below serves
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    try:
        _serve(listener.detach(), socket_path, parent)
    finally:
        os._exit(0)  # daemon threads die with the process


if __name__ == "__main__":
    sys.exit(main(sys.argv))
