"""Is this request from Slack, and is it a payload Slack sends? Both answered before Bolt
parses anything (bot.http): Bolt's request object parses the body and reads fields from it as
soon as it is built, before its own signature check runs, so junk crashed it.

Slack's rules: https://api.slack.com/authentication/verifying-requests-from-slack (v0 HMAC of
"v0:{timestamp}:{body}", timestamp in Unix seconds, refused when over 5 minutes off).
"""

import json
import re
import time
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

MAX_CLOCK_SKEW_S = 5 * 60
_UNIX_SECONDS = re.compile(
    r"[0-9]{1,12}"
)  # ASCII digits only: int() would take '١٢٣' or 5,000 digits
# Fields Bolt reads nested fields from (slack_bolt/request/internals.py), and what Slack sends
# in each: an object, or an object or an id.
_OBJECTS = ("event", "message", "previous_message", "item", "assistant_thread", "view",
            "function_data", "container")  # fmt: skip
_OBJECTS_OR_IDS = ("enterprise", "team", "user", "channel")
_EVENT_STRINGS = ("type", "subtype", "text", "ts", "thread_ts", "channel_type", "bot_id")
_MAX_DEPTH = 4  # event → message → … : deeper is no payload of Slack's, and recursion is bounded


def signature_problem(
    verifier: SignatureVerifier, body: str, timestamp: str | None, signature: str | None
) -> str | None:
    """Why the request is not signed by Slack just now, in a few words; None if it is."""
    if not signature:
        return "no X-Slack-Signature"
    if timestamp is None or not _UNIX_SECONDS.fullmatch(timestamp):
        return "X-Slack-Request-Timestamp is not a Unix time"
    if abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW_S:
        return "X-Slack-Request-Timestamp is over 5 minutes off"
    if not verifier.is_valid(body, timestamp, signature):
        return "the signature does not match"
    return None


def payload_problem(body: str, content_type: str | None) -> str | None:
    """Why a signed body is not a payload Slack sends, read as Bolt reads it; None if it is."""
    try:
        payload = _parse_like_bolt(body, content_type)
    except (ValueError, RecursionError):  # json.JSONDecodeError is a ValueError
        return "the body is not JSON"
    return _shape_problem(payload, "the body", 0)


def _parse_like_bolt(body: str, content_type: str | None) -> object:
    """slack_bolt.request.internals.parse_body, which this must follow."""
    if not body:
        return {}
    if content_type == "application/json" or body.startswith("{"):
        return json.loads(body)
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in body:
        return json.loads(form["payload"]) if "payload" in form else {}
    return form


def _shape_problem(payload: object, where: str, depth: int) -> str | None:
    if not isinstance(payload, dict):
        return f"{where} is {_kind(payload)}, not an object"
    if depth > _MAX_DEPTH:
        return f"{where} is nested too deeply"
    for key, value in payload.items():
        if key in _OBJECTS:
            fits = isinstance(value, dict)
        elif key in _OBJECTS_OR_IDS:
            fits = isinstance(value, dict | str | None)
        else:
            continue
        if not fits:
            return f"{key} is {_kind(value)}"
        if isinstance(value, dict) and (problem := _shape_problem(value, key, depth + 1)):
            return problem
    if "event" in payload:
        event = payload["event"]
        if not isinstance(event.get("type"), str):
            return "the event has no type"
        for key in _EVENT_STRINGS:
            if key in event and not isinstance(event[key], str | None):
                return f"event.{key} is {_kind(event[key])}"
    if "authorizations" in payload:
        authorizations = payload["authorizations"]
        if not isinstance(authorizations, list):
            return f"authorizations is {_kind(authorizations)}, not a list"
        for authorization in authorizations:
            if problem := _shape_problem(authorization, "an authorization", depth + 1):
                return problem
    return None


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}  # fmt: skip
    return names.get(type(value), type(value).__name__)
