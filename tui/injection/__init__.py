"""A local prompt-injection detector: does this text try to instruct the agent that reads it?

No model call.  :func:`scan` reads one piece of untrusted content (a file, a tool's output, a
fetched page, an MCP result or an MCP tool description) and returns a :class:`Scan` whose
:attr:`~Scan.findings` name the technique, the line, an excerpt and, in one sentence, what the
text tries to make the agent do.  Issue 13 item 4; the definition of "injection" is the
labelling rule of ``../shared/corpora/injection/README.md``: the text addresses the AI agent
(explicitly, or by posing as its user, system, tool protocol or project policy) and asks for
something the user did not: override its instructions, run commands, fetch and follow remote
instructions, read or send secrets, change settings/permissions/approval modes/MCP
configuration, insert code, manipulate what it tells the user, or hide any of this.

How it decides (context-aware, not keyword matching):

1. **Concealment is undone first** (:mod:`tui.injection.hidden`): Unicode tag text is decoded
   (emoji subdivision flags excepted), zero-width bit encodings are decoded, zero-width
   characters splitting words and bidi controls are removed, homoglyph words are mapped to
   Latin, JSON string escapes are decoded; base64 blobs, ROT13 text announced as such and
   words_joined_by_underscores in file names are decoded and scanned again.  Text smuggled in
   tag characters or zero-width bits is itself a finding: nothing legitimate hides sentences
   from the reader that way.
2. **Request signals** (:mod:`tui.injection.signals`: override, commands, fetch-and-follow,
   exfiltration, settings, memory files, concealment, answer manipulation, planted code, goal
   hijack, fake system/user turns) are matched on the lines that hold one of their gate words;
   lines longer than about 600 characters are judged in pieces.
3. **Each request is judged in its region** (three non-blank lines either side), asking only
   the questions its decision needs: is the reader addressed (an agent noun, a label such as
   "Note for AI agents:", "your response", a fake system/user turn, a heading naming the
   agents, an agent-instruction file such as AGENTS.md), is it an order (the sentence opens
   with an imperative verb or says "must"), is it dangerous on its own (a secret sent to an
   address, a permission bypass "without asking", download-and-run with "do not tell the
   user").  Context discounts: a text about attacks counts only words aimed at its own reader;
   phrases in quotes are mentioned, not said; string literals of tests, probes and scanner
   rules are data; "ignore the rest of the line" in a code comment is no order; project
   conventions in AGENTS.md (build, test, lint) are not requests, settings changes or secret
   sending there are.
4. **A second opinion by family** (:mod:`tui.injection.families`) for a text the request
   signals found clean: an agent noun addressed (third person, vocative, label; EN/FR/ES/DE/ZH
   and more), an order to it (modal, passive, indirect, imperative after the noun) and a request
   of a dangerous family (a secret moved, an agent setting changed, a risky command, fetch and
   follow, persistence, planted code, what to tell the user, concealment); override and
   concealment phrases in several languages need no noun.  New wordings of known attacks.
5. **A third opinion, scored per sentence** (:mod:`tui.injection.scored`) for a text both
   found clean: a reader addressed, a request, and a dangerous object (a secret moved, a remote
   script, an outside package index, an agent setting, a weakened check, a falsehood for the
   user, concealment), with discounts for negation, quotes and test data; for plain
   conversational, policy, TODO and error-recovery wordings no phrase list knows.
6. **Fail closed**: an error inside a rule yields a ``detector_error`` finding.

Measured in ``bench/injection.py`` (precision, recall, µs per KiB); ``warden detect-injection``
is the shell front end (:mod:`tui.injection.cli`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Container, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, compress
from typing import Any, Literal

from tui.injection.families import family_requests
from tui.injection.hidden import Hidden, decode_base64_blobs, normalise, rot13, visible
from tui.injection.scored import scored_requests
from tui.injection.signals import (
    ANCHOR_LEAD,
    CASED,
    CONTEXT_CHAR_GATES,
    CONTEXT_GATES,
    GATE_PREFIX,
    INTENT_CHAR_GATES,
    INTENT_GATES,
    LOWER,
    ON_ORIGINAL,
    ROLE_PREFIXES,
    SECURITY_WORDS,
    SIGNALS,
    WORD_BYTES,
    find_exfil,
)

__all__ = ["Finding", "Kind", "KINDS", "MESSAGES", "Scan", "scan"]

Kind = Literal["file", "tool_output", "web_page", "mcp_result", "tool_description"]
KINDS: tuple[str, ...] = ("file", "tool_output", "web_page", "mcp_result", "tool_description")

MESSAGES: dict[str, str] = {
    "override": "tries to make the agent ignore its instructions and follow new ones",
    "fake_authority": "poses as a system, user or tool message to give the agent orders",
    "command_exec": "tries to make the agent run a command (such as downloading and running a "
                    "script)",
    "remote_instructions": "tries to make the agent fetch instructions from elsewhere and "
                           "follow them",
    "exfiltration": "tries to make the agent read secrets or private data and send them out",
    "settings_change": "tries to make the agent change its settings, permissions, approval "
                       "mode or MCP servers",
    "persistence": "tries to make the agent write new standing rules into its memory or "
                   "instruction files",
    "concealment": "tries to make the agent hide what it does from the user",
    "output_manipulation": "tries to change what the agent tells the user",
    "code_backdoor": "tries to make the agent insert code supplied by the text into your code",
    "goal_hijack": "tries to make the agent do something you did not ask for",
    "instruction": "addresses the agent with instructions that are not part of your task",
    "detector_error": "could not be checked (the injection detector failed on it), so treat it "
                      "as untrusted",
}
"""Intent technique -> the plain sentence a user reads ("this text tries to ...")."""

CHANNEL_WORDS: dict[str, str] = {
    "unicode_tags": "invisible Unicode tag characters",
    "zero_width": "zero-width characters",
    "homoglyph": "look-alike (homoglyph) letters",
    "bidi": "bidirectional control characters",
    "base64": "base64",
    "rot13": "ROT13",
    "hidden_html_comment": "an HTML comment",
    "alt_text": "image alt text or a link title",
    "hidden_html": "HTML a browser does not show",
    "identifier": "a file name or identifier (words joined by underscores)",
}

INTENT_SIGNALS = frozenset({
    "override", "exec", "fetch", "exfil", "settings", "noask", "memory", "conceal", "output",
    "codephrase", "backdoor", "goal", "auth"})
"""Signals matched on every gated line; the others are context, matched near these."""

MAX_FINDINGS = 20
WINDOW = 3
"""A request is judged with this many non-blank lines on each side."""

INTENTS = ("override", "exec", "fetch", "exfil", "settings", "memory", "conceal", "output",
           "backdoor", "goal", "codeins")
TECHNIQUE = {
    "override": "override", "exec": "command_exec", "fetch": "remote_instructions",
    "exfil": "exfiltration", "settings": "settings_change", "memory": "persistence",
    "conceal": "concealment", "output": "output_manipulation", "backdoor": "code_backdoor",
    "codeins": "code_backdoor", "goal": "goal_hijack",
}

_HTML_COMMENT = re.compile(r"<!--[\s\S]{0,20000}?-->")
_ALT_TEXT = re.compile(r"!\[[^\]\n]{12,}\]|\balt\s*=\s*\"[^\"\n]{12,}\""
                       r"|\btitle\s*=\s*\"[^\"\n]{12,}\""
                       r"|\]\([^)\s]+\s+\"[^\"\n]{12,}\"\)|<title>[^<\n]{12,}</title>")
_HIDDEN_HTML = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01]px|"
                          r"color\s*:\s*#?(?:fff(?:fff)?|white)\b|aria-hidden|\bhidden\b|<template",
                          re.IGNORECASE)
_JSON_PREFIX = re.compile(r'^\s*"[^"\n]{0,40}"\s*:\s*"')
_OPEN_SINGLE = re.compile(r"(?:^|[\s(\[=:,])'[^'\n]*$")
_REPLY_WORK = re.compile(r"your\s+(?:response|answer|reply|elucidation)", re.IGNORECASE)
_AGENT_FILE = re.compile(
    r"(?:^|[/\\])(?:agents|claude|gemini|copilot-instructions|skill|heartbeat|"
    r"\.?cursorrules|\.?clinerules|\.?windsurfrules)(?:\.local)?(?:\.md|\.mdc|\.txt)?$"
    r"|\.mdc$", re.IGNORECASE)
_TESTDATA_WORDS = frozenset(w.encode() for w in (
    "unittest", "probe", "probes", "detector", "detectors", "jailbreak", "jailbreaks",
    "payloads", "redteam", "pass_conditions", "fail_conditions", "test_case", "testcase",
    "test_cases", "testcases"))
_TESTDATA_MARKERS = ("def test", "@pytest", "describe(", "expect(", "red team")
"""Words and phrases of tests, probes and scanner rules."""
_DATA_LINE = re.compile(
    r"^(?:[\w./-]+:\d+:)?\s*(?:[-*]\s+)?(?:[\w.$\[\]'\"-]+\s*[:=]|[(\[{,]|return\b|yield\b|"
    r"f?[rbuRBU]{0,2}[\"'`])")
_NEEDS_JUDGING = frozenset({"override", "exec", "fetch", "exfil", "memory", "backdoor", "output",
                            "goal", "conceal", "auth", "role", "noask"})
"""Request signals judged in their region at once; the others need a second signal first."""
_HTML_HEADING = re.compile(r"\s*<h[1-6]\b", re.IGNORECASE)
_TRIPLE_QUOTE = re.compile(r'"""|\'\'\'')
_IDENTIFIER_WORDS = re.compile(r"(?<![A-Za-z])[A-Za-z]+(?:[_-]{1,2}[A-Za-z]+){3,}")
"""(The lookbehind gives the same matches, tried only at word starts: twice as fast.)"""
_IDENTIFIER_CUE = re.compile(r"(?i)ignore|instruction|agent|assistant|previous|system|prompt|"
                             r"override|bypass|approve|exfil|secret|curl")
