"""Local mode: try the Slack app with no Slack at all.

A Web API stand-in runs on 127.0.0.1, the real App is built against it, and each line you
type becomes the request Slack would send (a slash command, an app_mention or a direct
message event), signed with a throwaway signing secret and posted to /slack/events through
the same Flask adapter as HTTP mode. The reply (the ack of a slash command, or what the
App posted to the stand-in) is printed as readable text.

Buttons are shown as numbered choices: typing a number clicks that button of the last
message, as the block_actions payload Slack would send, and shows what the App did with it
(replaced the answer through its response_url, or updated its own message with chat.update).
A form the App opens (a bare /vram) is asked as a short prompt, one field a line, and
submitted as the view_submission Slack would send; errors are asked again.
"""

import json
import secrets
import time
from itertools import count
from urllib.parse import urlencode

from bot.app import build_app
from bot.http import EVENTS_PATH, create_flask_app
from bot.listeners.commands.vram_command import COMMAND, LOOKING_UP
from bot.listeners.shortcuts import SIZE_A_MODEL
from bot.render.form_view import POST_IN
from bot.render.plain import blocks_as_text
from bot.signing import slack_headers
from bot.slack_payloads import (
    block_actions_payload,
    buttons,
    interaction_body,
    shortcut_payload,
    view_submission_payload,
)
from bot.web_api_stub import BOT_USER_ID, TEAM_ID, ApiCall, SlackWebApiStub

USER_ID = "U0YOU"
CHANNEL_ID = "C0LOCAL"
DM_CHANNEL_ID = "D0LOCAL"
NAMES = {USER_ID: "you", BOT_USER_ID: "vram"}
LOOKUP_WAIT_S = 10.0  # a Hub lookup takes at most its 8 s deadline (hub/lookup.py)
USAGE = f"""Local mode: no Slack needed. Type what you would type in Slack:
  {COMMAND} 70B fp16      a slash command (add `private` to keep it to yourself)
  @vram 70B int4      a mention in #local (answered in its thread; the next mentions are
                      said in that thread: "@vram same with int4"; `new thread` for another)
  70B fp16            anything else is a direct message to the bot
  3                   click button [3] of the last answer
  home                open the app's Home tab
  /vram               the form, as a few questions (`shortcut`: the same, from ⚡)
Ctrl-D or `exit` to leave."""


