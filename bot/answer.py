"""The bot's one way to answer: a Question in, a Reply out, and the Reply posted.

Every failure becomes a message for the user and one log line for the operator here, and
nowhere else: a question the estimator does not understand (QueryError) gets what was not
understood and an example that works; anything else gets an apology, and the log line says
what broke and where. A reply Slack refuses to take (rate limits, outages, a channel the bot
is not in) is reported to the asker where Slack still lets us, and in one line to the
operator. Listeners only decide where a Reply goes.
"""

import logging
import traceback
from dataclasses import dataclass
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.question import Question, question_from_slack
from bot.render.blocks import (
    answer_blocks,
    answer_text,
    help_blocks,
    help_text,
    problem_blocks,
    problem_text,
)
from bot.render.mrkdwn import code
from estimator import QueryError, estimate
from estimator.errors import EXAMPLE

log = logging.getLogger("vram.bot")

# Each one is run through the real estimator by the tests: help never shows a broken example.
HELP_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("70B fp16", "a 70-billion-parameter model in 16-bit"),
    ("70B int4", "the same model quantised to 4 bits"),
    ("llama-3.1-8b 32k ctx 16 users", "a known model, with its KV cache for 16 × 32k tokens"),
    ("70B fp16 on 2x h100", "does it fit on two H100s?"),
    ("max ctx 70B int4 on 1x h100", "the longest context that fits"),
)
SORRY = "Sorry, something went wrong on my side while answering that; it has been logged."
# Slack's own limit on a slash command's text. Longer text is refused unread: cleaning Slack's
# markup out of it (bot.question) costs time that grows with the square of its length.
MAX_TEXT_CHARS = 4000
LOGGED_TEXT_CHARS = 100  # of a question, in a log line


@dataclass(frozen=True)
class Reply:
    kind: Literal["answer", "help", "problem"]
    blocks: list[dict]
    text: str
    private: bool = False

    @property
    def only_for_asker(self) -> bool:
        """Help and problems concern the asker alone; answers are shared unless asked privately."""
        return self.private or self.kind != "answer"


def reply_to_text(text: str, *, invocation: str, echo_for: str | None = None) -> Reply:
    """The text of a Slack message or command, markup and all, to a Reply (see `reply_to`)."""
    if len(text) > MAX_TEXT_CHARS:
        log.info("not understood: a question of %d characters", len(text))
        message = f"That is {len(text):,} characters; ask one short question."
        return Reply(
            "problem",
            problem_blocks(message, EXAMPLE, invocation),
            problem_text(message, EXAMPLE, invocation),
        )
    return reply_to(question_from_slack(text), invocation=invocation, echo_for=echo_for)


def reply_to(question: Question, *, invocation: str, echo_for: str | None = None) -> Reply:
    """`invocation` is how the user asks here ('/vram', '@vram', '' in a DM), for examples.

    `echo_for`: the asker's user id, to show "<@U…> asked …" above the answer.
    """
    if question.wants_help:
        return Reply(
            "help",
            help_blocks(invocation, HELP_EXAMPLES),
            help_text(invocation, HELP_EXAMPLES),
            question.private,
        )
    try:
        answer = estimate(question.text)
        asked = f"{invocation} {question.text}".strip()
        echo = f"<@{echo_for}> asked {code(asked)}" if echo_for else None
        return Reply(
            "answer", answer_blocks(answer, echo=echo), answer_text(answer), question.private
        )
    except QueryError as error:
        log.info("not understood: %s: %s", _shown(question.text), error.message)
        return Reply(
            "problem",
            problem_blocks(error.message, error.example, invocation, error.suggestions),
            problem_text(error.message, error.example, invocation),
        )
    except Exception as error:
        log_failure(error, f"answering {_shown(question.text)}")
        return Reply(
            "problem",
            problem_blocks(SORRY, EXAMPLE, invocation),
            problem_text(SORRY, EXAMPLE, invocation),
        )


def _shown(text: str) -> str:
    """A question as a log line shows it: quoted (control characters escaped), and cut short."""
    cut = text[:LOGGED_TEXT_CHARS]
    return repr(cut) + (f" (+{len(text) - len(cut)} characters)" if len(text) > len(cut) else "")


def log_failure(error: BaseException, doing: str) -> None:
    """One line for the operator: what was being done, the error, and where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    message = " ".join(str(error).split())  # SlackApiError spans lines
    log.error("failed %s: %s: %s%s", doing, type(error).__name__, message, where)


@dataclass(frozen=True)
class Destination:
    """Where a reply posted after the ack goes."""

    channel: str
    thread_ts: str | None
    asker: str | None  # None when another app asked: nobody to show an ephemeral message to


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
_TOLD = "I have your answer, but Slack would not let me post it here ({why}). Please ask again in a minute."


def post_reply(
    client: WebClient, reply: Reply, to: Destination, *, ephemeral: bool, surface: str
) -> bool:
    """Post `reply` (to the asker alone if `ephemeral`); True once Slack took it.

    When Slack refuses it, even after the client's retries (bot.config.web_client), the
    asker is told in an ephemeral message where that can still work, and one line is logged.
    """
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
                channel=to.channel, thread_ts=to.thread_ts, blocks=reply.blocks, text=reply.text
            )
        return True
    except Exception as error:
        failure, why, can_tell = _api_failure(error, client)
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
        failure, _, _ = _api_failure(error, client)
        return f"telling the asker failed too: chat.postEphemeral {failure}"


def _api_failure(error: Exception, client: WebClient) -> tuple[str, str, bool]:
    """(what happened, in a few words; why, for the asker or the operator; worth telling the
    asker). Never the exception's text for API errors: it carries the whole response."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", None)
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if not code or code.startswith("Received a response in a non-JSON format"):
            code = f"HTTP {status}"
        failure = f"answered {code} (SlackApiError, HTTP {status})"
        if code in _NOBODY_TO_TELL:
            return failure, _NOBODY_TO_TELL[code], False
        if code == "ratelimited":
            return failure, "Slack is limiting how fast I may post", True
        if status is not None and status >= 500:
            return failure, "Slack had a problem", True
        return failure, f"Slack answered {code}", True
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
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    message = " ".join(str(error).split())
    return f"failed: {type(error).__name__}: {message}{where}", "a bug on my side", False
