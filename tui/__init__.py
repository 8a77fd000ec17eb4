"""Warden: a terminal coding agent whose security you can see.

The package is split into a UI-free core (``settings``, ``permissions``, ``tools``, ``agent``,
``demo``) that never imports Textual, and the TUI (``app``, ``screens``) that only renders core
state and turns keys into answers.  See ``../shared/DESIGN.md``.
"""

__version__ = "0.1.0"
