"""Start-up when Slack is unreachable, hangs, fails or answers garbage: one clear line saying
whose fault it is, and a non-zero exit; and a reply whose answer is not JSON is Slack's fault,
told to the asker."""

import subprocess
import sys

import pytest

from bot.config import API_TIMEOUT_S
from bot.web_api_stub import Fault
from tests.bot.test_startup import REPO, clean_env, free_port, web_command
from tests.hardening.conftest import BOT_TOKEN, SIGNING_SECRET, problems, wait_until

APP_TOKEN = "xapp-1-test-app-token-5e2"
HTML_500 = Fault(status=500, body="<html><body>Internal Server Error</body></html>")

FAULTS = {
    "timed out": ([Fault(delay_s=API_TIMEOUT_S + 5)], f"did not answer auth.test within {API_TIMEOUT_S:g} s"),
    "Slack error 5xx": ([HTML_500] * 3, "answered auth.test with HTTP 500: a fault on Slack's side"),
    "Slack error 503 as JSON": ([Fault(status=503, error="service_unavailable")] * 3, "HTTP 503: a fault on Slack's side"),
    "token rejected": ([Fault(error="invalid_auth")], "Slack rejected SLACK_BOT_TOKEN (auth.test: invalid_auth)"),
    "token revoked": ([Fault(error="token_revoked")], "Slack rejected SLACK_BOT_TOKEN (auth.test: token_revoked)"),
    "200 with broken JSON": ([Fault(body="{oops")], "answered auth.test with a body that is not JSON"),
    "200 with an HTML page": ([Fault(body="<html>maintenance</html>")], "HTTP 200 and a body that is not JSON"),
}  # fmt: skip


def start_socket_mode(api_url: str) -> subprocess.CompletedProcess:
    env = clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=api_url)
    return subprocess.run(
        [sys.executable, "-m", "bot", "--socket"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=API_TIMEOUT_S + 30,
    )  # fmt: skip


def assert_one_clear_line(done: subprocess.CompletedProcess, expected: str) -> str:
    assert done.returncode != 0
    # Socket Mode says at INFO that it is connecting, once auth.test has passed
    lines = [line for line in done.stderr.strip().splitlines() if "connecting to Slack" not in line]
    assert len(lines) == 1, done.stderr[-3000:]
    assert expected in lines[0], lines[0]
    assert "Traceback" not in done.stderr and BOT_TOKEN not in done.stderr
    return lines[0]


@pytest.mark.parametrize("faults, expected", FAULTS.values(), ids=FAULTS.keys())
def test_socket_mode_start_up_says_what_failed_in_one_line(web_api, faults, expected):
    web_api.script("auth.test", *faults)
    line = assert_one_clear_line(start_socket_mode(web_api.url), expected)
    if "Slack's side" in expected:
        assert (
            "rejected" not in line and "invalid" not in line
        )  # an outage is not the token's fault


def test_an_unreachable_slack_at_start_up_is_one_line():
    url = f"http://127.0.0.1:{free_port()}/api/"
    assert_one_clear_line(start_socket_mode(url), f"cannot reach the Slack Web API at {url}: ")


def test_http_mode_start_up_on_a_failing_slack_is_one_line_from_gunicorn(web_api):
    web_api.script("auth.test", *[HTML_500] * 3)
    env = clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    SLACK_API_URL=web_api.url)  # fmt: skip
    done = subprocess.run(web_command(free_port()), cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode != 0
    assert "answered auth.test with HTTP 500: a fault on Slack's side" in done.stderr
    assert "Traceback" not in done.stderr and "token` is invalid" not in done.stderr


def test_socket_mode_connection_on_a_failing_slack_is_one_line(web_api):
    web_api.script("apps.connections.open", *[HTML_500] * 3)
    done = start_socket_mode(web_api.url)
    assert_one_clear_line(done, "answered apps.connections.open with HTTP 500")
    assert APP_TOKEN not in done.stderr


NOT_JSON = {
    "broken JSON": Fault(body="{oops"),
    "an HTML page": Fault(body="<html>maintenance</html>"),
}


@pytest.mark.parametrize("fault", NOT_JSON.values(), ids=NOT_JSON.keys())
def test_a_reply_answered_with_invalid_json_is_slacks_fault_and_the_asker_is_told(
    slack, web_api, mention, caplog, fault
):
    web_api.script("chat.postMessage", fault)
    assert slack.event(mention("70B fp16", ts="1700000000.000100")).status == 200
    wait_until(lambda: problems(caplog), what="the log line")
    [line] = problems(caplog)
    assert "not JSON (a fault on Slack's side)" in line and "bug" not in line
    assert "the asker was told" in line
    [note] = web_api.calls_to("chat.postEphemeral")
    assert note.params["user"] == "U0ASKER" and "could not be read" in note.params["text"]
