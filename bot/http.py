"""HTTP mode: the App behind Flask, for gunicorn (see Procfile).

    gunicorn --preload 'bot.http:create_flask_app()'

Slack calls POST /slack/events for the slash command and for events alike. `--preload`
builds the App once in gunicorn's master, so a missing setting stops gunicorn with one clear
message instead of a loop of workers failing to boot.

Nothing is served without Slack's signature check: an App without a signing secret, or with
Bolt's request verification turned off, is refused here. Bodies over MAX_BODY_BYTES get 413
before anything reads them: Slack's own payloads are a few KB. The signature is then checked
here, before Bolt builds its request object (which parses the body): anything unsigned gets 401
and one short line. A signed body of a shape Slack never sends gets 400 and one line
(bot.slack_request). Bolt checks the signature again, as the last word.
"""

import logging
import sys
from urllib.parse import parse_qsl

from flask import Flask, Response, abort, request
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.flask.handler import to_flask_response
from slack_bolt.context import BoltContext
from slack_bolt.middleware.request_verification import RequestVerification
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app_from_settings
from bot.config import ConfigError, Settings
from bot.logs import configure_logging, describe_error
from bot.slack_request import payload_problem, signature_problem

log = logging.getLogger("vram.bot")

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 64 * 1024


def create_flask_app(bolt_app: App | None = None) -> Flask:
    """The WSGI app; with no `bolt_app`, one is built from the environment (HTTP mode)."""
    if bolt_app is None:
        configure_logging()
        bolt_app = _bolt_app_from_env()
    require_signature_verification(bolt_app)
    verifier = SignatureVerifier(bolt_app._signing_secret)
    flask_app = Flask("vram")
    # Werkzeug answers 413 when Content-Length says more than this, without reading the body.
    flask_app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @flask_app.post(EVENTS_PATH)
    def slack_events():
        body = _body_within_limit()
        if body is None:
            abort(413)
        text = body.decode("utf-8", "replace")  # as Bolt's Flask adapter reads it
        headers = request.headers
        unsigned = signature_problem(
            verifier,
            text,
            headers.get("X-Slack-Request-Timestamp"),
            headers.get("X-Slack-Signature"),
        )
        if unsigned:
            log.info("refused a request not signed by Slack: %s", unsigned)
            return Response(status=401)
        content_type = (headers.get("Content-Type") or "").split(";")[0] or None  # as Bolt
        if not_slacks := payload_problem(text, content_type):
            log.warning("refused a signed request: not a Slack payload (%s)", not_slacks)
            return {"error": f"not a Slack payload: {not_slacks}"}, 400
        try:
            # What Bolt's Flask adapter does. Bolt checks the signature again (401).
            bolt_request = _bolt_request(
                text, request.query_string.decode("utf-8", "replace"), headers
            )
            return to_flask_response(bolt_app.dispatch(bolt_request))
        except Exception as error:  # a bug: one line, not Flask's 30-line traceback
            log.error("failed dispatching a signed request: %s", describe_error(error))
            return Response(status=500)

    @flask_app.get("/")
    def alive():
        return {"ok": True, "app": "vram", "slack_endpoint": EVENTS_PATH}

    return flask_app


def _bolt_request(body: str, query: str, headers) -> BoltRequest:
    """What Bolt's Flask adapter builds, with one fix: Bolt 1.30 reads a form body that merely
    contains the word "payload" ('/vram payload of 70B', a text field) as an interactive
    payload (slack_bolt/request/internals.py, parse_body), finds none, and answers 404. A form
    without a `payload` field is a slash command: read as the form it is."""
    bolt_request = BoltRequest(body=body, query=query, headers=headers)  # type: ignore[arg-type]
    if bolt_request.body or bolt_request.content_type == "application/json":
        return bolt_request
    form = dict(parse_qsl(body, keep_blank_values=True))
    if form and "payload" not in form:
        bolt_request.body = form
        bolt_request.context = build_context(BoltContext({}), form)
    return bolt_request


def _body_within_limit() -> bytes | None:
    """The request's body, or None as soon as it proves longer than MAX_BODY_BYTES.

    A chunked body has no Content-Length; Werkzeug then stops at the limit and returns the
    body cut short (which Bolt would refuse as 401), so the limit is enforced here too.
    """
    body = bytearray()
    while len(body) <= MAX_BODY_BYTES:
        chunk = request.stream.read(MAX_BODY_BYTES + 1 - len(body))
        if not chunk:
            return bytes(body)
        body += chunk
    return None


def require_signature_verification(bolt_app: App) -> None:
    """Refuse to serve an App that would take unsigned requests over HTTP.

    Bolt keeps both facts private; pinned slack-bolt 1.30 names them `_signing_secret` and
    `_middleware_list` (tests/hardening/test_requests.py fails if that changes).
    """
    verifies = any(isinstance(m, RequestVerification) for m in bolt_app._middleware_list)
    if not bolt_app._signing_secret or not verifies:
        raise ConfigError(
            "vram will not serve HTTP without Slack's signature check: set SLACK_SIGNING_SECRET "
            "and keep Bolt's request verification on."
        )


def _bolt_app_from_env() -> App:
    settings = Settings.from_env()
    try:
        settings.require_http_mode()
        return build_app_from_settings(settings)
    except ConfigError as error:
        sys.exit(str(error))  # one clear line on stderr, exit status 1, no traceback
