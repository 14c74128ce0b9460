"""Attention specs: bytes per token of one layer on one GPU, and the tokens each kind keeps."""

import dataclasses
from fractions import Fraction

import pytest

from estimator.attention import (
    ChunkedLocalAttention,
    CrossAttention,
    FullAttention,
    LinearAttentionState,
    MultiLatentAttention,
    SlidingWindow,
    SparseMultiLatentAttention,
    sequence_kv_bytes,
)

FP16 = Fraction(16)
FP8 = Fraction(8)
Q8_0 = Fraction(17, 2)  # llama.cpp q8_0: 8.5 bits per element
Q4_0 = Fraction(9, 2)  # llama.cpp q4_0: 4.5 bits per element

LLAMA_70B_LAYER = FullAttention(kv_heads=8, head_dim=128)


def test_full_attention_counts_k_and_v_for_every_kv_head():
    # 2 (K, V) x 8 heads x 128 x 2 bytes
    assert LLAMA_70B_LAYER.bytes_per_token(FP16) == 4096


def test_full_attention_multi_head_opt_13b_layer():
    # vLLM paper: 2 x 5120 x 2 bytes per layer (40 heads of 128)
    assert FullAttention(kv_heads=40, head_dim=128).bytes_per_token(FP16) == 20480


@pytest.mark.parametrize(
    ("tensor_parallel", "expected"),
    [(1, 4096), (2, 2048), (4, 1024), (8, 512)],
)
def test_full_attention_splits_kv_heads_across_tensor_parallel_ranks(tensor_parallel, expected):
    assert LLAMA_70B_LAYER.bytes_per_token(FP16, tensor_parallel) == expected


@pytest.mark.parametrize("tensor_parallel", [16, 32, 64])
def test_kv_heads_are_replicated_when_ranks_outnumber_them(tensor_parallel):
    # 8 KV heads on 16+ ranks: every rank still holds one whole head
    assert LLAMA_70B_LAYER.bytes_per_token(FP16, tensor_parallel) == 512


def test_uneven_split_rounds_heads_up():
    # 8 heads on 3 ranks: the busiest rank holds 3
    assert LLAMA_70B_LAYER.bytes_per_token(FP16, 3) == 3 * 2 * 128 * 2


def test_mqa_single_kv_head_is_never_split():
    mqa = FullAttention(kv_heads=1, head_dim=256)
    assert mqa.bytes_per_token(FP16, 1) == mqa.bytes_per_token(FP16, 8) == 1024


def test_value_head_dim_can_differ_from_key_head_dim():
    assert FullAttention(kv_heads=1, head_dim=192, head_dim_v=128).bytes_per_token(FP16) == 640


@pytest.mark.parametrize(
    ("kv_bits", "expected"),
    [(FP16, 4096), (FP8, 2048), (Q8_0, 2176), (Q4_0, 1152), (16, 4096)],
)
def test_kv_element_sizes(kv_bits, expected):
    assert LLAMA_70B_LAYER.bytes_per_token(kv_bits) == expected


def test_bytes_stay_exact_fractions():
    per_token = FullAttention(kv_heads=1, head_dim=1).bytes_per_token(Q8_0)
    assert per_token == Fraction(17, 8)
    assert isinstance(per_token, Fraction)


def test_mla_caches_latent_plus_rope_key_once_no_times_two():
    # DeepSeek-V3: (512 + 64) elements x 2 bytes
    mla = MultiLatentAttention(kv_lora_rank=512, qk_rope_head_dim=64)
    assert mla.bytes_per_token(FP16) == 1152
    assert mla.bytes_per_token(FP8) == 576


@pytest.mark.parametrize("tensor_parallel", [1, 2, 8, 16])
def test_mla_latent_is_not_split_by_tensor_parallelism(tensor_parallel):
    mla = MultiLatentAttention(kv_lora_rank=512, qk_rope_head_dim=64)
    assert mla.bytes_per_token(FP16, tensor_parallel) == 1152


def test_sliding_window_holds_at_most_its_window():
    sliding = SlidingWindow(kv_heads=8, head_dim=256, window=4096)
    assert sliding.tokens_held(100) == 100
    assert sliding.tokens_held(4096) == 4096
    assert sliding.tokens_held(131072) == 4096


def test_sliding_window_token_costs_the_same_as_full_attention():
    sliding = SlidingWindow(kv_heads=8, head_dim=256, window=4096)
    full = FullAttention(kv_heads=8, head_dim=256)
    for tensor_parallel in (1, 2, 8, 16):
        assert sliding.bytes_per_token(FP16, tensor_parallel) == full.bytes_per_token(
            FP16, tensor_parallel
        )
    assert sliding.as_full_attention() == full


def test_full_attention_and_mla_hold_the_whole_context():
    assert LLAMA_70B_LAYER.tokens_held(131072) == 131072
    assert MultiLatentAttention(512, 64).tokens_held(163840) == 163840


@pytest.mark.parametrize("tensor_parallel", [0, -1])
def test_tensor_parallel_must_be_positive(tensor_parallel):
    with pytest.raises(ValueError):
        LLAMA_70B_LAYER.bytes_per_token(FP16, tensor_parallel)
    with pytest.raises(ValueError):
        MultiLatentAttention(512, 64).bytes_per_token(FP16, tensor_parallel)


def test_tensor_parallel_must_be_an_int():
    with pytest.raises(TypeError):
        LLAMA_70B_LAYER.bytes_per_token(FP16, 2.0)


def test_kv_bits_must_be_positive():
    with pytest.raises(ValueError):
        LLAMA_70B_LAYER.bytes_per_token(Fraction(0))


