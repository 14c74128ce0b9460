"""Questions as people write them (issue 9), end to end: /vram and @vram over signed HTTP on
127.0.0.1, and the command line in a real process."""

import json
import subprocess
import sys


def texts(reply: dict) -> str:
    return json.dumps(reply["blocks"], ensure_ascii=False) + reply["text"]


def test_prose_in_a_command_is_answered_and_the_unused_words_named(slack):
    answer = slack.command("can we run qwen3-32b on two h100s? thanks team").json()
    assert answer["response_type"] == "in_channel"
    assert "Yes, it fits on 2 × H100-80GB" in texts(answer)
    assert "Qwen3 32B" in texts(answer) and "Not used: 'team'" in texts(answer)


def test_chinese_in_a_command(slack):
    answer = slack.command("单卡 4090 能跑 32B int4 吗").json()
    assert answer["response_type"] == "in_channel"
    assert "Yes, it fits on 1 × RTX-4090-24GB" in texts(answer)
    assert "32 B params · int4" in texts(answer)


def test_a_typo_in_a_command_answers_for_the_name_and_says_so(slack):
    answer = slack.command("mixtrall 8x7b on 2 h100").json()
    assert answer["response_type"] == "in_channel"
    assert "Mixtral 8x7B" in texts(answer) and "taken as a typo" in texts(answer)


def test_a_capacity_named_without_a_card(slack):
    answer = slack.command("can I run 13B on 16 gigs of vram").json()
    assert "No, it does not fit on 1 × 16 GB card" in texts(answer)


def test_chinese_in_a_mention(slack, web_api, mention):
    slack.event(mention("部署 Llama 3.1 70B 需要几张 H100", ts="1700009000.000100"))
    [post] = web_api.wait_for_posts(1)
    assert post.method == "chat.postMessage"
    shown = json.dumps(post.params, ensure_ascii=False)
    assert "Llama 3.1 70B" in shown and "H100-80GB" in shown


def test_a_family_and_a_size_in_a_mention(slack, web_api, mention):
    slack.event(mention("how many h100 for qwen 32b at 32k?", ts="1700009100.000100"))
    [post] = web_api.wait_for_posts(1)
    shown = json.dumps(post.params, ensure_ascii=False)
    assert "Qwen3 32B" in shown and "the newest of that family" in shown
    assert "32,768-token context" in shown


def test_the_command_line_reads_prose_and_chinese():
    for words, expected in (
        (["is", "a", "single", "A100", "enough", "for", "mistral", "7b?"], "on 1 × A100-80GB"),
        (["70B", "的模型用", "fp16", "需要多少显存"], "156.5 GiB  (168.0 GB)"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "estimator", *words], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
