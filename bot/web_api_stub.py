"""A stand-in for the Slack Web API on 127.0.0.1, for local mode and tests.

It answers the methods the app calls the way Slack does, and records every call so that a
caller can read what the app did. Point the app at it with `SLACK_API_URL` (or `api_url=`).
Like bolt-python's own tests/mock_web_api_server, it is a plain `http.server` in a thread.

It keeps the channel's messages as Slack does: `chat.postMessage` stores one (with its
`metadata`), `chat.update` changes it, `conversations.replies` reads a thread back (the
metadata only with `include_all_metadata`, as Slack). `views.open` and `views.publish`
are recorded like any call. Anything POSTed under `/hooks/` is a `response_url` call,
recorded with the method "response_url" (see `hook_url`).

Tests script Slack's faults per method with `script`: a rate limit (429 with Retry-After),
a server error, an `ok: false` error such as not_in_channel, or a delay past the client's
timeout. Each call still appears in `calls`, so retries can be counted.
"""

import json
import threading
from collections import defaultdict, deque
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
    fault: "Fault | None" = None  # what it met instead of success, if scripted
    path: str = ""  # for "response_url" calls: the hook's path
    result: dict | None = None  # what the stand-in answered (None for an unauthorized call)

    @property
    def succeeded(self) -> bool:
        return self.authorized and self.fault is None


@dataclass(frozen=True)
class Fault:
    """One scripted answer in place of success; with only `delay_s`, a slow success."""

    status: int = 200
    error: str | None = None  # answer {"ok": false, "error": error}
    retry_after: int | None = None  # a Retry-After header, as Slack sends with 429
    delay_s: float = 0.0  # wait this long before answering
    body: str | None = None  # a raw body instead (e.g. an HTML error page)


RATELIMITED = Fault(status=429, error="ratelimited", retry_after=0)
SERVER_ERROR = Fault(status=500, body="<html><body>Internal Server Error</body></html>")


class SlackWebApiStub:
    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self._changed = threading.Condition()
        self._timestamps = count(1)
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.messages: dict[tuple[str, str], dict] = {}  # (channel, ts) -> message
        self._stopping = threading.Event()
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
        self._stopping.set()  # ends scripted delays early
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "SlackWebApiStub":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def script(self, method: str, *faults: Fault) -> None:
        """The next calls to `method` meet these faults, one call each, in order; the calls
        after them succeed as usual."""
        with self._changed:
            self._faults[method].extend(faults)

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._changed:
            return [call for call in self.calls if call.method == method]

    def posts(self) -> list[ApiCall]:
        """Every message the app posted, visible or ephemeral, in the order received."""
        with self._changed:
            return [call for call in self.calls if call.method.startswith("chat.post")]

    def wait_for_posts(self, n: int, timeout: float = 5.0) -> list[ApiCall]:
        """Wait until at least `n` messages were posted; return them all (fewer on timeout)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.posts()) >= n, timeout=timeout)
            return self.posts()

    def wait_for_calls(self, method: str, n: int = 1, timeout: float = 5.0) -> list[ApiCall]:
        """Wait until `method` was called at least `n` times; return those calls."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.calls_to(method)) >= n, timeout=timeout)
            return self.calls_to(method)

    def hook_url(self, name: str = "1") -> str:
        """A response_url served here; what is POSTed to it is recorded as "response_url"."""
        return self.url.removesuffix("api/") + f"hooks/{name}"

    def add_message(self, channel: str, ts: str, text: str, **fields) -> dict:
        """A message someone else posted (a person's mention in a thread, say)."""
        message = {"type": "message", "ts": ts, "text": text, **fields}
        with self._changed:
            self.messages[(channel, ts)] = message
        return message

    def thread(self, channel: str, thread_ts: str) -> list[dict]:
        """The thread's messages, root first, as Slack keeps them (metadata included)."""
        with self._changed:
            return sorted(
                (
                    message
                    for (where, ts), message in self.messages.items()
                    if where == channel and thread_ts in (ts, message.get("thread_ts"))
                ),
                key=lambda message: message["ts"],
            )

    def record(self, method: str, params: dict, authorized: bool, fault=None, path="") -> dict:
        with self._changed:
            if not authorized:
                self.calls.append(ApiCall(method, params, authorized, fault, path))
                self._changed.notify_all()
                return {"ok": False, "error": "not_authed"}
            result = self._result(method, params)
            if fault is None and result.get("ok"):
                self._keep(method, params, result)
            self.calls.append(ApiCall(method, params, authorized, fault, path, result))
            self._changed.notify_all()
            return result

    def answer(
        self, method: str, params: dict, authorized: bool, path: str = ""
    ) -> tuple[int, dict, bytes]:
        """Record the call, then (after any scripted delay) its status, headers and body."""
        with self._changed:
            fault = self._faults[method].popleft() if self._faults[method] else None
        result = self.record(method, params, authorized, fault, path)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if fault is None:
            return 200, headers, json.dumps(result).encode("utf-8")
        if fault.delay_s:
            self._stopping.wait(fault.delay_s)
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        if fault.body is not None:
            headers["Content-Type"] = "text/html; charset=utf-8"
            return fault.status, headers, fault.body.encode("utf-8")
        if fault.error is not None:
            result = {"ok": False, "error": fault.error}
        return fault.status, headers, json.dumps(result).encode("utf-8")

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
        if method == "chat.update":
            if (params.get("channel"), params.get("ts")) not in self.messages:
                return {"ok": False, "error": "message_not_found"}
            return {"ok": True, "channel": params["channel"], "ts": params["ts"]}
        if method == "conversations.replies":
            thread = self.thread(params.get("channel", ""), params.get("ts", ""))
            if not thread:
                return {"ok": False, "error": "thread_not_found"}
            if str(params.get("include_all_metadata")).lower() not in ("1", "true"):
                thread = [{k: v for k, v in m.items() if k != "metadata"} for m in thread]
            return {"ok": True, "messages": thread, "has_more": False}
        if method in ("views.open", "views.publish"):
            view = _json_param(params.get("view"))
            return {"ok": True, "view": {"id": f"V{ts.replace('.', '')}", **view}}
        return {"ok": True}

    def _keep(self, method: str, params: dict, result: dict) -> None:
        """Store what a successful call changed, as Slack would show it afterwards."""
        content = {
            key: _json_param(params[key]) for key in ("text", "blocks", "metadata") if key in params
        }
        if method == "chat.postMessage":
            message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": result["ts"]}
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            self.messages[(params["channel"], result["ts"])] = {**message, **content}
        elif method == "chat.update":
            self.messages[(params["channel"], params["ts"])].update(content)


def _json_param(value):
    """Form-encoded calls carry blocks, views and metadata as JSON text."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        return json.loads(value)
    return value


def _handler_for(stub: SlackWebApiStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            path, _, query = self.path.partition("?")
            method = path.rsplit("/", 1)[-1]
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            if self.headers.get("Content-Type", "").startswith("application/json"):
                params = json.loads(raw or "{}")
            else:
                params = dict(parse_qsl(raw))
            params = {**dict(parse_qsl(query)), **params}  # GET methods send a query string
            authorized = self.headers.get("Authorization", "").startswith("Bearer xoxb-")
            if path.startswith("/hooks/"):  # a response_url: the URL itself is the credential
                method, authorized = "response_url", True
            status, headers, body = stub.answer(method, params, authorized, path)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except ConnectionError:
                pass  # the client gave up waiting (a scripted delay past its timeout)

        do_GET = do_POST

        def log_message(self, format: str, *args) -> None:  # quiet: callers read `calls`
            pass

    return Handler