def test_specs_are_frozen_values():
    with pytest.raises(dataclasses.FrozenInstanceError):
        LLAMA_70B_LAYER.kv_heads = 4
    assert FullAttention(8, 128) == LLAMA_70B_LAYER
    assert len({FullAttention(8, 128), LLAMA_70B_LAYER}) == 1


# ------------------------------------------------------------------ chunked local attention
# Llama 4 Scout/Maverick config.json: attention_chunk_size 8192, 8 KV heads of 128.
LLAMA_4_CHUNKED = ChunkedLocalAttention(kv_heads=8, head_dim=128, chunk=8192)


def test_chunked_layer_holds_one_chunk_at_full_attention_cost():
    assert LLAMA_4_CHUNKED.bytes_per_token(FP16) == 2 * 8 * 128 * 2
    assert LLAMA_4_CHUNKED.bytes_per_token(FP16, 8) == 2 * 1 * 128 * 2
    assert LLAMA_4_CHUNKED.tokens_held(1000) == 1000
    assert LLAMA_4_CHUNKED.tokens_held(10_000_000) == 8192
    assert LLAMA_4_CHUNKED.state_bytes() == 0


def test_chunked_layers_are_paged_like_full_attention_when_not_windowed():
    layers = ((LLAMA_4_CHUNKED, 36), (FullAttention(8, 128), 12))
    windowed = sequence_kv_bytes(layers, 131072, FP16, block_tokens=16)
    full = sequence_kv_bytes(layers, 131072, FP16, block_tokens=16, windowed=False)
    assert windowed == 36 * 8192 * 4096 + 12 * 131072 * 4096
    assert full == 48 * 131072 * 4096


# ------------------------------------------------------------------ linear attention state
# Qwen3-Next-80B-A3B config.json: linear_num_key_heads 16, linear_num_value_heads 32,
# linear_key_head_dim 128, linear_value_head_dim 128, linear_conv_kernel_dim 4. vLLM
# gated_delta_net_state_shape: conv (8192, 3) + recurrent (32, 128, 128), in bf16.
QWEN3_NEXT_GDN = LinearAttentionState.gated_deltanet(16, 32, 128, 128, 4)


def test_gated_deltanet_state_per_sequence():
    assert QWEN3_NEXT_GDN.state_bytes() == (8192 * 3 + 32 * 128 * 128) * 2 == 1_097_728
    assert QWEN3_NEXT_GDN.state_bytes(2) == (4096 * 3 + 16 * 128 * 128) * 2
    assert QWEN3_NEXT_GDN.bytes_per_token(FP16) == 0
    assert QWEN3_NEXT_GDN.tokens_held(262144) == 0


def test_lightning_attention_state_per_sequence():
    # MiniMax-Text-01: 64 heads of 128; vLLM linear_attention_state_shape (64/tp, 128, 128)
    lightning = LinearAttentionState.lightning(heads=64, head_dim=128)
    assert lightning.state_bytes() == 64 * 128 * 128 * 2 == 2_097_152
    assert lightning.state_bytes(8) == 8 * 128 * 128 * 2


def test_linear_state_does_not_grow_with_context():
    layers = ((QWEN3_NEXT_GDN, 36), (FullAttention(2, 256), 12))
    short = sequence_kv_bytes(layers, 16, FP16, block_tokens=16)
    long = sequence_kv_bytes(layers, 16 * 1000, FP16, block_tokens=16)
    per_token = 12 * 2 * 2 * 256 * 2
    assert short == 36 * 1_097_728 + 16 * per_token
    assert long - short == (16 * 1000 - 16) * per_token
    assert sequence_kv_bytes(layers, 0, FP16, block_tokens=16) == 36 * 1_097_728


# ------------------------------------------------------------------ DeepSeek sparse attention
# DeepSeek-V3.2-Exp config.json: kv_lora_rank 512, qk_rope_head_dim 64, index_head_dim 128.
V32 = SparseMultiLatentAttention(kv_lora_rank=512, qk_rope_head_dim=64, index_head_dim=128)


def test_sparse_mla_adds_the_indexer_key_cache():
    assert V32.indexer_bytes_per_token() == 128 + 4  # fp8 values + one float32 scale
    assert V32.bytes_per_token(FP16) == (512 + 64) * 2 + 132
    assert V32.bytes_per_token(FP16, 8) == (512 + 64) * 2 + 132  # not split by TP


def test_sparse_mla_fp8_uses_vllms_fp8_ds_mla_layout():
    assert V32.bytes_per_token(FP8) == 656 + 132


# ------------------------------------------------------------------ paging


def test_block_size_is_the_engines():
    layers = ((LLAMA_70B_LAYER, 80),)
    assert sequence_kv_bytes(layers, 17, FP16, block_tokens=16) == 32 * 80 * 4096
    assert sequence_kv_bytes(layers, 17, FP16, block_tokens=1) == 17 * 80 * 4096
    assert sequence_kv_bytes(layers, 17, FP16, block_tokens=64) == 64 * 80 * 4096
    with pytest.raises(ValueError):
        sequence_kv_bytes(layers, 17, FP16, block_tokens=0)


# ------------------------------------------------------------------ cross-attention
# Llama 3.2 Vision: one image of 4 tiles x (40 x 40 patches + 1 class token) = 6,404 tokens.
def test_cross_attention_holds_the_image_tokens_whatever_the_text():
    cross = CrossAttention(kv_heads=8, head_dim=128, encoder_tokens=6404)
    assert cross.bytes_per_token(FP16) == 4096
    assert cross.tokens_held(10) == cross.tokens_held(131072) == 6404
    layers = ((cross, 8),)
    assert sequence_kv_bytes(layers, 10, FP16, block_tokens=16) == 8 * 6416 * 4096
    assert sequence_kv_bytes(layers, 10, FP16, block_tokens=16, windowed=False) == 8 * 6416 * 4096
