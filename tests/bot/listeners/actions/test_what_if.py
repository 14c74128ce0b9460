"""What-if buttons: a click answers the question again with one change, in place."""

import json

from bot.render.blocks import total_label
from bot.slack_payloads import find_button
from estimator import estimate
from tests.bot.conftest import CHANNEL_ID


def header(blocks: list[dict]) -> str:
    return next(block["text"]["text"] for block in blocks if block["type"] == "header")


def labels(blocks: list[dict]) -> list[str]:
    return [
        element["text"]["text"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_every_answer_has_buttons_for_format_context_users_and_card(slack):
    answer = slack.command("70B fp16").json()
    shown = labels(answer["blocks"])
    assert {"fp8", "int4", "8k context", "32k context", "128k context"} <= set(shown)
    assert {"1 user", "8 users", "32 users", "on H200-141GB", "on L40S-48GB"} <= set(shown)
    assert "fp16" not in shown  # what was asked is not offered again


def test_a_click_on_a_slash_command_answer_replaces_it_through_response_url(slack, web_api):
    answer = slack.command("70B fp16").json()
    reply = slack.click(
        answer["blocks"],
        "int4",
        container={
            "type": "message",
            "message_ts": "1700000050.000100",
            "channel_id": CHANNEL_ID,
            "is_ephemeral": False,
        },
        response_url=web_api.hook_url("click"),
        message={"type": "message", "ts": "1700000050.000100", "blocks": answer["blocks"]},
    )
    assert reply.status == 200
    [call] = web_api.wait_for_calls("response_url")
    assert call.path == "/hooks/click"
    assert call.params["replace_original"] is True
    blocks = call.params["blocks"]
    assert header(blocks) == f"GPU memory: {total_label(estimate('70B int4'))}"
    assert blocks[0]["elements"][0]["text"] == "<@U0ASKER> tried `/vram 70B int4`"
    assert "fp16" in labels(blocks) and "int4" not in labels(blocks)
    assert web_api.calls_to("chat.update") == []


def test_a_private_answer_is_replaced_for_the_asker_only(slack, web_api):
    answer = slack.command("llama-3.1-8b ctx=8k -p").json()
    assert answer["response_type"] == "ephemeral"
    container = {
        "type": "message",
        "message_ts": "1700000060.000100",
        "channel_id": CHANNEL_ID,
        "is_ephemeral": True,
    }
    slack.click(answer["blocks"], "32 users", container, response_url=web_api.hook_url())
    [call] = web_api.wait_for_calls("response_url")
    expected = estimate("llama-3.1-8b ctx=8k users=32")
    assert header(call.params["blocks"]) == f"GPU memory: {total_label(expected)}"
    assert call.params["replace_original"] is True and "response_type" not in call.params


def test_a_click_on_the_bots_own_answer_updates_it_with_its_metadata(slack, web_api, mention):
    slack.event(mention("llama-3.1-70b int4", ts="1700000100.000100"))
    web_api.wait_for_posts(1)
    [message] = web_api.thread(CHANNEL_ID, "1700000100.000100")  # the answer, in the thread
    ts = message["ts"]
    assert message["metadata"]["event_type"] == "vram_estimate"
    container = {
        "type": "message",
        "message_ts": ts,
        "channel_id": CHANNEL_ID,
        "is_ephemeral": False,
    }
    slack.click(
        message["blocks"],
        "32k context",
        {**container, "thread_ts": "1700000100.000100"},
        response_url=web_api.hook_url(),
        message=message,
    )
    [update] = web_api.wait_for_calls("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (CHANNEL_ID, ts)
    expected = estimate("llama-3.1-70b int4 ctx=32k")
    assert header(update.params["blocks"]) == f"GPU memory: {total_label(expected)}"
    [updated] = web_api.thread(CHANNEL_ID, "1700000100.000100")
    assert updated["metadata"]["event_payload"] == {"query": "llama-3.1-70b int4 ctx=32768"}
    assert header(updated["blocks"]) == header(update.params["blocks"])
    assert web_api.calls_to("response_url") == []


def test_the_question_travels_in_the_button(slack):
    answer = slack.command("mixtral 8x7b awq on 2x l40s").json()
    _, button = find_button(answer["blocks"], "on 2 × H200-141GB")
    asked = json.loads(button["value"])
    assert asked == {"q": "mixtral-8x7b awq on 2x H200-141GB", "i": "/vram"}
    assert len(button["value"]) <= 2000  # Slack's limit for a button's value
