"""manifest.yml: valid for Slack (its published JSON Schema) and in step with the code."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.listeners.commands.vram_command import COMMAND

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((REPO / "manifest.yml").read_text(encoding="utf-8"))


def test_manifest_is_valid_against_slacks_schema(manifest):
    # CI checks out ../shared beside the repository; without it this test must fail, not skip.
    assert SCHEMA.is_file(), f"Slack's manifest schema is expected at {SCHEMA}"
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(manifest)]
    assert errors == []


def test_the_command_is_the_one_the_app_listens_to(manifest):
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["description"] and command["usage_hint"]


def test_only_the_scopes_and_events_the_listeners_need(manifest):
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",  # /vram
        "app_mentions:read",  # app_mention
        "chat:write",  # replies to mentions and DMs
        "im:history",  # message.im
    }
    assert manifest["oauth_config"]["scopes"].keys() == {"bot"}
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
    }


def test_socket_mode_on_and_dms_open(manifest):
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False
    assert manifest["features"]["bot_user"]["display_name"]
