"""The global shortcut "Size a model": the same form, answered in the asker's DM with the bot."""

from bot.render.blocks import total_label
from bot.slack_payloads import shortcut_payload, view_submission_payload
from estimator import estimate
from tests.bot.conftest import TEAM_ID, USER_ID


def test_the_shortcut_opens_the_form_and_answers_in_a_dm(slack, web_api):
    reply = slack.interaction(shortcut_payload("size_a_model", user=USER_ID, team=TEAM_ID))
    assert reply.status == 200
    [opened] = web_api.wait_for_calls("views.open")
    view = opened.result["view"]
    assert view["callback_id"] == "vram_form"
    submission = view_submission_payload(
        view, {"model": "70B", "format": "fp8"}, user=USER_ID, team=TEAM_ID
    )
    assert slack.interaction(submission).status == 200
    [post] = web_api.wait_for_posts(1)
    assert post.method == "chat.postMessage" and post.params["channel"] == USER_ID
    assert f"{total_label(estimate('70B fp8'))}" in post.params["text"]
    assert post.params["metadata"]["event_payload"] == {"query": "70B fp8"}


def test_the_shortcuts_form_posts_in_the_conversation_picked(slack, web_api):
    slack.interaction(shortcut_payload("size_a_model", user=USER_ID, team=TEAM_ID))
    [opened] = web_api.wait_for_calls("views.open")
    view = opened.result["view"]
    [post_in] = [block for block in view["blocks"] if block["block_id"] == "post_in"]
    assert post_in["element"]["type"] == "conversations_select"
    assert post_in["element"]["response_url_enabled"] is True and post_in["optional"] is True
    submission = view_submission_payload(
        view,
        {"model": "llama-3.1-8b", "post_in": "C0GENERAL"},
        user=USER_ID,
        team=TEAM_ID,
        response_urls={"post_in": web_api.hook_url("picked")},
    )
    assert submission["response_urls"][0]["channel_id"] == "C0GENERAL"
    assert slack.interaction(submission).status == 200
    [call] = web_api.wait_for_calls("response_url")
    assert call.path == "/hooks/picked" and call.params["response_type"] == "in_channel"
    assert total_label(estimate("llama-3.1-8b")) in call.params["text"]
    assert web_api.posts() == []


def test_a_bare_commands_form_has_no_conversation_to_pick(slack, web_api):
    slack.command("", response_url=web_api.hook_url("form"))
    [opened] = web_api.wait_for_calls("views.open")
    assert "post_in" not in [block["block_id"] for block in opened.result["view"]["blocks"]]
