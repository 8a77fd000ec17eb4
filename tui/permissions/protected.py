"""Protected paths (REF §11.1): writes that no allow rule and no ``acceptEdits`` may approve.

Each of these can make a later tool (git, a shell, a package manager, an editor, or Warden
itself) run attacker-chosen code or change the agent's own permissions.
"""

from __future__ import annotations

from pathlib import PurePosixPath

PROTECTED_DIRS: frozenset[str] = frozenset({
    ".git", ".vscode", ".idea", ".husky", ".cargo", ".devcontainer", ".yarn", ".mvn", ".claude",
})
"""Directory names whose contents are protected at any depth (``.claude/worktrees`` excepted)."""

PROTECTED_DIR_PATHS: tuple[tuple[str, ...], ...] = ((".config", "git"),)
"""Multi-segment protected directories."""

PROTECTED_FILES: frozenset[str] = frozenset({
    ".gitconfig", ".gitmodules",
    ".bashrc", ".bash_profile", ".bash_login", ".bash_aliases", ".bash_logout",
    ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".zlogout", ".profile", ".envrc",
    ".npmrc", ".yarnrc", ".yarnrc.yml", ".pnp.cjs", ".pnp.loader.mjs", ".pnpmfile.cjs",
    "bunfig.toml", ".bunfig.toml",
    ".bazelrc", ".bazelversion", ".bazeliskrc",
    ".pre-commit-config.yaml", "lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml",
    "gradle-wrapper.properties", "maven-wrapper.properties",
    ".devcontainer.json", ".ripgreprc", "pyrightconfig.json", ".mcp.json", ".claude.json",
})
"""File names protected wherever they are."""


def protected_reason(path: str) -> str | None:
    """Why writing ``path`` (absolute, normalised) is protected, or ``None`` if it is not.

    Names are compared case-insensitively, so ``.GIT/hooks`` on a case-insensitive file system
    cannot slip past.
    """
    parts = [p.lower() for p in PurePosixPath(path).parts]
    for i, part in enumerate(parts[:-1]):
        if part in PROTECTED_DIRS:
            if part == ".claude" and i + 1 < len(parts) and parts[i + 1] == "worktrees":
                continue
            return f"{part}/ is a protected directory"
        for seq in PROTECTED_DIR_PATHS:
            if tuple(parts[i:i + len(seq)]) == seq and len(parts) > i + len(seq):
                return f"{'/'.join(seq)}/ is a protected directory"
    name = parts[-1] if parts else ""
    if name in PROTECTED_FILES:
        return f"{name} is a protected file"
    if name in PROTECTED_DIRS:
        return f"{name} is a protected directory"
    return None
