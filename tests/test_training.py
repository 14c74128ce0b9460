"""Training memory: the arithmetic of each part, ZeRO's division, the fewest cards."""

from dataclasses import replace

import pytest

from estimator import parse
from estimator.errors import QueryError
from estimator.gpus import find_gpu
from estimator.models import MODELS_BY_KEY
from estimator.training import activation_bytes, lora_params, targeted_layers
from estimator.training_data import QLORA_BITS, RESERVE_BYTES, find_optimizer
from estimator.training_options import TrainingOptions
from estimator.training_plan import fewest, layout, on_requested
from estimator.training_setup import resolve

H100 = find_gpu("h100")
RTX_3090 = find_gpu("rtx 3090")


def setup_for(text: str, method: str, **options):
    query = parse(text)
    if "optimizer" in options:
        options["optimizer"] = find_optimizer(options["optimizer"])
    return resolve(
        TrainingOptions(method, **options),
        query.params,
        query.model,
        query.precision,
        query.precision_given,
    ).setup


def test_full_fine_tune_holds_16_bytes_per_parameter_and_its_activations():
    setup = setup_for("llama-3.1-8b", "full")
    parts = setup.replica()
    params = MODELS_BY_KEY["llama-3.1-8b"].params
    assert (parts.weights, parts.gradients, parts.optimizer) == (
        2 * params,
        2 * params,
        12 * params,
    )
    # Korthikanti with FlashAttention: 34·s·b·h per layer, 32 layers, h 4096, s 2048, b 1
    assert parts.activations == 34 * 2048 * 4096 * 32
    assert parts.logits == 4 * 2048 * 128_256
    assert parts.reserve == RESERVE_BYTES
    assert parts.total == sum(
        (
            parts.weights,
            parts.gradients,
            parts.optimizer,
            parts.activations,
            parts.logits,
            parts.reserve,
        )
    )


def test_gradient_checkpointing_keeps_layer_inputs_and_one_recomputed_layer():
    model = MODELS_BY_KEY["llama-3.1-8b"]
    tokens = 4 * 2048
    assert activation_bytes(model, tokens, True) == (2 * 32 + 34) * tokens * 4096
    assert activation_bytes(model, tokens, True) < activation_bytes(model, tokens, False) / 10


def test_zero_stages_divide_what_the_paper_says():
    setup = setup_for("7.5B", "full")
    whole = setup.replica()
    zero1, zero2, zero3 = (
        layout(setup, H100, 8, stage).parts for stage in ("zero1", "zero2", "zero3")
    )
    assert zero1.optimizer == whole.optimizer / 8 and zero1.gradients == whole.gradients
    assert zero2.gradients == whole.gradients / 8 and zero2.weights == whole.weights
    assert zero3.weights - zero3.gathered == whole.weights / 8 and zero3.gathered > 0
    for parts in (zero1, zero2, zero3):  # each GPU still runs its own micro-batch
        assert (parts.activations, parts.logits, parts.reserve) == (
            whole.activations, whole.logits, whole.reserve
        )  # fmt: skip
    assert layout(setup, H100, 8, "fsdp").parts == zero3


def test_more_gpus_never_need_more_memory_each():
    setup = setup_for("llama-3.1-70b", "full", gradient_checkpointing=True)
    sizes = [layout(setup, H100, count, "zero3").per_gpu_bytes for count in range(1, 65)]
    assert sizes == sorted(sizes, reverse=True)


def test_fewest_cards_is_the_smallest_count_that_holds_it():
    setup = setup_for("llama-3.1-70b", "full", gradient_checkpointing=True)
    least = fewest(setup, H100, None)
    assert least.sharding == "zero3" and least.fits
    assert not layout(setup, H100, least.count - 1, "zero3").fits
    small = setup_for("llama-3.2-1b", "lora")
    assert fewest(small, H100, None).count == 1
    assert fewest(small, H100, None).sharding == "none"


def test_no_count_holds_what_does_not_shard():
    setup = setup_for("llama-3.1-70b", "full", micro_batch=16, seq_len=32768)
    assert fewest(setup, H100, None) is None