class LocalSlack:
    """A workspace of one channel, one DM and one user, in this process."""

    def __init__(self, prompt=input) -> None:
        """`prompt`: asks for one field of a form (input() by default)."""
        self._prompt = prompt
        self.web_api = SlackWebApiStub().start()
        self._signing_secret = secrets.token_hex(16)
        bolt_app = build_app(
            token="xoxb-local", signing_secret=self._signing_secret, api_url=self.web_api.url
        )
        self._http = create_flask_app(bolt_app).test_client()
        self._timestamps = count(1)
        self._hooks = count(1)
        self._thread_ts: str | None = None  # the thread mentions are said in
        # The last message shown with buttons: its blocks and the click's container.
        self._clickable: tuple[list[dict], dict, dict | None, dict | None] | None = None

    def close(self) -> None:
        self.web_api.stop()

    def ask(self, line: str) -> str:
        line = line.strip()
        if line.isdigit() and self._clickable:
            return self.click(int(line))
        if line == "home":
            return self.open_home()
        if line == "shortcut":
            return self.shortcut()
        if line == "new thread":
            self._thread_ts = None
            return "(the next @vram starts a new thread)"
        if line.startswith(COMMAND):
            return self.slash_command(line.removeprefix(COMMAND))
        if line.startswith("@vram"):
            return self.mention(line.removeprefix("@vram"))
        return self.direct_message(line)

    def slash_command(self, text: str) -> str:
        opened = len(self.web_api.calls_to("views.open"))
        body = urlencode(
            {
                "command": COMMAND,
                "text": text.strip(),
                "user_id": USER_ID,
                "user_name": "you",
                "channel_id": CHANNEL_ID,
                "channel_name": "local",
                "team_id": TEAM_ID,
                "response_url": self.web_api.hook_url(f"command-{next(self._hooks)}"),
                "trigger_id": "local.trigger",
            }
        )
        already = len(self.web_api.calls)
        response = self._post(body, "application/x-www-form-urlencoded")
        if response.status_code != 200:
            return f"(the app answered HTTP {response.status_code})"
        if not response.data and len(self.web_api.calls_to("views.open")) > opened:
            return self.fill_form(self.web_api.calls_to("views.open")[-1].result["view"])
        reply = response.get_json()
        in_channel = reply.get("response_type") == "in_channel"
        blocks = reply.get("blocks", [])
        container = {
            "type": "message",
            "message_ts": self._next_ts(),
            "channel_id": CHANNEL_ID,
            "is_ephemeral": not in_channel,
        }
        message = {"type": "message", "ts": container["message_ts"], "blocks": blocks}
        self._remember(blocks, container, None if not in_channel else message)
        seen_by = "everyone in #local" if in_channel else "only you"
        heading = f"[{COMMAND} answered in its acknowledgement; seen by {seen_by}]"
        shown = heading + "\n" + blocks_as_text(blocks, NAMES)
        if reply.get("text", "").startswith(LOOKING_UP):  # the answer follows at the response_url
            calls = self._wait_for_calls_after(already, timeout=LOOKUP_WAIT_S)
            shown += "".join("\n" + self._describe(call, container) for call in calls)
        return shown

    def open_home(self) -> str:
        already = len(self.web_api.calls)
        ts = self._next_ts()
        event = {
            "type": "app_home_opened",
            "user": USER_ID,
            "channel": DM_CHANNEL_ID,
            "tab": "home",
        }
        self._event({**event, "ts": ts, "event_ts": ts}, wait_for_posts=False)
        published = self.web_api.wait_for_calls(
            "views.publish",
            1
            + len(
                [call for call in self.web_api.calls[:already] if call.method == "views.publish"]
            ),
        )
        return self._describe(published[-1])

    def shortcut(self) -> str:
        """The global shortcut "Size a model": its form, asked as a prompt."""
        opened = len(self.web_api.calls_to("views.open"))
        payload = shortcut_payload(SIZE_A_MODEL, user=USER_ID, team=TEAM_ID)
        response = self._post(interaction_body(payload), "application/x-www-form-urlencoded")
        if response.status_code != 200:
            return f"(the app answered HTTP {response.status_code})"
        calls = self.web_api.wait_for_calls("views.open", opened + 1)
        return self.fill_form(calls[-1].result["view"])

    def fill_form(self, view: dict) -> str:
        """Ask each field of the form; submit; ask again the fields Slack would flag."""
        fields = [block for block in view["blocks"] if block["type"] == "input"]
        title = view["title"]["text"]
        lines = [f"[views.open: the form “{title}”; Enter leaves a field empty]"]
        print(lines[0])
        values: dict[str, str] = {}
        asking = fields
        for _ in range(5):
            for block in asking:
                try:
                    answer = _ask_field(block, self._prompt)
                except (EOFError, KeyboardInterrupt):
                    return "(the form was closed, as with Cancel)"
                if answer is None:
                    values.pop(block["block_id"], None)
                else:
                    values[block["block_id"]] = answer
            already = len(self.web_api.calls)
            # A conversation picked in the shortcut's form comes with its response_url.
            hooks = {POST_IN: self.web_api.hook_url(f"picked-{next(self._hooks)}")}
            payload = view_submission_payload(
                view, values, user=USER_ID, team=TEAM_ID, response_urls=hooks
            )
            response = self._post(interaction_body(payload), "application/x-www-form-urlencoded")
            errors = (response.get_json(silent=True) or {}).get("errors") or {}
            if not errors:
                calls = self._wait_for_calls_after(already)
                origin = json.loads(view.get("private_metadata") or "{}")
                container = {
                    "type": "message",
                    "message_ts": self._next_ts(),
                    "channel_id": origin.get("channel") or values.get(POST_IN) or CHANNEL_ID,
                    "is_ephemeral": False,
                }
                return "\n".join(self._describe(call, container) for call in calls)
            for field, message in errors.items():
                print(f"  ! {field}: {message}")
            asking = [block for block in fields if block["block_id"] in errors]
        return "(the form was not accepted)"

    def click(self, number: int) -> str:
        """Click button `number` ([1] is the first) of the last message shown."""
        blocks, container, message, view = self._clickable
        shown = buttons(blocks)
        if not 1 <= number <= len(shown):
            return f"(the last answer has buttons 1 to {len(shown)})"
        block, button = shown[number - 1]
        already = len(self.web_api.calls)
        payload = block_actions_payload(
            block,
            button,
            user=USER_ID,
            team=TEAM_ID,
            container=container,
            response_url=None if view else self.web_api.hook_url(f"click-{next(self._hooks)}"),
            message=message,
            view=view,
        )
        response = self._post(interaction_body(payload), "application/x-www-form-urlencoded")
        if response.status_code != 200:
            return f"(the app answered HTTP {response.status_code})"
        calls = self._wait_for_calls_after(already)
        return "\n".join(self._describe(call, container) for call in calls) or "(no reply)"

    def mention(self, text: str) -> str:
        """A mention in #local: the first starts a thread, the next ones are said in it
        (so "@vram same with int4" follows up), until `new thread`."""
        ts = self._next_ts()
        said = f"<@{BOT_USER_ID}> {text.strip()}"
        event = {"type": "app_mention", "user": USER_ID, "channel": CHANNEL_ID, "ts": ts}
        if self._thread_ts:
            event["thread_ts"] = self._thread_ts
        # Slack keeps the person's message in the thread too (conversations.replies reads it).
        self.web_api.add_message(CHANNEL_ID, ts, said, user=USER_ID, **_in(self._thread_ts))
        self._thread_ts = self._thread_ts or ts
        return self._event({**event, "text": said, "event_ts": ts})

    def direct_message(self, text: str) -> str:
        ts = self._next_ts()
        event = {"type": "message", "channel_type": "im", "channel": DM_CHANNEL_ID, "ts": ts}
        return self._event({**event, "user": USER_ID, "text": text, "event_ts": ts})

    def _event(self, event: dict, wait_for_posts: bool = True) -> str:
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
        if not wait_for_posts:
            return ""
        posts = self.web_api.wait_for_posts(already + 1)[already:]
        return "\n".join(self._describe(post) for post in posts) or "(no reply)"

    def _wait_for_calls_after(self, already: int, timeout: float = 5.0) -> list[ApiCall]:
        deadline = time.monotonic() + timeout
        while len(self.web_api.calls) <= already and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)  # a listener may make a second call (a post after an update)
        return self.web_api.calls[already:]

    def _describe(self, call: ApiCall, container: dict | None = None) -> str:
        """What a Web API call showed, as text; remembers its buttons for the next click."""
        params = call.params
        blocks = params.get("blocks") or []
        if isinstance(blocks, str):  # form-encoded calls carry blocks as JSON text
            blocks = json.loads(blocks)
        if call.method == "response_url" and container:
            replaced = "replaced the answer" if params.get("replace_original") else "answered"
            seen_by = (
                "only you"
                if container.get("is_ephemeral") or (params.get("response_type") == "ephemeral")
                else "everyone in #local"
            )
            heading = f"[response_url: {replaced}; seen by {seen_by}]"
            if params.get("replace_original"):
                message = {"type": "message", "ts": container["message_ts"], "blocks": blocks}
                self._remember(blocks, container, None if container["is_ephemeral"] else message)
        elif call.method == "views.publish":
            view = (
                params["view"] if isinstance(params["view"], dict) else json.loads(params["view"])
            )
            blocks = view["blocks"]
            heading = "[views.publish: your Home tab]"
            view_id = (call.result or {}).get("view", {}).get("id", "V0HOME")
            self._remember(blocks, {"type": "view", "view_id": view_id}, None, view)
        elif call.method == "chat.update":
            heading = f"[chat.update of the answer {params.get('ts')}; {_where(params)}]"
            self._remember_message(params.get("channel"), params.get("ts"), blocks)
        else:
            heading = _heading(call.method, params)
            if call.method == "chat.postMessage" and call.result:
                self._remember_message(params.get("channel"), call.result.get("ts"), blocks)
        return heading + "\n" + (blocks_as_text(blocks, NAMES) or params.get("text", ""))

    def _remember_message(self, channel: str | None, ts: str | None, blocks: list[dict]) -> None:
        message = self.web_api.messages.get((channel, ts))
        container = {"type": "message", "message_ts": ts, "channel_id": channel}
        self._remember(blocks, {**container, "is_ephemeral": False}, message)

    def _remember(self, blocks, container: dict, message: dict | None, view=None) -> None:
        if buttons(blocks):
            self._clickable = (blocks, container, message, view)

    def _post(self, body: str, content_type: str):
        headers = slack_headers(body, content_type, self._signing_secret)
        return self._http.post(EVENTS_PATH, data=body, headers=headers)

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._timestamps):06d}"


