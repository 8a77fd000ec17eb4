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
    _index: _BashIndex | None = field(default=None, repr=False, compare=False)

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

    def bash_allow_match(self, program: str, text: str) -> Rule | None:
        """The first allow rule, in policy order, that approves one simple command (REF §2.3).

        Args:
            program: the command's first word (``cmd.argv[0]``).
            text: the command's text, words separated by single spaces (what
                :func:`~tui.permissions.rules.bash_matches` compares).

        Rules without ``*`` match only the identical text, so they are found with one dictionary
        lookup; pattern rules are indexed by the literal first word of their pattern, and those
        whose first word is open (``ls*``, ``*``), bare ``Bash`` and ``Bash(*)`` are tried for
        every command.  The index is rebuilt when the allow list changes.
        """
        from tui.permissions.rules import bash_matches

        index = self._bash_index()
        exact = index.exact.get(text)
        limit = index.order[id(exact)] if exact is not None else len(index.order)
        for rule in index.patterns_for(program):
            if index.order[id(rule)] >= limit:
                break
            if rule.kind == "tool" or bash_matches(rule.specifier or "", text):
                return rule
        return exact

    def bash_allow_rules(self) -> list[Rule]:
        """Every allow rule that can approve a Bash command (``Bash``, ``Bash(...)``, globs
        naming Bash), in policy order: the candidates when only exact rules may match."""
        return self._bash_index().every

    def _bash_index(self) -> _BashIndex:
        """The Bash allow-rule index, rebuilt when the allow list changes."""
        key = (id(self.allow), len(self.allow))
        if self._index is None or self._index_key != key:
            self._index = _BashIndex.build(self.allow)
            self._index_key = key
        return self._index

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


@dataclass
class _BashIndex:
    """Bash allow rules arranged for :meth:`Policy.bash_allow_match`.

    Attributes:
        every: the rules that can approve Bash, in policy order.
        exact: specifier -> the first rule with it, for rules without ``*``.
        by_word: literal first word -> pattern rules starting with it, in policy order.
        anywhere: pattern rules tried for every command (open first word, ``Bash``,
            ``Bash(*)``), in policy order.
        order: ``id(rule)`` -> position in :attr:`every`.
    """

    every: list[Rule]
    exact: dict[str, Rule]
    by_word: dict[str, list[Rule]]
    anywhere: list[Rule]
    order: dict[int, int]
    _merged: dict[str, list[Rule]] = field(default_factory=dict)

    @classmethod
    def build(cls, rules: list[Rule]) -> _BashIndex:
        every = [r for r in rules if r.kind in ("bash", "tool") and r.matches_tool("Bash")]
        exact: dict[str, Rule] = {}
        by_word: dict[str, list[Rule]] = {}
        anywhere: list[Rule] = []
        for rule in every:
            spec = rule.specifier or ""
            if rule.kind == "bash" and "*" not in spec:
                exact.setdefault(spec, rule)
                continue
            word = _first_word(spec) if rule.kind == "bash" else None
            if word is not None:
                by_word.setdefault(word, []).append(rule)
            else:
                anywhere.append(rule)
        return cls(every, exact, by_word, anywhere, {id(r): i for i, r in enumerate(every)})

    def patterns_for(self, program: str) -> list[Rule]:
        """Pattern rules that could match a command starting with ``program``, in order."""
        merged = self._merged.get(program)
        if merged is None:
            hits = self.by_word.get(program, [])
            merged = sorted([*hits, *self.anywhere], key=lambda r: self.order[id(r)])
            if len(self._merged) < 4096:
                self._merged[program] = merged
        return merged
