"""The model catalog: computed parameters against published counts, KV cache against published
figures, and finding model names inside free-form questions."""

import dataclasses
import json
import time
from fractions import Fraction
from pathlib import Path

import pytest

from estimator.attention import (
    ChunkedLocalAttention,
    CrossAttention,
    FullAttention,
    LinearAttentionState,
    MultiLatentAttention,
    SlidingWindow,
    SparseMultiLatentAttention,
)
from estimator.model_names import find_model, looks_like_model_name, suggest_models
from estimator.models import ALL_MODELS, MODELS_BY_KEY
from estimator.precisions import find_precision
from tests.kv import vllm_sequence_kv

FP16 = Fraction(16)
MODEL_KEYS = [model.key for model in ALL_MODELS]


# Families another developer adds under data/models/ (their figures are tested with them).
CATALOG_B_FAMILIES = (
    "mistral", "mixtral", "codestral", "devstral", "magistral", "ministral", "gemma", "phi",
    "command", "c4ai", "aya", "falcon", "yi", "olmo", "granite", "starcoder", "mpt", "bge",
    "e5", "nomic", "gpt-oss", "opt", "mathstral", "multilingual-e5", "mxbai", "all-minilm",
    "pixtral",
)  # fmt: skip


def model(key):
    return MODELS_BY_KEY[key]


# ------------------------------------------------------------------------- parameter counts

REQUIRED = [
    "llama-2-7b", "llama-2-13b", "llama-2-70b",
    "llama-3-8b", "llama-3-70b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b",
    "llama-3.2-1b", "llama-3.2-3b", "llama-3.3-70b",
    "mistral-7b", "mistral-nemo-12b", "mixtral-8x7b", "mixtral-8x22b",
    "qwen2.5-7b", "qwen2.5-14b", "qwen2.5-32b", "qwen2.5-72b",
    "qwen3-8b", "qwen3-14b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-235b-a22b",
    "gemma-2-9b", "gemma-2-27b", "gemma-3-1b", "gemma-3-4b", "gemma-3-12b", "gemma-3-27b",
    "phi-3-mini", "phi-3-medium", "deepseek-v3", "deepseek-r1", "gpt-oss-20b", "gpt-oss-120b",
    "falcon-40b", "falcon-180b", "opt-13b",
]  # fmt: skip

# Published counts, carried here so that a change to the catalog cannot move the target.
PUBLISHED_PARAMS = {
    # ../shared/reference/cases.json params-llama-3.1-8b: llama.cpp 'model params = 8.03 B';
    # exact: 8,030,261,248 (vocab 128256 untied, 32 layers, hidden 4096, ffn 14336, 8 KV heads)
    "llama-3.1-8b": 8_030_261_248,
    # cases.json params-llama-3.1-70b: GitHub ollama/ollama #10553 'model params = 70.55 B'
    "llama-3.1-70b": 70_553_706_496,
    # cases.json params-llama-3.1-405b: exact from config, 405,853,388,800
    "llama-3.1-405b": 405_853_388_800,
    # cases.json params-mixtral-8x7b: Mistral docs 'Mixtral-8x7B-v0.1 | 46.7B'; exact
    "mixtral-8x7b": 46_702_792_704,
    # cases.json params-deepseek-v3: README '671B total parameters' (main model, no MTP)
    "deepseek-v3": 671_026_419_200,
    # gpt-oss model card: 'they technically have 116.8B and 20.9B parameters'
    "gpt-oss-20b": 20_914_757_184,
    "gpt-oss-120b": 116_829_156_672,
    # Hub (safetensors) counts, vision encoders included
    "llama-4-scout": 108_641_793_536,
    "llama-4-maverick": 401_583_781_376,
    "llama-3.2-vision-11b": 10_670_220_835,
    "llama-3.3-nemotron-super-49b": 49_867_145_216,
}

# Checkpoints that store the tied lm_head a second time: the Hub count (= params) includes it,
# the model as loaded (transformers, vLLM PR #3590) does not. Exact difference: vocab x hidden.
DUPLICATED_LM_HEAD = {"falcon-7b", "falcon-40b", "falcon-180b", "starcoder-15b"}

# Published only as a nominal size: OPT paper Table 1 says '13B'.
NOMINAL_ONLY = {"opt-13b": 13_000_000_000}


# Issue 8's families (catalog-a): each model's published figure, carried with its source in
# tests/data/model_figures.json. The catalog's exact count must equal a Hub count
# (tolerance 0) or lie within 1 % of a card's rounded figure.
FIGURES = json.loads((Path(__file__).parent / "data" / "model_figures.json").read_text())["figures"]


def _measured(entry, measure: str) -> int:
    groups = entry.param_groups()
    return groups.total if measure == "total" else groups.total - groups.embedding


@pytest.mark.parametrize(
    "figure", FIGURES, ids=[f"{f['model']}-{f['measure']}-{f['tolerance_pct']}" for f in FIGURES]
)
def test_params_match_the_published_figures_of_the_new_families(figure):
    assert figure["source"].strip()
    computed = _measured(model(figure["model"]), figure["measure"])
    assert abs(computed - figure["params"]) <= figure["params"] * figure["tolerance_pct"] / 100


def test_every_new_model_has_a_published_figure():
    old = set(REQUIRED) | {"llama-2-13b"}
    for key in MODEL_KEYS:
        if key not in old and not key.startswith(CATALOG_B_FAMILIES):
            assert key in {figure["model"] for figure in FIGURES}, key


