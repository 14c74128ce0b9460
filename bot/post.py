"""Posting a Reply after the ack, and what to do when Slack refuses it.

A reply Slack refuses to take, even after the client's retries (bot.config.web_client): rate
limits, outages, a channel the bot is not in. The asker is told where Slack still lets us,
and the operator gets one log line.
"""

import json
import logging
import re
from dataclasses import dataclass, replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answer import Reply
from bot.logs import describe_error

log = logging.getLogger("vram.bot")


@dataclass(frozen=True)
class Destination:
    """Where a reply posted after the ack goes."""

    channel: str
    thread_ts: str | None
    asker: str | None  # None when another app asked: nobody to show an ephemeral message to

    @classmethod
    def of_event(cls, event: dict, thread_ts: str | None) -> "Destination":
        """Where to answer a mention or message; a bot's (bot_id) has nobody to whisper to."""
        return cls(event["channel"], thread_ts, None if event.get("bot_id") else event.get("user"))


# <@U…>, <@U…|name>, <!here>, <!subteam^S…|@team>: what makes Slack notify someone.
_MENTION = re.compile(r"<[@!]([^<>|]*)(?:\|([^<>]*))?>")


def without_mentions(reply: Reply) -> Reply:
    """The reply with every mention made plain text: a reply posted after the ack answers a
    mention or a DM, possibly another bot's, and a reply that mentioned @vram or that bot
    could start a loop of bots answering each other."""

    def plain(match: re.Match) -> str:
        label = match.group(2) or match.group(1).split("^")[0]
        return label if label.startswith("@") else "@" + label

    def defuse(value):
        if isinstance(value, dict):
            return {k: _MENTION.sub(plain, v) if k == "text" and isinstance(v, str) else defuse(v)
                    for k, v in value.items()}  # fmt: skip
        if isinstance(value, list):
            return [defuse(item) for item in value]
        return value

    return replace(reply, blocks=defuse(reply.blocks), text=_MENTION.sub(plain, reply.text))


# Refusals a retry or an ephemeral message cannot get past, and what the operator can do.
_NOBODY_TO_TELL = {
    "not_in_channel": "invite @vram to the channel",
    "channel_not_found": "the channel is gone, or private without @vram",
    "is_archived": "the channel is archived",
    "user_not_in_channel": "the asker left the channel",
    "restricted_action": "the workspace does not let apps post there",
    "invalid_auth": "check SLACK_BOT_TOKEN",
    "not_authed": "check SLACK_BOT_TOKEN",
    "token_revoked": "the app was uninstalled or its token revoked",
    "account_inactive": "the app was uninstalled or its token revoked",
    "missing_scope": "the app lacks chat:write; reinstall it from manifest.yml",
}
_NOT_JSON = "answered {status} with a body that is not JSON (a fault on Slack's side)"
_UNREADABLE = "Slack's answer could not be read"
_TOLD = "I have your answer, but Slack would not let me post it here ({why}). Please ask again in a minute."


def post_reply(
    client: WebClient, reply: Reply, to: Destination, *, ephemeral: bool, surface: str
) -> bool:
    """Post `reply` (to the asker alone if `ephemeral`), mentioning nobody; True once Slack took it."""
    reply = without_mentions(reply)
    method = "chat.postEphemeral" if ephemeral and to.asker else "chat.postMessage"
    try:
        if method == "chat.postEphemeral":
            client.chat_postEphemeral(
                channel=to.channel,
                user=to.asker,
                thread_ts=to.thread_ts,
                blocks=reply.blocks,
                text=reply.text,
            )
        else:
            client.chat_postMessage(
                channel=to.channel,
                thread_ts=to.thread_ts,
                blocks=reply.blocks,
                text=reply.text,
                metadata=reply.metadata,
            )
        return True
    except Exception as error:
        failure, why, can_tell = api_failure(error, client)
        if method == "chat.postEphemeral" or not to.asker or not can_tell:
            outcome = f"the asker was not told ({why})"
        else:
            outcome = _tell_asker(client, to, why)
        log.error(
            "could not post the reply to %s in %s: %s %s; %s",
            surface,
            to.channel,
            method,
            failure,
            outcome,
        )
        return False


def _tell_asker(client: WebClient, to: Destination, why: str) -> str:
    """A short text-only ephemeral message: the least that can still get through."""
    try:
        client.chat_postEphemeral(
            channel=to.channel, user=to.asker, thread_ts=to.thread_ts, text=_TOLD.format(why=why)
        )
        return "the asker was told in an ephemeral message"
    except Exception as error:
        failure, _, _ = api_failure(error, client)
        return f"telling the asker failed too: chat.postEphemeral {failure}"


def api_failure(error: Exception, client: WebClient) -> tuple[str, str, bool]:
    """(what happened, in a few words; why, for the asker or the operator; worth telling the
    asker). Never the exception's text for API errors: it carries the whole response."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", None)
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if code and code.startswith("Received a response in a non-JSON format"):
            return _NOT_JSON.format(status=f"HTTP {status}"), _UNREADABLE, True
        if not code:
            code = f"HTTP {status}"
        failure = f"answered {code} (SlackApiError, HTTP {status})"
        if code in _NOBODY_TO_TELL:
            return failure, _NOBODY_TO_TELL[code], False
        if code == "ratelimited":
            return failure, "Slack is limiting how fast I may post", True
        if status is not None and status >= 500:
            return failure, "Slack had a problem", True
        return failure, f"Slack answered {code}", True
    if isinstance(error, json.JSONDecodeError):  # the client could not read Slack's answer
        return _NOT_JSON.format(status="HTTP 200"), _UNREADABLE, True
    if isinstance(error, TimeoutError):
        return (
            f"timed out after {client.timeout:g} s (TimeoutError)",
            "the reply may still arrive, and a retry could post it twice",
            False,
        )
    if isinstance(error, OSError):  # URLError included: refused, reset, DNS
        reason = getattr(error, "reason", error)
        return (
            f"could not reach Slack ({type(error).__name__}: {reason})",
            "Slack could not be reached",
            False,
        )
    return f"failed: {describe_error(error)}", "a bug on my side", False
