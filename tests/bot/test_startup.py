"""Each mode checks its settings before it starts: one clear line, never a traceback."""

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import build_app
from bot.config import ConfigError

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def procfile_command(process: str) -> list[str]:
    for line in (REPO / "Procfile").read_text(encoding="utf-8").splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process:
            return shlex.split(command)
    raise AssertionError(f"no {process}: line in the Procfile")


def web_command(port: int) -> list[str]:
    """The Procfile's web: line, bound to 127.0.0.1 instead of every interface."""
    command = procfile_command("web")
    assert command[0] == "gunicorn" and "--preload" in command
    assert "bot.http:create_flask_app()" in command
    bind = command.index("--bind")
    command[bind + 1] = f"127.0.0.1:{port}"
    return [str(GUNICORN), *command[1:]]


def clean_env(**values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}
    return {**env, **values}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_http_mode_without_signing_secret_stops_with_a_clear_message():
    done = subprocess.run(
        web_command(free_port()),
        cwd=REPO,
        env=clean_env(SLACK_BOT_TOKEN="xoxb-test"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode != 0
    assert "vram cannot start in HTTP mode: SLACK_SIGNING_SECRET is not set" in done.stderr
    assert "Signing Secret" in done.stderr
    assert "Traceback" not in done.stderr


def test_http_mode_served_by_gunicorn_answers_commands_and_events(web_api, signed_sender, mention):
    port, secret = free_port(), "gunicorn-test-secret"
    env = clean_env(
        SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=secret, SLACK_API_URL=web_api.url
    )
    server = subprocess.Popen(
        web_command(port), cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", server)
        slack = signed_sender(f"http://127.0.0.1:{port}/slack/events", secret)
        answer = slack.command("70B fp16").json()
        assert answer["response_type"] == "in_channel" and "156.5 GiB" in answer["text"]
        # events are answered on Bolt's thread pool, created in the worker after the fork
        assert slack.event(mention("70B int4", ts="1700002000.000100")).status == 200
        [post] = web_api.wait_for_posts(1)
        assert post.params["thread_ts"] == "1700002000.000100"
        methods = [call.method for call in web_api.calls]
        assert methods.count("auth.test") == 1  # once, in gunicorn's master (--preload)
        assert slack.command("70B fp16", signature="v0=bad").status == 401
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            assert server.poll() is None, server.stdout.read().decode()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.05)


def test_the_worker_runs_socket_mode():
    assert procfile_command("worker")[-3:] == ["-m", "bot", "--socket"]


@pytest.mark.parametrize(
    ("argv", "env", "missing"),
    [
        (["--socket"], {}, "SLACK_BOT_TOKEN is not set"),
        (["--socket"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN is not set"),
        ([], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN is not set"),
        ([], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "should start with xapp-"),
    ],
)
def test_socket_mode_without_its_tokens_stops_with_a_clear_message(monkeypatch, argv, env, missing):
    for key in [key for key in os.environ if key.startswith("SLACK_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code.startswith("vram cannot start in Socket Mode: ")
    assert missing in stopped.value.code
    assert "xoxb-1" not in stopped.value.code


def test_a_token_slack_rejects_is_a_clear_error_that_does_not_show_it(web_api, monkeypatch):
    refused = {"ok": False, "error": "invalid_auth"}
    monkeypatch.setattr(web_api, "_result", lambda method, params: refused)
    with pytest.raises(ConfigError) as rejected:
        build_app(token="xoxb-revoked-4711", api_url=web_api.url)
    assert "Slack rejected SLACK_BOT_TOKEN" in str(rejected.value)
    assert "invalid_auth" in str(rejected.value)
    assert "xoxb-revoked-4711" not in str(rejected.value)


def test_an_unreachable_slack_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}/api/"
    with pytest.raises(ConfigError) as unreachable:
        build_app(token="xoxb-1", api_url=url)
    assert str(unreachable.value).startswith(f"cannot reach the Slack Web API at {url}: ")


def test_socket_mode_with_an_app_token_slack_refuses_stops_with_a_clear_message(
    web_api, monkeypatch
):
    for key in [key for key in os.environ if key.startswith("SLACK_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-revoked-0815")
    monkeypatch.setenv("SLACK_API_URL", web_api.url)  # the stand-in knows no app tokens
    with pytest.raises(SystemExit) as stopped:
        main([])
    assert "Slack refused a Socket Mode connection (apps.connections.open: not_authed)" in str(
        stopped.value.code
    )
    assert "xapp-revoked-0815" not in stopped.value.code
    assert [call.method for call in web_api.calls] == ["auth.test", "apps.connections.open"]