def test_catalog_has_every_required_model():
    assert set(REQUIRED) <= set(MODEL_KEYS)


@pytest.mark.parametrize("key", MODEL_KEYS)
def test_computed_params_agree_with_published_within_half_a_percent(key):
    entry = model(key)
    computed = entry.param_groups().total
    if key in DUPLICATED_LM_HEAD:
        assert entry.tied_embeddings
        assert computed + entry.vocab_size * entry.hidden_size == entry.params
        assert "EXCEPTION" in entry.note
    else:
        assert abs(computed - entry.params) <= entry.params * 0.005


@pytest.mark.parametrize("key", sorted(set(MODEL_KEYS) - DUPLICATED_LM_HEAD))
def test_computed_params_are_exact(key):
    # Every published count in the catalog is an exact tensor count, so the architecture must
    # reproduce it to the parameter.
    assert model(key).param_groups().total == model(key).params


@pytest.mark.parametrize(("key", "published"), PUBLISHED_PARAMS.items())
def test_params_match_the_published_figures(key, published):
    assert model(key).params == published
    assert model(key).param_groups().total == published


@pytest.mark.parametrize(("key", "nominal"), NOMINAL_ONLY.items())
def test_nominal_size_is_close(key, nominal):
    assert abs(model(key).param_groups().total - nominal) <= nominal * 0.015


def test_dense_model_groups():
    groups = model("llama-3.1-8b").param_groups()
    assert groups.embedding == 2 * 128256 * 4096  # embedding + untied lm_head
    assert groups.experts == 0
    assert groups.total == groups.embedding + groups.experts + groups.other


def test_tied_embeddings_count_once():
    assert model("llama-3.2-1b").param_groups().embedding == 128256 * 2048


def test_learned_position_embeddings_count_as_embedding():
    assert model("opt-13b").param_groups().embedding == (50272 + 2050) * 5120


def test_moe_expert_groups():
    assert model("mixtral-8x7b").param_groups().experts == 32 * 8 * 3 * 4096 * 14336
    # DeepSeek: the first 3 layers are dense, the shared expert is not a routed expert
    assert model("deepseek-v3").param_groups().experts == 58 * 256 * 3 * 7168 * 2048
    # gpt-oss: expert weights only; their biases stay in bf16 with `other`
    assert model("gpt-oss-20b").param_groups().experts == 24 * 32 * 3 * 2880 * 2880


def test_gemma_3_params_include_the_vision_tower():
    gemma = model("gemma-3-27b")
    assert gemma.params - gemma.vision_params == 27_009_346_304  # text decoder
    assert model("gemma-3-1b").vision_params == 0


def test_deepseek_params_exclude_the_mtp_module():
    # 685B on the Hub = 671B main model + the MTP layer; vLLM loads it only for speculation.
    assert model("deepseek-v3").params == 671_026_419_200
    assert "MTP" in model("deepseek-v3").params_source


def test_llama_3_and_3_1_differ_only_in_native_context():
    for size in ("8b", "70b"):
        llama_3, llama_3_1 = model(f"llama-3-{size}"), model(f"llama-3.1-{size}")
        assert llama_3.native_context == 8192
        assert llama_3_1.native_context == 131072
        assert llama_3.param_groups() == llama_3_1.param_groups()
        assert llama_3.attention_layers() == llama_3_1.attention_layers()


def test_explicit_head_dims():
    assert model("mistral-nemo-12b").head_dim == 128  # 32 heads x 128 != hidden 5120
    assert model("qwen3-8b").head_dim == 128
    assert model("gemma-2-9b").head_dim == 256
    assert model("gpt-oss-120b").head_dim == 64
    assert model("llama-3.1-70b").head_dim == 8192 // 64


@pytest.mark.parametrize("key", MODEL_KEYS)
def test_every_entry_is_sourced_and_well_formed(key):
    entry = model(key)
    assert entry.key == entry.key.lower()
    assert entry.source.strip() and entry.params_source.strip()
    assert "/" in entry.hf_id
    assert find_precision(entry.native_precision) is not None
    assert entry.native_context > 0
    assert entry.is_moe == (entry.experts > 0)


def test_native_precisions():
    assert model("deepseek-v3").native_precision == "fp8-block"
    assert model("deepseek-r1").native_precision == "fp8-block"
    assert model("gpt-oss-20b").native_precision == "mxfp4"
    assert model("llama-3.1-70b").native_precision == "bf16"


def test_inconsistent_architecture_is_rejected():
    with pytest.raises(ValueError, match="sliding_window"):
        dataclasses.replace(model("llama-3.1-8b"), sliding_layers=4)
    with pytest.raises(ValueError, match="native_precision"):
        dataclasses.replace(model("llama-3.1-8b"), native_precision="fp12")
    with pytest.raises(ValueError, match="experts"):
        dataclasses.replace(model("llama-3.1-8b"), experts=8)


# ------------------------------------------------------------------------- KV cache
# Published figures from ../shared/reference/cases.json, with their sources.

