"""Request-body checks: the OpenAPI schema plus Discord rules the schema cannot express.

Everything found is reported at once as HTTP 400
{"code": 50035, "message": "Invalid Form Body", "errors": {...}} like the real API.

Rules added on top of the schema (the schema allows 4000 content characters for
Nitro users; bots are limited to 2000):
* content <= 2000 characters; all embeds together <= 6000 characters;
* classic (non components-v2) messages: only action rows at the top, at most 5 rows,
  at most 5 buttons per row, a select menu alone in its row, link buttons need `url` and
  no `custom_id`, other buttons need `custom_id`, custom ids unique within the message;
* a new message needs content, an embed, a component, a sticker, a poll or a file (50006);
* application commands: chat-input names and option names match Discord's regex and are
  lowercase, chat-input descriptions are not empty, option names are unique, required options
  come first, choices and autocomplete are exclusive, subcommands are not mixed with plain
  options, names are unique in a bulk overwrite, at most 100 chat-input commands, and the
  name/description/options text of a command stays within 4000 characters.
"""

from __future__ import annotations

import re
from typing import Any

from .config import (
    FLAG_COMPONENTS_V2,
    JSON,
    HttpError,
)
from .openapi import ErrorTree, add_error, load_checker, merge_errors
from .state import (
    iter_components,
)

MAX_CONTENT = 2000
MAX_EMBED_TOTAL = 6000
NAME_RE = re.compile(r"^[-_'\w]+$")  # the 1-32 length comes from the schema
SUBCOMMAND_TYPES = (1, 2)


def _embed_chars(embed: JSON) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for fld in embed.get("fields") or []:
        if isinstance(fld, dict):
            total += len(str(fld.get("name") or "")) + len(str(fld.get("value") or ""))
    return total


def check_message(payload: JSON, errors: ErrorTree, prefix: tuple[str, ...] = ()) -> None:
    """Discord message rules beyond the schema."""
    content = payload.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        add_error(errors, (*prefix, "content"), "BASE_TYPE_MAX_LENGTH",
                  f"Must be {MAX_CONTENT} or fewer in length.")
    embeds = [e for e in payload.get("embeds") or [] if isinstance(e, dict)]
    if sum(_embed_chars(e) for e in embeds) > MAX_EMBED_TOTAL:
        add_error(errors, (*prefix, "embeds"), "MAX_EMBED_SIZE_EXCEEDED",
                  f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}")
    components = payload.get("components")
    if isinstance(components, list) and components:
        if not int(payload.get("flags") or 0) & FLAG_COMPONENTS_V2:
            _check_classic_components(components, errors, (*prefix, "components"))
        _check_unique_custom_ids(components, errors, (*prefix, "components"))


