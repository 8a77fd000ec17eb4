"""The dynamic oracle's fixture: a small project with a hostile git repository, and a fake HOME.

Layout under a workspace directory ``WS`` (the same absolute path on the host, where Warden's
analysis looks at it, and inside each sandbox, where a tmpfs copy of it is the command's world)::

    WS/project/                  the command's working directory
        README.md, setup.cfg, package.json, test.js, Makefile, .env
        src/{__init__,main,util}.py, tests/test_main.py
        data/{2023.csv,2024.csv,notes.txt,app.log}
        lib -> src               symlink inside the project
        latest.csv -> data/2024.csv
        home-link -> ../home     symlink to the fake HOME (outside the project)
        root-link -> /           symlink to the root directory
        .secrets -> ../home/.aws/credentials
        .git/                    a real repository, hostile config; data/notes.txt modified
    WS/home/                     HOME: canary files (:data:`CANARIES`), each with unique content
    WS/markers/warden-marker-*   executable marker scripts named by the hostile git config

The hostile git config (``.git/config``) points ``core.fsmonitor``, ``core.pager``,
``diff.external`` and the ``!`` aliases ``st``, ``lg`` and ``co`` at the marker scripts, so any
git command that runs them shows up as an ``execve`` of ``warden-marker-*``.  ``core.checkStat =
minimal`` and file times fixed in the past keep the index fresh after the copy into the sandbox
(``cp -a`` keeps modification times but not inode numbers or ctimes), so ``git status`` writing
the index is not an artefact of the copy.

The fixture never runs anything from the hostile config on the host: git is only used to create
the repository, before the config is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CANARIES", "FIXTURE_POLICY", "MARKER_PREFIX", "SYMLINKS", "Fixture", "build_fixture"]

CANARIES: tuple[str, ...] = (
    ".ssh/id_rsa", ".ssh/id_ed25519", ".aws/credentials", ".netrc", ".gitconfig-canary",
    ".config/gh/hosts.yml", ".docker/config.json", ".kube/config", ".npmrc-canary",
)
"""Canary files, relative to the fake HOME.  None of them is read by a program on its own
(``~/.gitconfig`` and ``~/.npmrc`` would be: their canaries carry a ``-canary`` suffix)."""

MARKER_PREFIX = "warden-marker-"
"""Basename prefix of the marker scripts the hostile git config runs."""

SYMLINKS: dict[str, str] = {
    "lib": "src",
    "latest.csv": "data/2024.csv",
    "home-link": "../home",
    "root-link": "/",
    ".secrets": "../home/.aws/credentials",
}
"""Symlinks in the project: name -> target (as written in the link)."""

FIXTURE_POLICY: dict[str, object] = {
    "permissions": {
        "allow": [
            "Bash(git status *)", "Bash(git log *)", "Bash(git diff *)", "Bash(git show *)",
            "Bash(cat *)", "Bash(grep *)", "Bash(sort *)", "Bash(find *)", "Bash(ls *)",
            "Bash(head *)", "Bash(tail *)", "Bash(wc *)",
        ],
    },
}
"""The fixed allow policy: a command it approves (in default mode) runs in the oracle too."""

_FILES: dict[str, str] = {
    "README.md": "# fixture\n\nA small project for Warden's dynamic oracle.\n",
    "setup.cfg": "[metadata]\nname = fixture\nversion = 0.1\n",
    "package.json": json.dumps({"name": "fixture", "version": "1.0.0",
                                "scripts": {"test": "node test.js"}}, indent=2) + "\n",
    "test.js": "console.log('ok');\n",
    "Makefile": "all:\n\t@echo built\n",
    ".env": "API_TOKEN=fixture-not-a-canary\nDEBUG=1\n",
    "src/__init__.py": "",
    "src/main.py": "import sys\n\n\ndef main():\n    print('hello', sys.argv[1:])\n",
    "src/util.py": "def add(a, b):\n    return a + b\n",
    "tests/test_main.py": ("from src.util import add\n\n\n"
                           "def test_add():\n    assert add(1, 2) == 3\n"),
    "data/2023.csv": "id,name,value\n1,alpha,10\n2,beta,20\n",
    "data/2024.csv": "id,name,value\n1,gamma,30\n2,delta,40\n3,alpha,50\n",
    "data/notes.txt": "foo bar\nbaz qux\nfoo again\n",
    "data/app.log": "2024-01-01 INFO start\n2024-01-01 ERROR boom\n2024-01-02 INFO stop\n",
}

_MARKERS: dict[str, str] = {
    "fsmonitor": "#!/bin/sh\nexit 1\n",
    "pager": "#!/bin/sh\nexec cat\n",
    "alias": "#!/bin/sh\nexit 0\n",
    "diff": "#!/bin/sh\nexit 0\n",
}

_FIXED_TIME = 1_700_000_000  # 2023-11-14: older than any index written now (no racy entries)


@dataclass(frozen=True)
class Fixture:
    """Where a built fixture is.

    Attributes:
        root: the workspace directory ``WS`` (absolute, symlinks resolved); a sandbox mounts a
            tmpfs copy of it at the same path.
        project: ``WS/project``, the commands' working directory.
        home: ``WS/home``, the fake HOME.
        canaries: absolute path of each canary file -> its unique content.
    """

    root: Path
    project: Path
    home: Path
    canaries: dict[str, str]

    @property
    def markers(self) -> Path:
        """The directory of the marker scripts."""
        return self.root / "markers"


def _git(project: Path, *args: str) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(project.parent / "home"),
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Fixture", "GIT_AUTHOR_EMAIL": "fixture@example.invalid",
        "GIT_COMMITTER_NAME": "Fixture", "GIT_COMMITTER_EMAIL": "fixture@example.invalid",
        "GIT_AUTHOR_DATE": f"{_FIXED_TIME} +0000", "GIT_COMMITTER_DATE": f"{_FIXED_TIME} +0000",
    }
    subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True,
                   timeout=30)


def _hostile_config(markers: Path) -> str:
    m = {k: str(markers / f"{MARKER_PREFIX}{k}") for k in _MARKERS}
    return (
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
        "\tlogallrefupdates = true\n\tcheckStat = minimal\n\ttrustctime = false\n"
        f"\tfsmonitor = {m['fsmonitor']}\n\tpager = {m['pager']}\n"
        f"[diff]\n\texternal = {m['diff']}\n"
        f"[alias]\n\tst = !{m['alias']}\n\tlg = !{m['alias']} log\n\tco = !{m['alias']} co\n"
    )


def build_fixture(root: Path, seed: int = 0) -> Fixture:
    """Create the fixture under ``root`` (an empty or missing directory).

    Args:
        root: where to build it; created when missing.
        seed: makes the canary contents unique per seed (deterministic for a given seed).

    Returns:
        The :class:`Fixture`.

    Raises:
        FileExistsError: ``root`` already holds a project.
        subprocess.CalledProcessError: ``git`` failed to create the repository.
    """
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    project, home, markers = root / "project", root / "home", root / "markers"
    project.mkdir()
    home.mkdir()
    markers.mkdir()
    for rel, text in _FILES.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    canaries: dict[str, str] = {}
    for rel in CANARIES:
        digest = hashlib.sha256(f"{seed}:{rel}".encode()).hexdigest()[:16]
        content = f"WARDEN-CANARY-{rel.replace('/', '_')}-{digest}\n"
        path = home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        path.chmod(0o600)
        canaries[str(path)] = content.strip()
    for name, text in _MARKERS.items():
        path = markers / f"{MARKER_PREFIX}{name}"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
    for name, target in SYMLINKS.items():
        (project / name).symlink_to(target)
    for dirpath, dirnames, filenames in os.walk(root):  # never follows the symlinks
        for name in [*dirnames, *filenames]:
            os.utime(os.path.join(dirpath, name), (_FIXED_TIME, _FIXED_TIME),
                     follow_symlinks=False)
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "fixture")
    notes = project / "data" / "notes.txt"  # one uncommitted change: `git diff` has work to do
    notes.write_text(_FILES["data/notes.txt"] + "an uncommitted line\n", encoding="utf-8")
    os.utime(notes, (_FIXED_TIME, _FIXED_TIME))
    (project / ".git" / "config").write_text(_hostile_config(markers), encoding="utf-8")
    return Fixture(root=root, project=project, home=home, canaries=canaries)


def policy_json() -> str:
    """:data:`FIXTURE_POLICY` as settings JSON text (for ``CliSettings(settings=...)``)."""
    return json.dumps(FIXTURE_POLICY)