KV_PER_TOKEN_CASES = [
    # vllm-paper-opt13b-kv-per-token: Kwon et al., 'Efficient Memory Management for Large
    # Language Model Serving with PagedAttention' (vLLM paper, SOSP 2023, arXiv 2309.06180),
    # Section 3: '2 x 5120 x 40 x 2' = 800 KiB
    ("opt-13b", 819_200),
    # hf-l31-kv-70b-per-token: Hugging Face blog 'Llama 3.1 - 405B, 70B & 8B with
    # multilinguality and long context', 'Inference Memory Requirements' (1k column)
    ("llama-3.1-70b", 327_680),
    # hf-l31-kv-8b-1k: same blog, 8B 1k column, 134,217,728 B / 1024 tokens
    ("llama-3.1-8b", 131_072),
    # deepseek-v3-mla-kv-per-token: DeepSeek-V2 paper (arXiv 2405.04434) Table 1 formula +
    # GitHub deepseek-ai/DeepSeek-V3 inference/configs/config_671B.json: 61 x (512 + 64) x 2
    ("deepseek-v3", 70_272),
    ("deepseek-r1", 70_272),
    # Hand-computed from each config.json (the formulas above; kv = K + V unless MLA):
    ("kimi-k2", 61 * (512 + 64) * 2),  # MLA like V3: 70,272
    ("deepseek-v2", 60 * (512 + 64) * 2),
    ("deepseek-v2-lite", 27 * (512 + 64) * 2),
    # V3.2: MLA latent + the indexer's 128 fp8 values and 1 float32 scale per layer
    ("deepseek-v3.2-exp", 61 * ((512 + 64) * 2 + 132)),
    ("glm-4.5", 92 * 2 * 8 * 128 * 2),
    ("glm-4-9b-0414", 40 * 2 * 2 * 128 * 2),
    ("minimax-m2", 62 * 2 * 8 * 128 * 2),
    ("qwen3-next-80b-a3b", 12 * 2 * 2 * 256 * 2),  # only the 12 full-attention layers
    ("minimax-text-01", 10 * 2 * 8 * 128 * 2),  # only the 10 softmax layers
    ("qwen2.5-0.5b", 24 * 2 * 2 * 64 * 2),
    ("qwq-32b", 64 * 2 * 8 * 128 * 2),
    ("codellama-34b", 48 * 2 * 8 * 128 * 2),
    ("llama-1-65b", 80 * 2 * 64 * 128 * 2),
    # Nemotron Super: only the 49 of 80 blocks that attend (8 KV heads). A public fixture
    # that reads this config (block_configs) gets the same '196' KiB per token.
    ("llama-3.3-nemotron-super-49b", 49 * 2 * 8 * 128 * 2),
    ("llama-3.1-nemotron-ultra-253b", 64 * 2 * 8 * 128 * 2),  # 64 of 162 blocks attend
]

KV_SEQUENCE_CASES = [
    # vllm-paper-opt13b-kv-2048: vLLM paper (arXiv 2309.06180), Section 3 ('1.6 GB')
    ("opt-13b", 2048, 1_677_721_600),
    # llamacpp-l2-7b-kv512: GitHub ggml-org/llama.cpp issue #2792, 'kv self size = 256.00 MB'
    # (MiB): 2 x 32 x 4096 x 2 B x 512
    ("llama-2-7b", 512, 268_435_456),
    # hf-l31-kv-*: Hugging Face blog 'Llama 3.1 - 405B, 70B & 8B ...', KV cache table ('GB' is
    # GiB; '1k' = 1024 tokens but '16k' = 16000 and '128k' = 128000)
    ("llama-3.1-8b", 1024, 134_217_728),
    ("llama-3.1-8b", 16000, 2_097_152_000),
    ("llama-3.1-8b", 128000, 16_777_216_000),
    ("llama-3.1-70b", 1024, 335_544_320),
    ("llama-3.1-70b", 16000, 5_242_880_000),
    ("llama-3.1-70b", 128000, 41_943_040_000),
    # hf-l31-kv-405b-128k: the blog's 123.05 GiB is 2x too high (16 KV heads, Meta's mp16
    # re-shard; huggingface/blog #2345); the 8-KV-head HF checkpoint: 126 x 8 x 128 x 2 x 2 B
    ("llama-3.1-405b", 128000, 66_060_288_000),
    # Hybrids: the full-attention layers grow, every linear layer adds its fixed state
    # (vLLM gated_delta_net_state_shape: (8192 x 3 + 32 x 128 x 128) x 2 B = 1,097,728 B;
    # linear_attention_state_shape: 64 x 128 x 128 x 2 B = 2,097,152 B)
    ("qwen3-next-80b-a3b", 32768, 12 * 32768 * 2048 + 36 * 1_097_728),
    ("minimax-text-01", 1_000_000, 10 * 1_000_000 * 4096 + 70 * 2_097_152),
    ("deepseek-v3.2-exp", 163840, 163840 * 61 * 1284),
    # Llama 4: 36 chunked layers hold at most one 8,192-token chunk, 12 global layers all
    ("llama-4-scout", 131072, 36 * 8192 * 4096 + 12 * 131072 * 4096),
    ("llama-4-maverick", 4096, 48 * 4096 * 4096),  # below one chunk every layer holds all
    # Llama 3.2 Vision: 32 self-attention layers + 8 cross-attention layers holding one
    # image's 6,404 encoder tokens (400.25 blocks -> 6,416 tokens)
    ("llama-3.2-vision-11b", 8192, 32 * 8192 * 4096 + 8 * 6416 * 4096),
]


@pytest.mark.parametrize(("key", "expected"), KV_PER_TOKEN_CASES)
def test_kv_bytes_per_token_matches_published(key, expected):
    assert model(key).kv_bytes_per_token(FP16) == expected


