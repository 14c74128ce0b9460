"""/vram with a Hugging Face repository, end to end: a signed command to the real app over
HTTP, the "Looking up" ack at once, then the answer at the command's response_url (the
Web API stand-in serves it), the Hub being the stand-in of tests/hub on 127.0.0.1."""

import json
import time

import pytest

from tests.hub import repos
from tests.hub.standin import closed_port_url


@pytest.fixture
def hub(hub):
    cfg = {**repos.QWEN2_5_32B, "quantization_config": repos.AWQ}
    tensors = repos.decoder_tensors(cfg, "awq", qkv_bias=True)
    hub.add(repos.safetensors_repo("Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", cfg, tensors, 5))
    return hub


def blocks_text(payload: dict) -> str:
    return json.dumps(payload.get("blocks", []), ensure_ascii=False)


def ask(slack, web_api, text: str, hook: str):
    started = time.monotonic()
    ack = slack.command(text, response_url=web_api.hook_url(hook))
    return ack, time.monotonic() - started


def test_a_hub_repo_is_acknowledged_at_once_then_answered_at_the_response_url(hub, slack, web_api):
    ack, took = ask(slack, web_api, "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ ctx=32k", "lookup-1")
    assert ack.status == 200 and took < 3.0
    looking = ack.json()
    assert looking["response_type"] == "in_channel"
    assert looking["text"] == "Looking up `Qwen/Qwen2.5-Coder-32B-Instruct-AWQ` on Hugging Face…"
    [answer] = web_api.wait_for_calls("response_url", 1, timeout=10)
    assert answer.path == "/hooks/lookup-1"
    assert answer.params["replace_original"] is True
    assert answer.params["response_type"] == "in_channel"
    assert "GPU memory:" in blocks_text(answer.params)
    assert "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ (32.76 B params)" in blocks_text(answer.params)
    assert "AWQ 4-bit, groups of 128" in blocks_text(answer.params)


def test_a_repo_looked_up_before_is_answered_in_the_ack(hub, slack, web_api):
    ask(slack, web_api, "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", "first")
    web_api.wait_for_calls("response_url", 1, timeout=10)
    asked = len(hub.requests)
    ack, took = ask(slack, web_api, "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ ctx=8k private", "second")
    answer = ack.json()
    assert answer["response_type"] == "ephemeral" and took < 3.0
    assert "GPU memory:" in blocks_text(answer)
    assert len(hub.requests) == asked  # no request: the cache by commit
    time.sleep(0.2)
    assert len(web_api.calls_to("response_url")) == 1  # nothing more for the second


def test_a_missing_repo_says_so_at_the_response_url(hub, slack, web_api):
    ack, _ = ask(slack, web_api, "acme/no-such-model", "missing")
    assert ack.json()["text"].startswith("Looking up `acme/no-such-model`")
    [answer] = web_api.wait_for_calls("response_url", 1, timeout=10)
    assert "There is no Hugging Face repository acme/no-such-model" in answer.params["text"]
    assert "Traceback" not in json.dumps(answer.params)


def test_the_hub_down_is_a_clear_answer_and_catalog_models_still_answer_in_the_ack(
    hub, slack, web_api, monkeypatch
):
    monkeypatch.setenv("HF_ENDPOINT", closed_port_url())
    ask(slack, web_api, "acme/anything", "down")
    [answer] = web_api.wait_for_calls("response_url", 1, timeout=10)
    assert "Hugging Face could not be reached" in answer.params["text"]
    ack, took = ask(slack, web_api, "meta-llama/Llama-3.1-8B-Instruct", "catalog")
    assert took < 3.0 and "GPU memory:" in blocks_text(ack.json())


def test_a_mention_of_a_hub_repo_is_posted_when_ready(hub, slack, web_api, mention):
    assert (
        slack.event(mention("Qwen/Qwen2.5-Coder-32B-Instruct-AWQ", "1700000001.000100")).status
        == 200
    )
    [post] = web_api.wait_for_posts(1, timeout=10)
    assert post.params["thread_ts"] == "1700000001.000100"
    assert "AWQ 4-bit" in json.dumps(post.params)
