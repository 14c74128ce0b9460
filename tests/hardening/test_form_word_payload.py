"""A slash command whose text has the word "payload" is a slash command.

Bolt 1.30 reads any form body containing "payload" as an interactive payload, finds no such
field and answers 404: '/vram payload' and '/vram 70B fp16 payload' got Slack's error instead of
an answer (hypothesis found it: tests/hardening/test_input.py). Real `payload` fields (button
clicks, forms) keep Bolt's own path: tests/bot/listeners/actions and views."""

import pytest


@pytest.mark.parametrize("text", ["payload", "70B fp16 payload", "max payload 70B int4 on 1x h100"])
def test_the_word_payload_in_a_command_is_answered(slack, text):
    reply = slack.command(text)
    assert reply.status == 200
    answer = reply.json()
    assert answer["text"] and answer["blocks"]
    if "70B" in text:
        assert answer["response_type"] == "in_channel" and "GiB" in answer["text"]
