"""A compiled policy: the merged settings' rules parsed once, grouped by behaviour.

Malformed rules are skipped with a warning that names the rule and its file (``SPEC.md`` §1: "a
single malformed rule is skipped with a warning naming it"); the rest of the file applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tui.permissions.rules import Rule, RuleSyntaxError, parse_rule

SESSION_SOURCE = "this session"


@dataclass(frozen=True)
class SessionSource:
    """Where a rule the user granted for this session only comes from."""

    label: str = SESSION_SOURCE
    scope: str = "session"
    path: Path | None = None


def source_label(source: object) -> str:
    """A readable name for a rule's source (a ``SettingsSource``, a session, or unknown)."""
    label = getattr(source, "label", None)
    if isinstance(label, str):
        return label
    return "built-in" if source is None else str(source)


@dataclass
class Policy:
    """Rules by behaviour, in precedence order (highest scope first, then file order).

    Attributes:
        deny, ask, allow: parsed rules.
        warnings: one sentence per skipped or never-consulted rule.
    """

    deny: list[Rule] = field(default_factory=list)
    ask: list[Rule] = field(default_factory=list)
    allow: list[Rule] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    allow_managed_only: bool = False
    """``allowManagedPermissionRulesOnly``: "always allow" is hidden and no rule is saved."""
    _index_key: tuple[int, int] | None = field(default=None, repr=False, compare=False)
    _index: tuple[dict[str, list[Rule]], list[Rule]] = field(
        default=({}, []), repr=False, compare=False)

    @classmethod
    def from_entries(cls, entries: Iterable[object]) -> Policy:
        """Compile ``RuleEntry`` objects (``behavior``, ``text``, ``source``, ``anchor``)."""
        policy = cls()
        for entry in entries:
            policy.add(entry.text, entry.behavior, anchor=entry.anchor,  # type: ignore[attr-defined]
                       source=entry.source)  # type: ignore[attr-defined]
        return policy

    def add(self, text: str, behavior: str, *, anchor: Path, source: object) -> Rule | None:
        """Parse and add one rule; returns it, or ``None`` when it was skipped (see warnings)."""
        try:
            rule = parse_rule(text, behavior, anchor=anchor, source=source)
        except RuleSyntaxError as exc:
            self.warnings.append(f"{source_label(source)}: skipped {behavior} rule {text!r}: {exc}")
            return None
        for warning in rule.warnings:
            self.warnings.append(f"{source_label(source)}: {behavior} rule {text!r}: {warning}")
        getattr(self, behavior).append(rule)
        return rule

    def bash_allow_candidates(self, program: str) -> list[Rule]:
        """Allow rules that could approve a sub-command whose first word is ``program``.

        Rules are indexed by the literal first word of their pattern; rules whose first word
        has a wildcard, bare ``Bash`` and ``Bash(*)`` are candidates for every command.  The
        result keeps policy order.  The index is rebuilt when the allow list changes.
        """
        key = (id(self.allow), len(self.allow))
        if self._index_key != key:
            self._index = _index_bash_rules(self.allow)
            self._index_key = key
        by_word, anywhere = self._index
        hits = by_word.get(program)
        if not hits:
            return anywhere
        if not anywhere:
            return hits
        order = {id(r): i for i, r in enumerate(self.allow)}
        return sorted([*hits, *anywhere], key=lambda r: order[id(r)])

    def rules(self) -> list[Rule]:
        """Every rule: deny, then ask, then allow."""
        return [*self.deny, *self.ask, *self.allow]


def _first_word(spec: str) -> str | None:
    """The literal first word every command matching ``spec`` must start with, or ``None``."""
    if spec.endswith(":*"):
        spec = spec[:-2] + " *"
    star = spec.find("*")
    literal = spec if star < 0 else spec[:star]
    if star < 0:
        return literal.split(" ", 1)[0] or None
    if " " not in literal:
        return None  # e.g. "ls*" or "*": the first word itself is open
    return literal.split(" ", 1)[0] or None


def _index_bash_rules(rules: list[Rule]) -> tuple[dict[str, list[Rule]], list[Rule]]:
    by_word: dict[str, list[Rule]] = {}
    anywhere: list[Rule] = []
    for rule in rules:
        if not rule.matches_tool("Bash"):
            continue
        if rule.kind == "bash":
            word = _first_word(rule.specifier or "")
            if word is not None:
                by_word.setdefault(word, []).append(rule)
                continue
        if rule.kind in ("bash", "tool"):
            anywhere.append(rule)
    return by_word, anywhere
