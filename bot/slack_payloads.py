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