_OVERRIDE_OBJECTS = ("instruction", "iunstruction", "prompt", "directive", "direction",
                     "guideline", "programming", "your ", "you ", "dan", "jailbr", "unrestricted",
                     "offline", "user", "my previous", "my rules", "this data", "this document",
                     "this text", "this page", "this email", "this article", "info except",
                     "information except")
"""Words that make an override phrase aim at a model: "ignore previous instructions" does;
"ignore the rest of the line" in a code comment does not, unless the text addresses the agent."""
_GOAL_WORDS = ("send", "forward", "mail", "bcc", "money", "wire", "transfer", "password",
               "delete", "contact", "social", "collect", "gather", "dump", "export", "every",
               "prompt", "instructions", "wipe", "factory")
_SENTENCE_MARKS = (". ", "! ", "? ", "; ", ": ", '": "', '":"', "\t", ".\\n", "  ")
_SENTENCE_HEAD = re.compile(
    r"[\s\-*>#/\d.():'`\[\]]*(?:(?:please|then|also|first|now|and|todo|note|fixme|nb|"
    r"always|just|simply|immediately|quickly|kindly)"
    r"[\s,:!]+)*([a-z]+)", re.IGNORECASE)
_IMPERATIVE_VERBS = frozenset(
    "send upload post forward email e mail bcc copy paste print include pass append add put share "
    "submit write dump output reveal attach read open get fetch run execute set enable "
    "switch turn edit change update create register install configure grant extend use call "
    "make start go visit download collect gather delete remove leak transmit exfiltrate "
    "disable allow approve".split())
