"""Follow-ups in a thread: "@vram same with int4" answers the thread's last question with
that one change.

Stateless: the bot's answers carry their question as Slack message metadata
(bot.answer.METADATA_EVENT_TYPE), read back with conversations.replies. A mention that is a
question of its own is answered as one; only one the estimator cannot read alone is tried as
a follow-up, and if that fails too the asker gets the original explanation.
"""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answer import METADATA_EVENT_TYPE, Reply, reply_to, reply_to_text
from bot.post import api_failure
from bot.question import Question, question_from_slack
from bot.render.mrkdwn import code
from bot.what_if import query_as_text
from estimator import QueryError, parse
from estimator.parse import parse_follow_up

log = logging.getLogger("vram.bot")

MAX_THREAD_PAGES = 5  # of 200 messages: the last answer of a very long thread may be missed


def reply_in_thread(
    event: dict, client: WebClient, *, invocation: str, bot_user_id: str | None = None
) -> Reply:
    """The reply to a mention or DM; in a thread, a follow-up of its last answer if need be."""
    text = event.get("text", "")
    reply = reply_to_text(text, invocation=invocation)
    thread_ts = event.get("thread_ts")
    if reply.kind != "problem" or not thread_ts:
        return reply
    question = question_from_slack(text)
    if question.wants_help:
        return reply
    previous = last_question(client, event["channel"], thread_ts, bot_user_id)
    changed = follow_up_text(question.text, previous) if previous else None
    if changed is None:
        return reply
    echo = f"Follow-up of {code(previous)}: {code(changed)}"
    return reply_to(
        Question(changed, private=question.private), invocation=invocation, echo_text=echo
    )


def last_question(
    client: WebClient, channel: str, thread_ts: str, bot_user_id: str | None
) -> str | None:
    """The question of the bot's last answer in the thread, from its message metadata."""
    found, cursor = None, None
    try:
        for _ in range(MAX_THREAD_PAGES):
            page = client.conversations_replies(
                channel=channel, ts=thread_ts, include_all_metadata=True, limit=200, cursor=cursor
            )
            for message in page.get("messages", []):
                metadata = message.get("metadata") or {}
                ours = bot_user_id is None or message.get("user") == bot_user_id
                if ours and metadata.get("event_type") == METADATA_EVENT_TYPE:
                    query = (metadata.get("event_payload") or {}).get("query")
                    found = query if isinstance(query, str) else found
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                break
    except SlackApiError as error:
        if error.response.get("error") == "thread_not_found":
            return None  # the thread's root is gone
        failure, _, _ = api_failure(error, client)
        log.error("could not read the thread for a follow-up: conversations.replies %s", failure)
        return None
    except Exception as error:
        failure, _, _ = api_failure(error, client)
        log.error("could not read the thread for a follow-up: conversations.replies %s", failure)
        return None
    return found


def follow_up_text(text: str, previous: str) -> str | None:
    """'same with int4' after 'llama-3.1-70b ctx=8192' -> 'llama-3.1-70b int4 ctx=8192'
    (estimator.parse.parse_follow_up); None when `text` names no change it can read."""
    try:
        before = parse(previous)
        after = parse_follow_up(text, before)
    except QueryError:
        return None
    return query_as_text(after) if after != before else None
