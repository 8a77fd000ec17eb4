"""Writing permission rules back to settings files ("always allow", ``/permissions``).

Rules: never overwrite a file that cannot be parsed (nothing the user wrote is lost); keep every
other key, the key order and the formatting of what did not change (:mod:`tui.settings.splice`;
a new file is 2-space-indented JSON with a trailing newline); write atomically (a
temporary file in the same directory, fsync, ``os.replace``), keeping the file's permission bits
and writing through a symlinked settings file to its target.  Managed settings are read-only to
Warden (``SPEC.md`` §1).  When the local settings file is first written inside a git work tree,
:func:`ensure_local_settings_ignored` adds it to the repository's ``.git/info/exclude``.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tui.settings.jsontext import explain_decode_error, reject_constant
from tui.settings.model import Behavior
from tui.settings.paths import managed_dir

BEHAVIORS: tuple[Behavior, ...] = ("allow", "ask", "deny")
#: Mode of a settings file Warden creates (umask not applied: settings are not secrets).
NEW_FILE_MODE = 0o644
#: Seconds a git query may take before it counts as "not a repository".
GIT_TIMEOUT_S = 5.0


class SettingsWriteError(Exception):
    """A settings file could not be changed; the message says which file, why, and what to do.
    The file on disk is unchanged."""


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _target(path: Path) -> Path:
    """The file to write: ``path`` with symlinks resolved (so a dotfiles symlink survives)."""
    path = Path(os.path.abspath(path))
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _check_not_managed(path: Path) -> None:
    base = os.path.realpath(managed_dir())
    real = os.path.realpath(path)
    if real == base or real.startswith(base.rstrip(os.sep) + os.sep):
        raise SettingsWriteError(f"{path}: managed settings are read-only to Warden; ask your "
                                 "administrator to change them")


def _read(path: Path) -> tuple[dict[str, Any], bool]:
    """``(data, crlf)`` of a settings file; ``{}`` for a missing or blank file.

    Raises:
        SettingsWriteError: the file cannot be read or is not a JSON object without duplicate
            keys.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, False
    except OSError as exc:
        raise SettingsWriteError(
            f"{path}: cannot be read ({exc.strerror}); nothing was changed") from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsWriteError(f"{path}: is not UTF-8 text; nothing was changed") from exc
    if not text.strip():
        return {}, False
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=reject_constant)
    except _DuplicateKey as exc:
        raise SettingsWriteError(
            f"{path}: the key {json.dumps(str(exc))} appears twice; fix the file by hand "
            "(Warden will not rewrite it and lose one of them); nothing was changed") from exc
    except json.JSONDecodeError as exc:
        message, line, column = explain_decode_error(text, exc)
        raise SettingsWriteError(f"{path}:{line}:{column}: {message}. Warden will not rewrite a "
                                 "file it cannot parse; nothing was changed") from exc
    except RecursionError as exc:
        raise SettingsWriteError(f"{path}: nested too deeply to read; nothing was changed") from exc
    except ValueError as exc:  # NaN/Infinity, or an integer too long for Python to read
        raise SettingsWriteError(f"{path}: is not plain JSON ({exc}); fix it by hand; nothing "
                                 "was changed") from exc
    if not isinstance(data, dict):
        raise SettingsWriteError(f"{path}: the top level is not a JSON object; nothing was changed")
    return data, "\r\n" in text


def _rule_list(path: Path, data: dict[str, Any], behavior: str, create: bool) -> list[Any] | None:
    """``data["permissions"][behavior]`` (created when ``create``), refusing odd shapes."""
    if behavior not in BEHAVIORS:
        raise ValueError(f"behavior must be one of {BEHAVIORS}, not {behavior!r}")
    perms = data.get("permissions")
    if perms is None:
        if not create:
            return None
        perms = data["permissions"] = {}
    if not isinstance(perms, dict):
        raise SettingsWriteError(f"{path}: \"permissions\" is not an object; fix it by hand; "
                                 "nothing was changed")
    rules = perms.get(behavior)
    if rules is None:
        if not create:
            return None
        rules = perms[behavior] = []
    if not isinstance(rules, list):
        raise SettingsWriteError(f"{path}: permissions.{behavior} is not a list; fix it by hand; "
                                 "nothing was changed")
    return rules


