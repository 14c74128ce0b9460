"""Settings from the environment, the check each mode makes before it starts, and how the
Slack clients are configured (the Web API client's timeout and retries, the Bolt App).

Secrets are kept out of `repr` so that a settings object can never leak into a log line.
The benchmarks' bare app (bench/bare_app.py) is built with the same `web_client` and
`new_bolt_app`, so that it differs from ours only by its listener.
"""

import logging
import os
import random
import time
from collections.abc import Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.error import URLError

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import HttpRequest, HttpResponse, Jitter, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

log = logging.getLogger("vram.bot")

# A reply is posted after the ack, on a pool of REPLY_THREADS threads: a slow Web API call
# holds one of them until it answers or API_TIMEOUT_S passes (slack_sdk's default is 30 s).
# With Bolt's 5 threads and 10 s, 5 hanging posts held up every other reply for 10 s; with 32
# and 5 s, 32 posts must hang at once to delay an unrelated reply, and then by at most 5 s.
# The threads are idle until used; under gevent (bot.gunicorn_config) they are greenlets.
API_TIMEOUT_S = 5.0
REPLY_THREADS = 32
RETRY_BACKOFF_S = 0.5  # then 1 s, each plus up to this much jitter
MAX_RETRY_AFTER_S = 10  # a longer Retry-After is not waited for: the reply would be stale


class ConfigError(Exception):
    """A misconfiguration the operator can fix; the message says which variable and where to find it."""


_WHERE = {
    "SLACK_BOT_TOKEN": "OAuth & Permissions → Bot User OAuth Token (xoxb-…)",
    "SLACK_APP_TOKEN": "Basic Information → App-Level Tokens, with the connections:write scope (xapp-…)",
    "SLACK_SIGNING_SECRET": "Basic Information → App Credentials → Signing Secret",
}
_PREFIX = {"SLACK_BOT_TOKEN": "xoxb-", "SLACK_APP_TOKEN": "xapp-"}


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    api_url: str | None = None  # SLACK_API_URL: another Web API base URL (a stand-in)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        def read(name: str) -> str | None:
            return environ.get(name, "").strip() or None

        return cls(
            bot_token=read("SLACK_BOT_TOKEN"),
            app_token=read("SLACK_APP_TOKEN"),
            signing_secret=read("SLACK_SIGNING_SECRET"),
            api_url=read("SLACK_API_URL"),
        )

    @property
    def has_slack_tokens(self) -> bool:
        return bool(self.bot_token or self.app_token)

    def require_socket_mode(self) -> None:
        self._require("Socket Mode", SLACK_BOT_TOKEN=self.bot_token, SLACK_APP_TOKEN=self.app_token)

    def require_http_mode(self) -> None:
        self._require(
            "HTTP mode",
            SLACK_BOT_TOKEN=self.bot_token,
            SLACK_SIGNING_SECRET=self.signing_secret,
        )

    @staticmethod
    def _require(mode: str, **values: str | None) -> None:
        problems = []
        for name, value in values.items():
            if value is None:
                problems.append(f"{name} is not set (in your Slack app: {_WHERE[name]}).")
            elif name in _PREFIX and not value.startswith(_PREFIX[name]):
                problems.append(f"{name} should start with {_PREFIX[name]} ({_WHERE[name]}).")
        if problems:
            raise ConfigError(f"vram cannot start in {mode}: " + " ".join(problems))


def web_client(
    token: str,
    api_url: str | None = None,
    *,
    timeout: float = API_TIMEOUT_S,
    backoff_s: float = RETRY_BACKOFF_S,
) -> WebClient:
    """The Web API client, with bounded retries for what is worth retrying.

    Retried: a refused or reset connection (once), HTTP 429 after its Retry-After (once, if
    at most MAX_RETRY_AFTER_S), HTTP 500/503 (twice, backing off). Not retried: a read that
    timed out, since Slack may have posted the message already and a retry would post it
    twice, and every `ok: false` answer (not_in_channel, channel_not_found…), which a retry
    cannot change.
    """
    logging.getLogger("slack_sdk.web.base_client").addFilter(_REPORTED_BY_US)
    jitter = _Jitter(backoff_s)
    backoff = BackoffRetryIntervalCalculator(backoff_factor=backoff_s, jitter=jitter)
    return WebClient(
        token=token,
        base_url=api_url or WebClient.BASE_URL,
        timeout=timeout,  # type: ignore[arg-type]  # urllib takes float seconds
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=backoff),
            _RateLimitRetry(max_retry_count=1, jitter=jitter),
            ServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        ],
    )


def new_bolt_app(
    name: str, client: WebClient, signing_secret: str, listener_executor: Executor | None = None
) -> App:
    """A Bolt App with our settings; Bolt calls auth.test here, and a refusal is a ConfigError.

    process_before_response=True: Bolt runs a listener's ack function in the request's own
    thread and returns as soon as it has acknowledged. With False (Bolt's default), it hands
    the listener to its thread pool and polls for the ack every 10 ms, so every slash command
    took at least 10 ms (bench/). Work that must not delay the ack (posting a reply with
    chat.postMessage) is registered as a lazy listener, which Bolt runs on its thread pool
    after acknowledging.
    """
    logging.getLogger("slack_bolt.App").addFilter(_BOLT_NOISE)
    if listener_executor is None:
        listener_executor = ThreadPoolExecutor(REPLY_THREADS, thread_name_prefix="vram-reply")
    try:
        return App(
            name=name,
            client=client,
            signing_secret=signing_secret,
            process_before_response=True,
            listener_executor=listener_executor,
        )
    except BoltError as error:
        # Bolt turns any SlackApiError of auth.test into "`token` is invalid", outages included:
        # the API's own answer is the exception Bolt's was raised while handling.
        answer = error.__context__
        if not isinstance(answer, SlackApiError):
            raise ConfigError(f"vram cannot start: {error}") from None
        raise ConfigError(startup_failure(answer, client, "auth.test")) from None
    except (OSError, ValueError) as error:  # unreachable, timed out, JSON that is not JSON
        raise ConfigError(startup_failure(error, client, "auth.test")) from None


