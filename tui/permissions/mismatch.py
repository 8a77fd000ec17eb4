"""Does the model's own description of a command match what the command does?

The approval card shows the model's ``description`` next to Warden's explanation, which is
derived from the parse.  When the description sounds harmless but the parse says the command
writes, deletes or reaches the network, the card says so plainly: that gap is what a prompt
injection or a confused model looks like from the outside.
"""

from __future__ import annotations

import re

_READ_ONLY_WORDS = re.compile(
    r"\b(list|lists|listing|show|shows|display|print|read|reads|view|check|checks|inspect|"
    r"look|find|search|count|see|get the status|status|verify|compare|diff)\b", re.I)
_NETWORK_WORDS = re.compile(
    r"\b(download|downloads|fetch|fetches|install|installs|installing|curl|wget|http|https|"
    r"internet|network|upload|clone|pull|push|request|api|remote|web|url|online|setup script|"
    r"script from|update|upgrade|publish|deploy|ssh|connect)\b", re.I)
_DELETE_WORDS = re.compile(r"\b(delete|deletes|remove|removes|clean|cleans|wipe|purge|"
                           r"reset|drop|erase|prune|uninstall|rm)\b", re.I)
_WRITE_WORDS = re.compile(r"\b(write|writes|create|creates|save|saves|edit|edits|update|"
                          r"modify|modifies|change|changes|generate|build|compile|install|"
                          r"format|fix|apply|move|copy|rename|append|add|make|set|run)\b", re.I)


def description_mismatch(description: str | None, risk: str, *, deletes: bool = False,
                         network: bool = False) -> str | None:
    """A warning when ``description`` understates what the command does, else ``None``.

    Args:
        description: the model's ``description`` of the Bash call.
        risk: Warden's risk level (``read-only``, ``writes-project``, ``writes-outside``,
            ``network``, ``destructive``, ``unknown``).
        deletes: the command deletes files.
        network: the command reaches the network.
    """
    if not description or not description.strip():
        return None
    text = description.strip()
    if network and not _NETWORK_WORDS.search(text):
        return f"The model says “{text}”, but the command reaches the network."
    if deletes and not _DELETE_WORDS.search(text):
        return f"The model says “{text}”, but the command deletes files."
    if risk in ("writes-project", "writes-outside", "destructive") and \
            _READ_ONLY_WORDS.search(text) and not _WRITE_WORDS.search(text):
        return f"The model says “{text}”, but the command changes files."
    return None
