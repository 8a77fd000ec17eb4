"""The Linux sandbox for Bash commands (``SPEC.md`` §8, REF §6).

Modules, each importable on its own (this package imports none of them):

* :mod:`tui.sandbox.policy`: ``sandbox.*`` settings and permission rules resolved to concrete
  paths and hosts (:func:`~tui.sandbox.policy.resolve_policy`).
* :mod:`tui.sandbox.masks`: Read/Edit deny patterns resolved to every existing path they cover,
  at any depth, before each command; fails closed (:class:`~tui.sandbox.masks.MaskUnavailable`).
* :mod:`tui.sandbox.bwrap`: the bubblewrap argv for one command, mounts in a documented order.
* :mod:`tui.sandbox.runner`: runs a command in bubblewrap and reports what was blocked; fails
  closed (:class:`~tui.sandbox.runner.SandboxUnavailable`).
* :mod:`tui.sandbox.filter_helper`: the compiled helper that applies the Unix-socket filter
  and the Landlock domain, and :func:`~tui.sandbox.filter_helper.filter_setup`.
* :mod:`tui.sandbox.doctor`: can the sandbox run here, and how to fix it if not.
* :mod:`tui.sandbox.network`, :mod:`tui.sandbox.proxy`, :mod:`tui.sandbox.bridge`: the
  filtering proxy and the in-sandbox relay.
* Whether a Bash call runs sandboxed, and in which profile, is the permission engine's
  decision: :mod:`tui.permissions.sandbox_mode`.  ``warden doctor`` and ``warden sandbox run``
  are application commands: :mod:`tui.cli_sandbox`.
* :mod:`tui.sandbox.readonly`: the read-only sandbox, where commands judged read-only run.
* :mod:`tui.sandbox.protect`: protected paths held read-only while a command runs, even those
  that do not exist yet.
"""