"""Verbs that open an order.  Command names (curl, ping) are not among them: a shell script's
lines start with commands without ordering anyone."""
_MODAL = re.compile(r"\b(?:must|shall|have to|has to|need to|needs to|(?:are|is) required to|"
                    r"(?:requires?|wants?|asks?|needs?|expects?|instructs?) (?:you|the agent|"
                    r"the assistant) to)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:never|not|n't|no one|nobody)\b", re.IGNORECASE)
_TODO = re.compile(r"\b(?:TODO|FIXME|NOTE)\s*(?:\([^)\n]{0,20}\))?\s*:", re.IGNORECASE)
_SETTINGS_VERB = re.compile(r"\b(?:set|enable|add|switch|turn on|edit|change|update|start with|"
                            r"use|register|write|put|create|extend|append|grant)\b",
                            re.IGNORECASE)
_ROT13_WORDS = frozenset((b"rot13", b"rot", b"caesar"))
_ROT13_HINT = re.compile(r"\brot-?13\b|\bcaesar\b|N-ZA-Mn-za-m", re.IGNORECASE)
_STRONG_DISC = re.compile(r"\bprompt[- ]injection|\bjailbreak|\binjection attack|\bred[- ]team|"
                          r"\battack(?:s|er|ers)?\b|\bpayloads?\b|\bprobes?\b|\bdetect(?:or|ion)\b",
                          re.IGNORECASE)
_QUOTES = ('"', "`", "\u201c", "\u201d")
_CASED_FOR = {signal: name for name, (signal, _) in CASED.items()}
_SECRET_SINKS = ("http", "@", "$(", "your", "sidenote", "comment", "message", "ticket", "reply",
                 "post", "upload", "send", "curl")


@dataclass(frozen=True)
class Finding:
    """One place where the text tries to instruct the agent.

    Attributes:
        technique: how: an intent (``override``, ``fake_authority``, ``command_exec``,
            ``exfiltration``, ``settings_change``, ``persistence``, ``concealment``,
            ``output_manipulation``, ``code_backdoor``, ``remote_instructions``,
            ``goal_hijack``) or, when the words were hidden, the channel (``unicode_tags``,
            ``zero_width``, ``homoglyph``, ``bidi``, ``base64``, ``rot13``,
            ``hidden_html_comment``, ``alt_text``, ``hidden_html``, ``identifier``).
        line: 1-based line in the scanned text.
        excerpt: at most 120 characters of the line (decoded text for hidden channels), with
            invisible and control characters shown as ``<U+XXXX>``; plain text, to be shown
            with markup off.
        message: one sentence for the user, "this text <message>".
    """

    technique: str
    line: int
    excerpt: str
    message: str

    def to_json(self) -> dict[str, Any]:
        """``{"technique", "line", "excerpt", "message"}``."""
        return {"technique": self.technique, "line": self.line, "excerpt": self.excerpt,
                "message": self.message}


