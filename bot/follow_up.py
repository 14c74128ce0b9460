"""Follow-ups in a thread: "@vram same with int4" answers the thread's last question with
that one change.

Stateless: the bot's answers carry their question as Slack message metadata
(bot.answer.METADATA_EVENT_TYPE), read back with conversations.replies. A mention that is a
question of its own is answered as one; only one the estimator cannot read alone is tried as
a follow-up, and if that fails too the asker gets the original explanation.
"""

import logging
import re
from dataclasses import replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answer import METADATA_EVENT_TYPE, Reply, reply_to, reply_to_text
from bot.post import _api_failure
from bot.question import Question, question_from_slack
from bot.render.mrkdwn import code
from bot.what_if import query_as_text
from estimator import QueryError, parse

log = logging.getLogger("vram.bot")

MAX_THREAD_PAGES = 5  # of 200 messages: the last answer of a very long thread may be missed
# Words that say "the same question, changed": no meaning for the estimator.
_FOLLOW_UP_WORDS = re.compile(
    r"\b(?:same|instead|again|rather|then|now|but|about|ok|okay|thanks|please|also|how)\b",
    re.IGNORECASE,
)
_ANY_SIZE = "1B"  # stands in for the model while reading a follow-up's changes


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
        failure, _, _ = _api_failure(error, client)
        log.error("could not read the thread for a follow-up: conversations.replies %s", failure)
        return None
    except Exception as error:
        failure, _, _ = _api_failure(error, client)
        log.error("could not read the thread for a follow-up: conversations.replies %s", failure)
        return None
    return found


def follow_up_text(text: str, previous: str) -> str | None:
    """'same with int4' after 'llama-3.1-70b ctx=8k' -> 'llama-3.1-70b int4 ctx=8k'; None
    when `text` names no change the estimator can read."""
    words = _FOLLOW_UP_WORDS.sub(" ", text)
    try:
        before = parse(previous)
        change = parse(f"{_ANY_SIZE} {words}")
        plain = parse(_ANY_SIZE)
    except QueryError:
        return None
    after = before
    if change.precision_given:
        after = replace(after, precision=change.precision, precision_given=True)
    workload = after.workload
    if change.workload.context_tokens is not None:
        workload = replace(workload, context_tokens=change.workload.context_tokens)
    if change.workload.sequences_given:
        workload = replace(workload, sequences=change.workload.sequences, sequences_given=True)
    if change.workload.kv_format is not None:
        workload = replace(workload, kv_format=change.workload.kv_format)
    after = replace(after, workload=workload)
    if change.gpus:
        count = before.gpus[0].count if len(before.gpus) == 1 else None
        gpus = tuple(
            request if request.count or count is None else replace(request, count=count)
            for request in change.gpus
        )
        after = replace(after, gpus=gpus, compare_all=False)
    if change.compare_all:
        after = replace(after, compare_all=True)
    if change.solve_for != plain.solve_for:
        after = replace(after, solve_for=change.solve_for)
    return query_as_text(after) if after != before else None