@pytest.mark.parametrize(("key", "context", "expected"), KV_SEQUENCE_CASES)
def test_kv_bytes_per_sequence_matches_published(key, context, expected):
    assert vllm_sequence_kv(model(key), context, FP16) == expected


def test_attention_kinds_per_model():
    assert model("llama-3.1-70b").attention_layers() == ((FullAttention(8, 128), 80),)
    assert model("deepseek-v3").attention_layers() == ((MultiLatentAttention(512, 64), 61),)
    assert model("gemma-2-9b").attention_layers() == (
        (SlidingWindow(8, 256, 4096), 21),
        (FullAttention(8, 256), 21),
    )
    assert model("gemma-3-27b").attention_layers() == (
        (SlidingWindow(16, 128, 1024), 52),
        (FullAttention(16, 128), 10),
    )
    assert model("gpt-oss-120b").attention_layers() == (
        (SlidingWindow(8, 64, 128), 18),
        (FullAttention(8, 64), 18),
    )
    assert model("qwen3-next-80b-a3b").attention_layers() == (
        (LinearAttentionState.gated_deltanet(16, 32, 128, 128, 4), 36),
        (FullAttention(2, 256), 12),
    )
    assert model("minimax-text-01").attention_layers() == (
        (LinearAttentionState.lightning(64, 128), 70),
        (FullAttention(8, 128), 10),
    )
    assert model("llama-4-scout").attention_layers() == (
        (ChunkedLocalAttention(8, 128, 8192), 36),
        (FullAttention(8, 128), 12),
    )
    assert model("llama-3.2-vision-90b").attention_layers() == (
        (CrossAttention(8, 128, 6404), 20),
        (FullAttention(8, 128), 80),
    )
    assert model("deepseek-v3.2-exp").attention_layers() == (
        (SparseMultiLatentAttention(512, 64, 128), 61),
    )


@pytest.mark.parametrize("key", MODEL_KEYS)
def test_sliding_layer_counts_follow_the_published_patterns(key):
    entry = model(key)
    if key.startswith(("gemma-2", "gpt-oss")):  # even layers slide, odd layers are global
        expected = sum(1 for layer in range(entry.layers) if layer % 2 == 0)
    elif key.startswith("gemma-3n"):  # of the cache-owning layers, (i + 1) % 5 == 0 is global
        cached = entry.layers - entry.kv_shared_layers
        expected = sum(1 for layer in range(cached) if (layer + 1) % 5)
    elif key.startswith("gemma-3"):  # layer i is global when (i + 1) % 6 == 0
        expected = sum(1 for layer in range(entry.layers) if (layer + 1) % 6)
    elif key in ("command-r7b", "command-a-111b"):  # Cohere2: global when (i + 1) % 4 == 0
        expected = sum(1 for layer in range(entry.layers) if (layer + 1) % 4)
    else:
        expected = 0
    assert entry.sliding_layers == expected
    assert entry.has_sliding_window == (expected > 0)
    # an encoder keeps no KV cache; a NAS block without attention neither
    # (Gemma 3n's KV-shared layers read earlier layers' cache)
    cached = entry.layers - entry.attention_free_layers - entry.kv_shared_layers
    cached_layers = 0 if entry.is_embedding else cached
    assert sum(count for _, count in entry.attention_layers()) == cached_layers


def test_sliding_layers_are_charged_in_full_per_token():
    # the conservative figure: all 42 layers x 2 x 8 x 256 x 2 B
    assert model("gemma-2-9b").kv_bytes_per_token(FP16) == 42 * 8192


def test_sliding_window_caps_tokens_held_when_windowed():
    gemma = model("gemma-2-9b")
    per_layer_token = 8192
    windowed = vllm_sequence_kv(gemma, 8192, FP16)
    full = vllm_sequence_kv(gemma, 8192, FP16, windowed=False)
    assert windowed == 21 * 4096 * per_layer_token + 21 * 8192 * per_layer_token
    assert full == 42 * 8192 * per_layer_token
    # below the window both are the same
    assert vllm_sequence_kv(gemma, 4000, FP16) == vllm_sequence_kv(
        gemma, 4000, FP16, windowed=False
    )


def test_context_rounds_up_to_16_token_blocks():
    llama = model("llama-3.1-8b")
    assert vllm_sequence_kv(llama, 0, FP16) == 0
    assert vllm_sequence_kv(llama, 1, FP16) == 16 * 131_072
    assert vllm_sequence_kv(llama, 16, FP16) == 16 * 131_072
    assert vllm_sequence_kv(llama, 17, FP16) == 32 * 131_072


def test_window_is_rounded_up_to_whole_blocks():
    gemma = dataclasses.replace(model("gemma-2-9b"), sliding_window=100)
    sliding_bytes = 21 * 112 * 8192  # 100 tokens -> 7 blocks
    full_bytes = 21 * 8192 * 8192
    assert vllm_sequence_kv(gemma, 8192, FP16) == sliding_bytes + full_bytes


@pytest.mark.parametrize(
    ("tensor_parallel", "expected"),
    [(1, 327_680), (2, 163_840), (4, 81_920), (8, 40_960), (16, 40_960)],
)
def test_gqa_kv_per_gpu_splits_then_replicates(tensor_parallel, expected):
    assert model("llama-3.1-70b").kv_bytes_per_token(FP16, tensor_parallel) == expected


@pytest.mark.parametrize("tensor_parallel", [1, 2, 4, 8, 16])
def test_mla_kv_per_gpu_is_not_split(tensor_parallel):
    deepseek = model("deepseek-v3")
    assert deepseek.kv_bytes_per_token(FP16, tensor_parallel) == 70_272
    assert vllm_sequence_kv(deepseek, 1024, FP16, tensor_parallel) == 1024 * 70_272


def test_kv_per_sequence_per_gpu_under_tensor_parallelism():
    llama = model("llama-3.1-70b")
    assert vllm_sequence_kv(llama, 8192, FP16, 8) == 8192 * 40_960


@pytest.mark.parametrize(
    ("kv_bits", "expected"),
    [(Fraction(8), 163_840), (Fraction(17, 2), 174_080), (Fraction(9, 2), 92_160)],
)
def test_kv_formats_fp8_q8_0_q4_0(kv_bits, expected):
    assert model("llama-3.1-70b").kv_bytes_per_token(kv_bits) == expected


def test_bytes_are_rounded_up_once_at_the_end():
    # 3 layers x 2 x 1 x 1 element x 8.5 bits = 51/8 bytes per token: rounding per layer would
    # give 9, rounding the sum gives 7.
    tiny = dataclasses.replace(model("llama-3.1-8b"), kv_heads=1, head_dim=1, layers=3)
    assert tiny.kv_bytes_per_token(Fraction(17, 2)) == 7
    assert vllm_sequence_kv(tiny, 16, Fraction(17, 2)) == 102


def test_bad_context_is_refused():
    with pytest.raises(ValueError):
        vllm_sequence_kv(model("llama-3.1-8b"), -1, FP16)
    with pytest.raises(TypeError):
        vllm_sequence_kv(model("llama-3.1-8b"), 1.5, FP16)


# ------------------------------------------------------------------------- finding names

