"""manifest.yml: every field by the project's own rules (tests/data/slack_manifest_rules.toml,
facts carried from Slack's schema), in step with the listeners the code registers, and valid
against Slack's whole published schema where ../shared provides it (always under CI=true)."""

import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.listeners import register_listeners
from bot.listeners.commands.vram_command import COMMAND
from tests.bot.manifest_rules import (
    KEYWORDS,
    REPO,
    RULES_FILE,
    ListenerRecorder,
    load_rules,
    slack_schema_node,
    violations,
    web_api_methods_called,
)

SCHEMA = REPO.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((REPO / "manifest.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rules() -> dict:
    return load_rules()


@pytest.fixture(scope="module")
def listeners() -> ListenerRecorder:
    recorder = ListenerRecorder()
    register_listeners(recorder)  # type: ignore[arg-type]  # records, as the App would register
    return recorder


def slack_schema(path: Path = SCHEMA) -> dict:
    """Slack's schema from ../shared; under CI=true its absence fails, elsewhere it skips."""
    if not path.is_file():
        message = f"Slack's manifest schema is not at {path} (../shared beside the checkout)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {message}; CI must validate the manifest against it")
        pytest.skip(f"{message}; the project's own rules ({RULES_FILE.name}) checked the manifest")
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_field_of_the_manifest_keeps_its_rule(manifest, rules):
    assert violations(manifest, rules["fields"]) == []


BROKEN = {
    "name too long": ("display_information", "name", "v" * 36, "36 characters"),
    "long description too short": ("display_information", "long_description", "Short.", "6 characters"),
    "a boolean written as a string": ("settings", "socket_mode_enabled", "true", "type boolean"),
    "a field with no rule": ("settings", "is_hosted", True, "no rule"),
    "a command without its slash": ("features", "slash_commands", [{"command": "vram", "description": "x"}], "does not match"),
    "a shortcut of an unknown type": ("features", "shortcuts", [{"name": "n", "type": "modal", "callback_id": "c", "description": "d"}], "is not one of"),
    "an event subscribed twice": ("settings", "event_subscriptions", {"bot_events": ["app_mention", "app_mention"]}, "same item twice"),
    "a bot user with no name": ("features", "bot_user", {"always_online": True}, "required key 'display_name'"),
}  # fmt: skip


@pytest.mark.parametrize("section, key, value, expected", BROKEN.values(), ids=BROKEN.keys())
def test_the_rules_catch_a_broken_manifest(manifest, rules, section, key, value, expected):
    broken = json.loads(json.dumps(manifest))
    broken[section][key] = value
    found = violations(broken, rules["fields"])
    assert len(found) == 1 and expected in found[0], found


def test_the_manifest_subscribes_to_exactly_the_events_the_listeners_hear(
    manifest, listeners, rules
):
    subscribed = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert set(subscribed) == listeners.events()
    unknown = listeners.events() - set(rules["events"])
    assert not unknown, f"add the scopes of {sorted(unknown)} to [events] in {RULES_FILE.name}"


def test_the_manifest_asks_for_exactly_the_scopes_the_code_needs(manifest, listeners, rules):
    called = web_api_methods_called(REPO / "bot")
    assert "chat.postMessage" in called  # the scan finds calls: the replies are posted so
    unknown = called - set(rules["web_api"])
    assert not unknown, f"add the scopes of {sorted(unknown)} to [web_api] in {RULES_FILE.name}"
    needed = {scope for method in called for scope in rules["web_api"][method]}
    needed |= {scope for event in listeners.events() for scope in rules["events"][event]}
    needed |= {s for kind in listeners.kinds() for s in rules["surfaces"][kind]["scopes"]}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed
    assert manifest["oauth_config"]["scopes"].keys() == {"bot"}  # no user token is ever used


def test_interactivity_is_on_exactly_when_a_listener_needs_it(manifest, listeners, rules):
    needed = any(rules["surfaces"][kind]["interactivity"] for kind in listeners.kinds())
    assert manifest["settings"]["interactivity"]["is_enabled"] is needed


def test_the_commands_and_shortcuts_are_the_ones_the_app_listens_to(manifest, listeners):
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert COMMAND in commands and set(commands) == set(listeners.of_kind("command"))
    for command in manifest["features"]["slash_commands"]:
        assert command["description"] and command["usage_hint"]
    shortcuts = {s["callback_id"] for s in manifest["features"].get("shortcuts", [])}
    heard = {c if isinstance(c, str) else c["callback_id"] for c in listeners.of_kind("shortcut")}
    assert shortcuts == heard


def test_socket_mode_on_and_dms_open(manifest):
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False


def test_the_manifest_and_the_project_rules_agree_with_slacks_schema(manifest, rules):
    """The one test that needs ../shared: Slack's whole schema, and the facts carried from it."""
    schema = slack_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(manifest)]
    assert errors == []
    for path, rule in rules["fields"].items():
        node = slack_schema_node(schema, path)
        slacks = {k: node[k] for k in KEYWORDS if k in node}
        if "regex" in node:  # Slack's spelling of "pattern" for background_color
            slacks["pattern"] = node["regex"]
        assert rule == slacks, f"{path}: {RULES_FILE.name} says {rule}, Slack's schema {slacks}"


def test_a_missing_schema_fails_under_ci_and_skips_elsewhere(tmp_path, monkeypatch):
    missing = tmp_path / "no-shared" / "manifest.schema.1.0.0.json"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        slack_schema(missing)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="not at"):
        slack_schema(missing)