def test_several_gpus_named_shard_only_when_one_cannot_hold_it():
    small = setup_for("llama-3.1-8b", "qlora")
    assert on_requested(small, H100, 4, None).sharding == "none"
    big = setup_for("llama-3.1-70b", "full")
    assert on_requested(big, H100, 8, None).sharding == "zero3"
    assert on_requested(big, H100, 8, "zero2").sharding == "zero2"


def test_lora_counts_come_from_the_linear_shapes():
    model = MODELS_BY_KEY["llama-3.1-8b"]
    # q 4096->4096, v 4096->1024, 32 layers, rank 8: 8·(8192 + 5120)·32
    assert lora_params(model, 8, "qv") == 8 * (8192 + 5120) * 32
    assert lora_params(model, 16, "all") == 41_943_040
    assert all(layer.name != "lm_head" for layer in targeted_layers(model, "all"))


def test_lora_on_moe_includes_the_routed_experts_when_targeted():
    model = MODELS_BY_KEY["mixtral-8x7b"]
    every = lora_params(model, 16, "all")
    attention = lora_params(model, 16, "qkvo")
    expert_layers = [layer for layer in targeted_layers(model, "all") if "experts" in layer.name]
    assert expert_layers and every > 5 * attention


def test_qlora_base_is_nf4_with_double_quantisation_and_16_bit_embeddings():
    setup = setup_for("llama-3.1-8b", "qlora")
    model = MODELS_BY_KEY["llama-3.1-8b"]
    groups = model.param_groups()
    adapters = setup.trainable_params
    frozen = setup.replica().weights - 2 * adapters
    expected = (model.params - groups.embedding) * QLORA_BITS / 8 + groups.embedding * 2
    assert abs(frozen - expected) <= 1
    assert setup.gradient_checkpointing and setup.rank == 16


def test_qlora_on_a_bare_size_uses_the_stand_in_share_of_embeddings():
    setup = setup_for("65B", "qlora")
    frozen = setup.replica().weights - 2 * setup.trainable_params
    assert 65e9 * 4.127 / 8 < frozen < 65e9 * 0.6


def test_dpo_adds_a_reference_copy_and_doubles_the_sequences():
    full = setup_for("qwen2.5-7b", "full").replica()
    dpo = setup_for("qwen2.5-7b", "dpo").replica()
    params = MODELS_BY_KEY["qwen2.5-7b"].params
    assert dpo.weights == full.weights + 2 * params
    assert dpo.activations == 2 * full.activations and dpo.logits == 2 * full.logits
    adapters = setup_for("qwen2.5-7b", "dpo", adapter="lora").replica()
    lora = setup_for("qwen2.5-7b", "lora").replica()
    assert adapters.weights == lora.weights  # the reference is the base with adapters off


def test_optimizers():
    adam = setup_for("llama-3.1-8b", "full").replica().optimizer
    eight_bit = setup_for("llama-3.1-8b", "full", optimizer="adamw8bit").replica().optimizer
    sgd = setup_for("llama-3.1-8b", "full", optimizer="sgd").replica().optimizer
    adafactor = setup_for("llama-3.1-8b", "full", optimizer="adafactor").replica().optimizer
    params = MODELS_BY_KEY["llama-3.1-8b"].params
    assert (adam, eight_bit, sgd) == (12 * params, 6 * params, 8 * params)
    assert 4 * params < adafactor < 4.01 * params  # master copy + row/column sums


@pytest.mark.parametrize(
    ("text", "method", "options", "message"),
    [
        ("70B fp16", "qlora", {}, "QLoRA trains adapters on a 4-bit NF4 base"),
        ("llama-3.1-8b int4", "full", {}, "Full training updates bf16 weights"),
        ("deepseek-v3", "lora", {"targets": "qv"}, "has no layers for targets=qv"),
    ],
)
def test_contradictions_are_refused(text, method, options, message):
    with pytest.raises(QueryError, match=message):
        setup_for(text, method, **options)


def test_a_bare_qlora_size_needs_no_format():
    setup = setup_for("70B", "qlora")
    assert setup.base_precision.bits == QLORA_BITS
    assert replace(setup, rank=8).trainable_params < setup.trainable_params