FOUND = [
    ("does llama-3.1-70b int4 fit on 2 h100", "llama-3.1-70b", "llama-3.1-70b"),
    ("Llama 3.1 70B fp16", "llama-3.1-70b", "Llama 3.1 70B"),
    ("llama3.1:70b", "llama-3.1-70b", "llama3.1:70b"),
    (
        "meta-llama/Llama-3.1-70B-Instruct ctx=8k",
        "llama-3.1-70b",
        "meta-llama/Llama-3.1-70B-Instruct",
    ),
    (
        "meta-llama/Meta-Llama-3.1-8B-Instruct",
        "llama-3.1-8b",
        "meta-llama/Meta-Llama-3.1-8B-Instruct",
    ),
    ("mixtral 8x7b int4", "mixtral-8x7b", "mixtral 8x7b"),
    ("Mixtral-8x7B-Instruct-v0.1", "mixtral-8x7b", "Mixtral-8x7B-Instruct-v0.1"),
    ("mixtral-8x22b on 8 h100", "mixtral-8x22b", "mixtral-8x22b"),
    ("deepseek-v3", "deepseek-v3", "deepseek-v3"),
    ("DeepSeek-V3-0324 fp8", "deepseek-v3", "DeepSeek-V3-0324"),
    ("DeepSeek-R1", "deepseek-r1", "DeepSeek-R1"),
    ("deepseek-ai/DeepSeek-R1 on h200", "deepseek-r1", "deepseek-ai/DeepSeek-R1"),
    ("deepseek-r1:671b", "deepseek-r1", "deepseek-r1:671b"),
    ("qwen3-30b-a3b", "qwen3-30b-a3b", "qwen3-30b-a3b"),
    ("Qwen/Qwen3-235B-A22B-Instruct-2507", "qwen3-235b-a22b", "Qwen/Qwen3-235B-A22B-Instruct-2507"),
    ("qwen3:32b q4_k_m", "qwen3-32b", "qwen3:32b"),
    ("Qwen/Qwen2.5-72B-Instruct", "qwen2.5-72b", "Qwen/Qwen2.5-72B-Instruct"),
    ("qwen2.5 7b", "qwen2.5-7b", "qwen2.5 7b"),
    ("gpt-oss-120b", "gpt-oss-120b", "gpt-oss-120b"),
    ("gpt-oss:20b", "gpt-oss-20b", "gpt-oss:20b"),
    ("openai/gpt-oss-20b", "gpt-oss-20b", "openai/gpt-oss-20b"),
    ("gemma-3-27b-it", "gemma-3-27b", "gemma-3-27b-it"),
    ("gemma3:4b", "gemma-3-4b", "gemma3:4b"),
    ("google/gemma-2-9b-it", "gemma-2-9b", "google/gemma-2-9b-it"),
    ("phi-3-mini", "phi-3-mini", "phi-3-mini"),
    ("microsoft/Phi-3-medium-4k-instruct", "phi-3-medium", "microsoft/Phi-3-medium-4k-instruct"),
    ("phi3:mini", "phi-3-mini", "phi3:mini"),
    ("Mistral-7B-Instruct-v0.3", "mistral-7b", "Mistral-7B-Instruct-v0.3"),
    ("mistral-nemo ctx=128k", "mistral-nemo-12b", "mistral-nemo"),
    (
        "mistralai/Mistral-Nemo-Instruct-2407",
        "mistral-nemo-12b",
        "mistralai/Mistral-Nemo-Instruct-2407",
    ),
    ("llama-2-7b-chat-hf", "llama-2-7b", "llama-2-7b-chat-hf"),
    ("llama2:70b", "llama-2-70b", "llama2:70b"),
    ("llama-3-8b", "llama-3-8b", "llama-3-8b"),
    ("Meta-Llama-3-70B-Instruct", "llama-3-70b", "Meta-Llama-3-70B-Instruct"),
    ("llama3:70b", "llama-3-70b", "llama3:70b"),
    ("llama 3.2 1b", "llama-3.2-1b", "llama 3.2 1b"),
    ("llama3.3:70b", "llama-3.3-70b", "llama3.3:70b"),
    ("tiiuae/falcon-180B-chat", "falcon-180b", "tiiuae/falcon-180B-chat"),
    ("falcon-40b-instruct", "falcon-40b", "falcon-40b-instruct"),
    ("facebook/opt-13b", "opt-13b", "facebook/opt-13b"),
    (
        "https://huggingface.co/Qwen/Qwen3-8B please",
        "qwen3-8b",
        "https://huggingface.co/Qwen/Qwen3-8B",
    ),
    ("LLAMA-3.1-405B", "llama-3.1-405b", "LLAMA-3.1-405B"),
    ("how about `llama-3.1-8b`?", "llama-3.1-8b", "llama-3.1-8b"),
    ("llama3.1:70b-instruct-q4_K_M", "llama-3.1-70b", "llama3.1:70b-instruct-"),
    ("Llama-3.1-70B-Instruct-AWQ", "llama-3.1-70b", "Llama-3.1-70B-Instruct-"),
    ("qwen3:8b-fp16", "qwen3-8b", "qwen3:8b-"),
    ("serve llama-3.1-70b.", "llama-3.1-70b", "llama-3.1-70b"),
    # issue 8's questions
    ("QwQ-32B awq on a single A100?", "qwq-32b", "QwQ-32B"),
    ("deepseek-r1:32b", "deepseek-r1-distill-qwen-32b", "deepseek-r1:32b"),
    ("deepseek-r1:70b q4_k_m", "deepseek-r1-distill-llama-70b", "deepseek-r1:70b"),
    ("DeepSeek-R1-Distill-Qwen-32B", "deepseek-r1-distill-qwen-32b", "DeepSeek-R1-Distill-Qwen-32B"),
    (
        "Qwen/Qwen2.5-Coder-32B-Instruct-AWQ",
        "qwen2.5-coder-32b",
        "Qwen/Qwen2.5-Coder-32B-Instruct-",
    ),
    ("qwen2.5-coder:7b", "qwen2.5-coder-7b", "qwen2.5-coder:7b"),
    ("codellama:34b", "codellama-34b", "codellama:34b"),
    ("huggyllama/llama-65b", "llama-1-65b", "huggyllama/llama-65b"),
    ("llama-guard3:1b", "llama-guard-3-1b", "llama-guard3:1b"),
    ("qwen3:0.6b", "qwen3-0.6b", "qwen3:0.6b"),
    ("qwen3-coder:480b fp8", "qwen3-coder-480b-a35b", "qwen3-coder:480b"),
    ("Qwen3-Next-80B-A3B-Instruct", "qwen3-next-80b-a3b", "Qwen3-Next-80B-A3B-Instruct"),
    ("llama 4 scout int4 on one h100?", "llama-4-scout", "llama 4 scout"),
    ("llama4:maverick", "llama-4-maverick", "llama4:maverick"),
    ("Kimi K2 instruct fp8 how many h200", "kimi-k2", "Kimi K2 instruct"),
    ("moonshotai/Kimi-K2-Instruct", "kimi-k2", "moonshotai/Kimi-K2-Instruct"),
    ("deepseek-r1:8b", "deepseek-r1-0528-qwen3-8b", "deepseek-r1:8b"),
    ("deepseek-v3.2", "deepseek-v3.2-exp", "deepseek-v3.2"),
    ("DeepSeek-V3.1 fp8", "deepseek-v3.1", "DeepSeek-V3.1"),
    ("zai-org/GLM-4.5-Air-FP8", "glm-4.5-air", "zai-org/GLM-4.5-Air-"),
    ("glm-4.6 on 8 h200", "glm-4.6", "glm-4.6"),
    ("MiniMaxAI/MiniMax-M2", "minimax-m2", "MiniMaxAI/MiniMax-M2"),
    ("llama3.2-vision:90b", "llama-3.2-vision-90b", "llama3.2-vision:90b"),
    ("qwen2.5vl:7b", "qwen2.5-vl-7b", "qwen2.5vl:7b"),
    ("deepseek-coder-v2:16b", "deepseek-coder-v2-lite", "deepseek-coder-v2:16b"),
    ("Qwen/Qwen3-Embedding-8B", "qwen3-embedding-8b", "Qwen/Qwen3-Embedding-8B"),
    # GGUF file names as llama.cpp users pass them
    ("DeepSeek-R1-Distill-Qwen-32B-Q4_K_M.gguf", "deepseek-r1-distill-qwen-32b",
     "DeepSeek-R1-Distill-Qwen-32B-"),
    ("Llama-4-Scout-17B-16E-Instruct-UD-Q4_K_XL.gguf", "llama-4-scout",
     "Llama-4-Scout-17B-16E-Instruct-"),
    ("codellama-34b-instruct.Q4_K_M.gguf", "codellama-34b", "codellama-34b-instruct"),
    ("Kimi-K2-Instruct-UD-Q2_K_XL.gguf", "kimi-k2", "Kimi-K2-Instruct-"),
    ("GLM-4.5-Air-Q4_K_M.gguf", "glm-4.5-air", "GLM-4.5-Air-"),
    ("deepseek-coder-6.7b-instruct.Q5_K_M.gguf", "deepseek-coder-6.7b", "deepseek-coder-6.7b-instruct"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "key", "span"), FOUND)