def _in(thread_ts: str | None) -> dict:
    return {"thread_ts": thread_ts} if thread_ts else {}


def _ask_field(block: dict, prompt) -> str | None:
    """One field of a form: a select's options are numbered; a number or a value picks one."""
    element = block["element"]
    label = block["label"]["text"]
    options = element.get("options") or []
    if options:
        choices = [f"{i}) {o['text']['text']}" for i, o in enumerate(options, 1)]
        print(f"  {label}: " + ", ".join(choices))
    typed = prompt(f"  {label}{' (optional)' if block.get('optional') else ''}: ").strip()
    if not typed:
        return None
    if options and typed.isdigit() and 1 <= int(typed) <= len(options):
        return options[int(typed) - 1]["value"]
    by_text = {o["text"]["text"].casefold(): o["value"] for o in options}
    return by_text.get(typed.casefold(), typed)


def _heading(method: str, params: dict) -> str:
    in_channel = params.get("channel") == CHANNEL_ID
    where = "#local" if in_channel else "your DM with @vram"
    if method == "chat.postEphemeral":
        seen_by = "only you"
    else:
        seen_by = "everyone in #local" if in_channel else "you and @vram"
    thread = f", in thread {params['thread_ts']}" if params.get("thread_ts") else ""
    return f"[{method} to {where}{thread}; seen by {seen_by}]"


def _where(params: dict) -> str:
    if params.get("channel") == CHANNEL_ID:
        return "seen by everyone in #local"
    return "seen by you and @vram"


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