@dataclass(frozen=True)
class Scan:
    """The result of :func:`scan`: the findings, in line order."""

    findings: tuple[Finding, ...]

    @property
    def injection(self) -> bool:
        """True when the text tries to instruct the agent (at least one finding)."""
        return bool(self.findings)

    def to_json(self) -> dict[str, Any]:
        """``{"injection": bool, "findings": [{technique, line, excerpt, message}, ...]}``, the
        shape ``warden detect-injection --json`` prints and the corpus scorer reads."""
        return {"injection": self.injection, "findings": [f.to_json() for f in self.findings]}


UNIT = 400
"""Lines longer than 1.5 x UNIT characters (JSON bodies, minified text) are judged in pieces of
about UNIT characters, cut at paragraph or sentence breaks where possible."""


def _split_long(line: str) -> list[str]:
    """``line`` cut into pieces of at most about ``UNIT`` characters (no character lost)."""
    if len(line) <= UNIT * 3 // 2:
        return [line]
    out: list[str] = []
    start = 0
    while len(line) - start > UNIT * 3 // 2:
        lo, hi = start + UNIT // 2, start + UNIT
        cut = line.rfind("  ", lo, hi)
        if cut == -1:
            cut = line.rfind(". ", lo, hi) + 1
        if cut <= 0:
            cut = line.rfind(" ", lo, hi)
        if cut <= start:
            cut = hi
        out.append(line[start:cut])
        start = cut
    out.append(line[start:])
    return out


class _View:
    """Signals of a few lines, matched on demand: ``name in view`` (see :meth:`_Lines.has`)."""

    __slots__ = ("indices", "lines")

    def __init__(self, lines: _Lines, indices: list[int]) -> None:
        self.lines = lines
        self.indices = indices

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        has = self.lines.has
        for j in self.indices:  # a plain loop: cheaper than any() over a generator here
            if has(j, name):
                return True
        return False


class _Asked:
    """The questions :func:`_judge` asks about one request's region, answered once and only
    when asked (each may match context patterns on several lines)."""

    def __init__(self, lines: _Lines, i: int, window: list[int], region: _View, near: _View,
                 after: _View, sig: _View, doc_security: bool, agent_file: bool) -> None:
        self.lines, self.i, self.window = lines, i, window
        self.region, self.near, self.after, self.sig = region, near, after, sig
        self.doc_security, self.agent_file = doc_security, agent_file

    @cached_property
    def reader(self) -> bool:
        """Words aimed at this text's reader: a note for agents, or an unquoted fake turn."""
        return "addr_strong" in self.region or any(
            "auth" in self.lines.sig.get(j, ())
            and not (self.doc_security and self.lines.quoted(j, "auth")) for j in self.window)

    @cached_property
    def addressed_strong(self) -> bool:
        """The reader, or the reader's role ("you are an AI agent", "your system prompt")."""
        return self.reader or "addr_role" in self.region

    @cached_property
    def addressed(self) -> bool:
        """Any address to the agent nearby: an agent noun, "your response", a chat role, an
        agent-instruction file, a section heading naming the agents."""
        return (self.addressed_strong or "addr" in self.near or "reply" in self.sig
                or self.agent_file or "role" in self.near
                or self.lines.heading_addresses_agent(self.i))

    @cached_property
    def imperative(self) -> bool:
        """Orders nearby ("you must", a line opening with a verb)."""
        return "imper" in self.near or "imperline" in self.after


