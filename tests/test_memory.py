"""Weights per format and the footprint of a workload, with a known architecture."""

import pytest

from estimator import estimate
from estimator.model_names import find_model

GB = 10**9


def weights(text: str) -> int:
    return estimate(text).weights_bytes


def test_plain_dtypes_count_every_weight():
    params = find_model("llama-3.1-8b").model.params
    assert weights("llama-3.1-8b fp16") == params * 2
    assert weights("llama-3.1-8b int4") == params // 2


@pytest.mark.parametrize("fmt", ["gptq", "awq"])
def test_gptq_awq_keep_embeddings_and_lm_head_at_16_bits(fmt):
    # FACTS.md: Llama-3-8B AWQ ≈ 6.98 B·4.156/8 + 1.05 B·2 ≈ 5.7 GB
    assert weights(f"llama-3.1-8b {fmt}") == pytest.approx(5.7 * GB, rel=0.02)
    # and Llama-3-70B AWQ ≈ 39.8 GB
    assert weights(f"llama-3.1-70b {fmt}") == pytest.approx(39.8 * GB, rel=0.02)


def test_a_bare_size_has_no_embeddings_to_keep():
    assert weights("8B gptq") == 4_156_000_000  # 8e9 x 4.156 bits / 8, every weight quantised


def test_mxfp4_quantises_only_the_experts_of_gpt_oss():
    model = find_model("gpt-oss-120b").model
    groups = model.param_groups()
    expected = (groups.experts * 4.25 + (model.params - groups.experts) * 16) / 8
    assert weights("gpt-oss-120b") == pytest.approx(expected, abs=1)
    # gpt-oss-120b ships as a ~65 GB checkpoint (MXFP4 experts, bf16 rest)
    assert weights("gpt-oss-120b") == pytest.approx(65 * GB, rel=0.05)


def test_moe_weights_count_every_expert():
    assert weights("mixtral-8x7b fp16") == find_model("mixtral-8x7b").model.params * 2


def test_workload_replaces_the_allowance():
    answer = estimate("llama-3.1-8b fp16 ctx=8k users=4")
    assert answer.kv_bytes_per_token == 131_072
    assert answer.kv_cache_bytes == 131_072 * 8_192 * 4
    assert (
        answer.total_bytes == answer.weights_bytes + answer.kv_cache_bytes + answer.overhead_bytes
    )
    # vLLM's profile on the first card (A100: 2,048 batched tokens): the forward's MLP outweighs
    # the sampler over 4 requests; then non-torch memory and CUDA graphs.
    forward = 2048 * 2 * (3 * 14_336 + 4 * 4096)
    sampler = 4 * 128_256 * (2 + 13) + 2048 * 4096 * 2
    assert forward > sampler
    assert answer.overhead_bytes == forward + 268_435_456 + 901_943_132


def test_fp8_kv_cache_halves_it():
    half = estimate("llama-3.1-8b ctx=8k kv=fp8").kv_cache_bytes
    assert half * 2 == estimate("llama-3.1-8b ctx=8k").kv_cache_bytes


def test_mla_cache_of_deepseek():
    answer = estimate("deepseek-v3 ctx=4096")
    assert answer.kv_bytes_per_token == 70_272
    assert answer.kv_cache_bytes == 70_272 * 4096


def test_sliding_window_layers_hold_only_their_window():
    answer = estimate("gemma-2-27b ctx=32k")
    assert answer.kv_cache_bytes_full_attention is not None
    assert answer.kv_cache_bytes < answer.kv_cache_bytes_full_attention
    assert any("Sliding-window" in note for note in answer.assumptions)


def test_bare_size_with_workload_borrows_the_closest_architecture():
    answer = estimate("70B int4 ctx=32k users=20")
    assert answer.kv_cache_bytes == 327_680 * 32_768 * 20
    assert any("Llama 3.1 70B" in note or "Llama 3.3 70B" in note for note in answer.assumptions)


def test_every_model_ships_in_a_format_the_table_knows():
    from estimator.models import ALL_MODELS
    from estimator.precisions import find_precision

    unknown = [m.key for m in ALL_MODELS if find_precision(m.native_precision) is None]
    assert unknown == []


def test_deepseek_v3_ships_block_fp8_with_bf16_embeddings():
    answer = estimate("deepseek-v3")
    assert answer.query.precision.name == "fp8-block"
    # 669.2 B linear weights at 8.002 bits + 1.85 B embedding/lm_head at 16 bits
    assert answer.weights_bytes == pytest.approx(673.0 * GB, rel=0.001)
