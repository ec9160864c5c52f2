"""A small JSON-Schema checker driven by Discord's official OpenAPI document.

The fake validates request bodies against the request schemas of the routes it serves.
By default it reads `openapi_subset.json` (next to this file), a verbatim extract of
https://github.com/discord/discord-api-docs `specs/openapi.json` (v10) limited to those
routes and the schemas they reference. Set DISCORD_OPENAPI_SPEC to a full spec file to use
it instead; regenerate the subset with `python -m tests.fakes.discord.openapi FULL_SPEC`.

Supported keywords: $ref, type (incl. lists and null), const, enum, oneOf/anyOf (with
discriminating on a `type` property), allOf, required, properties, additionalProperties,
maxProperties, items, minItems, maxItems, uniqueItems, minLength, maxLength, pattern,
minimum, maximum. Like the real API, snowflake and 64-bit integer fields accept digit strings.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

JSON = dict[str, Any]
ErrorTree = dict[str, Any]

SUBSET_PATH = Path(__file__).with_name("openapi_subset.json")

# Request bodies the fake validates: spec path -> methods.
VALIDATED_ROUTES: dict[str, tuple[str, ...]] = {
    "/interactions/{interaction_id}/{interaction_token}/callback": ("post",),
    "/channels/{channel_id}/messages": ("post",),
    "/channels/{channel_id}/messages/{message_id}": ("patch",),
    "/applications/{application_id}/commands": ("put", "post"),
    "/applications/{application_id}/guilds/{guild_id}/commands": ("put", "post"),
    "/webhooks/{webhook_id}/{webhook_token}": ("post",),
    "/webhooks/{webhook_id}/{webhook_token}/messages/@original": ("patch",),
    "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}": ("patch",),
    "/users/@me/channels": ("post",),
}


def add_error(tree: ErrorTree, path: tuple[str, ...], code: str, message: str) -> None:
    """Add one error at `path` in Discord's nested {"a": {"0": {"_errors": [...]}}} format."""
    node = tree
    for part in path:
        node = node.setdefault(part, {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def count_errors(tree: ErrorTree) -> int:
    """Number of leaf errors in an error tree."""
    return sum(len(v) if k == "_errors" else count_errors(v) for k, v in tree.items())


def merge_errors(into: ErrorTree, other: ErrorTree) -> None:
    """Merge error tree `other` into `into`."""
    for key, value in other.items():
        if key == "_errors":
            into.setdefault("_errors", []).extend(value)
        else:
            merge_errors(into.setdefault(key, {}), value)


_TYPE_NAMES = {"string": "string", "integer": "integer", "number": "number",
               "boolean": "boolean", "array": "array", "object": "object", "null": "null"}


class SchemaChecker:
    """Validates JSON values against schemas from one OpenAPI document."""

    def __init__(self, spec: JSON) -> None:
        self.spec = spec
        self.schemas: JSON = spec["components"]["schemas"]

    def request_schema(self, path: str, method: str) -> JSON | None:
        """The application/json request schema for a route, if the spec has one."""
        try:
            op = self.spec["paths"][path][method.lower()]
            schema: JSON = op["requestBody"]["content"]["application/json"]["schema"]
        except KeyError:
            return None
        return schema

    def check(self, schema: JSON, value: Any) -> ErrorTree:
        """Return the error tree for `value` (empty when valid)."""
        errors: ErrorTree = {}
        self._check(schema, value, (), errors)
        return errors

    def _resolve(self, schema: JSON) -> JSON:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def _type_ok(self, name: str, value: Any, schema: JSON) -> bool:
        fmt = schema.get("format")
        if name == "null":
            return value is None
        if name == "boolean":
            return isinstance(value, bool)
        if name == "integer":
            if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
                return fmt == "int64" or schema.get("maximum", 0) > 2**53
            return isinstance(value, int) and not isinstance(value, bool)
        if name == "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if name == "string":
            if fmt == "snowflake" and isinstance(value, int) and not isinstance(value, bool):
                return True
            return isinstance(value, str)
        if name == "array":
            return isinstance(value, list)
        return isinstance(value, dict)

    def _check(self, schema: JSON, value: Any, path: tuple[str, ...], errors: ErrorTree) -> None:
        schema = self._resolve(schema)
        for sub in schema.get("allOf", []):
            self._check(sub, value, path, errors)
        union = schema.get("oneOf") or schema.get("anyOf")
        if union:
            self._check_union(union, value, path, errors)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(self._type_ok(t, value, schema) for t in types):
                names = "/".join(str(_TYPE_NAMES.get(t, t)) for t in types)
                code = f"BASE_TYPE_{types[0].upper()}"
                add_error(errors, path, code, f"Could not interpret {value!r} as {names}.")
                return
            if value is None:
                return
        if "const" in schema and value != schema["const"]:
            add_error(errors, path, "BASE_TYPE_CHOICES", f"Value must be {schema['const']!r}.")
        if "enum" in schema and value not in schema["enum"]:
            add_error(errors, path, "BASE_TYPE_CHOICES",
                      f"Value must be one of {tuple(schema['enum'])}.")
        if isinstance(value, str):
            self._check_string(schema, value, path, errors)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                add_error(errors, path, "NUMBER_TYPE_MIN",
                          f"Value should be greater than or equal to {schema['minimum']}.")
            if "maximum" in schema and value > schema["maximum"]:
                add_error(errors, path, "NUMBER_TYPE_MAX",
                          f"Value should be less than or equal to {schema['maximum']}.")
        elif isinstance(value, list):
            self._check_array(schema, value, path, errors)
        elif isinstance(value, dict):
            self._check_object(schema, value, path, errors)

    def _check_string(self, schema: JSON, value: str, path: tuple[str, ...],
                      errors: ErrorTree) -> None:
        lo, hi = schema.get("minLength"), schema.get("maxLength")
        if (lo is not None and len(value) < lo) or (hi is not None and len(value) > hi):
            if lo:
                add_error(errors, path, "BASE_TYPE_BAD_LENGTH",
                          f"Must be between {lo} and {hi} in length.")
            else:
                add_error(errors, path, "BASE_TYPE_MAX_LENGTH",
                          f"Must be {hi} or fewer in length.")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            add_error(errors, path, "STRING_TYPE_REGEX",
                      f"String value did not match validation regex {schema['pattern']}.")

    def _check_array(self, schema: JSON, value: list[Any], path: tuple[str, ...],
                     errors: ErrorTree) -> None:
        lo, hi = schema.get("minItems"), schema.get("maxItems")
        if (lo is not None and len(value) < lo) or (hi is not None and len(value) > hi):
            if lo:
                add_error(errors, path, "BASE_TYPE_BAD_LENGTH",
                          f"Must be between {lo} and {hi} in length.")
            else:
                add_error(errors, path, "BASE_TYPE_MAX_LENGTH",
                          f"Must be {hi} or fewer in length.")
        if schema.get("uniqueItems"):
            seen = [json.dumps(v, sort_keys=True) for v in value]
            if len(set(seen)) != len(seen):
                add_error(errors, path, "BASE_TYPE_DUPLICATES", "Values must be unique.")
        if "items" in schema:
            for index, item in enumerate(value):
                self._check(schema["items"], item, (*path, str(index)), errors)

    def _check_object(self, schema: JSON, value: JSON, path: tuple[str, ...],
                      errors: ErrorTree) -> None:
        for key in schema.get("required", []):
            if key not in value:
                add_error(errors, (*path, key), "BASE_TYPE_REQUIRED", "This field is required")
        props: JSON = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                self._check(props[key], item, (*path, key), errors)
            elif extra is False:
                add_error(errors, (*path, key), "UNKNOWN_FIELD", "Unknown field.")
            elif isinstance(extra, dict):
                self._check(extra, item, (*path, key), errors)
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            add_error(errors, path, "BASE_TYPE_MAX_LENGTH",
                      f"Must be {schema['maxProperties']} or fewer in length.")

    def _discriminates(self, branch: JSON, value: Any) -> bool:
        """False when the branch's `type` property cannot match value['type']."""
        branch = self._resolve(branch)
        if not isinstance(value, dict) or "type" not in value:
            return True
        prop = branch.get("properties", {}).get("type")
        if not isinstance(prop, dict):
            return True
        if "enum" in prop:
            return value["type"] in prop["enum"]
        if "const" in prop:
            return bool(value["type"] == prop["const"])
        return True

    def _check_union(self, union: list[JSON], value: Any, path: tuple[str, ...],
                     errors: ErrorTree) -> None:
        if all("const" in b for b in union):
            allowed = [b["const"] for b in union]
            if value not in allowed:
                add_error(errors, path, "BASE_TYPE_CHOICES",
                          f"Value must be one of {tuple(allowed)}.")
            return
        candidates = [b for b in union if self._discriminates(b, value)
                      and (value is None or self._resolve(b).get("type") != "null")] or union
        best: ErrorTree | None = None
        for branch in candidates:
            branch_errors: ErrorTree = {}
            self._check(branch, value, path, branch_errors)
            if not branch_errors:
                return
            if best is None or count_errors(branch_errors) < count_errors(best):
                best = branch_errors
        if best is not None:
            merge_errors(errors, best)


@functools.cache
def load_checker() -> SchemaChecker:
    """Load the spec (DISCORD_OPENAPI_SPEC or the vendored subset) once."""
    path = Path(os.environ.get("DISCORD_OPENAPI_SPEC") or SUBSET_PATH)
    return SchemaChecker(json.loads(path.read_text(encoding="utf-8")))


def make_subset(full_spec: JSON) -> JSON:
    """Extract VALIDATED_ROUTES and the schemas they reference from a full spec."""
    schemas: JSON = full_spec["components"]["schemas"]
    seen: dict[str, JSON] = {}

    def walk(node: Any) -> None:
        """Collect every schema reachable from node."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    name = value.rsplit("/", 1)[-1]
                    if name not in seen:
                        seen[name] = schemas[name]
                        walk(schemas[name])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    paths: JSON = {}
    for route, methods in VALIDATED_ROUTES.items():
        for method in methods:
            body = full_spec["paths"][route][method]["requestBody"]["content"]["application/json"]
            paths.setdefault(route, {})[method] = {
                "requestBody": {"content": {"application/json": body}}}
            walk(body)
    return {"openapi": full_spec["openapi"], "info": full_spec["info"], "paths": paths,
            "components": {"schemas": dict(sorted(seen.items()))}}


if __name__ == "__main__":  # pragma: no cover - maintenance helper
    source = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    SUBSET_PATH.write_text(json.dumps(make_subset(source), indent=1) + "\n", encoding="utf-8")