class _Lines:
    """Per-line signal sets of one (normalised) text.

    Two stages keep scanning cheap.  The request signals are matched only on lines holding one
    of their gate words (:data:`tui.injection.signals.INTENT_GATES`, found with one
    ``bytes.translate`` + ``split`` over the text); the context signals (who is addressed,
    discussion, destinations) only on the lines around a request, by :meth:`context`.  Most
    lines of ordinary content are never matched against any pattern.
    """

    def __init__(self, text: str) -> None:
        raw = text.split("\n")
        if max(map(len, raw)) <= UNIT * 3 // 2:
            self.lines = raw
            self.phys: Sequence[int] = range(len(raw))
        else:
            self.lines = []
            phys: list[int] = []
            for n, line in enumerate(raw):
                for unit in _split_long(line):
                    self.lines.append(unit)
                    phys.append(n)
            self.phys = phys
            text = "\n".join(self.lines)
        self.text = text
        low = text.lower()
        self.low_lines = low.split("\n")
        if len(self.low_lines) != len(self.lines):  # pragma: no cover - lower() never adds \n
            self.low_lines = [line.lower() for line in self.lines]
        self.starts = starts = [0, *accumulate(map((1).__add__, map(len, self.low_lines[:-1])))]
        self.sig: defaultdict[int, set[str]] = defaultdict(set)
        self.spans: dict[tuple[int, str], tuple[int, int]] = {}
        self._testdata: bool | None = None
        self._literals: list[tuple[int, int]] | None = None
        self.security_words = 0
        self._asked: dict[tuple[int, str], bool] = {}
        self._gated: dict[int, set[str]] = {}
        candidates: dict[int, set[str]] = {}
        word_bytes = low.encode("utf-8", "surrogatepass").translate(WORD_BYTES)
        self.words = words = set(word_bytes.split())
        self.long_words: list[bytes] = (
            list(compress(words, map((20).__le__, map(len, words))))[:64]
            if max(map(len, words), default=0) >= 20 else [])
        self.low = low
        for word in words & SECURITY_WORDS:
            self.security_words += low.count(word.decode())
        for word in words & INTENT_GATES.keys():
            names = INTENT_GATES[word]
            needle = word.decode()
            size = len(needle)
            pos = low.find(needle)
            while pos != -1:
                end = pos + size
                if not ((pos and low[pos - 1].isalnum()) or low[end:end + 1].isalnum()):
                    i = bisect_right(starts, pos) - 1  # a whole word, not part of one
                    candidates.setdefault(i, set()).update(names)
                    if i + 1 < len(starts):
                        end = starts[i + 1]  # this line is known: go to the next (past end)
                pos = low.find(needle, end)
        for anchor, token, pattern, signals in INTENT_CHAR_GATES:
            if token and token not in words:
                continue
            first = low.find(anchor)  # str.find is many times faster than the pattern's scan
            if first == -1:
                continue
            for m in pattern.finditer(low, max(0, first - ANCHOR_LEAD[anchor])):
                i = bisect_right(starts, m.start()) - 1
                candidates.setdefault(i, set()).update(signals[m.group()])
        for i, wanted in candidates.items():
            for name in wanted:
                self._match(i, name)
        for role in ROLE_PREFIXES:  # "human:", "assistant:"... at the start of a line
            if role.split(":")[0].strip().encode() not in words:
                continue
            pos = low.find(role)
            while pos != -1:
                i = bisect_right(starts, pos) - 1
                if self.low_lines[i].lstrip(" \t>#*-").startswith(role):
                    self._match(i, "role")
                pos = low.find(role, starts[i] + len(self.low_lines[i]) + 1)

    @property
    def testdata(self) -> bool:
        """Whether the text looks like tests, probes or scanner rules (computed once)."""
        if self._testdata is None:
            self._testdata = bool(self.words & _TESTDATA_WORDS) or any(
                marker in self.low for marker in _TESTDATA_MARKERS)
        return self._testdata

    def heading_addresses_agent(self, i: int) -> bool:
        """Whether the heading of line ``i``'s section (Markdown or HTML, within 15 lines above)
        names the agent ("## Notes for AI assistants", "<h2>Are you a computer?</h2>")."""
        for j in range(i - 1, max(-1, i - 16), -1):
            line = self.lines[j]
            if ((line.startswith("#") and line.lstrip("#")[:1] in (" ", "\t"))
                    or _HTML_HEADING.match(line)):
                return self.has(j, "addr") or self.has(j, "addr_strong")
        return False

    def in_literal(self, i: int) -> bool:
        """Whether line ``i`` lies inside a triple-quoted string (computed once per text)."""
        if self._literals is None:
            self._literals = []
            quotes = [m.start() for m in _TRIPLE_QUOTE.finditer(self.text)]
            for a, b in zip(quotes[::2], quotes[1::2], strict=False):
                self._literals.append((bisect_right(self.starts, a) - 1,
                                       bisect_right(self.starts, b) - 1))
        return any(a < i <= b for a, b in self._literals)

    def around(self, i: int, before: int, after: int) -> list[int]:
        """Line ``i`` with up to ``before``/``after`` non-blank lines on each side, in order."""
        up: list[int] = []
        j = i - 1
        while j >= 0 and len(up) < before:
            if self.lines[j].strip():
                up.append(j)
            j -= 1
        down: list[int] = []
        j = i + 1
        while j < len(self.lines) and len(down) < after:
            if self.lines[j].strip():
                down.append(j)
            j += 1
        return [*reversed(up), i, *down]

    def _match(self, i: int, name: str) -> None:
        low = self.low_lines[i]
        if name == "goal" and "@" in low and not any(w in low for w in _GOAL_WORDS):
            return  # an e-mail address or a decorator, without anything to do with it
        if name == "exfil":
            span = find_exfil(low)
            if span is not None:
                self.sig[i].add(name)
                self.spans.setdefault((i, name), span)
            return
        m = (SIGNALS[name] if name in ON_ORIGINAL else LOWER[name]).search(
            self.lines[i] if name in ON_ORIGINAL else low)
        if m is None and name in _CASED_FOR:
            m = CASED[_CASED_FOR[name]][1].search(self.lines[i])
        if m is not None:
            self.sig[i].add(name)
            self.spans.setdefault((i, name), (m.start(), m.end()))

    def has(self, i: int, name: str) -> bool:
        """Whether signal ``name`` is on line ``i``.  Request signals were matched up front; a
        context signal is matched on first question (only if the line holds one of its gate
        words), so only the context a decision needs is ever computed."""
        found = self.sig.get(i)
        if found is not None and name in found:
            return True
        if name in INTENT_SIGNALS or name == "role":
            return False
        key = (i, name)
        known = self._asked.get(key)
        if known is None:
            gated = self._gated.get(i)
            if gated is None:
                low = self.low_lines[i]
                gated = set()
                words = low.encode("utf-8", "surrogatepass").translate(WORD_BYTES).split()
                for prefix in {word[:GATE_PREFIX] for word in words} & CONTEXT_GATES.keys():
                    gated |= CONTEXT_GATES[prefix]
                for chars, signal in CONTEXT_CHAR_GATES:
                    if chars in low:
                        gated.add(signal)
                self._gated[i] = gated
            if name in gated:
                self._match(i, name)
            known = self._asked[key] = name in self.sig.get(i, ())
        return known

    def view(self, indices: list[int]) -> _View:
        """The signals of several lines together, asked lazily (``"addr" in view``)."""
        return _View(self, indices)

    def quoted(self, i: int, name: str) -> bool:
        """Whether the first ``name`` match on line ``i`` sits inside quotes or backticks."""
        span = self.spans.get((i, name))
        if span is None:
            return False
        line = self.lines[i]
        before = _JSON_PREFIX.sub("", line[: span[0]], count=1)  # "text": "...: not a quote
        if any(before.count(q) % 2 == 1 for q in ('"', "`")) or (
                "\u201c" in before and "\u201d" not in before[before.rfind("\u201c"):]):
            return True
        m = _OPEN_SINGLE.search(before)  # 'like this', not an apostrophe
        return m is not None and "'" in line[span[1]:]


