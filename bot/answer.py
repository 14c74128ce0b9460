"""The bot's one way to answer: a Question in, a Reply out.

Every failure to answer becomes a message for the user and one log line for the operator
here, and nowhere else: a question the estimator does not understand (QueryError) gets what
was not understood and an example that works; anything else gets an apology, and the log
line says what broke and where. Posting a Reply, and Slack refusing it, is bot.post's.
Listeners only decide where a Reply goes.
"""

import logging
from dataclasses import dataclass
from typing import Literal

from bot.logs import describe_error
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
from bot.render.what_if_blocks import what_if_blocks
from bot.what_if import query_as_text
from estimator import QueryError
from estimator.errors import EXAMPLE
from hub.answer import estimate_text

log = logging.getLogger("vram.bot")

# Each one is run through the real estimator by the tests: help never shows a broken example.
HELP_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("70B fp16", "a 70-billion-parameter model in 16-bit"),
    ("70B int4", "the same model quantised to 4 bits"),
    ("llama-3.1-8b 32k ctx 16 users", "a known model, with its KV cache for 16 × 32k tokens"),
    ("70B fp16 on 2x h100", "does it fit on two H100s?"),
    ("max ctx 70B int4 on 1x h100", "the longest context that fits"),
    ("llama-3.1-8b lora on 1x l4", "fine-tuning: memory per GPU, the cards, a launch line"),
)
SORRY = "Sorry, something went wrong on my side while answering that; it has been logged."
# Slack message metadata on the bot's answers: the question as text, read back from a thread
# (conversations.replies) to answer a follow-up. https://docs.slack.dev/messaging/message-metadata
METADATA_EVENT_TYPE = "vram_estimate"
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
    asked: str | None = None  # an answer's question, as text that parses to the same Query

    @property
    def metadata(self) -> dict | None:
        """Slack message metadata for chat.postMessage / chat.update: the question asked."""
        if self.asked is None:
            return None
        return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"query": self.asked}}

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


def reply_to(
    question: Question,
    *,
    invocation: str,
    echo_for: str | None = None,
    echo_verb: str = "asked",
    echo_text: str | None = None,
    what_if: bool = True,
) -> Reply:
    """`invocation` is how the user asks here ('/vram', '@vram', '' in a DM), for examples.

    `echo_for`: the asker's user id, to show "<@U…> asked …" (`echo_verb`) above the answer;
    `echo_text`: another mrkdwn line to show there instead.
    `what_if`: buttons under the answer that ask it again with one change.
    """
    if question.wants_help:
        return Reply(
            "help",
            help_blocks(invocation, HELP_EXAMPLES),
            help_text(invocation, HELP_EXAMPLES),
            question.private,
        )
    try:
        answer = estimate_text(question.text)  # a repository nobody listed: from the Hub
        asked = f"{invocation} {question.text}".strip()
        echo = f"<@{echo_for}> {echo_verb} {code(asked)}" if echo_for else echo_text
        actions = what_if_blocks(answer.query, invocation) if what_if else []
        return Reply(
            "answer",
            answer_blocks(answer, echo=echo, actions=actions),
            answer_text(answer),
            question.private,
            asked=query_as_text(answer.query),
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
    log.error("failed %s: %s", doing, describe_error(error))
