"""A stand-in for the Slack Web API on 127.0.0.1, for local mode and tests.

It answers the few methods the app calls (`auth.test`, `chat.postMessage`,
`chat.postEphemeral`) the way Slack does, and records every call so that a caller can
read what the app posted. Point the app at it with `SLACK_API_URL` (or `api_url=`).
Like bolt-python's own tests/mock_web_api_server, it is a plain `http.server` in a thread.
"""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from urllib.parse import parse_qsl

BOT_USER_ID = "U0VRAMBOT"
BOT_ID = "B0VRAMBOT"
TEAM_ID = "T0LOCAL"


@dataclass(frozen=True)
class ApiCall:
    """One Web API call as the stand-in received it (the token itself is not kept)."""

    method: str
    params: dict
    authorized: bool


class SlackWebApiStub:
    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self._changed = threading.Condition()
        self._timestamps = count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> "SlackWebApiStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "SlackWebApiStub":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def posts(self) -> list[ApiCall]:
        """Every message the app posted, visible or ephemeral, in the order received."""
        with self._changed:
            return [call for call in self.calls if call.method.startswith("chat.post")]

    def wait_for_posts(self, n: int, timeout: float = 5.0) -> list[ApiCall]:
        """Wait until at least `n` messages were posted; return them all (fewer on timeout)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.posts()) >= n, timeout=timeout)
            return self.posts()

    def record(self, method: str, params: dict, authorized: bool) -> dict:
        with self._changed:
            self.calls.append(ApiCall(method, params, authorized))
            self._changed.notify_all()
            if not authorized:
                return {"ok": False, "error": "not_authed"}
            return self._result(method, params)

    def _result(self, method: str, params: dict) -> dict:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://local.slack.invalid/",
                "team": "Local workspace",
                "user": "vram",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        ts = f"1700000000.{next(self._timestamps):06d}"
        if method == "chat.postMessage":
            return {"ok": True, "channel": params.get("channel"), "ts": ts}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        return {"ok": True}


def _handler_for(stub: SlackWebApiStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            method = self.path.rsplit("/", 1)[-1].split("?", 1)[0]
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            if self.headers.get("Content-Type", "").startswith("application/json"):
                params = json.loads(raw or "{}")
            else:
                params = dict(parse_qsl(raw))
            authorized = self.headers.get("Authorization", "").startswith("Bearer xoxb-")
            body = json.dumps(stub.record(method, params, authorized)).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST

        def log_message(self, format: str, *args) -> None:  # quiet: callers read `calls`
            pass

    return Handler