def _intents(sig: Container[str], near: Container[str], line: str) -> list[str]:
    """The requests on one line (``sig``; ``near``: signals of it and its neighbours),
    strongest first."""
    found: list[str] = []
    if "override" in sig:
        found.append("override")
    if "exfil" in sig and ("dest" in near or "sink" in sig):
        found.append("exfil")
    if "exec" in sig:
        found.append("exec")
    if "fetch" in sig:
        found.append("fetch")
    if "settings" in sig and _SETTINGS_VERB.search(line):
        found.append("settings")
    if "memory" in sig:
        found.append("memory")
    if "backdoor" in sig:
        found.append("backdoor")
    if "codephrase" in sig and "yourwork" in sig:
        found.append("codeins")
    if "output" in sig:
        found.append("output")
    if "goal" in sig:
        found.append("goal")
    if "conceal" in sig:
        found.append("conceal")
    return found


def _imperative(lines: _Lines, i: int, pos: int) -> bool:
    """Whether the sentence holding ``pos`` on line ``i`` is an order: it starts (after bullets,
    comment marks, "please", "TODO:"...) with an imperative verb such as "send" or "read", or
    says "must"/"have to" before ``pos``.  A sentence that began on the line above (this line
    goes on in lower case) is read from there."""
    line = lines.lines[i]
    start = max(line.rfind(mark, 0, pos) for mark in _SENTENCE_MARKS)
    if start < 0:
        first = line.lstrip(" \t/#*>-")[:1]
        if i > 0 and first and (first.islower() or first in "`(\"'"):
            above = lines.lines[i - 1].rstrip()
            if (above and (above[-1].isalnum() or above[-1] in ",`")
                    and _imperative(lines, i - 1, len(above))):
                return True  # the sentence runs on from the line above
    start = 0 if start < 0 else start + 1
    for head in (start, line.rfind(", ", start, pos) + 2, line.rfind(" then ", start, pos) + 6):
        if head < start or (head != start and head <= 1):
            continue  # no such clause
        m = _SENTENCE_HEAD.match(line, head)
        if m is not None and m.group(1).lower() in _IMPERATIVE_VERBS:
            return True
    m = _MODAL.search(line, start, pos + 1)  # "all commands must include..."
    return m is not None and _NEGATION.search(line, max(start, m.start() - 14), m.start()) is None