def _text_for(path: Path, data: dict[str, Any], crlf: bool) -> str:
    """The new text of ``path``: the current text with only the changed values rewritten
    (:func:`tui.settings.splice.splice`), else ``data`` serialised in the file's indentation
    (two spaces for a new file)."""
    from tui.settings.splice import indent_unit, splice

    unit = "  "
    try:
        current = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        current = ""
    if current.strip():
        spliced = splice(current, data)
        if spliced is not None:
            return spliced
        unit = indent_unit(current)
    text = json.dumps(data, indent=unit, ensure_ascii=False) + "\n"
    return text.replace("\n", "\r\n") if crlf else text


def _write(path: Path, data: dict[str, Any], crlf: bool) -> None:
    """Write ``data`` atomically to ``path`` (creating its directory), keeping its mode and,
    where it can, the formatting of everything that did not change."""
    text = _text_for(path, data, crlf)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; some filesystems refuse a directory fsync, which is harmless."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        return  # e.g. EINVAL on filesystems without directory fsync: the data itself is synced
    finally:
        os.close(fd)


def _check_rule(rule_text: str) -> None:
    if not isinstance(rule_text, str) or not rule_text.strip():
        raise ValueError("a rule must be a non-empty string")


def add_rule(path: Path, behavior: Behavior, rule_text: str) -> bool:
    """Append ``rule_text`` to ``permissions.<behavior>`` of the settings file ``path``.

    Creates the file (``{}``) and its directory (``.claude/``) if missing.  Returns False if the
    rule is already there (nothing written), True if it was added.

    Raises:
        SettingsWriteError: the file is not valid JSON (or has odd shapes), is managed, or cannot
            be written; the file is unchanged.
        ValueError: ``behavior`` is not allow/ask/deny or the rule is empty.
    """
    _check_rule(rule_text)
    target = _target(path)
    _check_not_managed(target)
    data, crlf = _read(target)
    rules = _rule_list(target, data, behavior, create=True)
    assert rules is not None
    if rule_text in rules:
        return False
    rules.append(rule_text)
    try:
        _write(target, data, crlf)
    except OSError as exc:
        raise SettingsWriteError(f"{target}: cannot be written ({exc.strerror}); nothing was "
                                 "changed") from exc
    return True


def remove_rule(path: Path, behavior: Behavior, rule_text: str) -> bool:
    """Remove every copy of ``rule_text`` from ``permissions.<behavior>`` of ``path``.

    Returns False (nothing written) if the file or the rule is absent.  An emptied list is kept.

    Raises:
        SettingsWriteError: as :func:`add_rule`.
        ValueError: as :func:`add_rule`.
    """
    _check_rule(rule_text)
    target = _target(path)
    _check_not_managed(target)
    if not target.exists():
        return False
    data, crlf = _read(target)
    rules = _rule_list(target, data, behavior, create=False)
    if not rules or rule_text not in rules:
        return False
    rules[:] = [r for r in rules if r != rule_text]
    try:
        _write(target, data, crlf)
    except OSError as exc:
        raise SettingsWriteError(f"{target}: cannot be written ({exc.strerror}); nothing was "
                                 "changed") from exc
    return True


def replace_rule(path: Path, behavior: Behavior, old_text: str, new_text: str) -> bool:
    """Replace ``old_text`` with ``new_text`` in ``permissions.<behavior>`` of ``path``, in place
    (``/permissions`` "edit": the rule keeps its position, so file order is preserved).

    When ``new_text`` is already in the list the old rule is simply removed (no duplicate).
    Returns False, writing nothing, when the file or ``old_text`` is absent.

    Raises:
        SettingsWriteError: as :func:`add_rule`.
        ValueError: as :func:`add_rule`.
    """
    _check_rule(old_text)
    _check_rule(new_text)
    target = _target(path)
    _check_not_managed(target)
    if not target.exists():
        return False
    data, crlf = _read(target)
    rules = _rule_list(target, data, behavior, create=False)
    if not rules or old_text not in rules:
        return False
    if old_text == new_text:
        return True
    at = rules.index(old_text)
    duplicate = new_text in rules
    rules[:] = [r for r in rules if r != old_text]
    if not duplicate:
        rules.insert(at, new_text)
    try:
        _write(target, data, crlf)
    except OSError as exc:
        raise SettingsWriteError(f"{target}: cannot be written ({exc.strerror}); nothing was "
                                 "changed") from exc
    return True


