"""The session's configuration from the command line's arguments (:func:`make_config`).

Used by the TUI's entry point (:mod:`tui.cli`) and by ``warden -p`` (:mod:`tui.headless`), which
:mod:`tui.cli` starts, so it lives in neither.  Cheap to import: what it needs loads when it
runs.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.config import AppConfig, Recording
    from tui.demo.launch import DemoReplay

__all__ = ["make_config"]


def _new_recorder() -> Recording:
    """The recorder of ``--record`` (:class:`tui.demo.recorder.Recorder`), made when the session
    connects: the demo package is imported only then."""
    from tui.demo.recorder import Recorder

    return Recorder()


def make_config(args: argparse.Namespace) -> tuple[AppConfig, DemoReplay | None]:
    """Build the :class:`~tui.config.AppConfig` (and the replay server for ``--demo``).

    Returns:
        ``(config, replay)``; ``replay`` (a :class:`~tui.demo.launch.DemoReplay`, started lazily)
        is ``None`` unless ``--demo``.
    """
    from tui.agent.models import configured_model
    from tui.config import AppConfig
    from tui.settings import load_scalars

    server = None
    if args.demo:
        from tui.demo.launch import (
            DEMO_LABEL,
            DEMO_MODEL,
            DEMO_PROMPT,
            DEMO_TOKENS_PER_SECOND,
            DemoReplay,
            demo_env,
            prepare_demo_project,
        )

        cwd = prepare_demo_project(args.demo_dir)
        tps = DEMO_TOKENS_PER_SECOND if args.demo_tps is None else (args.demo_tps or None)
        server = DemoReplay(cwd, tps)
        config = AppConfig(
            cwd=cwd, model=DEMO_MODEL, api_key="demo-recorded-model",
            base_url_factory=server.start, label=DEMO_LABEL, initial_prompt=DEMO_PROMPT,
            extra_env=demo_env(), trusted_project=True,  # Warden's own sample project
        )
        return config, server

    cwd = (args.cwd or Path.cwd()).resolve()
    mode = "bypassPermissions" if args.dangerously_skip_permissions else args.permission_mode
    if mode is not None:
        from tui.modes import normalise_mode

        mode = normalise_mode(mode)
    cli_settings = None
    if args.settings or args.allowedTools or args.disallowedTools:
        from tui.settings.model import CliSettings, split_tool_list

        cli_settings = CliSettings(settings=args.settings,
                                   allowed_tools=split_tool_list(args.allowedTools),
                                   disallowed_tools=split_tool_list(args.disallowedTools))
    from tui.trust import stored_decision

    decision = stored_decision(cwd)
    settings = load_scalars(cwd, trusted_project=decision is True)
    settings_model = settings.values.get("model")
    model = configured_model(args.model, dict(os.environ),
                             settings_model if isinstance(settings_model, str) else None)
    config = AppConfig(
        cwd=cwd,
        additional_dirs=tuple(p.resolve() for p in args.add_dir),
        model=model,
        base_url=os.environ.get("ANTHROPIC_BASE_URL") or None,
        record_to=args.record.resolve() if args.record else None,
        recorder_factory=_new_recorder if args.record else None,
        permission_mode=mode,
        cli_settings=cli_settings,
        trusted_project=decision is True,
        ask_trust=decision is None,
        mcp_configs=tuple(p.resolve() for p in getattr(args, "mcp_config", None) or ()),
    )
    return config, server
