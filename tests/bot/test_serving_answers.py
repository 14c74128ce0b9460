"""Serving-grade answers reach Slack whole: breakdown, verdict, the vllm serve line."""

import json

ON_CALL = "does llama-3.1-70b int4 with 32k context for 20 users fit on 2 H100?"


def test_slash_command_carries_the_breakdown_the_verdict_and_the_vllm_line(slack):
    answer = slack.command(ON_CALL).json()
    blocks = json.dumps(answer["blocks"], ensure_ascii=False)
    assert answer["blocks"][1]["text"]["text"] == "GPU memory: 236.6 GiB (254.1 GB)"
    assert answer["blocks"][2]["text"]["text"].startswith(
        "*No, it does not fit on 2 × H100-80GB; it takes 4. There it holds 10 sequences"
    )
    assert "*Weights*: 32.9 GiB (35.3 GB)" in blocks
    assert "*KV cache*: 200.0 GiB (214.7 GB)" in blocks
    # vLLM's profile at TP 4: the forward over 8,192 tokens, TP's non-torch memory, CUDA graphs
    assert "*Runtime reserve*: 3.8 GiB (4.0 GB)" in blocks
    assert "forward over 8,192 tokens 848.0 MiB) + non-torch 2.1 GiB" in blocks
    # mrkdwn escapes the placeholder brackets; Slack shows them as < >
    assert "vllm serve &lt;int4 checkpoint of meta-llama/Llama-3.1-70B-Instruct&gt;" in blocks
    assert "--tensor-parallel-size 4 --max-model-len 32768" in blocks
    assert answer["text"].startswith("No, it does not fit on 2 × H100-80GB")


def test_a_mention_in_a_thread_gets_the_same_answer(slack, web_api, mention):
    event = mention(ON_CALL, ts="1700000300.000400", thread_ts="1700000000.000100")
    assert slack.event(event).status == 200
    [post] = web_api.wait_for_posts(1)
    assert post.params["thread_ts"] == "1700000000.000100"
    blocks = json.dumps(post.params["blocks"], ensure_ascii=False)
    assert "--tensor-parallel-size 4" in blocks and "*KV cache*: 200.0 GiB" in blocks


def test_inverse_question_in_slack(slack):
    answer = slack.command("llama-3.1-8b max users at 8k on 1x l4").json()
    assert "Max concurrent sequences on 1 × L4-24GB: 3" in json.dumps(answer, ensure_ascii=False)
