"""Interaction payloads as Slack builds them, for local mode and the tests.

Slack POSTs these form-encoded, as one `payload` field of JSON, to the same request URL as
slash commands: https://docs.slack.dev/reference/interaction-payloads
"""

import json
import time
from urllib.parse import urlencode


def interaction_body(payload: dict) -> str:
    return urlencode({"payload": json.dumps(payload)})


def buttons(blocks: list[dict]) -> list[tuple[dict, dict]]:
    """Every (block, button) of a message or view, in the order Slack shows them: the
    buttons of actions blocks and those beside a section's text (its accessory)."""
    found = []
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        if block.get("type") == "section" and block.get("accessory"):
            elements = [block["accessory"]]
        found += [(block, element) for element in elements if element.get("type") == "button"]
    return found


def find_button(blocks: list[dict], label: str) -> tuple[dict, dict]:
    for block, button in buttons(blocks):
        if button["text"]["text"] == label:
            return block, button
    raise LookupError(f"no button {label!r}")


def block_actions_payload(
    block: dict,
    button: dict,
    *,
    user: str,
    team: str,
    container: dict,
    response_url: str | None = None,
    message: dict | None = None,
    view: dict | None = None,
) -> dict:
    """A click on `button` of `block` (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).

    `container`: {"type": "message", "message_ts", "channel_id", "is_ephemeral"} or
    {"type": "view", "view_id"}. Slack includes the whole `message` unless it is ephemeral,
    the `view` for a click in App Home or a modal, and a `response_url` for messages."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "you", "name": "you", "team_id": team},
        "api_app_id": "A0VRAM",
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": f"{int(time.time())}.1.trigger",
        "team": {"id": team, "domain": "local"},
        "enterprise": None,
        "is_enterprise_install": False,
        "state": {"values": {}},
        "actions": [
            {
                "action_id": button["action_id"],
                "block_id": block["block_id"],
                "text": {**button["text"], "emoji": True},
                "value": button["value"],
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    if container.get("type") == "message":
        payload["channel"] = {"id": container["channel_id"], "name": "local"}
    if response_url:
        payload["response_url"] = response_url
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view
    return payload


def view_submission_payload(
    view: dict, values: dict[str, str], *, user: str, team: str, response_urls: dict | None = None
) -> dict:
    """Submitting the modal `view` (as views.open returned it) with `values` by block_id
    (https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload).
    Slack's state has an entry for every input block, null where nothing was entered.
    `response_urls`: {block_id: url} for conversation selects with response_url_enabled."""
    state: dict[str, dict] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        value = values.get(block["block_id"])
        if element["type"] == "conversations_select":
            entry = {"type": element["type"], "selected_conversation": value}
        elif element["type"].endswith("_select"):
            option = None
            if value is not None:
                label = next(
                    (o["text"]["text"] for o in element.get("options", []) if o["value"] == value),
                    value,  # an external select's option: its text is what was typed
                )
                option = {
                    "text": {"type": "plain_text", "text": label, "emoji": True},
                    "value": value,
                }
            entry = {"type": element["type"], "selected_option": option}
        else:
            entry = {"type": element["type"], "value": value}
        state[block["block_id"]] = {element["action_id"]: entry}
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "local"},
        "user": {"id": user, "username": "you", "name": "you", "team_id": team},
        "api_app_id": "A0VRAM",
        "token": "legacy-verification-token",
        "trigger_id": f"{int(time.time())}.2.trigger",
        "view": {**view, "state": {"values": state}},
        "response_urls": [
            {
                "block_id": block_id,
                "action_id": block_id,
                "channel_id": values[block_id],
                "response_url": url,
            }
            for block_id, url in (response_urls or {}).items()
            if values.get(block_id)
        ],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def block_suggestion_payload(
    view: dict, action_id: str, typed: str, *, user: str, team: str
) -> dict:
    """An external select asking for its options as `typed` is typed
    (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select)."""
    return {
        "type": "block_suggestion",
        "user": {"id": user, "username": "you", "name": "you", "team_id": team},
        "container": {"type": "view", "view_id": view.get("id", "")},
        "api_app_id": "A0VRAM",
        "token": "legacy-verification-token",
        "action_id": action_id,
        "block_id": action_id,
        "value": typed,
        "team": {"id": team, "domain": "local"},
        "view": view,
    }


def shortcut_payload(callback_id: str, *, user: str, team: str) -> dict:
    """A global shortcut (https://docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload)."""
    return {
        "type": "shortcut",
        "token": "legacy-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": team, "domain": "local"},
        "user": {"id": user, "username": "you", "team_id": team},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": f"{int(time.time())}.3.trigger",
    }
