"""The "Size a model" form: opened by a bare /vram, filled, checked field by field, answered."""

import json

import pytest

from bot.render.blocks import total_label
from bot.slack_payloads import block_suggestion_payload, view_submission_payload
from bot.web_api_stub import Fault
from estimator import estimate
from tests.bot.conftest import CHANNEL_ID, TEAM_ID, USER_ID


@pytest.fixture
def opened_form(slack, web_api):
    """A bare /vram whose response_url is the stand-in's; the view as views.open returned it."""
    reply = slack.command("", response_url=web_api.hook_url("form"))
    assert reply.status == 200 and reply.body == ""  # the ack says nothing: the form opens
    [call] = web_api.wait_for_calls("views.open")
    assert call.params["trigger_id"] == "1.2.3"
    return call.result["view"]


def submit(slack, view: dict, **values) -> dict | None:
    reply = slack.interaction(view_submission_payload(view, values, user=USER_ID, team=TEAM_ID))
    assert reply.status == 200
    return reply.json() if reply.body else None


def test_a_bare_command_opens_the_form_with_where_to_answer(opened_form, web_api):
    assert opened_form["type"] == "modal" and opened_form["callback_id"] == "vram_form"
    fields = [block["block_id"] for block in opened_form["blocks"]]
    assert fields[:6] == ["model", "format", "context", "users", "card", "count"]
    origin = json.loads(opened_form["private_metadata"])
    assert origin == {"channel": CHANNEL_ID, "response_url": web_api.hook_url("form")}


def test_the_model_menu_offers_the_catalog_and_what_was_typed(opened_form, slack):
    for typed, expected in (("llama-3.1-7", "llama-3.1-70b"), ("qwen3-30", "qwen3-30b-a3b")):
        payload = block_suggestion_payload(opened_form, "model", typed, user=USER_ID, team=TEAM_ID)
        options = slack.interaction(payload).json()["options"]
        assert options[0]["value"] == typed  # a size or a Hub id is taken as typed
        assert expected in [option["value"] for option in options]
        assert len(options) <= 100


def test_a_submission_is_answered_in_the_channel_through_the_response_url(
    opened_form, slack, web_api
):
    assert (
        submit(slack, opened_form, model="llama-3.1-70b", format="int4", context="ctx=32k",
               users="20", card="H100-80GB", count="2")
        is None
    )  # fmt: skip
    [call] = web_api.wait_for_calls("response_url")
    assert call.path == "/hooks/form" and call.params["response_type"] == "in_channel"
    asked = "llama-3.1-70b int4 ctx=32k users=20 on 2x H100-80GB"
    header = next(b["text"]["text"] for b in call.params["blocks"] if b["type"] == "header")
    assert header == f"GPU memory: {total_label(estimate(asked))}"
    assert call.params["blocks"][0]["elements"][0]["text"] == f"<@{USER_ID}> asked `/vram {asked}`"
    assert web_api.posts() == []


def test_what_the_estimator_refuses_is_shown_under_its_field(opened_form, slack, web_api):
    answer = submit(slack, opened_form, model="teapot")
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {"model": "I did not understand 'teapot'."}
    answer = submit(slack, opened_form, model="70B", count="2")
    assert answer == {
        "response_action": "errors",
        "errors": {"card": "Pick the card for that count."},
    }
    answer = submit(slack, opened_form, model="70B", users="2000000")
    assert list(answer["errors"]) == ["users"] and "at most 1,000,000" in answer["errors"]["users"]
    assert web_api.calls_to("response_url") == [] and web_api.posts() == []


def test_a_form_slack_would_not_open_falls_back_to_help(slack, web_api):
    web_api.script("views.open", Fault(error="expired_trigger_id"))
    usage = slack.command("").json()
    assert usage["response_type"] == "ephemeral" and "`/vram 70B fp16`" in json.dumps(usage)
