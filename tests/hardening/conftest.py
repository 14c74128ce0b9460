"""The tests/bot fixtures (Web API stand-in, the App over HTTP, signed requests), with an App
whose Web API client gives up fast: a short timeout and a tiny backoff, so that retries and
timeouts are exercised in milliseconds rather than seconds."""

import threading
import time

import pytest
from slack_bolt import BoltRequest

from bot.app import build_app
from bot.config import web_client
from bot.signing import slack_headers
from tests.bot.conftest import (  # noqa: F401  fixtures, found by pytest under these names
    BOT_TOKEN,
    SIGNING_SECRET,
    command_body,
    debug_logs,
    event_body,
    events_url,
    make_direct_message,
    make_mention,
    mention,
    posts_caused_by,
    secret_values,
    signed_sender,
    slack,
    web_api,
)

CLIENT_TIMEOUT_S = 0.5


@pytest.fixture
def bolt_app(web_api):  # noqa: F811  the fixture imported above
    client = web_client(BOT_TOKEN, web_api.url, timeout=CLIENT_TIMEOUT_S, backoff_s=0.01)
    return build_app(token=BOT_TOKEN, signing_secret=SIGNING_SECRET, client=client)


def signed_bolt_request(body: str, content_type: str) -> BoltRequest:
    """What the Flask adapter hands Bolt for a request Slack signed just now."""
    signed = slack_headers(body, content_type, SIGNING_SECRET)
    return BoltRequest(body=body, headers={name.lower(): [value] for name, value in signed.items()})


@pytest.fixture
def listener_runs(monkeypatch):
    """Counts the questions any listener started to answer (command, mention or DM)."""
    import bot.follow_up as mentions_and_dms  # both answer through bot.follow_up
    import bot.listeners.commands.vram_command as command

    runs: list[str] = []
    lock = threading.Lock()
    for module in (command, mentions_and_dms):
        original = module.reply_to_text

        def counted(text, *args, _original=original, **kwargs):
            with lock:
                runs.append(text)
            return _original(text, *args, **kwargs)

        monkeypatch.setattr(module, "reply_to_text", counted)
    return runs


def wait_until(condition, timeout: float = 5.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def problems(caplog) -> list[str]:
    """Every record at WARNING or above, from any logger, as its one-line message."""
    return [r.getMessage() for r in caplog.records if r.levelno >= 30]
