"""Path resolution for shell arguments and the critical-path check (SPEC §4, §5; REF §11.2).

Only ``os.path`` string functions are used: no file system access, symlinks are not followed
(the permission engine checks link and target, REF §2.5).  A "cwd state" is the tuple of
directories a command may run in: one in the usual case, two after ``cd X; ...`` (the ``cd``
may fail), ``None`` when Warden cannot know (``cd "$DIR"``).
"""

from __future__ import annotations

import ntpath
import os
from collections.abc import Sequence
from pathlib import Path

from tui.shell.words import Arg

Cwd = tuple[Path, ...] | None
MAX_CWD_CANDIDATES = 4
NULL_DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/fd/0",
                          "/dev/fd/1", "/dev/fd/2", "/proc/self/fd/1", "/proc/self/fd/2"})
"""Redirect targets that are not file writes: the null device and the standard streams."""


def normalise(path: str) -> Path:
    """``os.path.normpath`` as a :class:`Path`, with POSIX's leading ``//`` folded to ``/``."""
    norm = os.path.normpath(path)
    if norm.startswith("//"):
        norm = "/" + norm.lstrip("/")
    return Path(norm)


def union(a: Cwd, b: Cwd) -> Cwd:
    """Directories either state may be in; ``None`` when either is unknown or too many."""
    if a is None or b is None:
        return None
    out = tuple(dict.fromkeys((*a, *b)))
    return out if len(out) <= MAX_CWD_CANDIDATES else None


def resolve_text(text: str, cwd: Cwd, home: Path | None) -> list[Path | None]:
    """Absolute paths for a literal path text, one per cwd candidate (``[None]`` if unknown).

    ``~`` and ``~/x`` use ``home``; ``~user`` gives ``None``.
    """
    if text.startswith("~"):
        head, sep, rest = text.partition("/")
        if head != "~" or home is None:
            return [None]
        return [normalise(str(home / rest) if sep and rest else str(home))]
    if text.startswith("/"):
        return [normalise(text)]
    if cwd is None:
        return [None]
    return [normalise(os.path.join(str(c), text)) for c in cwd]


def resolve_arg(arg: Arg, cwd: Cwd, home: Path | None) -> list[Path | None]:
    """Absolute paths for a shell argument; ``[None]`` when it holds anything unknown.

    Unknown: an expansion (variable, substitution), an unquoted glob, ``~user``, or a relative
    path while the cwd is unknown.  A quoted ``~`` is a literal directory name.
    """
    if not arg.static or arg.glob:
        return [None]
    if arg.value.startswith("~") and not arg.tilde:
        # quoted tilde: a literal file name
        if cwd is None:
            return [None]
        return [normalise(os.path.join(str(c), arg.value)) for c in cwd]
    return resolve_text(arg.value, cwd, home)


def resolve_arg_raw(arg: Arg, cwd: Cwd, home: Path | None) -> list[str | None]:
    """Like :func:`resolve_arg` but without folding ``..``: one absolute string per candidate.

    ``/p/gd/../x`` stays as written so the engine can resolve it as the kernel does (a ``..``
    after a symlink goes up from the link's target, not back to the lexical parent).  Entries
    line up with :func:`resolve_arg`'s; a glob keeps its pattern (``/p/build/*.o``) so that the
    directories it can expand in are known.
    """
    if not arg.static:
        return [None]
    text = arg.value
    if arg.glob and text.startswith("~"):
        return [None]
    if text.startswith("~") and arg.tilde:
        head, sep, rest = text.partition("/")
        if head != "~" or home is None:
            return [None]
        return [os.path.join(str(home), rest) if sep and rest else str(home)]
    if text.startswith("/"):
        return [text]
    if cwd is None:
        return [None]
    return [os.path.join(str(c), text) for c in cwd]


