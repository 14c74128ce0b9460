"""The headers Slack puts on every request it sends: a timestamp and the v0 HMAC signature.

Local mode signs its requests with this, so they pass the same check as Slack's; the tests
and the benchmarks sign theirs with it too.
"""

import time

from slack_sdk.signature import SignatureVerifier


def slack_headers(
    body: str,
    content_type: str,
    signing_secret: str,
    *,
    timestamp: str | None = None,
    signature: str | None = None,
) -> dict[str, str]:
    """`timestamp` defaults to now; `signature` to the right one (tests forge others)."""
    timestamp = timestamp or str(int(time.time()))
    if signature is None:
        signer = SignatureVerifier(signing_secret)
        signature = signer.generate_signature(timestamp=timestamp, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }
