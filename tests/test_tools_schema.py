"""The tool definitions sent to the model: valid JSON schemas with Claude Code's field names."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tui.tools import Bash, Edit, Glob, Grep, Read, WebFetch, Write, default_tools

EXPECTED_FIELDS = {
    "Read": ({"file_path"}, {"file_path", "offset", "limit"}),
    "Glob": ({"pattern"}, {"pattern", "path"}),
    "Grep": (
        {"pattern"},
        {
            "pattern",
            "path",
            "glob",
            "output_mode",
            "-i",
            "-n",
            "-A",
            "-B",
            "-C",
            "head_limit",
            "multiline",
        },
    ),
    "Edit": (
        {"file_path", "old_string", "new_string"},
        {"file_path", "old_string", "new_string", "replace_all"},
    ),
    "Write": ({"file_path", "content"}, {"file_path", "content"}),
    "Bash": ({"command"}, {"command", "description", "timeout", "dangerouslyDisableSandbox"}),
    "WebFetch": ({"url", "prompt"}, {"url", "prompt"}),
}


def test_default_tools_order_and_classes() -> None:
    tools = default_tools()
    assert list(tools) == ["Read", "Glob", "Grep", "Edit", "Write", "Bash", "WebFetch"]
    assert [type(t) for t in tools.values()] == [Read, Glob, Grep, Edit, Write, Bash, WebFetch]
    assert {name: t.permission_class for name, t in tools.items()} == {
        "Read": "read",
        "Glob": "read",
        "Grep": "read",
        "Edit": "edit",
        "Write": "edit",
        "Bash": "shell",
        "WebFetch": "network",
    }


@pytest.mark.parametrize("name", list(EXPECTED_FIELDS))
def test_schema_is_valid_and_uses_claude_code_names(name: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    definition = default_tools()[name].schema()
    assert set(definition) == {"name", "description", "input_schema"}
    assert definition["name"] == name and definition["description"].strip()
    schema = json.loads(json.dumps(definition["input_schema"]))
    jsonschema.Draft202012Validator.check_schema(schema)
    required, fields = EXPECTED_FIELDS[name]
    assert schema["type"] == "object"
    assert set(schema["properties"]) == fields
    assert set(schema["required"]) == required
    for prop in schema["properties"].values():
        assert prop.get("description"), "every field tells the model what it is for"
        assert "anyOf" not in prop and "title" not in prop


def test_schema_accepts_claude_code_style_inputs() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    grep_schema = Grep().schema()["input_schema"]
    jsonschema.validate(
        {"pattern": "TODO", "-i": True, "output_mode": "content", "-C": 2}, grep_schema
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"pattern": "x", "output_mode": "lines"}, grep_schema)
    bash_schema = Bash().schema()["input_schema"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"command": "ls", "timeout": 700_000}, bash_schema)


def test_importing_tools_pulls_in_neither_sdk_nor_textual() -> None:
    code = (
        "import sys, tui.tools; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'anthropic', 'textual'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_tool_declares_the_class_the_engine_knows_its_name_by() -> None:
    """Issue 12 item 2: a tool's permission class has one home (tui.toolclasses); the class
    each implemented tool declares, which the engine asks the call for, is that one."""
    from tui.permissions.engine import CallView
    from tui.toolclasses import tool_class
    from tui.tools import default_tools

    for name, tool in default_tools().items():
        assert tool.permission_class == tool_class(name), name
        assert CallView(name, {}).permission_class == tool.permission_class
    assert tool_class("mcp__github__create_issue") == "mcp"
    assert tool_class("SomethingNew") == "other"
    # A new tool: one module, one line in default_tools; its declaration classes its name.
    from pydantic import BaseModel

    from tui.tools.base import Tool

    class _In(BaseModel):
        url: str

    class Fetch2(Tool[_In]):
        name = "Fetch2"
        permission_class = "network"
        input_model = _In

    assert tool_class("Fetch2") == "network" and CallView("Fetch2", {}).permission_class \
        == "network"
