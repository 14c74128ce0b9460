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
