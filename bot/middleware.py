"""App-wide middleware: what happens to every request before any listener sees it."""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse

log = logging.getLogger("vram.bot")


# Slack retries an event it did not see acknowledged: nearly at once, after 1 minute and after
# 5 minutes (https://api.slack.com/apis/events-api#retries). An event_id is remembered a while
# longer than that, and at most MAX_REMEMBERED_EVENTS of them (a few hundred KB).
RETRY_WINDOW_S = 10 * 60
MAX_REMEMBERED_EVENTS = 10_000
# X-Slack-Retry-Reason values for which the first delivery never reached a listener (no answer
# from us, or an HTTP error): such a retry is answered. After http_timeout (our ack came late)
# or unknown_error, the first delivery was, or may have been, answered: the retry is not.
NEVER_ANSWERED = frozenset({"http_error", "connection_failed", "ssl_error", "too_many_redirects"})


class RecentEvents:
    """The event_ids this process has passed to a listener in the last `window_s` seconds.

    In memory, per process: with several gunicorn workers or dynos, a retry that lands on
    another process than its first delivery is judged by its retry reason alone.
    """

    def __init__(
        self,
        window_s: float = RETRY_WINDOW_S,
        max_events: int = MAX_REMEMBERED_EVENTS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.window_s, self.max_events, self.clock = window_s, max_events, clock
        self._seen: OrderedDict[str, float] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        """True, and remembered, if `event_id` was not seen within the window."""
        now = self.clock()
        with self._lock:
            while self._seen and next(iter(self._seen.values())) <= now - self.window_s:
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            if len(self._seen) > self.max_events:
                self._seen.popitem(last=False)
            return True

    def __len__(self) -> int:
        return len(self._seen)


def answer_each_event_once(recent: RecentEvents) -> Callable[..., BoltResponse]:
    """Middleware: an event is answered once, whether Slack retries it or replays it.

    A retry (X-Slack-Retry-Num; Socket Mode copies it into the same header) is answered only
    if its reason says the first delivery never reached us; any delivery of an event_id seen
    lately is acknowledged and dropped.
    """

    def once(req: BoltRequest, next_: Callable[[], BoltResponse]) -> BoltResponse:
        event_id = req.body.get("event_id")
        retry_num = req.headers.get("x-slack-retry-num", [None])[0]
        reason = req.headers.get("x-slack-retry-reason", ["unknown"])[0]
        if isinstance(event_id, str) and not recent.first_time(event_id):
            why = f"Slack's retry #{retry_num}, {reason}" if retry_num else "delivered again"
            log.info("skipped event %s: already answered (%s)", event_id[:40], why)
            return BoltResponse(status=200, body="")
        if retry_num is not None and reason not in NEVER_ANSWERED:
            log.info("skipped Slack's retry #%s of an event (reason: %s)", retry_num, reason[:40])
            return BoltResponse(status=200, body="")
        return next_()

    return once


# Events answered in the channel they came from: without a channel and a ts there is no reply.
_ANSWERED_IN_PLACE = {"app_mention", "message"}


def ignore_unanswerable_events(req: BoltRequest, next_: Callable[[], BoltResponse]) -> BoltResponse:
    """Acknowledge, with one line, a mention or message that says nowhere to answer."""
    event = req.body.get("event")
    if not isinstance(event, dict) or event.get("type") not in _ANSWERED_IN_PLACE:
        return next_()
    missing = [key for key in ("channel", "ts") if not isinstance(event.get(key), str)]
    if not missing:
        return next_()
    log.warning(
        "ignored a %s event without %s: nowhere to answer", event["type"], " or ".join(missing)
    )
    return BoltResponse(status=200, body="")
