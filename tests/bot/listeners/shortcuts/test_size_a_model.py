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