def _judge(lines: _Lines, doc_security: bool, agent_file: bool) -> list[tuple[int, str]]:
    """(line index, intent) for each request that, in its region, instructs the agent.

    ``agent_file``: the text is an agent-instruction file (AGENTS.md, CLAUDE.md...), addressed
    to the agent throughout; its project conventions (build, test, install) are not requests.
    ``doc_security``: the text is about attacks (many attack words): only words aimed at its
    reader (a note for agents, a fake system turn) count.  Tests, probes and scanner rules
    (:data:`_TESTDATA_MARKERS`): their string literals and data fields are data.
    """
    out: list[tuple[int, str]] = []
    hits = sorted(i for i, found in lines.sig.items() if found)
    if not hits:
        return out
    for i in hits:
        requests = lines.sig[i]
        sig = lines.view([i])
        if not requests & _NEEDS_JUDGING and not _intents(sig, sig, lines.lines[i]):
            continue  # a code phrase or a settings word: a request only with more
        window = lines.around(i, WINDOW, WINDOW)
        region = lines.view(window)
        near = lines.view(lines.around(i, 1, 1))
        after = lines.view(lines.around(i, 0, 2))
        intents = _intents(sig, near, lines.lines[i])
        ask = _Asked(lines, i, window, region, near, after, sig, doc_security, agent_file)
        discussed = "disc" in sig or ("disc" in near and doc_security)
        intent = intents[0] if intents else ""
        trigger = intent if intent in ("override", "goal", "output") else next(
            (name for name in ("auth", "noask") if name in requests), "")
        quoted = lines.quoted(i, trigger) if trigger else False  # a phrase, not a `command`
        if discussed and (quoted or doc_security):
            continue
        if doc_security and not ask.reader:
            continue  # a text about attacks quotes them; only words aimed at this reader count
        if lines.testdata and (_DATA_LINE.match(lines.lines[i]) or lines.in_literal(i)
                               or quoted):
            continue  # a test case, probe or rule: the words are data
        if not intents:
            if (("auth" in sig and (ask.imperative or "addr_strong" in region))
                    or ("role" in sig and ask.imperative and "auth" in region)):
                out.append((i, "instruction"))
            elif "noask" in sig and ask.addressed and not agent_file and "runcmd" in near:
                out.append((i, "exec"))
            continue
        ordered = _imperative(lines, i, lines.spans.get((i, intent), (0, 0))[0])
        if intent == "override":
            if quoted and "disc" in region:
                continue
            span = lines.spans.get((i, "override"), (0, 0))
            said = lines.low_lines[i][span[0]:span[1] + 24]  # the phrase and its object
            if (any(word in said for word in _OVERRIDE_OBJECTS) or ask.addressed
                    or len(intents) > 1):
                out.append((i, intent))  # "ignore the rest of the line" in code is no order
            continue
        if intent == "codeins":
            following = lines.view(lines.around(i, 0, 13))
            if "dangercode" in following or _REPLY_WORK.search(lines.lines[i]):
                out.append((i, intent))
            continue
        if intent == "backdoor" and not ("disc" in region and "dangercode" not in region) and (
                ask.addressed or "dangercode" in region or ordered or "dest" in near):
            out.append((i, intent))
            continue
        noask = "noask" in near or "conceal" in near
        dangerous_alone = (
            ("exfil" in intents and "dest" in near and ordered)
            or ("settings" in intents and noask and ordered)
            or ("exec" in intents and noask and ordered)
            or ("memory" in intents and ("noask" in near or "settings" in near))
            or ("fetch" in intents and ask.imperative)
            or (bool(_TODO.search(lines.lines[i])) and (
                intent in ("exfil", "settings", "memory", "fetch")
                or (intent in ("exec", "goal", "conceal") and "dest" in sig)))
        )
        if agent_file and intent == "exec" and not noask:
            continue
        if agent_file and ordered and intent in ("settings", "memory", "exfil", "conceal",
                                                 "backdoor"):
            out.append((i, intent))  # beyond any project's own workflow
            continue
        if intent in ("settings", "memory") and not (ordered or "noask" in near or "auth" in sig):
            continue  # "a write to a memory file failed", "saved to settings.json": no order
        if quoted and intent in ("goal", "output") and not ask.reader:
            continue  # a phrase in quotes ("Delete everything?") is mentioned, not said
        if ask.addressed_strong or dangerous_alone:
            out.append((i, intent))
            continue
        if ask.addressed and intent in ("exec", "fetch", "exfil", "memory", "output", "conceal",
                                    "goal"):
            if intent in ("conceal", "goal") and not (ordered or "noask" in near
                                                      or len(intents) > 1):
                continue
            out.append((i, intent))
    return out


def _context_channel(raw_lines: list[str], text: str, i: int, comments: list[tuple[int, int]],
                     starts: list[int]) -> str | None:
    """The HTML concealment (comment, alt text, hidden element) around line ``i``, if any."""
    pos = starts[i]
    for a, b in comments:
        if a <= pos + len(raw_lines[i]) and pos <= b:
            return "hidden_html_comment"
    line = raw_lines[i]
    if _ALT_TEXT.search(line):
        return "alt_text"
    if "<" in line and _HIDDEN_HTML.search(line):
        return "hidden_html"
    return None


def _excerpt(line: str, span: tuple[int, int] | None) -> str:
    start = 0
    if span is not None and span[0] > 60 and len(line) > 120:
        start = max(0, span[0] - 30)
    return visible(line[start:].strip())


