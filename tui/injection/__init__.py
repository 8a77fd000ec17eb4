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
   Latin, JSON string escapes are decoded; base64 blobs and ROT13 text announced as such are
   decoded and scanned again.  Text smuggled in tag characters or zero-width bits is itself a
   finding: nothing legitimate hides sentences from the reader that way.
2. **Signals** (:mod:`tui.injection.signals`) are matched once over the whole text and
   gathered per line: who is addressed, what is asked, and context that discounts.
3. **Each line with a request is judged in its region** (the neighbouring non-blank lines):
   a request counts only when the region addresses the agent (an agent noun, a note for
   assistants, a fake system/user turn, "your response"), or the request is dangerous on its
   own (secrets sent to an address, permission bypass "without asking", download-and-run
   with "do not tell the user").  A region that discusses attacks ("for example", "prompt
   injection", "payload") and quotes the phrase is subject matter, not an instruction.
   Project conventions addressed to agents (build, test, lint) are not requests of the
   dangerous kinds, so an AGENTS.md is flagged only when it asks for more.

Measured in ``bench/injection.py`` (precision, recall, µs per KiB); ``warden detect-injection``
is the shell front end (:mod:`tui.injection.cli`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, Literal

from tui.injection.hidden import Hidden, decode_base64_blobs, normalise, rot13, visible
from tui.injection.signals import SIGNALS

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
}

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
_TODO = re.compile(r"\b(?:TODO|FIXME|NOTE)\s*:", re.IGNORECASE)
_SETTINGS_VERB = re.compile(r"\b(?:set|enable|add|switch|turn on|edit|change|update|start with|"
                            r"use|register|write|put|create|extend|append|grant)\b",
                            re.IGNORECASE)
_ROT13_HINT = re.compile(r"\brot-?13\b|\bcaesar\b|N-ZA-Mn-za-m", re.IGNORECASE)
_STRONG_DISC = re.compile(r"\bprompt[- ]injection|\bjailbreak|\binjection attack|\bred[- ]team|"
                          r"\battack(?:s|er|ers)?\b|\bpayloads?\b|\bprobes?\b|\bdetect(?:or|ion)\b",
                          re.IGNORECASE)
_QUOTES = ('"', "`", "\u201c", "\u201d")


@dataclass(frozen=True)
class Finding:
    """One place where the text tries to instruct the agent.

    Attributes:
        technique: how: an intent (``override``, ``fake_authority``, ``command_exec``,
            ``exfiltration``, ``settings_change``, ``persistence``, ``concealment``,
            ``output_manipulation``, ``code_backdoor``, ``remote_instructions``,
            ``goal_hijack``) or, when the words were hidden, the channel (``unicode_tags``,
            ``zero_width``, ``homoglyph``, ``bidi``, ``base64``, ``rot13``,
            ``hidden_html_comment``, ``alt_text``, ``hidden_html``).
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


class _Lines:
    """Per-line signal sets of one (normalised) text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        starts = [0]
        for line in self.lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        self.starts = starts
        self.sig: list[set[str]] = [set() for _ in self.lines]
        self.spans: dict[tuple[int, str], tuple[int, int]] = {}
        for name, pattern in SIGNALS.items():
            for m in pattern.finditer(text):
                i = bisect_right(starts, m.start()) - 1
                self.sig[i].add(name)
                self.spans.setdefault((i, name), (m.start() - starts[i], m.end() - starts[i]))
        self.nonblank = [i for i, line in enumerate(self.lines) if line.strip()]

    def quoted(self, i: int, name: str) -> bool:
        """Whether the first ``name`` match on line ``i`` sits inside quotes or backticks."""
        span = self.spans.get((i, name))
        if span is None:
            return False
        before = self.lines[i][: span[0]]
        return any(before.count(q) % 2 == 1 for q in ('"', "`")) or (
            "\u201c" in before and "\u201d" not in before[before.rfind("\u201c"):])


def _intents(sig: set[str], line: str) -> list[str]:
    """The requests on one line, strongest first."""
    found: list[str] = []
    if "override" in sig:
        found.append("override")
    if "secret" in sig and ("dest" in sig or "reply" in sig) and "sendv" in sig:
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


def _judge(lines: _Lines, doc_security: bool) -> list[tuple[int, str]]:
    """(line index, intent) for each request that, in its region, instructs the agent."""
    out: list[tuple[int, str]] = []
    nb = lines.nonblank
    for k, i in enumerate(nb):
        sig = lines.sig[i]
        intents = _intents(sig, lines.lines[i])
        if not intents:
            continue
        region: set[str] = set()
        for j in nb[max(0, k - WINDOW): k + WINDOW + 1]:
            region |= lines.sig[j]
        near: set[str] = set()
        for j in nb[max(0, k - 1): k + 2]:
            near |= lines.sig[j]
        addressed_strong = "addr_strong" in region or "auth" in region
        addressed = addressed_strong or "addr" in near or "reply" in sig
        discussed = "disc" in sig or ("disc" in near and doc_security)
        intent = intents[0]
        quoted = lines.quoted(i, "override") if intent == "override" else False
        if discussed and (quoted or doc_security):
            continue
        if doc_security and not addressed_strong:
            continue
        if intent == "override":
            if quoted and "disc" in region:
                continue
            out.append((i, intent))
            continue
        if intent == "codeins":
            following: set[str] = set()
            for j in nb[k: k + 14]:
                following |= lines.sig[j]
            if "dangercode" in following or re.search(
                    r"your\s+(?:response|answer|reply|elucidation)", lines.lines[i], re.I):
                out.append((i, intent))
            continue
        dangerous_alone = (
            ("exfil" in intents and "dest" in sig)
            or ("settings" in intents and ("noask" in near or "conceal" in near))
            or ("exec" in intents and ("noask" in near or "conceal" in near))
            or ("memory" in intents and ("noask" in near or "settings" in near))
            or (bool(_TODO.search(lines.lines[i])) and intent in (
                "exfil", "exec", "settings", "goal", "memory", "fetch"))
        )
        if addressed_strong or dangerous_alone:
            out.append((i, intent))
            continue
        if addressed and intent in ("exec", "fetch", "exfil", "settings", "memory", "backdoor",
                                    "output", "conceal", "goal"):
            if intent in ("conceal", "goal") and not ({"imper", "noask"} & near or
                                                      len(intents) > 1):
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


def _scan_text(text: str, depth: int) -> list[tuple[int, str, str, str]]:
    """(line, technique, excerpt, intent) for ``text``; hidden payloads are scanned again."""
    norm = normalise(text)
    lines = _Lines(norm.text)
    security_words = len(_STRONG_DISC.findall(norm.text)) if "disc" in str(lines.sig) else 0
    doc_security = security_words >= 6
    results: list[tuple[int, str, str, str]] = []
    comments = ([(m.start(), m.end()) for m in _HTML_COMMENT.finditer(norm.text)]
                if "<!--" in norm.text else [])
    seen: set[tuple[int, str]] = set()
    for i, intent in _judge(lines, doc_security):
        if (i, intent) in seen:
            continue
        seen.add((i, intent))
        channels = norm.channels.get(i + 1, set()) - {"unicode_tags"}
        technique = TECHNIQUE[intent]
        sig = lines.sig[i]
        if intent != "override" and "auth" in sig:
            technique = "fake_authority"
        channel = sorted(channels)[0] if channels else _context_channel(
            lines.lines, norm.text, i, comments, lines.starts)
        name = intent if intent != "exfil" else "secret"
        span = lines.spans.get((i, name))
        results.append((i + 1, channel or technique, _excerpt(lines.lines[i], span),
                        technique))
    hidden: list[Hidden] = list(norm.hidden)
    if depth == 0:
        hidden += decode_base64_blobs(norm.text)
        if _ROT13_HINT.search(norm.text):
            for k, line in enumerate(lines.lines):
                if _ROT13_HINT.search("\n".join(lines.lines[max(0, k - 3): k + 1])):
                    hidden.append(Hidden("rot13", k + 1, rot13(line)))
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
        filename: its name, if any (context only).

    Returns:
        A :class:`Scan`; ``scan(...).injection`` is True when a finding was made.  Never
        raises on any string (a failure inside a rule is reported as a finding, fail closed).
    """
    del filename  # accepted for callers' context; the rules read the text itself
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    try:
        raw = _scan_text(text, 0)
    except RecursionError:  # pragma: no cover - defensive: fail closed
        raw = [(1, "instruction", visible(text[:120]), "instruction")]
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for line, technique, excerpt, intent in sorted(raw):
        if (line, technique) in seen:
            continue
        seen.add((line, technique))
        message = f"This text {MESSAGES.get(intent, MESSAGES['instruction'])}."
        if technique in CHANNEL_WORDS:
            message = f"Hidden in {CHANNEL_WORDS[technique]}, t{message[1:]}"
        findings.append(Finding(technique, line, excerpt, message))
        if len(findings) >= MAX_FINDINGS:
            break
    return Scan(tuple(findings))
