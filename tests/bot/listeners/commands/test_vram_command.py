"""/vram over real HTTP on 127.0.0.1, signed like Slack: answered in the ack itself."""

import json
import time

from bot.answer import HELP_EXAMPLES


def block_texts(reply: dict) -> str:
    return json.dumps(reply["blocks"], ensure_ascii=False)


def test_answer_is_the_ack_posted_in_channel_with_the_question_echoed(slack, web_api):
    started = time.monotonic()
    reply = slack.command("70B fp16")
    assert time.monotonic() - started < 3.0  # Slack's limit for the acknowledgement
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_type"] == "in_channel"
    assert answer["blocks"][0]["elements"][0]["text"] == "<@U0ASKER> asked `/vram 70B fp16`"
    assert answer["blocks"][1]["text"]["text"] == "GPU memory: 156.5 GiB (168.0 GB)"
    assert "2 × A100-80GB" in block_texts(answer) and "2 × H100-80GB" in block_texts(answer)
    assert "156.5 GiB (168.0 GB)" in answer["text"]
    assert web_api.posts() == []  # nothing but the ack: works where the bot is not a member


def test_private_or_dash_p_keeps_the_answer_to_the_asker(slack):
    for text in ("70B fp16 private", "70B fp16 -p"):
        answer = slack.command(text).json()
        assert answer["response_type"] == "ephemeral"
        assert answer["blocks"][1]["text"]["text"] == "GPU memory: 156.5 GiB (168.0 GB)"


def test_help_shows_usage_to_the_asker_only(slack):
    for text in ("help", "-h"):
        usage = slack.command(text).json()
        assert usage["response_type"] == "ephemeral"
        assert "`/vram 70B fp16`" in block_texts(usage)
        assert "private" in block_texts(usage)


def test_bad_input_gets_a_friendly_ephemeral_error_with_an_example_that_works(slack):
    problem = slack.command("how big is a teapot").json()
    assert problem["response_type"] == "ephemeral"
    assert "Try for example" in problem["text"]
    assert "`/vram " in block_texts(problem)
    assert "Traceback" not in block_texts(problem)


def test_the_echo_cannot_ping_the_channel(slack):
    answer = slack.command("<!channel> 70B fp16").json()
    assert "<!channel>" not in json.dumps(answer)


def test_every_help_example_is_answered(slack):
    for query, _ in HELP_EXAMPLES:
        answer = slack.command(query).json()
        assert answer["response_type"] == "in_channel", (query, answer["text"])


def test_an_unexpected_failure_is_one_log_line_and_an_apology(slack, monkeypatch, caplog):
    def broken(text):
        raise RuntimeError("catalog\nunreadable")

    monkeypatch.setattr("bot.answer.estimate_text", broken)
    problem = slack.command("70B fp16").json()
    assert problem["response_type"] == "ephemeral"
    assert "something went wrong" in problem["text"]
    errors = [record for record in caplog.records if record.levelname == "ERROR"]
    assert len(errors) == 1
    line = errors[0].getMessage()
    assert "\n" not in line and "RuntimeError: catalog unreadable at " in line