def move_rule(src_path: Path, dst_path: Path, behavior: Behavior, rule_text: str) -> bool:
    """Move a rule from one settings file to another (e.g. local → project).

    Both files are checked first, so a refusal changes nothing; the rule is then added to
    ``dst_path`` before it is removed from ``src_path`` (a crash in between leaves it in both,
    never in neither).  Returns False, writing nothing, if ``src_path`` does not hold the rule.

    Raises:
        SettingsWriteError: as :func:`add_rule`, for either file.
        ValueError: as :func:`add_rule`.
    """
    _check_rule(rule_text)
    src, dst = _target(src_path), _target(dst_path)
    for target in (src, dst):
        _check_not_managed(target)
    src_data, _ = _read(src)
    rules = _rule_list(src, src_data, behavior, create=False)
    if not rules or rule_text not in rules:
        return False
    if src == dst:
        return True
    _rule_list(dst, _read(dst)[0], behavior, create=True)
    add_rule(dst, behavior, rule_text)
    remove_rule(src, behavior, rule_text)
    return True


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    """Run a read-only git query in ``cwd``; None if git is missing, hangs or cannot start.

    ``core.fsmonitor`` is switched off so a hostile repository's config cannot run a program.
    """
    try:
        return subprocess.run(
            ["git", "-c", "core.fsmonitor=false", *args], cwd=cwd, capture_output=True,
            text=True, timeout=GIT_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False,
        )
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None


def ensure_local_settings_ignored(local_path: Path, cwd: Path) -> str | None:
    """Make git ignore the local settings file, through the repository's ``info/exclude``.

    When ``cwd`` is inside a git work tree whose ignore rules do not already cover
    ``local_path``, append ``/<path relative to the repo root>`` (normally
    ``/.claude/settings.local.json``) to the file ``git rev-parse --git-path info/exclude``
    names (worktrees included).  The user's global git config and home are never touched.

    Returns:
        One line saying what was done (or that the file is tracked, so ignoring cannot help),
        or None when nothing was needed: not a repository, git missing, already ignored.

    Raises:
        SettingsWriteError: the exclude file cannot be written.
    """
    top = _git(cwd, "rev-parse", "--show-toplevel")
    if top is None or top.returncode != 0 or not top.stdout.strip():
        return None
    root = Path(top.stdout.strip())
    local = Path(os.path.realpath(os.path.abspath(cwd / local_path)))
    try:
        rel = local.relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return None
    tracked = _git(root, "ls-files", "--error-unmatch", "--", rel)
    if tracked is not None and tracked.returncode == 0:
        return (f"{rel} is tracked by git, so everyone who clones the repository gets it; "
                f"untrack it with: git rm --cached {rel}")
    ignored = _git(root, "check-ignore", "-q", "--", rel)
    if ignored is None or ignored.returncode != 1:
        return None  # 0: already ignored; 128 or no answer: nothing sensible to do
    where = _git(cwd, "rev-parse", "--git-path", "info/exclude")
    if where is None or where.returncode != 0 or not where.stdout.strip():
        return None
    exclude = Path(where.stdout.strip())
    if not exclude.is_absolute():
        exclude = cwd / exclude
    line = f"/{rel}"
    try:
        existing = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
        if line in existing.splitlines():
            return None
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with exclude.open("a", encoding="utf-8") as fh:
            if existing and not existing.endswith("\n"):
                fh.write("\n")
            fh.write(line + "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsWriteError(f"{exclude}: cannot add {line} ({exc}); add it by hand so git "
                                 "ignores your personal settings") from exc
    return f"added {line} to {exclude} so git ignores your personal settings"


def set_value(path: Path, keys: tuple[str, ...], value: Any) -> bool:
    """Set a nested key (``("sandbox", "enabled")``) in a settings file, keeping the rest.

    Creates the file and intermediate objects as needed; returns False when the value was
    already set.

    Raises:
        SettingsWriteError: the file cannot be parsed, a key on the way is not an object, or the
            file is managed.
    """
    if not keys:
        raise SettingsWriteError("no key to set")
    _check_not_managed(path)
    data, crlf = _read(path)
    node: dict[str, Any] = data
    for key in keys[:-1]:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise SettingsWriteError(f"{path}: {'.'.join(keys[:-1])} is not an object; "
                                     "fix the file by hand")
        node = child
    if node.get(keys[-1]) == value and type(node.get(keys[-1])) is type(value):
        return False
    node[keys[-1]] = value
    _write(path, data, crlf)
    return True
