"""The dynamic oracle's strace-log classifier (``bench/oracle_strace.py``) on hand-written logs.

A reviewer should see one log per defect family (a write open, an unlisted exec, a connect, a
canary read), each detected with a stable reason, next to the look-alikes that must not be
flagged: a read-only open, ``/dev/null``, a listed program, glibc's nscd socket, a canary read
the analysis listed.  Split (``<unfinished ...>``/``resumed``) calls are joined first.
"""

from __future__ import annotations

from bench.oracle_strace import Expectation, classify, parse_trace, split_args, unquote

LAUNCH = ('1 execve("/bin/bash", ["/bin/bash", "-c", "cmd"], 0x7ffc /* 8 vars */) = 0\n'
          "1 clone(child_stack=NULL, flags=SIGCHLD, child_tidptr=0x7f) = 2\n")
CANARY = "/ws/home/.aws/credentials"


def _found(log: str, programs: tuple[str, ...] = ("cat",), reads: tuple[str, ...] = ()
           ) -> set[tuple[str, str]]:
    expected = Expectation(frozenset(programs), reads, frozenset({CANARY}))
    return {(d.family, d.reason) for d in classify(parse_trace(LAUNCH + log), expected)}


def test_a_write_open_is_a_defect_and_a_read_only_open_is_not() -> None:
    """``O_WRONLY|O_CREAT|O_TRUNC`` on ``out.txt`` is flagged with its resolved path;
    ``O_RDONLY`` and a write to ``/dev/null`` are not."""
    log = ('2 execve("/usr/bin/cat", ["cat", "README"], 0x55 /* 8 vars */) = 0\n'
           '2 openat(AT_FDCWD</ws/project>, "README", O_RDONLY) = 3</ws/project/README>\n'
           '2 openat(AT_FDCWD</ws/project>, "/dev/null", O_WRONLY|O_CREAT|O_TRUNC, 0666) '
           '= 3</dev/null>\n')
    assert _found(log) == set()
    log += ('2 openat(AT_FDCWD</ws/project>, "out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) '
            '= 4</ws/project/out.txt>\n')
    assert _found(log) == {("write", "open for writing /ws/project/out.txt")}


def test_a_failed_write_attempt_and_other_write_calls_count() -> None:
    """The attempt counts (``EROFS``); ``unlinkat``, ``rename`` and ``mkdirat`` are writes."""
    log = ('2 openat(AT_FDCWD</ws/project>, "/etc/x", O_RDWR|O_CREAT, 0600) '
           "= -1 EROFS (Read-only file system)\n"
           '2 unlinkat(AT_FDCWD</ws/project>, "old", 0) = 0\n'
           '2 rename("a.lock", "a") = 0\n'
           '2 mkdirat(3</ws/project/src>, "new", 0777) = 0\n')
    assert _found(log) == {
        ("write", "open for writing /etc/x"), ("write", "unlinkat /ws/project/old"),
        ("write", "rename a.lock -> a"), ("write", "mkdirat /ws/project/src/new"),
    }


def test_an_unlisted_exec_is_a_defect_and_names_its_parent() -> None:
    """git (listed) running the fsmonitor marker (not listed) is flagged; the launching shell
    and git itself are not."""
    log = ('2 execve("/usr/bin/git", ["git", "status"], 0x55 /* 8 vars */) = 0\n'
           "2 clone(child_stack=NULL, flags=SIGCHLD, child_tidptr=0x7f) = 3\n"
           '3 execve("/ws/markers/warden-marker-fsmonitor", ["/ws/markers/warden-marker-'
           'fsmonitor", "2", "17"], 0x56 /* 8 vars */) = 0\n'
           '3 execve("/usr/local/bin/nope", ["nope"], 0x56 /* 8 vars */) = -1 ENOENT '
           "(No such file or directory)\n")
    assert _found(log, programs=("git",)) == {
        ("exec", "exec warden-marker-fsmonitor (by git)")}
    assert _found(log, programs=("git", "warden-marker-fsmonitor")) == set()


def test_a_child_logged_before_its_parents_clone_returns_still_has_a_parent() -> None:
    """strace can print a child's execve before the parent's ``clone`` resumes: the exec is
    still attributed to git (the parent), never to an unknown ``?``."""
    log = ('2 execve("/usr/bin/git", ["git", "diff"], 0x55 /* 8 vars */) = 0\n'
           "2 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>\n"
           '3 execve("/ws/markers/warden-marker-diff", ["warden-marker-diff"], 0x56) = 0\n'
           "2 <... clone resumed>, child_tidptr=0x7f) = 3\n")
    assert _found(log, programs=("git",)) == {("exec", "exec warden-marker-diff (by git)")}