def _check_classic_components(rows: list[Any], errors: ErrorTree, path: tuple[str, ...]) -> None:
    if len(rows) > 5:
        add_error(errors, path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for r, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        if row.get("type") != 1:
            add_error(errors, (*path, str(r)), "COMPONENT_INVALID_TYPE",
                      "Only action rows are allowed at the top level without IS_COMPONENTS_V2.")
            continue
        children = [c for c in row.get("components") or [] if isinstance(c, dict)]
        if any(c.get("type") != 2 for c in children) and len(children) > 1:
            add_error(errors, (*path, str(r), "components"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                      "The specified component exceeds the maximum width")
        for c, comp in enumerate(children):
            if comp.get("type") == 2:
                _check_button(comp, errors, (*path, str(r), "components", str(c)))


def _check_button(button: JSON, errors: ErrorTree, path: tuple[str, ...]) -> None:
    style = button.get("style")
    if style == 5:
        if not button.get("url"):
            add_error(errors, (*path, "url"), "BUTTON_COMPONENT_URL_REQUIRED",
                      "A url is required")
        if button.get("custom_id"):
            add_error(errors, (*path, "custom_id"), "BUTTON_COMPONENT_INVALID_URL_PROPERTY",
                      "A link button cannot have a custom id")
    elif style != 6 and not button.get("custom_id"):
        add_error(errors, (*path, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
                  "A custom id is required")


def _check_unique_custom_ids(components: list[Any], errors: ErrorTree,
                             path: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for comp in iter_components([c for c in components if isinstance(c, dict)]):
        cid = comp.get("custom_id")
        if isinstance(cid, str):
            if cid in seen:
                add_error(errors, path, "COMPONENT_CUSTOM_ID_DUPLICATED",
                          "Component custom id cannot be duplicated")
            seen.add(cid)


def _command_size(node: JSON) -> int:
    size = len(str(node.get("name") or "")) + len(str(node.get("description") or ""))
    for choice in node.get("choices") or []:
        size += len(str(choice.get("name"))) + len(str(choice.get("value")))
    return size + sum(_command_size(o) for o in node.get("options") or [])


def _check_name(name: Any, lowercase: bool, errors: ErrorTree, path: tuple[str, ...]) -> None:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return
    if not NAME_RE.match(name) or (lowercase and name != name.lower()):
        add_error(errors, path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _check_options(options: list[Any], errors: ErrorTree, path: tuple[str, ...]) -> None:
    opts = [o for o in options if isinstance(o, dict)]
    names = [o.get("name") for o in opts]
    if len(set(names)) != len(names):
        add_error(errors, path, "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                  "Option names must be unique")
    kinds = {o.get("type") in SUBCOMMAND_TYPES for o in opts}
    if len(kinds) > 1:
        add_error(errors, path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                  "Sub-command and sub-command group option types are mutually exclusive "
                  "to all other types")
    seen_optional = False
    for i, opt in enumerate(opts):
        here = (*path, str(i))
        _check_name(opt.get("name"), True, errors, (*here, "name"))
        if opt.get("type") not in SUBCOMMAND_TYPES:
            if opt.get("required"):
                if seen_optional:
                    add_error(errors, here, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                              "Required options must be placed before non-required options")
            else:
                seen_optional = True
        if opt.get("autocomplete") and opt.get("choices"):
            add_error(errors, (*here, "autocomplete"), "AUTOCOMPLETE_AND_CHOICES",
                      "Autocomplete cannot be set on options with choices")
        if isinstance(opt.get("options"), list):
            _check_options(opt["options"], errors, (*here, "options"))


def check_commands(commands: list[Any], errors: ErrorTree, prefix: tuple[str, ...] = ()) -> None:
    """Discord application command rules beyond the schema."""
    seen: set[tuple[int, str]] = set()
    counts: dict[int, int] = {}
    for i, cmd in enumerate(commands):
        if not isinstance(cmd, dict):
            continue
        here = (*prefix, str(i))
        ctype = int(cmd.get("type") or 1)
        counts[ctype] = counts.get(ctype, 0) + 1
        key = (ctype, str(cmd.get("name")))
        if key in seen:
            add_error(errors, prefix, "APPLICATION_COMMANDS_DUPLICATE_NAME",
                      f"Application command names must be unique ({key[1]!r})")
        seen.add(key)
        _check_name(cmd.get("name"), ctype == 1, errors, (*here, "name"))
        if ctype == 1 and not cmd.get("description"):
            # The schema caps the length at 100; chat-input commands also need >= 1.
            add_error(errors, (*here, "description"), "BASE_TYPE_BAD_LENGTH",
                      "Must be between 1 and 100 in length.")
        if isinstance(cmd.get("options"), list):
            _check_options(cmd["options"], errors, (*here, "options"))
        if _command_size(cmd) > 4000:
            add_error(errors, here, "APPLICATION_COMMAND_TOO_LARGE",
                      "Command exceeds maximum size (4000)")
    limits = {1: 100, 2: 15, 3: 15}
    for ctype, count in counts.items():
        if count > limits.get(ctype, 100):
            add_error(errors, prefix, "BASE_TYPE_MAX_LENGTH",
                      f"Must be {limits.get(ctype, 100)} or fewer in length.")


def validate(spec_path: str, method: str, body: Any) -> None:
    """Raise HttpError 400/50035 when `body` breaks the schema or Discord's rules."""
    errors: ErrorTree = {}
    checker = load_checker()
    schema = checker.request_schema(spec_path, method)
    if schema is not None:
        errors = checker.check(schema, body)
    if spec_path.endswith("/commands"):
        if method == "PUT" and isinstance(body, list):
            check_commands(body, errors)
        elif isinstance(body, dict):
            single: ErrorTree = {}
            check_commands([body], single)
            merge_errors(errors, single.get("0", {}))
    elif spec_path.endswith("/callback") and isinstance(body, dict):
        if body.get("type") in (4, 7) and isinstance(body.get("data"), dict):
            check_message(body["data"], errors, ("data",))
    elif spec_path != "/users/@me/channels" and isinstance(body, dict):
        check_message(body, errors)
    if errors:
        raise HttpError(400, 50035, "Invalid Form Body", errors)


def ensure_not_empty(payload: JSON, file_count: int) -> None:
    """Raise 400/50006 for a message with nothing to show."""
    keys = ("content", "embeds", "components", "sticker_ids", "poll")
    if file_count == 0 and not any(payload.get(k) for k in keys):
        raise HttpError(400, 50006, "Cannot send an empty message")
