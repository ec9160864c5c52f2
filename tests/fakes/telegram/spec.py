"""The Bot API description the fake validates against, loaded from a vendored trimmed JSON.

`bot_api_spec.json` next to this module is the official method and type description with the
prose removed (names, field types, required flags, subtypes). Regenerate it from a full
description with ``python -m tests.fakes.telegram.spec /path/to/telegram-bot-api.json``. Set the
environment variable ``TELEGRAM_BOT_API_SPEC`` to validate against another (full or trimmed) file.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

VENDORED = Path(__file__).with_name("bot_api_spec.json")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One parameter of a method or one field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """A Bot API method: its parameters and what it returns."""

    name: str
    fields: tuple[FieldSpec, ...]
    returns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """A Bot API object type; abstract types list their concrete `subtypes` instead of fields."""

    name: str
    fields: tuple[FieldSpec, ...]
    subtypes: tuple[str, ...]

    def field(self, name: str) -> FieldSpec | None:
        """The field called `name`, if the type has one."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """The whole description, with a case-insensitive method index (Telegram ignores case)."""

    version: str
    methods: dict[str, MethodSpec]
    types: dict[str, TypeSpec]
    lower_names: dict[str, str]

    def method(self, name: str) -> MethodSpec | None:
        """The method `name` (any letter case), or None when the API has no such method."""
        canonical = self.lower_names.get(name.lower())
        return self.methods[canonical] if canonical else None


def _fields(raw: list[Any]) -> tuple[FieldSpec, ...]:
    out: list[FieldSpec] = []
    for item in raw:
        if isinstance(item, dict):  # the full, official layout
            out.append(FieldSpec(item["name"], tuple(item["types"]), bool(item["required"])))
        else:  # the trimmed layout: [name, types, required]
            out.append(FieldSpec(item[0], tuple(item[1]), bool(item[2])))
    return tuple(out)


def trim(full: dict[str, Any]) -> dict[str, Any]:
    """The trimmed layout of a full description: names, types and required flags only."""

    def fields(raw: list[dict[str, Any]]) -> list[list[Any]]:
        return [[f["name"], f["types"], f["required"]] for f in raw]

    types: dict[str, Any] = {}
    for name, body in full["types"].items():
        entry: dict[str, Any] = {}
        if "fields" in body:
            entry["fields"] = fields(body["fields"])
        if "subtypes" in body:
            entry["subtypes"] = body["subtypes"]
        types[name] = entry
    methods = {
        name: {"returns": body.get("returns", []), "fields": fields(body.get("fields", []))}
        for name, body in full["methods"].items()
    }
    return {"version": full.get("version", ""), "methods": methods, "types": types}


def dump_trimmed(trimmed: dict[str, Any]) -> str:
    """The trimmed layout as JSON text with one line per method and per type (diff friendly)."""

    def block(section: dict[str, Any]) -> str:
        lines = [
            f"  {json.dumps(name)}: {json.dumps(body, separators=(',', ':'), sort_keys=True)}"
            for name, body in sorted(section.items())
        ]
        return "{\n" + ",\n".join(lines) + "\n}"

    version = json.dumps(trimmed["version"])
    methods, types = block(trimmed["methods"]), block(trimmed["types"])
    return f'{{"version": {version},\n"methods": {methods},\n"types": {types}}}\n'


def parse_spec(raw: dict[str, Any]) -> ApiSpec:
    """Build an ApiSpec from either the full or the trimmed JSON layout."""
    methods = {
        name: MethodSpec(name, _fields(body.get("fields", [])), tuple(body.get("returns", [])))
        for name, body in raw["methods"].items()
    }
    types = {
        name: TypeSpec(name, _fields(body.get("fields", [])), tuple(body.get("subtypes", [])))
        for name, body in raw["types"].items()
    }
    lower = {name.lower(): name for name in methods}
    return ApiSpec(str(raw.get("version", "")), methods, types, lower)


@cache
def load_spec(path: str | None = None) -> ApiSpec:
    """The API description: `path`, else $TELEGRAM_BOT_API_SPEC, else the vendored copy."""
    source = Path(path or os.environ.get("TELEGRAM_BOT_API_SPEC") or VENDORED)
    return parse_spec(json.loads(source.read_text(encoding="utf-8")))


def main(argv: list[str]) -> int:
    """Regenerate the vendored trimmed copy from the full official description."""
    if len(argv) != 2:
        sys.stderr.write("usage: python -m tests.fakes.telegram.spec FULL_SPEC.json\n")
        return 2
    full = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    VENDORED.write_text(dump_trimmed(trim(full)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
