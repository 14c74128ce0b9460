"""Local mode: the real App, fed signed requests, answering on this machine without Slack."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.local import LocalSlack

REPO = Path(__file__).resolve().parents[2]
NO_SLACK_ENV = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}


def run_bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO,
        env=NO_SLACK_ENV,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def local_slack():
    slack = LocalSlack()
    yield slack
    slack.close()


def test_one_question_from_the_command_line():
    done = run_bot("--local", "/vram 70B fp16")
    assert done.returncode == 0, done.stderr
    assert "156.5 GiB" in done.stdout
    assert "2 × A100-80GB" in done.stdout
    assert "seen by everyone in #local" in done.stdout
    assert done.stderr == ""


def test_with_no_credentials_make_run_starts_local_mode_and_reads_questions():
    done = run_bot(stdin="/vram 70B fp16\n@vram 70B int4\nexit\n")
    assert done.returncode == 0, done.stderr
    assert "starting local mode" in done.stdout
    assert "156.5 GiB" in done.stdout
    assert "chat.postMessage to #local, in thread" in done.stdout


def test_a_mention_is_answered_in_its_thread(local_slack):
    reply = local_slack.ask("@vram 70B int4")
    assert reply.startswith("[chat.postMessage to #local, in thread ")
    assert "GPU memory:" in reply


def test_a_direct_message_is_answered_in_the_dm(local_slack):
    reply = local_slack.ask("70B fp16")
    assert reply.startswith("[chat.postMessage to your DM with @vram; seen by you and @vram]")
    assert "156.5 GiB" in reply


def test_private_help_and_errors_are_for_you_only(local_slack):
    assert "seen by only you" in local_slack.ask("/vram 70B fp16 -p")
    assert "seen by only you" in local_slack.ask("/vram help")
    problem = local_slack.ask("@vram a teapot")
    assert problem.startswith("[chat.postEphemeral") and "Try for example" in problem


def test_buttons_are_numbered_choices_and_a_number_clicks_one(local_slack):
    answer = local_slack.ask("/vram 70B fp16")
    assert "[2] int4" in answer
    replaced = local_slack.ask("2")
    assert replaced.startswith("[response_url: replaced the answer; seen by everyone in #local]")
    assert "@you tried `/vram 70B int4`" in replaced and "[1] fp16" in replaced
    assert "(the last answer has buttons 1 to" in local_slack.ask("99")


def test_a_click_on_a_mention_answer_updates_it(local_slack):
    local_slack.ask("@vram llama-3.1-8b")
    updated = local_slack.ask("4")  # [4] 8k context
    assert updated.startswith("[chat.update of the answer ")
    assert "8,192 tokens" in updated


def test_home_opens_and_its_examples_run_there(local_slack):
    home = local_slack.ask("home")
    assert home.startswith("[views.publish: your Home tab]")
    assert re.search(r"H200-141GB +139\.9 GiB", home)
    assert "kv_cache_interface.py (https://github.com/vllm-project/vllm/" in home
    ran = local_slack.ask("1")  # [1] Run: /vram 70B fp16
    assert ran.startswith("[views.publish: your Home tab]")
    assert ran.index("GPU memory: 156.5 GiB (168.0 GB)") < ran.index("Cards")


def test_a_bare_command_asks_the_form_as_a_prompt_and_asks_again_what_was_wrong():
    answers = iter(
        ["teapot", "", "3", "8", "L4-24GB", "", "", "", "llama-3.1-8b"]
    )  # engine, task: vLLM, serve
    slack = LocalSlack(prompt=lambda label: next(answers))
    try:
        reply = slack.ask("/vram")
    finally:
        slack.close()
    assert "[response_url: answered; seen by everyone in #local]" in reply
    assert "@you asked `/vram llama-3.1-8b ctx=8k users=8 on L4-24GB`" in reply
    assert next(answers, None) is None  # the model was asked again, and only the model


def test_mentions_share_a_thread_so_follow_ups_work(local_slack):
    first = local_slack.ask("@vram llama-3.1-70b ctx=8k")
    follow_up = local_slack.ask("@vram same with int4")
    thread = first.split("in thread ", 1)[1].split(";", 1)[0]
    assert f"in thread {thread};" in follow_up
    assert "Follow-up of `llama-3.1-70b ctx=8192`: `llama-3.1-70b int4 ctx=8192`" in follow_up
    local_slack.ask("new thread")
    assert f"in thread {thread};" not in local_slack.ask("@vram 70B fp16")


def test_the_shortcut_asks_where_to_post_and_posts_there():
    fields = {"Model": "70B", "Format": "5", "Post the answer in": "C0LOCAL"}
    slack = LocalSlack(
        prompt=lambda label: fields.get(label.split(" (")[0].strip().rstrip(":"), "")
    )
    try:
        reply = slack.ask("shortcut")
    finally:
        slack.close()
    assert reply.startswith("[response_url: answered; seen by everyone in #local]")
    assert "@you asked `/vram 70B int4`" in reply


def test_a_form_closed_half_way_posts_nothing():
    def closing(label):
        raise EOFError

    slack = LocalSlack(prompt=closing)
    try:
        assert slack.ask("/vram") == "(the form was closed, as with Cancel)"
        assert slack.web_api.calls_to("response_url") == []
    finally:
        slack.close()
