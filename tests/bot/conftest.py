"""Fixtures for the Slack app: a Web API stand-in, the real App served over HTTP on
127.0.0.1, and a sender that signs requests the way Slack does."""

import hashlib
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from bot.app import build_app
from bot.http import create_flask_app
from bot.signing import slack_headers
from bot.slack_payloads import block_actions_payload, find_button, interaction_body
from bot.web_api_stub import BOT_USER_ID, TEAM_ID, SlackWebApiStub

SIGNING_SECRET = "test-signing-secret-7f3a9c"
BOT_TOKEN = "xoxb-test-bot-token-4d1e"
USER_ID = "U0ASKER"
CHANNEL_ID = "C0GENERAL"


@pytest.fixture
def web_api():
    with SlackWebApiStub() as stub:
        yield stub


@pytest.fixture
def bolt_app(web_api):
    return build_app(token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=web_api.url)


@pytest.fixture
def events_url(bolt_app):
    """The Flask app (Bolt's Flask adapter) served by a real HTTP server on 127.0.0.1."""
    server = make_server("127.0.0.1", 0, create_flask_app(bolt_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}/slack/events"
    server.shutdown()
    server.server_close()


@dataclass
class HttpReply:
    status: int
    body: str

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class SignedSender:
    """Sends what Slack sends: form-encoded slash commands and JSON events, signed."""

    url: str
    signing_secret: str = SIGNING_SECRET

    def post(self, body: str, content_type: str, timestamp=None, signature=None, headers=()):
        signed = slack_headers(
            body,
            content_type,
            self.signing_secret,
            timestamp=None if timestamp is None else str(timestamp),
            signature=signature,
        )
        request = urllib.request.Request(
            self.url,
            data=body.encode("utf-8"),
            method="POST",
            headers={**signed, **dict(headers)},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return HttpReply(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return HttpReply(error.code, error.read().decode("utf-8"))

    def command(self, text: str, timestamp=None, signature=None, **fields) -> HttpReply:
        body = command_body(text, **fields)
        return self.post(body, "application/x-www-form-urlencoded", timestamp, signature)

    def event(self, event: dict, headers=()) -> HttpReply:
        return self.post(event_body(event), "application/json", headers=headers)

    def interaction(self, payload: dict) -> HttpReply:
        """block_actions, view_submission, shortcuts: form-encoded, one `payload` of JSON."""
        return self.post(interaction_body(payload), "application/x-www-form-urlencoded")

    def click(self, blocks: list[dict], label: str, container: dict, **where) -> HttpReply:
        """Click the button `label` in `blocks`, as the asker (see block_actions_payload)."""
        block, button = find_button(blocks, label)
        payload = block_actions_payload(
            block, button, user=USER_ID, team=TEAM_ID, container=container, **where
        )
        return self.interaction(payload)


def command_body(text: str, **overrides) -> str:
    fields = {
        "token": "legacy-verification-token-9b2",
        "team_id": TEAM_ID,
        "channel_id": CHANNEL_ID,
        "channel_name": "general",
        "user_id": USER_ID,
        "user_name": "asker",
        "command": "/vram",
        "text": text,
        "api_app_id": "A0VRAM",
        "response_url": "https://hooks.slack.com/commands/T0LOCAL/1/secret-hook",
        "trigger_id": "1.2.3",
    }
    return urlencode({**fields, **overrides})


def event_body(event: dict) -> str:
    return json.dumps(
        {
            "token": "legacy-verification-token-9b2",
            "team_id": TEAM_ID,
            "api_app_id": "A0VRAM",
            "type": "event_callback",
            # One id per distinct event, as Slack gives; the same event sent again (a retry,
            # a replay) keeps its id, which the app answers once (bot.middleware).
            "event_id": "Ev"
            + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()[:16],
            "event_time": int(time.time()),
            "event": event,
        }
    )


@pytest.fixture
def mention():
    return make_mention


@pytest.fixture
def direct_message():
    return make_direct_message


def make_direct_message(text: str, ts: str, **fields) -> dict:
    event = {"type": "message", "channel_type": "im", "channel": "D0ASKER", "user": USER_ID}
    return {**event, "text": text, "ts": ts, "event_ts": ts, **fields}


def make_mention(text: str, ts: str, thread_ts=None, channel: str = CHANNEL_ID) -> dict:
    event = {
        "type": "app_mention",
        "user": USER_ID,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    return {**event, "thread_ts": thread_ts} if thread_ts else event


@pytest.fixture
def secret_values() -> tuple[str, ...]:
    """Everything that must never reach a log: credentials and what a request carries."""
    return (SIGNING_SECRET, BOT_TOKEN, "legacy-verification-token-9b2", "secret-hook")


@pytest.fixture
def debug_logs(caplog):
    """Everything at DEBUG, set before the App is built (Bolt copies the root level then)."""
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
def slack(events_url) -> SignedSender:
    return SignedSender(events_url)


@pytest.fixture
def signed_sender() -> type[SignedSender]:
    """For an app served elsewhere: `signed_sender(url, signing_secret)`."""
    return SignedSender


@pytest.fixture
def posts_caused_by(web_api, slack):
    """Send `event`, then a sentinel DM; once the sentinel is answered, return what `event`
    caused to be posted. For events that must cause nothing: Bolt answers events on its
    thread pool after the ack, so "nothing yet" alone would prove nothing."""
    sentinels = iter(range(1, 1000))

    def send(event: dict, headers=()) -> list:
        n = next(sentinels)
        channel = f"D0SENTINEL{n}"
        assert slack.event(event, headers=headers).status == 200
        sentinel = make_direct_message("70B fp16", f"1799999999.{n}", channel=channel)
        assert slack.event(sentinel).status == 200  # its own ts, so its own event_id
        deadline = time.monotonic() + 5
        while not any(post.params.get("channel") == channel for post in web_api.posts()):
            assert time.monotonic() < deadline, "the sentinel DM was never answered"
            time.sleep(0.01)
        time.sleep(0.05)  # the event was dispatched first; give its listener a moment more
        return [post for post in web_api.posts() if "SENTINEL" not in post.params.get("channel")]

    return send
