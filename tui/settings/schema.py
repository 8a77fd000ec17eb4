"""Schema validation of settings files (``SPEC.md`` §1: a violation drops the file's allow rules).

Warden ships its own schema (``schema.json`` next to this module, loaded once and cached): it
checks the keys Warden interprets and lets every other key through.  Callers may pass another
schema (the tests use SchemaStore's); the validator class is the one the schema's ``$schema``
declares (Draft 7 if none).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.settings.jsontext import JsonPath

SCHEMA_PATH = Path(__file__).with_name("schema.json")

_schemas: dict[Path, dict[str, Any]] = {}
# id(schema) -> (schema, validator); the schema is kept so its id stays unique while cached.
_validators: dict[int, tuple[dict[str, Any], Any]] = {}


class SchemaUnavailable(RuntimeError):
    """The ``jsonschema`` package is missing or the schema itself is broken."""


@dataclass(frozen=True)
class Violation:
    """One schema violation: where (a JSON path into the document) and what, in one line."""

    path: JsonPath
    message: str


def default_schema() -> dict[str, Any]:
    """The schema settings files are validated with, read once per process and path.

    Warden's own schema (``tui/settings/schema.json``) unless ``WARDEN_SETTINGS_SCHEMA`` names
    another JSON Schema file, such as SchemaStore's ``claude-code-settings.json`` (stricter: it
    flags unknown tool names in rules, for example).

    Raises:
        SchemaUnavailable: the file is missing or not JSON (the loader then fails closed).
    """
    path = Path(os.environ.get("WARDEN_SETTINGS_SCHEMA") or SCHEMA_PATH)
    cached = _schemas.get(path)
    if cached is None:
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            hint = ("check WARDEN_SETTINGS_SCHEMA" if path != SCHEMA_PATH
                    else "reinstall Warden")
            raise SchemaUnavailable(f"cannot read the settings schema {path}: {exc}; "
                                    f"{hint}") from exc
        if not isinstance(cached, dict):
            raise SchemaUnavailable(f"the settings schema {path} is not a JSON object")
        _schemas[path] = cached
    return cached


def _validator(schema: dict[str, Any]) -> Any:
    cached = _validators.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    try:
        import jsonschema
    except ImportError as exc:
        raise SchemaUnavailable("the jsonschema package is not installed") from exc
    try:
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
        validator = cls(schema)
    except jsonschema.exceptions.SchemaError as exc:
        raise SchemaUnavailable(f"the settings schema is invalid: {exc.message}") from exc
    if len(_validators) > 8:
        _validators.clear()
    _validators[id(schema)] = (schema, validator)
    return validator


def _describe(error: Any) -> str:
    """A short sentence for one jsonschema error (the raw messages can quote whole objects)."""
    kind = error.validator
    if kind in ("anyOf", "oneOf"):
        return "does not match any of the allowed shapes for this key"
    if kind == "uniqueItems" and isinstance(error.instance, list):
        seen: set[str] = set()
        for item in error.instance:
            key = json.dumps(item, sort_keys=True, ensure_ascii=False)
            if key in seen:
                return f"lists {_clip(key, 80)} more than once"
            seen.add(key)
        return "has duplicate entries"
    if kind == "additionalProperties":
        return str(error.message)
    if kind == "pattern":
        text = json.dumps(error.instance, ensure_ascii=False)
        return f"{_clip(text, 80)} is not in the accepted form"
    return _clip(str(error.message), 160)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validate(data: Any, schema: dict[str, Any] | None = None) -> list[Violation]:
    """The schema violations of ``data`` (a parsed settings object), in the validator's order.

    Args:
        data: the parsed JSON.
        schema: a JSON Schema; None for Warden's own.

    Raises:
        SchemaUnavailable: jsonschema missing, or the schema unusable.
        RecursionError: for absurdly deep documents (the caller treats that as a violation).
    """
    validator = _validator(default_schema() if schema is None else schema)
    try:
        return [Violation(tuple(e.absolute_path), _describe(e))
                for e in validator.iter_errors(data)]
    except re.error as exc:
        raise SchemaUnavailable(f"the settings schema has a pattern Python cannot use: {exc}"
                                ) from exc