def _scan_text(text: str, depth: int, agent_file: bool = False
               ) -> list[tuple[int, str, str, str]]:
    """(line, technique, excerpt, intent) for ``text``; hidden payloads are scanned again."""
    norm = normalise(text)
    lines = _Lines(norm.text)
    doc_security = lines.security_words >= 6
    results: list[tuple[int, str, str, str]] = []
    comments = ([(m.start(), m.end()) for m in _HTML_COMMENT.finditer(lines.text)]
                if "<!--" in lines.text else [])
    seen: set[tuple[int, str]] = set()
    requests = _judge(lines, doc_security, agent_file)
    if not requests:  # the wider net by family (who, an order, what), for new wordings
        requests = family_requests(lines, doc_security, agent_file)
    if not requests:  # a third: address, request and a dangerous object, scored per sentence
        requests = scored_requests(lines, doc_security, agent_file)
    for i, intent in requests:
        if (i, intent) in seen:
            continue
        seen.add((i, intent))
        line_no = lines.phys[i] + 1
        channels = norm.channels.get(line_no, set()) - {"unicode_tags"}
        technique = wanted = TECHNIQUE.get(intent, "fake_authority")
        sig = lines.sig[i]
        if intent != "override" and ("auth" in sig or "role" in sig):
            technique = "fake_authority"
            wanted = f"fake_authority+{wanted}" if wanted != "fake_authority" else wanted
        channel = sorted(channels)[0] if channels else _context_channel(
            lines.lines, lines.text, i, comments, lines.starts)
        span = lines.spans.get((i, intent))
        results.append((line_no, channel or technique, _excerpt(lines.lines[i], span), wanted))
    hidden: list[Hidden] = list(norm.hidden)
    if depth == 0 and not doc_security:
        blob_lines = set()
        for word in lines.long_words:  # base64 blobs hold long runs of letters and digits
            pos = lines.low.find(word.decode("utf-8", "surrogatepass"))
            if pos != -1:
                blob_lines.add(bisect_right(lines.starts, pos) - 1)
        for k in sorted(blob_lines):
            hidden += [Hidden(h.channel, lines.phys[k] + 1, h.text)
                       for h in decode_base64_blobs(lines.lines[k])]
            if not lines.testdata:  # words_joined_like_this in file names and identifiers
                hidden += [Hidden("identifier", lines.phys[k] + 1, re.sub(r"[_-]+", " ", m.group()))
                           for m in _IDENTIFIER_WORDS.finditer(lines.lines[k])
                           if _IDENTIFIER_CUE.search(m.group())]
        if lines.words & _ROT13_WORDS or b"za" in lines.words:
            for k, line in enumerate(lines.lines):
                if _ROT13_HINT.search("\n".join(lines.lines[max(0, k - 3): k + 1])):
                    hidden.append(Hidden("rot13", lines.phys[k] + 1, rot13(line)))
    for h in hidden:
        inner = _scan_text(h.text, depth + 1) if depth < 2 else []
        if inner:
            intent = inner[0][3]
            results.append((h.line, h.channel, visible(h.text), intent))
        elif h.channel in ("unicode_tags", "zero_width") and len(h.text.split()) >= 3:
            results.append((h.line, h.channel, visible(h.text), "instruction"))
    return results


def scan(text: str, *, kind: Kind = "file", filename: str | None = None) -> Scan:
    """Scan untrusted ``text`` for instructions aimed at the agent.

    Args:
        text: the content as the agent would read it (any size; invisible characters kept).
        kind: where it comes from: ``"file"``, ``"tool_output"``, ``"web_page"``,
            ``"mcp_result"`` or ``"tool_description"`` (an MCP tool's description).
        filename: its name, if any: an agent-instruction file (``AGENTS.md``,
            ``CLAUDE.md``, ``GEMINI.md``, ``SKILL.md``, ``.cursorrules``...) is read as
            addressed to the agent throughout.

    Returns:
        A :class:`Scan`; ``scan(...).injection`` is True when a finding was made.  Never
        raises on any string: a failure inside a rule is reported as a ``detector_error``
        finding (fail closed).

    Raises:
        ValueError: ``kind`` is not one of :data:`KINDS`.
    """
    agent_file = bool(filename and _AGENT_FILE.search(filename))
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    try:
        raw = _scan_text(text, 0, agent_file)
    except Exception:  # a bug in a rule must not let the text through: fail closed
        raw = [(1, "detector_error", visible(text[:120]), "detector_error")]
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for line, technique, excerpt, intent in sorted(raw):
        if (line, technique) in seen:
            continue
        seen.add((line, technique))
        posing, _, intent = intent.rpartition("+")  # "fake_authority+exfiltration"
        message = f"This text {MESSAGES.get(intent, MESSAGES['instruction'])}."
        if posing:
            message = f"This text poses as a system, user or tool message and {message[10:]}"
        if technique in CHANNEL_WORDS:
            message = f"Hidden in {CHANNEL_WORDS[technique]}, t{message[1:]}"
        findings.append(Finding(technique, line, excerpt, message))
        if len(findings) >= MAX_FINDINGS:
            break
    return Scan(tuple(findings))