# What auth.test or apps.connections.open answer when the token, not Slack, is at fault.
_TOKEN_REFUSALS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
     "not_allowed_token_type", "missing_scope"}
)  # fmt: skip


def startup_failure(error: Exception, client: WebClient, method: str) -> str:
    """One line saying what went wrong at start-up, and whose fault it is: the network, Slack
    (timed out, HTTP 5xx, an answer that is not JSON) or the token. Never the token itself."""
    where = f"the Slack Web API at {client.base_url}"
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", None)
        data = error.response.data if isinstance(error.response.data, dict) else {}
        code = str(data.get("error") or "")
        if status is not None and status >= 500:
            return (f"{where} answered {method} with HTTP {status}: a fault on Slack's side "
                    "(https://slack-status.com), not your token; try again later")  # fmt: skip
        if code.startswith("Received a response in a non-JSON format"):
            return (f"{where} answered {method} with HTTP {status} and a body that is not JSON: "
                    "a fault on Slack's side (or SLACK_API_URL is not Slack's); try again later")  # fmt: skip
        if status == 429 or code == "ratelimited":
            return f"{where} is rate-limiting {method} (HTTP 429); try again in a minute"
        if code in _TOKEN_REFUSALS:
            token = "SLACK_APP_TOKEN" if method == "apps.connections.open" else "SLACK_BOT_TOKEN"
            return f"Slack rejected {token} ({method}: {code}); in your Slack app: {_WHERE[token]}"
        return f"{where} answered {method} with {code or f'HTTP {status}'}"
    if isinstance(error, TimeoutError) or (
        isinstance(error, URLError) and isinstance(error.reason, TimeoutError)
    ):
        return f"{where} did not answer {method} within {client.timeout:g} s (timed out)"
    if isinstance(error, URLError):
        return f"cannot reach {where}: {error.reason}"
    if isinstance(error, ValueError):  # json.JSONDecodeError: a 200 whose body is broken JSON
        return (f"{where} answered {method} with a body that is not JSON: a fault on Slack's "
                "side (or SLACK_API_URL is not Slack's); try again later")  # fmt: skip
    return f"cannot reach {where}: {type(error).__name__}: {error}"


class _ReportedByUs(logging.Filter):
    """slack_sdk logs a failed request at ERROR before its retry handlers even run; the
    exception reaches our code, which says once what failed (bot.post), or nothing if a
    retry succeeded."""

    PREFIXES = (
        "Failed to send a request to Slack API server",
        "Failed to decode Slack API",
        "A retry handler found",  # INFO, per retry: the outcome is what our line says
        "Going to retry the same request",
    )

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.PREFIXES)


_REPORTED_BY_US = _ReportedByUs()  # one instance: addFilter ignores a filter already there


class _BoltNoise(logging.Filter):
    """Bolt warns "`token` will be unused" whenever SLACK_BOT_TOKEN is set and a client is
    given, which is always: the client carries that very token. And its Socket Mode adapter
    logs a failed apps.connections.open over three lines with the whole response, which
    `python -m bot` reports itself in one (bot.config.startup_failure)."""

    NOISE = ("`token` will be unused", "Failed to retrieve WSS URL")

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(noise in str(record.msg) for noise in self.NOISE)


_BOLT_NOISE = _BoltNoise()


class _Jitter(Jitter):
    def __init__(self, up_to_s: float):
        self.up_to_s = up_to_s

    def recalculate(self, duration: float) -> float:
        return duration + random.uniform(0, self.up_to_s)


class _RateLimitRetry(RateLimitErrorRetryHandler):
    """HTTP 429: wait what Slack's Retry-After asks (plus jitter), unless that is too long."""

    def __init__(self, max_retry_count: int, jitter: Jitter):
        super().__init__(max_retry_count=max_retry_count)
        self.jitter = jitter

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return (
            response is not None
            and response.status_code == 429
            and (_retry_after_s(response) <= MAX_RETRY_AFTER_S)
        )

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait_s = self.jitter.recalculate(_retry_after_s(response) if response else 1)
        log.info("Slack rate-limited %s; retrying in %.1f s", _method(request), wait_s)
        time.sleep(wait_s)
        state.next_attempt_requested = True
        state.increment_current_attempt()


def _retry_after_s(response: HttpResponse) -> int:
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            try:
                return max(0, int(values[0]))
            except (ValueError, IndexError):
                break
    return 1  # Slack always sends one; without it, one second as slack_sdk does


def _method(request: HttpRequest) -> str:
    return request.url.rsplit("/", 1)[-1].split("?", 1)[0]
