"""Requests as Slack sends them, signed, built with the tests' own helpers (tests/bot/conftest.py)."""

from bot.signing import slack_headers
from tests.bot.conftest import command_body, event_body, make_mention

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
QUERY = "llama-3.1-70b fp16 ctx=8k users=4"  # the request
SIGNING_SECRET = "bench-signing-secret-0c4f9a1e7b"
BOT_TOKEN = "xoxb-bench-000000000000-0000000000000-benchbenchbenchbench"

__all__ = ["FORM", "JSON", "QUERY", "command_body", "event_body", "make_mention", "signed"]


def signed(body: str, content_type: str, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """The headers Slack adds: a timestamp and the v0 HMAC of `v0:{timestamp}:{body}`."""
    return slack_headers(body, content_type, secret)
