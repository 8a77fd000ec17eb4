"""Whether a Bash call runs inside the sandbox: decided by the permission engine, so defined in
:mod:`tui.permissions.sandbox_mode` and re-exported here under the sandbox's name."""

from tui.permissions.sandbox_mode import (
    SandboxProfile,
    SandboxState,
    is_excluded,
    runs_sandboxed,
    sandbox_profile,
    wants_unsandboxed,
)

__all__ = ["SandboxProfile", "SandboxState", "is_excluded", "runs_sandboxed", "sandbox_profile",
           "wants_unsandboxed"]
