"""The bot's one way to answer: a Question in, a Reply out.

Every failure becomes a message for the user and one log line for the operator here, and
nowhere else: a question the estimator does not understand (QueryError) gets what was not
understood and an example that works; anything else gets an apology, and the log line says
what broke and where. Listeners only decide where a Reply goes.
"""

import logging
import traceback
from dataclasses import dataclass
from typing import Literal

from bot.question import Question
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
        log.info("not understood: %r: %s", question.text, error.message)
        return Reply(
            "problem",
            problem_blocks(error.message, error.example, invocation, error.suggestions),
            problem_text(error.message, error.example, invocation),
        )
    except Exception as error:
        log_failure(error, f"answering {question.text!r}")
        return Reply(
            "problem",
            problem_blocks(SORRY, EXAMPLE, invocation),
            problem_text(SORRY, EXAMPLE, invocation),
        )


def log_failure(error: BaseException, doing: str) -> None:
    """One line for the operator: what was being done, the error, and where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    message = " ".join(str(error).split())  # SlackApiError spans lines
    log.error("failed %s: %s: %s%s", doing, type(error).__name__, message, where)
