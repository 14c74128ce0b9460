"""Every training example of issue 13 answers on the command line, in /vram and in @vram, with
the per-GPU breakdown, the cards and the launch line; bad training input gets its message."""

import json

import pytest

from bot.what_if import query_as_text, variants
from estimator import estimate, parse
from estimator.__main__ import main

EXAMPLES = {
    "full fine-tune of a 13B": ("full", "Per GPU:"),
    "qlora 70b on one 3090": ("qlora", "No, it does not fit on 1 × RTX-3090-24GB"),
    "lora mistral 7b on one L4": ("lora", "Yes, it fits on 1 × L4-24GB"),
    "DPO on qwen2.5-32b, how many H100s": ("dpo", "Per GPU:"),
    "全参数微调 Llama 3.1 8B 需要多少显存": ("full", "Per GPU:"),
}
BAD = {
    "llama-3.1-8b lora rank=0": "The LoRA rank must be a whole number of at least 1",
    "llama-3.1-8b full batch=-1": "negative",
    "70B full zero7": "DeepSpeed ZeRO has stages 1, 2 and 3",
    "qlora 70B fp16": "QLoRA trains adapters on a 4-bit NF4 base",
}


@pytest.mark.parametrize("text", EXAMPLES)
def test_command_line(text, capsys):
    method, verdict = EXAMPLES[text]
    assert main(["--json", text]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["task"] == method
    training = data["training"]
    assert sum(training["parts"].values()) == training["per_gpu_bytes"]
    assert data["total_bytes"] == training["per_gpu_bytes"] * training["gpu_count"]
    assert all(gpu["min_count"] >= 1 for gpu in data["gpus"])
    assert main([text]) == 0
    shown = capsys.readouterr().out
    assert verdict in shown and "accelerate launch" in shown and "optimizer" in shown


@pytest.mark.parametrize("text", EXAMPLES)
def test_slash_command(slack, text):
    answer = slack.command(text).json()
    blocks = json.dumps(answer["blocks"], ensure_ascii=False)
    assert EXAMPLES[text][1] in blocks
    for part in ("*Weights*", "*Gradients*", "*Optimizer*", "*Activations*", "*Logits*"):
        assert part in blocks
    assert "accelerate launch" in blocks and "DeepSpeed/FSDP:" in blocks
    assert "vLLM" not in blocks


@pytest.mark.parametrize("text", EXAMPLES)
def test_mention(slack, web_api, mention, text):
    assert slack.event(mention(text, ts="1700000400.000100")).status == 200
    [post] = web_api.wait_for_posts(1)
    blocks = json.dumps(post.params["blocks"], ensure_ascii=False)
    assert EXAMPLES[text][1] in blocks and "*Optimizer*" in blocks


@pytest.mark.parametrize("text", BAD)
def test_bad_training_input_gets_its_message(slack, text, capsys):
    assert main([text]) == 2
    assert BAD[text] in capsys.readouterr().err
    answer = slack.command(text).json()
    assert BAD[text] in json.dumps(answer, ensure_ascii=False)


@pytest.mark.parametrize("text", EXAMPLES)
def test_what_if_buttons_ask_training_questions(text):
    query = parse(text)
    assert estimate(query_as_text(query)).training.setup == estimate(text).training.setup
    found = variants(query)
    assert {variant.dimension for variant in found} >= {"method", "batch", "seq", "card"}
    for variant in found:
        assert estimate(variant.text).training is not None, variant
