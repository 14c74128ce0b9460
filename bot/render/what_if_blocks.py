"""The what-if buttons under an answer: each one asks the question again with one change.

A button's value is JSON naming the changed question and where it was asked
({"q": "70B int4", "i": "/vram"}), so that any worker can answer the click.
"""

import hashlib
import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)

from bot.what_if import query_as_text, variants
from estimator.query import Query

WHAT_IF_ACTION_PREFIX = "what_if_"  # then the button's index: action ids are unique in a block


def what_if_blocks(query: Query, invocation: str) -> list[Block]:
    buttons = [
        ButtonElement(
            text=variant.label,
            action_id=f"{WHAT_IF_ACTION_PREFIX}{index}",
            value=json.dumps({"q": variant.text, "i": invocation}, ensure_ascii=False),
        )
        for index, variant in enumerate(variants(query))
    ]
    if not buttons:
        return []
    return [
        ContextBlock(elements=[MarkdownTextObject(text="*What if…* (answers again in place)")]),
        # Slack wants a new block_id for each version of a message: one per question.
        ActionsBlock(block_id=f"what_if_{_digest(query_as_text(query))}", elements=buttons[:25]),
    ]


def _digest(text: str) -> str:
    return hashlib.blake2s(text.encode("utf-8"), digest_size=6).hexdigest()


def read_what_if(value: str) -> tuple[str, str]:
    """A button's value -> (question text, invocation); ValueError if it is not ours."""
    decoded = json.loads(value)
    if not isinstance(decoded, dict) or not isinstance(decoded.get("q"), str):
        raise ValueError("not a what-if value")
    return decoded["q"], str(decoded.get("i", ""))
