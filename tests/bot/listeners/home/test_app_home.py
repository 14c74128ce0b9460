"""The Home tab: published on app_home_opened; its examples run and answer in the tab."""

import json

from bot.render import home
from bot.render.blocks import total_label
from bot.render.home import HOME_EXAMPLES
from bot.render.mrkdwn import SECTION_TEXT_MAX
from bot.slack_payloads import block_actions_payload
from bot.web_api_stub import BOT_USER_ID
from estimator import estimate
from estimator.gpus import ALL_GPUS
from estimator.units import format_gib
from tests.bot.conftest import TEAM_ID, USER_ID


def home_opened(tab: str, user: str = USER_ID) -> dict:
    """As Slack sends it (https://docs.slack.dev/reference/events/app_home_opened)."""
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": tab,
        "event_ts": "1700002000.000100",
        "ts": "1700002000.000100",
    }


def view_text(view: dict) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def test_opening_home_publishes_what_vram_does_examples_cards_and_sources(slack, web_api):
    assert slack.event(home_opened("home")).status == 200
    [call] = web_api.wait_for_calls("views.publish")
    assert call.params["user_id"] == USER_ID
    view = call.params["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    shown = view_text(view)
    for gpu in ALL_GPUS:  # the catalog's real capacities
        assert f"{gpu.name}" in shown and format_gib(gpu.memory_bytes) in shown
    sections = [block["text"]["text"] for block in view["blocks"] if block["type"] == "section"]
    assert max(len(text) for text in sections) <= SECTION_TEXT_MAX  # Slack refuses longer
    for query, _ in HOME_EXAMPLES:
        assert f"`/vram {query}`" in shown
    assert "kv_cache_interface.py" in shown and "gpus.toml" in shown
    worked = estimate("llama-3.1-8b ctx=8k users=4")
    assert all(part.sentence in shown for part in worked.parts)


def test_the_card_table_is_split_before_slack_s_section_limit(monkeypatch):
    monkeypatch.setattr(home, "ALL_GPUS", ALL_GPUS * 3)
    tables = home._card_tables()
    assert len(tables) >= 2 and all(len(table) <= SECTION_TEXT_MAX for table in tables)
    assert all(table.startswith("```") and table.endswith("```") for table in tables)


def test_the_messages_tab_publishes_nothing(slack, web_api):
    slack.event(home_opened("messages", user="U0OTHER"))
    slack.event(home_opened("home"))
    web_api.wait_for_calls("views.publish")
    assert [call.params["user_id"] for call in web_api.calls_to("views.publish")] == [USER_ID]


def test_an_example_runs_and_its_answer_is_shown_at_the_top_of_home(slack, web_api):
    slack.event(home_opened("home"))
    [published] = web_api.wait_for_calls("views.publish")
    view = published.result["view"]  # as Slack returns it, with its id
    query = HOME_EXAMPLES[1][0]
    block = next(b for b in view["blocks"] if query in b.get("text", {}).get("text", ""))
    container = {"type": "view", "view_id": view["id"]}
    click = block_actions_payload(
        block, block["accessory"], user=USER_ID, team=TEAM_ID, container=container, view=view
    )
    reply = slack.interaction(click)
    assert reply.status == 200
    [_, again] = web_api.wait_for_calls("views.publish", 2)
    blocks = again.params["view"]["blocks"]
    headers = [b["text"]["text"] for b in blocks if b["type"] == "header"]
    assert f"GPU memory: {total_label(estimate(query))}" in headers
    assert headers.index(f"GPU memory: {total_label(estimate(query))}") < headers.index("Cards")
    assert BOT_USER_ID not in json.dumps(again.params["view"])
    assert web_api.posts() == []  # Home answers stay in Home
