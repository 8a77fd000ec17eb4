"""The README publishes the lists the code uses (SPEC §4), and stays in step with them."""

from __future__ import annotations

from tui.docs import README, published_lists, slash_commands


def test_readme_published_lists_match_the_code() -> None:
    """If this fails, run `python -m tui.docs` to regenerate the README block."""
    assert published_lists() in README.read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    head = README.read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert "make demo" in head and "make test" in head


def test_readme_lists_every_slash_command_from_the_registry() -> None:
    """If this fails, run `python -m tui.docs`: a command was added to the registry."""
    block = slash_commands()
    assert block in README.read_text(encoding="utf-8")
    for name in ("/help", "/clear", "/permissions", "/sandbox", "/hooks", "/quit"):
        assert f"`{name}`" in block