def read_guesses(arg: Arg, cwd: Cwd, home: Path | None) -> list[Path]:
    """Likely paths for a read target that starts with ``$HOME`` or ``$PWD``.

    Only for reads, where more paths means more ``Read`` deny rules can match: ``cat
    $HOME/.ssh/id_rsa`` is checked against ``Read(~/.ssh/**)``.  The PathRef with ``path=None``
    is kept as well (the variable could hold anything); writes never use this.
    """
    if arg.glob or arg.kinds != frozenset({"param"}) or len(arg.params) != 1 or \
            not arg.leading_expansion:
        return []
    name = arg.params[0]
    for prefix in (f"${{{name}}}", f"${name}"):
        if arg.value.startswith(prefix):
            rest = arg.value[len(prefix):]
            break
    else:
        return []
    if rest and not rest.startswith("/"):
        return []
    if name == "HOME" and home is not None:
        bases = [home]
    elif name == "PWD" and cwd is not None:
        bases = list(cwd)
    else:
        return []
    return [normalise(str(b) + rest) for b in bases]


def is_unc(text: str) -> bool:
    r"""True for Windows UNC and device paths (``\\server\share``, ``\??\``, ``//?/``)."""
    return text.startswith(("\\\\", "\\??\\", "//?/", "//./"))


def _is_windows_drive_critical(text: str) -> str | None:
    if len(text) >= 2 and text[1] == ":" and text[0].isalpha():
        rest = text[2:].replace("\\", "/").strip("/")
        if not rest:
            return "a Windows drive root"
        if "/" not in ntpath.normpath(rest).replace("\\", "/"):
            return "a top-level directory of a Windows drive"
    return None


def _critical_dir_reason(p: Path, home: Path | None, working_dirs: Sequence[Path]) -> str | None:
    if p == Path("/"):
        return "the filesystem root"
    if p.parent == Path("/"):
        return "a top-level directory"
    if home is not None and p == home:
        return "the home directory"
    for wd in working_dirs:
        if p == wd:
            return "a working directory"
        if p in wd.parents:
            return "a parent of a working directory"
    return None


def critical_reason(arg: Arg, resolved: Path | None, home: Path | None,
                    working_dirs: Sequence[Path], cwd: Cwd) -> str | None:
    """Why removing ``arg`` is a critical-path removal (REF §11.2), or ``None``.

    Args:
        arg: the argument as given to ``rm``/``rmdir``/``find -delete``...
        resolved: its absolute path when known.
        home: the user's home directory, if known.
        working_dirs: the session's working directories (cwd first) and additional ones.
        cwd: the directories the command may run in.
    """
    text = arg.value
    drive = _is_windows_drive_critical(text)
    if drive:
        return drive
    if resolved is not None:
        return _critical_dir_reason(resolved, home, working_dirs)
    # A glob or trailing slash directly under a shell variable: "$DIR"/*, $DIR/ (empty DIR = /).
    if arg.leading_expansion:
        first_kind = next(iter(arg.kinds)) if len(arg.kinds) == 1 else ""
        rest = text
        if first_kind == "param" and arg.params:
            # strip the leading expansion's text: whatever follows must be "/" or "/<glob>"
            for prefix in (f"${{{arg.params[0]}}}", f"${arg.params[0]}"):
                if rest.startswith(prefix):
                    rest = rest[len(prefix):]
                    break
        if rest in ("/", "/*", "/.*", "/**", "/*/", "/*.*") or \
                (rest.startswith("/") and "/" not in rest[1:] and arg.glob):
            return "a glob or trailing slash directly under a shell variable"
    if arg.glob and arg.static or (arg.glob and arg.tilde == "~"):
        prefix = arg.literal_prefix()
        base = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        if "/" in prefix and base == "" and prefix.startswith("/"):
            base = "/"
        # the glob must be directly under the base directory
        tail = text[len(base):].lstrip("/") if base else text
        if "/" in tail.rstrip("/"):
            return None
        if base.startswith("~"):
            dirs = resolve_text(base, cwd, home)
        elif base:
            dirs = resolve_text(base, cwd, home)
        else:
            dirs = list(cwd) if cwd is not None else [None]
        for d in dirs:
            if d is None:
                continue
            why = _critical_dir_reason(d, home, working_dirs)
            if why:
                return f"a glob directly under {why}"
    if arg.tilde == "~" and arg.static and text.rstrip("/") == "~":
        return "the home directory"
    return None