def test_helpers_are_benign_not_defects() -> None:
    """``zcat`` running ``gzip`` is its own implementation: reported as benign."""
    log = ('2 execve("/usr/bin/zcat", ["zcat", "a.gz"], 0x55 /* 8 vars */) = 0\n'
           '2 execve("/usr/bin/gzip", ["gzip", "-cd", "a.gz"], 0x55 /* 8 vars */) = 0\n')
    assert _found(log, programs=("zcat",)) == {("benign", "exec gzip (helper of zcat)")}
    assert _found(log, programs=("cat",)) == {("exec", "exec zcat (by bash)"),
                                              ("exec", "exec gzip (by zcat)")}


def test_a_connect_is_a_defect_except_the_name_service_socket() -> None:
    """An ``AF_INET`` connect (DNS) is flagged with its address; nscd's Unix socket is not,
    another Unix socket (Docker's) is."""
    nscd = ('2 connect(4<socket:[61]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, '
            "110) = -1 ENOENT (No such file or directory)\n")
    dns = ('2 connect(3<socket:[64]>, {sa_family=AF_INET, sin_port=htons(53), '
           'sin_addr=inet_addr("10.0.0.53")}, 16) = -1 ENETUNREACH (Network is unreachable)\n')
    docker = ('2 connect(3<socket:[65]>, {sa_family=AF_UNIX, sun_path="/var/run/docker.sock"}'
              ", 110) = -1 ENOENT (No such file or directory)\n")
    assert _found(nscd) == set()
    assert _found(nscd + dns) == {("connect", "connect 10.0.0.53:53")}
    assert _found(docker) == {("connect", "connect unix:/var/run/docker.sock")}


def test_a_canary_read_is_a_defect_unless_the_analysis_listed_it() -> None:
    """Opening ``.secrets`` (a symlink to the canary) is judged by the kernel's resolved path;
    listing the canary, or a directory above it, as a read clears it.  A failed open is no
    read."""
    log = ('2 openat(AT_FDCWD</ws/project>, ".secrets", O_RDONLY) = 3</ws/home/.aws/'
           "credentials>\n")
    assert _found(log) == {("canary", f"read {CANARY}")}
    assert _found(log, reads=(CANARY,)) == set()
    assert _found(log, reads=("/ws/home",)) == set()
    assert _found(log, reads=("/ws/home/.aws/cred",)) == {("canary", f"read {CANARY}")}
    failed = ('2 openat(AT_FDCWD</ws/project>, "/ws/home/.aws/credentials", O_RDONLY) '
              "= -1 EACCES (Permission denied)\n")
    assert _found(failed) == set()


def test_unfinished_and_resumed_halves_are_joined() -> None:
    """A write open interrupted by another process's line is still seen, with its path."""
    log = ('2 openat(AT_FDCWD</ws/project>, "out", O_WRONLY|O_CREAT|O_TRUNC, 0666 '
           "<unfinished ...>\n"
           '3 openat(AT_FDCWD</ws/project>, "README", O_RDONLY) = 3</ws/project/README>\n'
           "2 <... openat resumed>) = 4</ws/project/out>\n"
           "2 --- SIGCHLD {si_signo=SIGCHLD} ---\n"
           "2 +++ exited with 0 +++\n")
    calls = parse_trace(LAUNCH + log)
    assert [c.name for c in calls] == ["execve", "clone", "openat", "openat"]
    assert calls[-1].ret_path == "/ws/project/out" and calls[-1].pid == 2
    assert _found(log) == {("write", "open for writing /ws/project/out")}


def test_string_and_argument_helpers() -> None:
    """``unquote`` decodes C escapes; ``split_args`` keeps commas inside strings and ``<...>``."""
    assert unquote('"a\\"b\\n\\x41\\101"') == 'a"b\nAA'
    assert unquote("NULL") is None
    assert split_args('AT_FDCWD</a,b>, "x,y", [1, 2], O_RDONLY') == (
        "AT_FDCWD</a,b>", '"x,y"', "[1, 2]", "O_RDONLY")
