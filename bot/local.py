"""Local mode: try the Slack app with no Slack at all.

A Web API stand-in runs on 127.0.0.1, the real App is built against it, and each line you
type becomes the request Slack would send (a slash command, an app_mention or a direct
message event), signed with a throwaway signing secret and posted to /slack/events through
the same Flask adapter as HTTP mode. The reply (the ack of a slash command, or what the
App posted to the stand-in) is printed as readable text.
"""

import json
import secrets
import time
from itertools import count
from urllib.parse import urlencode

from bot.app import build_app
from bot.http import EVENTS_PATH, create_flask_app
from bot.listeners.commands.vram_command import COMMAND
from bot.render.plain import blocks_as_text
from bot.signing import slack_headers
from bot.web_api_stub import BOT_USER_ID, TEAM_ID, SlackWebApiStub

USER_ID = "U0YOU"
CHANNEL_ID = "C0LOCAL"
DM_CHANNEL_ID = "D0LOCAL"
NAMES = {USER_ID: "you", BOT_USER_ID: "vram"}
USAGE = f"""Local mode: no Slack needed. Type what you would type in Slack:
  {COMMAND} 70B fp16      a slash command (add `private` to keep it to yourself)
  @vram 70B int4      a mention in #local (answered in its thread)
  70B fp16            anything else is a direct message to the bot
Ctrl-D or `exit` to leave."""


class LocalSlack:
    """A workspace of one channel, one DM and one user, in this process."""

    def __init__(self) -> None:
        self.web_api = SlackWebApiStub().start()
        self._signing_secret = secrets.token_hex(16)
        bolt_app = build_app(
            token="xoxb-local", signing_secret=self._signing_secret, api_url=self.web_api.url
        )
        self._http = create_flask_app(bolt_app).test_client()
        self._timestamps = count(1)

    def close(self) -> None:
        self.web_api.stop()

    def ask(self, line: str) -> str:
        line = line.strip()
        if line.startswith(COMMAND):
            return self.slash_command(line.removeprefix(COMMAND))
        if line.startswith("@vram"):
            return self.mention(line.removeprefix("@vram"))
        return self.direct_message(line)

    def slash_command(self, text: str) -> str:
        body = urlencode(
            {
                "command": COMMAND,
                "text": text.strip(),
                "user_id": USER_ID,
                "user_name": "you",
                "channel_id": CHANNEL_ID,
                "channel_name": "local",
                "team_id": TEAM_ID,
                "response_url": "https://hooks.slack.invalid/commands/local",
                "trigger_id": "local.trigger",
            }
        )
        response = self._post(body, "application/x-www-form-urlencoded")
        if response.status_code != 200:
            return f"(the app answered HTTP {response.status_code})"
        reply = response.get_json()
        seen_by = "everyone in #local" if reply.get("response_type") == "in_channel" else "only you"
        heading = f"[{COMMAND} answered in its acknowledgement; seen by {seen_by}]"
        return heading + "\n" + blocks_as_text(reply.get("blocks", []), NAMES)

    def mention(self, text: str) -> str:
        ts = self._next_ts()
        event = {"type": "app_mention", "user": USER_ID, "channel": CHANNEL_ID, "ts": ts}
        return self._event({**event, "text": f"<@{BOT_USER_ID}> {text.strip()}", "event_ts": ts})

    def direct_message(self, text: str) -> str:
        ts = self._next_ts()
        event = {"type": "message", "channel_type": "im", "channel": DM_CHANNEL_ID, "ts": ts}
        return self._event({**event, "user": USER_ID, "text": text, "event_ts": ts})

    def _event(self, event: dict) -> str:
        already = len(self.web_api.posts())
        body = {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "api_app_id": "A0LOCAL",
            "event": event,
            "event_id": f"Ev{event['ts'].replace('.', '')}",
            "event_time": int(time.time()),
        }
        response = self._post(json.dumps(body), "application/json")
        if response.status_code != 200:
            return f"(the app answered HTTP {response.status_code})"
        posts = self.web_api.wait_for_posts(already + 1)[already:]
        return "\n".join(_describe_post(post.method, post.params) for post in posts) or "(no reply)"

    def _post(self, body: str, content_type: str):
        headers = slack_headers(body, content_type, self._signing_secret)
        return self._http.post(EVENTS_PATH, data=body, headers=headers)

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._timestamps):06d}"


def _describe_post(method: str, params: dict) -> str:
    in_channel = params.get("channel") == CHANNEL_ID
    where = "#local" if in_channel else "your DM with @vram"
    if method == "chat.postEphemeral":
        seen_by = "only you"
    else:
        seen_by = "everyone in #local" if in_channel else "you and @vram"
    thread = f", in thread {params['thread_ts']}" if params.get("thread_ts") else ""
    blocks = params.get("blocks") or []
    if isinstance(blocks, str):  # form-encoded calls carry blocks as JSON text
        blocks = json.loads(blocks)
    heading = f"[{method} to {where}{thread}; seen by {seen_by}]"
    return heading + "\n" + (blocks_as_text(blocks, NAMES) or params.get("text", ""))


def run_once(line: str) -> None:
    slack = LocalSlack()
    try:
        print(slack.ask(line))
    finally:
        slack.close()


def run_repl() -> None:
    slack = LocalSlack()
    print(USAGE)
    try:
        while True:
            try:
                line = input("\nvram> ").strip()
            except (EOFError, KeyboardInterrupt):
                print()
                return
            if line in {"exit", "quit"}:
                return
            if line:
                print(slack.ask(line))
    finally:
        slack.close()
