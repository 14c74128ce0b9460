"""Slack text -> the question for the estimator."""

import pytest

from bot.question import Question, question_from_slack


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("70B fp16", Question("70B fp16")),
        ("<@U0VRAMBOT> 70B int4", Question("70B int4")),
        ("<@U0VRAMBOT|vram>   70B  int4 ", Question("70B int4")),
        ("70B fp16 private", Question("70B fp16", private=True)),
        ("70B fp16 -p", Question("70B fp16", private=True)),
        ("-p 70B fp16", Question("70B fp16", private=True)),
        ("", Question("", wants_help=True)),
        ("<@U0VRAMBOT>", Question("", wants_help=True)),
        ("help", Question("help", wants_help=True)),
        ("HELP private", Question("HELP", private=True, wants_help=True)),
        ("70B &lt;= 8 users &amp; fp8", Question("70B <= 8 users & fp8")),
        ("<!here> 70B <#C123|gpu> fp16", Question("70B fp16")),
        ("<https://huggingface.co/x|llama-3.1-8b> fp16", Question("llama-3.1-8b fp16")),
        ("<https://example.com/m> fp16", Question("https://example.com/m fp16")),
    ],
)
def test_question_from_slack(text, question):
    assert question_from_slack(text) == question


def test_unclosed_markup_is_left_as_text_and_closed_markup_still_goes():
    assert question_from_slack("a <https://x|y <https://z|w> b").text == "a <https://x|y w b"
    assert question_from_slack("<@U1 <@U0VRAM> 70B").text == "<@U1 70B"
