"""A training answer renders through the same Estimate as serving: parts, plans, the JSON."""

from bot.render.blocks import answer_blocks
from estimator import estimate, parse
from estimator.render_json import to_json_dict
from estimator.render_text import render_text
from estimator.training_answer import PART_KEYS, estimate_training
from estimator.training_options import TrainingOptions


def answer(text: str, method: str, **options):
    return estimate_training(parse(text), TrainingOptions(method, **options))


def test_parts_add_up_to_the_per_gpu_peak_and_the_total_to_all_gpus():
    estimate = answer("llama-3.1-70b on 4x h100", "full", gradient_checkpointing=True)
    training = estimate.training
    assert training.layout.count == 4 and training.layout.sharding == "zero3"
    assert estimate.parts_total == training.layout.per_gpu_bytes
    assert estimate.total_bytes == 4 * training.layout.per_gpu_bytes
    assert [part.bytes for part in estimate.parts] == list(training.parts_by_key.values())


def test_json_contract():
    data = to_json_dict(answer("llama-3.1-8b on 1x l4", "qlora", micro_batch=2))
    assert data["task"] == "qlora"
    training = data["training"]
    assert set(PART_KEYS) == set(training["parts"])
    assert sum(training["parts"].values()) == training["per_gpu_bytes"]
    assert data["total_bytes"] == training["per_gpu_bytes"] * training["gpu_count"]
    assert (training["method"], training["micro_batch"], training["seq_len"]) == ("qlora", 2, 2048)
    assert training["gradient_checkpointing"] is True and training["sharding"] == "none"
    assert training["trainable_params"] > 0
    assert training["base_format"] == "NF4 + double quant"
    (l4,) = data["gpus"]
    assert l4["min_count"] == 1 and l4["fits_requested"] is True
    assert "--load_in_4bit" in l4["serve_command"]
    serving = to_json_dict(estimate("llama-3.1-8b"))
    assert serving["task"] == "serve" and serving["training"] is None


def test_no_on_one_3090_with_the_fewest_that_do():
    estimate = answer("llama-3.1-70b on 1x rtx 3090", "qlora")
    (plan,) = estimate.gpus
    assert plan.fits_requested is False and plan.min_count == 3
    assert plan.verdict.startswith("No, it does not fit on 1 × RTX-3090-24GB")
    assert "--num_processes 3" in plan.serve_command and "--zero_stage 3" in plan.serve_command


def test_text_and_blocks_show_the_same_rows():
    estimate = answer("mistral-7b on 1x l4", "lora")
    text = render_text(estimate)
    for part in estimate.parts:
        assert part.sentence in text
    assert "per GPU" in text and "recommended (DeepSpeed/FSDP)" in text
    assert "vLLM" not in text
    blocks = str(answer_blocks(estimate))
    assert "Train on L4-24GB" in blocks and "DeepSpeed/FSDP:" in blocks
