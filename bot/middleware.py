"""App-wide middleware: what happens to every request before any listener sees it."""

import logging
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse

log = logging.getLogger("vram.bot")


def skip_slack_retries(req: BoltRequest, next_: Callable[[], BoltResponse]) -> BoltResponse:
    """Acknowledge a retried event without answering it again.

    Slack resends an event (with X-Slack-Retry-Num) when its first delivery was not
    acknowledged in 3 seconds, e.g. while a sleeping dyno wakes up; the first delivery is
    usually still being answered, so answering the retry would post the numbers twice.
    Socket Mode copies the retry number into the same header (bolt's socket_mode/internals).
    """
    retry_num = req.headers.get("x-slack-retry-num", [None])[0]
    if retry_num is None:
        return next_()
    reason = req.headers.get("x-slack-retry-reason", ["unknown"])[0]
    log.info("skipped Slack's retry #%s of an event (reason: %s)", retry_num, reason)
    return BoltResponse(status=200, body="")


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
