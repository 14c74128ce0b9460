"""From the text of a Slack message or command to the question for the estimator.

Slack sends message text with its own markup: `<@U123>` mentions, `<#C123|name>` channels,
`<!here>`, `<https://…|label>` links, and `&`, `<`, `>` escaped as entities
(https://docs.slack.dev/messaging/formatting-message-text#escaping). None of it means
anything to the estimator, so it is reduced to plain words here.
"""

import re
from dataclasses import dataclass

PRIVATE_FLAGS = frozenset({"private", "-p", "--private"})
HELP_WORDS = frozenset({"help", "-h", "--help", "?", "usage"})

# Slack escapes a literal '<' in message text, so markup never nests: excluding '<' inside a
# tag keeps each scan from running to the end of the text at every unclosed '<' (quadratic).
_LINK = re.compile(r"<(?:https?|mailto):[^<>|]*\|([^<>]*)>|<((?:https?|mailto):[^<>]*)>")
_OTHER_MARKUP = re.compile(r"<[@#!][^<>]*>")  # mentions, channels, <!here>, <!date…>
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


@dataclass(frozen=True)
class Question:
    text: str  # what the estimator is asked
    private: bool = False  # answer only the asker
    wants_help: bool = False


def question_from_slack(text: str) -> Question:
    """`<@U0VRAM> 70B int4 private` -> Question('70B int4', private=True)."""
    text = _LINK.sub(lambda link: link.group(1) or link.group(2), text or "")
    text = _OTHER_MARKUP.sub(" ", text)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    words = text.split()
    private = False
    while words and words[-1].casefold() in PRIVATE_FLAGS:
        words.pop()
        private = True
    while words and words[0].casefold() in PRIVATE_FLAGS:
        words.pop(0)
        private = True
    wants_help = not words or (len(words) == 1 and words[0].casefold() in HELP_WORDS)
    return Question(text=" ".join(words), private=private, wants_help=wants_help)