def test_find_model_names_anywhere_in_a_question(text, key, span):
    match = find_model(text)
    assert match is not None, text
    assert match.model.key == key
    assert text[match.start : match.end] == span


def test_find_model_span_can_be_cut_out():
    text = "does llama-3.1-70b int4 fit on 2 h100"
    match = find_model(text)
    assert text[: match.start] + text[match.end :] == "does  int4 fit on 2 h100"


def test_longest_name_wins():
    assert find_model("llama-3.1-70b").model.key == "llama-3.1-70b"
    assert find_model("llama-3.1-8b").model.key == "llama-3.1-8b"
    assert find_model("qwen3-30b-a3b").model.key == "qwen3-30b-a3b"
    assert find_model("mixtral-8x22b").model.key == "mixtral-8x22b"


@pytest.mark.parametrize("key", MODEL_KEYS)
def test_every_name_in_the_catalog_finds_its_own_model(key):
    entry = model(key)
    for name in (*entry.names, entry.hf_id, entry.hf_id.upper()):
        match = find_model(f"what about {name} on h100")
        assert match is not None and match.model is entry, name
        assert match.end - match.start == len(name), name


NOT_FOUND = [
    "",
    "70B fp16",
    "7b",
    "int4",
    "on 2x h100",
    "70b int4 ctx=32k users=20",
    "deepseek-r1:72b",  # no such distill
    "DeepSeek-R1-Distill-Qwen-33B",
    "llama-3.1-7b",
    "llama-5-70b",
    "xllama-3.1-8b",
    "llama-3.1-80b",
    "qwen3-80b",
    "mixtrall",
    "optimize for 13b",
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_find_model_rejects_sizes_and_unknown_names(text):
    assert find_model(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "x" * 4000,
        ("llama " * 700)[:4000],
        ("llama-3." * 600)[:4000],
        ("qwen2.5-" * 600)[:4000],
        ("70b fp16 on 2x h100 " * 250)[:4000],
        ("a/" * 2000)[:3990] + "llama-3-8b",
    ],
)
def test_find_model_is_fast_on_long_input(text):
    find_model(text)
    runs = 20
    started = time.perf_counter()
    for _ in range(runs):
        find_model(text)
    per_call = (time.perf_counter() - started) / runs
    assert per_call < 0.005  # typically 40-200 µs; a quadratic scan would take seconds


def test_find_model_is_fast_on_a_question():
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        find_model("does llama-3.1-70b int4 fit on 2 h100 with ctx=32k")
    assert (time.perf_counter() - started) / runs < 0.001  # typically ~15 µs


def test_suggestions_for_near_misses():
    assert {"llama-3.1-8b", "llama-3.1-70b"} & set(suggest_models("llama-3.1-7b"))
    assert any(key.startswith("mixtral") for key in suggest_models("mixtrall"))
    assert suggest_models("qwen3-31b-a3b")[0] == "qwen3-30b-a3b"
    assert len(suggest_models("llama", limit=2)) <= 2
    assert suggest_models("") == ()
    assert suggest_models("zzzzzzzzzzzzzzzzzzzz") == ()


@pytest.mark.parametrize(
    "word",
    ["llama-5-70b", "qwen9", "foo-7b-instruct", "mixtrall", "lama", "org/some-model", "gpt-5"],
)
def test_looks_like_model_name(word):
    assert looks_like_model_name(word)


@pytest.mark.parametrize(
    "word",
    ["70b", "7.5B", "70B", "1.5t", "8k", "2x", "x2", "", "   ", "fp16", "int4", "q4_k_m",
     "does", "fit", "on", "users", "ctx=8k", "80gb"],
)  # fmt: skip
def test_does_not_look_like_model_name(word):
    assert not looks_like_model_name(word)


# ------------------------------------------------------------------------- linear layers


def test_linear_layers_of_a_dense_gqa_model():
    shapes = {
        linear.name: (linear.in_features, linear.out_features, linear.count, linear.group)
        for linear in model("llama-3.1-8b").linear_layers()
    }
    assert shapes == {
        "self_attn.q_proj": (4096, 4096, 32, "other"),
        "self_attn.k_proj": (4096, 1024, 32, "other"),
        "self_attn.v_proj": (4096, 1024, 32, "other"),
        "self_attn.o_proj": (4096, 4096, 32, "other"),
        "mlp.gate_proj": (4096, 14336, 32, "other"),
        "mlp.up_proj": (4096, 14336, 32, "other"),
        "mlp.down_proj": (14336, 4096, 32, "other"),
        "lm_head": (4096, 128256, 1, "embedding"),
    }


def test_linear_layers_of_mla_and_moe():
    shapes = {
        linear.name: (linear.in_features, linear.out_features, linear.count)
        for linear in model("deepseek-v3").linear_layers()
    }
    assert shapes["self_attn.q_a_proj"] == (7168, 1536, 61)
    assert shapes["self_attn.q_b_proj"] == (1536, 128 * 192, 61)
    assert shapes["self_attn.kv_a_proj_with_mqa"] == (7168, 512 + 64, 61)
    assert shapes["self_attn.kv_b_proj"] == (512, 128 * (128 + 128), 61)
    assert shapes["self_attn.o_proj"] == (128 * 128, 7168, 61)
    assert shapes["mlp.gate_proj"] == (7168, 18432, 3)  # the first 3 layers are dense
    assert shapes["mlp.router"] == (7168, 256, 58)
    assert shapes["mlp.experts.down_proj"] == (2048, 7168, 58 * 256)
    assert shapes["mlp.shared_experts.up_proj"] == (7168, 2048, 58)


