"""Writing permission rules back to settings files ("always allow", ``/permissions``).

Rules: never overwrite a file that cannot be parsed (nothing the user wrote is lost); keep every
other key, the key order and the formatting of what did not change (:mod:`tui.settings.splice`;
a new file is 2-space-indented JSON with a trailing newline); write atomically (a
temporary file in the same directory, fsync, ``os.replace``: :mod:`tui.fsutil`), keeping the
file's permission bits and writing through a symlinked settings file to its target.  Managed
settings are read-only to Warden (``SPEC.md`` §1).  When the local settings file is first
written inside a git work tree, :func:`tui.settings.gitignore.ensure_local_settings_ignored`
adds ``**/.claude/settings.local.json`` to the user's global git excludes file (REF §1.2).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.settings.jsontext import explain_decode_error, reject_constant
from tui.settings.model import Behavior
from tui.settings.paths import managed_dir

BEHAVIORS: tuple[Behavior, ...] = ("allow", "ask", "deny")
#: Mode of a settings file Warden creates (umask not applied: settings are not secrets).
NEW_FILE_MODE = 0o644
#: Seconds a git query may take before it counts as "not a repository".


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
    from tui.pathutil import really_inside

    if really_inside(path, managed_dir()):
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


def _list_at(path: Path, data: dict[str, Any], keys: tuple[str, ...],
             create: bool) -> list[Any] | None:
    """The list at ``keys`` in ``data`` (objects and the list created when ``create``; None when
    absent and not created), refusing odd shapes."""
    if not keys:
        raise ValueError("no key given")
    node: dict[str, Any] = data
    for i, key in enumerate(keys[:-1]):
        child = node.get(key)
        if child is None:
            if not create:
                return None
            child = node[key] = {}
        if not isinstance(child, dict):
            dotted = ".".join(keys[:i + 1])
            raise SettingsWriteError(f"{path}: \"{dotted}\" is not an object; fix it by hand; "
                                     "nothing was changed")
        node = child
    leaf = node.get(keys[-1])
    if leaf is None:
        if not create:
            return None
        leaf = node[keys[-1]] = []
    if not isinstance(leaf, list):
        raise SettingsWriteError(f"{path}: {'.'.join(keys)} is not a list; fix it by hand; "
                                 "nothing was changed")
    return leaf


def _rule_list(path: Path, data: dict[str, Any], behavior: str, create: bool) -> list[Any] | None:
    """``data["permissions"][behavior]`` (created when ``create``), refusing odd shapes."""
    return _list_at(path, data, _rule_keys(behavior), create)


def _rule_keys(behavior: str) -> tuple[str, str]:
    if behavior not in BEHAVIORS:
        raise ValueError(f"behavior must be one of {BEHAVIORS}, not {behavior!r}")
    return ("permissions", behavior)


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
    where it can, the formatting of everything that did not change (:mod:`tui.fsutil`).

    ``path`` is written as given: a symlink is replaced by a regular file (the rule writers
    pass :func:`_target`, which resolves a symlinked settings file first)."""
    from tui.fsutil import atomic_write_text

    atomic_write_text(path, _text_for(path, data, crlf), mode=NEW_FILE_MODE, keep_mode=True)


def _check_rule(rule_text: str) -> None:
    if not isinstance(rule_text, str) or not rule_text.strip():
        raise ValueError("a rule must be a non-empty string")


def _save(target: Path, data: dict[str, Any], crlf: bool) -> None:
    try:
        _write(target, data, crlf)
    except OSError as exc:
        raise SettingsWriteError(f"{target}: cannot be written ({exc.strerror}); nothing was "
                                 "changed") from exc


def add_to_list(path: Path, keys: tuple[str, ...], item: Any,
                present: Callable[[Any], bool] | None = None) -> bool:
    """Append ``item`` to the list at ``keys`` (``("permissions", "additionalDirectories")``) of
    the settings file ``path``, keeping everything else.

    Creates the file, its directory and the objects on the way if missing.  Returns False,
    writing nothing, when the list already holds ``item`` (or an entry for which ``present`` is
    true: e.g. another spelling of the same directory); True when it was added.

    Raises:
        SettingsWriteError: the file is not valid JSON (or has odd shapes), is managed, or cannot
            be written; the file is unchanged.
    """
    target = _target(path)
    _check_not_managed(target)
    data, crlf = _read(target)
    items = _list_at(target, data, keys, create=True)
    assert items is not None
    if item in items or (present is not None and any(present(i) for i in items)):
        return False
    items.append(item)
    _save(target, data, crlf)
    return True


def remove_from_list(path: Path, keys: tuple[str, ...], match: Callable[[Any], bool]) -> list[Any]:
    """Remove every entry of the list at ``keys`` of ``path`` for which ``match`` is true.

    Returns the entries removed; ``[]`` (nothing written) when the file, the list or a matching
    entry is absent.  An emptied list is kept.

    Raises:
        SettingsWriteError: as :func:`add_to_list`.
    """
    target = _target(path)
    _check_not_managed(target)
    if not target.exists():
        return []
    data, crlf = _read(target)
    items = _list_at(target, data, keys, create=False)
    removed = [i for i in items or () if match(i)]
    if not removed:
        return []
    assert items is not None
    items[:] = [i for i in items if not match(i)]
    _save(target, data, crlf)
    return removed


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
    return add_to_list(path, _rule_keys(behavior), rule_text)


def remove_rule(path: Path, behavior: Behavior, rule_text: str) -> bool:
    """Remove every copy of ``rule_text`` from ``permissions.<behavior>`` of ``path``.

    Returns False (nothing written) if the file or the rule is absent.  An emptied list is kept.

    Raises:
        SettingsWriteError: as :func:`add_rule`.
        ValueError: as :func:`add_rule`.
    """
    _check_rule(rule_text)
    return bool(remove_from_list(path, _rule_keys(behavior), lambda r: r == rule_text))


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
    _save(target, data, crlf)
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


