"""Absolute paths and path containment, each with one meaning.

Three questions, three functions:

* :func:`absolute`: the path a tool argument names, made absolute against a working directory
  without touching the file system.
* :func:`lexically_inside`: is a path, as written, a root or below it?  Text only: no I/O,
  symlinks are not followed.  Right for comparing paths that were already resolved, and for
  rules about names; wrong on its own for deciding what a write may reach.
* :func:`really_inside`: is the file a path reaches (symlinks followed, as the kernel does) a
  root's or below it?  Reads the file system.

Precisely, for all three:

* ``..`` is folded textually (``os.path.normpath``): ``/p/a/../b`` is ``/p/b`` even when ``a``
  is a symlink, where the kernel would go up from the link's target.  Only
  :func:`really_inside` resolves links first and so agrees with the kernel.
* ``.``, repeated slashes and a trailing slash are ignored: ``/p/./q//`` is ``/p/q``.
* A leading ``//``, which POSIX lets a system give its own meaning, is kept by
  :func:`absolute` and is a root of its own for :func:`lexically_inside` (``//x`` is not
  lexically inside ``/``); :func:`really_inside` resolves it as Linux does (``//x`` is
  ``/x``).
* Comparison is by whole components (``/pro`` does not contain ``/project``) and
  case-sensitive, as on Linux file systems.
* A path that does not exist is fine everywhere; :func:`really_inside` resolves the part that
  exists and keeps the rest as written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeAlias

__all__ = ["StrPath", "absolute", "lexically_inside", "really_inside"]

StrPath: TypeAlias = "str | os.PathLike[str]"
"""A path as text or as a :class:`~pathlib.Path`."""


def absolute(path: StrPath, cwd: StrPath) -> Path:
    """``path`` made absolute and normalised, without touching the file system.

    ``~`` and ``~/x`` become the home directory (``$HOME``), ``~user`` that user's home when
    it is known (else it stays a relative name, ``cwd/~user``); a relative path is joined to
    ``cwd``; then ``.``, ``..``, repeated and trailing slashes are folded textually (see the
    module docstring).  Symlinks are not resolved.

    Args:
        path: the path as written.
        cwd: the directory a relative ``path`` is relative to (expected absolute).

    Returns:
        An absolute path when ``cwd`` is absolute.
    """
    text = os.path.expanduser(os.fspath(path))
    if not os.path.isabs(text):
        text = os.path.join(os.fspath(cwd), text)
    return Path(os.path.normpath(text))


def _prefix(root: str) -> str:
    return root if root.endswith("/") else root + "/"


def lexically_inside(path: StrPath, *roots: StrPath) -> bool:
    """True when ``path`` is one of ``roots`` or below one, judged on the text alone.

    Both sides are normalised first (``.``, ``..``, repeated and trailing slashes folded, as
    in :func:`absolute`); no symlink is followed and nothing is read from disk, so a symlink
    inside a root that points outside it still counts as inside: use :func:`really_inside`
    (or both) when the answer decides what may be written or read.

    Args:
        path: the path to test; expected absolute.  A relative one is compared as text as it
            stands: it is never inside an absolute root, and ``.`` contains only ``.``.
        roots: the directories (or files) to test against; none gives False.

    Examples:
        ``lexically_inside("/p/src/a.py", "/p")`` and ``lexically_inside("/p", "/p/")`` are
        True; ``lexically_inside("/project", "/pro")`` and ``lexically_inside("/p/../etc",
        "/p")`` are False.
    """
    text = os.path.normpath(os.fspath(path))
    double = text.startswith("//")
    for root in roots:
        base = os.path.normpath(os.fspath(root))
        if base.startswith("//") != double:
            continue  # "//" and "/" are different roots (module docstring)
        if text == base or text.startswith(_prefix(base)):
            return True
    return False


def really_inside(path: StrPath, *roots: StrPath) -> bool:
    """True when the file ``path`` reaches is one of ``roots`` or below one, symlinks followed.

    ``path`` and each root are resolved with ``os.path.realpath`` (every symlink followed, a
    ``..`` applied after the link before it, as the kernel does; components that do not exist
    are kept as written; a symlink loop is left unresolved), then compared as by
    :func:`lexically_inside`.  Reads the file system (``lstat``/``readlink`` of each
    component); never raises for missing paths.

    Note that the answer is about the moment of the call: a link created afterwards can change
    it, so a write should still be made where the check looked (e.g. to the resolved path).

    Args:
        path: the path to test; a relative one is taken relative to this process's cwd.
        roots: the directories (or files) to test against; none gives False.
    """
    real = os.path.realpath(os.fspath(path))
    return lexically_inside(real, *(os.path.realpath(os.fspath(r)) for r in roots))