def test_tied_models_have_no_lm_head_layer():
    assert "lm_head" not in {linear.name for linear in model("llama-3.2-1b").linear_layers()}


@pytest.mark.parametrize("key", MODEL_KEYS)
def test_param_groups_are_the_linear_layers_plus_the_rest(key):
    entry = model(key)
    groups = entry.param_groups()
    linears = entry.linear_layers()
    assert groups.experts == sum(lin.weights for lin in linears if lin.group == "experts")
    weights = sum(lin.weights for lin in linears)
    biases = sum(lin.biases for lin in linears)
    rest = entry.vocab_size * entry.hidden_size + entry.vision_params  # embedding, vision
    assert weights + biases + rest <= groups.total
    assert all(lin.count > 0 and lin.in_features > 0 and lin.out_features > 0 for lin in linears)


def test_biases_follow_the_config():
    gpt_oss = {lin.name: lin for lin in model("gpt-oss-20b").linear_layers()}
    assert gpt_oss["self_attn.o_proj"].bias and gpt_oss["mlp.experts.gate_proj"].bias
    qwen = {lin.name: lin for lin in model("qwen2.5-7b").linear_layers()}
    assert qwen["self_attn.q_proj"].bias and not qwen["self_attn.o_proj"].bias
    assert qwen["self_attn.k_proj"].biases == 28 * 512


def test_linear_attention_layers_hold_their_state_at_any_context():
    qwen3_next = model("qwen3-next-80b-a3b")
    state = 36 * 1_097_728
    assert vllm_sequence_kv(qwen3_next, 0, FP16) == state
    assert vllm_sequence_kv(qwen3_next, 16, FP16) == state + 16 * 12 * 2048
    # the state is split across tensor-parallel ranks with the value heads (32 / 4 = 8)
    per_gpu_state = 36 * (2048 * 3 + 8 * 128 * 128) * 2
    assert vllm_sequence_kv(qwen3_next, 0, FP16, 4) == per_gpu_state


def test_mla_models_have_no_kv_heads_to_split():
    for key in ("kimi-k2", "deepseek-v2-lite", "deepseek-v3.2-exp"):
        entry = model(key)
        assert entry.kv_bytes_per_token(FP16, 8) == entry.kv_bytes_per_token(FP16)


def test_vision_towers_are_counted_in_the_weights_and_said_so():
    for key in ("llama-4-scout", "llama-3.2-vision-11b", "qwen2.5-vl-7b", "gemma-3-27b"):
        entry = model(key)
        assert entry.vision_params > 0
        assert "vision" in entry.note.lower()
    # Qwen2.5-VL 7B = the Qwen2.5 7B decoder + its ViT and merger
    assert model("qwen2.5-vl-7b").params - model("qwen2.5-vl-7b").vision_params == (
        model("qwen2.5-7b").params
    )


def test_chunked_attention_caps_only_the_chunked_layers():
    scout = model("llama-4-scout")
    long = vllm_sequence_kv(scout, 1_048_576, FP16)
    assert long == 36 * 8192 * 4096 + 12 * 1_048_576 * 4096
    assert vllm_sequence_kv(scout, 1_048_576, FP16, windowed=False) == 48 * 1_048_576 * 4096
    assert scout.kv_bytes_per_token(FP16) == 48 * 4096  # the conservative per-token figure


def test_nas_blocks_have_their_own_widths_and_some_no_attention():
    super_49b = model("llama-3.3-nemotron-super-49b")
    assert len(super_49b.mlp_widths) == 80 and super_49b.attention_free_layers == 31
    widths = {lin.out_features for lin in super_49b.linear_layers() if lin.name == "mlp.up_proj"}
    assert widths == {2816, 5632, 7168, 14336, 17920, 28672}
    q_proj = next(lin for lin in super_49b.linear_layers() if lin.name == "self_attn.q_proj")
    assert q_proj.count == 49
    assert super_49b.attention_layers() == ((FullAttention(8, 128), 49),)
    # 128K tokens: 49 x 4,096 B x 131,072 = 24.5 GiB (80 flat layers would say 40 GiB)
    assert vllm_sequence_kv(super_49b, 131072, FP16) == 49 * 4096 * 131072


def test_nas_blocks_can_skip_both_attention_and_ffn():
    ultra = model("llama-3.1-nemotron-ultra-253b")
    assert ultra.attention_free_layers == 98 and ultra.mlp_widths.count(0) == 81
    norms = [lin for lin in ultra.linear_layers() if lin.name == "mlp.down_proj"]
    assert sum(lin.count for lin in norms) == 162 - 81
    assert max(ultra.mlp_widths) == 425_984


def test_nas_models_do_not_stand_in_for_bare_sizes():
    from estimator.memory import closest_model

    assert closest_model(49_000_000_000).key != "llama-3.3-nemotron-super-49b"
    assert closest_model(253_000_000_000).key != "llama-3.1-nemotron-ultra-253b"
