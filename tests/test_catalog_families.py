"""Catalog families added for issue 8 (Mistral Small/Large, Codestral, Devstral, Magistral,
Ministral, Phi-3.5/4, Cohere, Falcon 7B and Falcon 3, Yi 1.5, OLMo 2, Granite 3.x, StarCoder(2),
MPT, Gemma 3 270M): computed parameters against the published counts carried here, the KV
cache their attention needs, and the names people type for them."""

import dataclasses
from fractions import Fraction

import pytest

from estimator import estimate
from estimator.attention import FullAttention, SlidingWindow
from estimator.errors import QueryError
from estimator.memory import closest_model
from estimator.model_names import find_model
from estimator.models import ALL_MODELS, MODELS_BY_KEY
from tests.kv import vllm_sequence_kv

FP16 = Fraction(16)


def model(key):
    return MODELS_BY_KEY[key]


# Hugging Face Hub parameter counts (the safetensors total each model page shows), as recorded
# for these repositories in llmfit's data/hf_models.json (AlexsJones/llmfit). Where the
# catalog's own repository has none, a copy with the same tensors is named.
HF_COUNTS = {
    "mistral-small-3.1-24b": 24_011_361_280,  # dphn/Dolphin-Mistral-24B-Venice-Edition
    "mistral-small-3-24b": 23_572_403_200,  # stelterlab/Mistral-Small-24B-Instruct-2501-AWQ
    "devstral-small-24b": 23_572_403_200,  # lmstudio-community/Devstral-Small-2507-MLX-bf16
    "phi-3.5-mini": 3_821_079_552,  # microsoft/Phi-3.5-mini-instruct
    "phi-4": 14_659_507_200,  # unsloth/phi-4 (Llama layout of the same tensors)
    "command-r7b": 8_028_033_024,  # CohereLabs/c4ai-command-r7b-12-2024
    "command-r-08-2024": 32_296_476_672,  # CohereLabs/aya-expanse-32b (same shapes)
    "falcon3-1b": 1_669_408_768,  # tiiuae/Falcon3-1B-Instruct
    "falcon3-7b": 7_455_550_464,  # tiiuae/Falcon3-7B-Instruct
    "yi-1.5-6b": 6_061_035_520,  # 01-ai/Yi-1.5-6B
    "yi-1.5-9b": 8_829_407_232,  # 01-ai/Yi-1.5-9B
    "yi-1.5-34b": 34_388_917_248,  # 01-ai/Yi-1.5-34B
    "olmo-2-1b": 1_484_916_736,  # allenai/OLMo-2-0425-1B
    "olmo-2-7b": 7_298_617_344,  # allenai/OLMo-2-1124-7B-Instruct
    "olmo-2-13b": 13_716_198_400,  # allenai/OLMo-2-1124-13B-Instruct
    "olmo-2-32b": 32_234_279_936,  # allenai/OLMo-2-0325-32B-Instruct
    "granite-3.3-8b": 8_170_864_640,  # ibm-granite/granite-3.3-8b-instruct
    "granite-3.0-1b-a400m": 1_384_956_928,  # ibm-granite/granite-3.0-1b-a400m-base
    "starcoder2-3b": 3_030_371_328,  # bigcode/starcoder2-3b
    "starcoder2-7b": 7_173_923_840,  # bigcode/starcoder2-7b
    "gemma-3-270m": 268_098_176,  # google/gemma-3-270m
    "gemma-2-2b": 2_614_341_888,  # Efficient-Large-Model/gemma-2-2b-it
    "olmoe-1b-7b": 6_919_161_856,  # allenai/OLMoE-1B-7B-0125
    "aya-expanse-8b": 8_028_033_024,  # CohereLabs/aya-expanse-8b
    "aya-expanse-32b": 32_296_476_672,  # CohereLabs/aya-expanse-32b
    "bge-m3": 567_754_752,  # BAAI/bge-m3
    "multilingual-e5-large": 559_890_432,  # intfloat/multilingual-e5-large-instruct
    "mxbai-embed-large-v1": 335_141_888,  # mixedbread-ai/mxbai-embed-large-v1
    "nomic-embed-text-v1.5": 136_731_648,  # nomic-ai/nomic-embed-text-v1.5
    "e5-mistral-7b": 7_110_660_096,  # intfloat/e5-mistral-7b-instruct
    "pixtral-12b": 12_682_739_712,  # mistral-experimental/pixtral-12b
}

# BAAI's bge-*-en-v1.5 checkpoints also save embeddings.position_ids (512 integers), which
# the Hub counts; the model as loaded (transformers makes it a non-persistent buffer) has not.
HF_COUNTS_WITH_POSITION_IDS = {
    "bge-large-en-v1.5": 335_142_400,  # BAAI/bge-large-en-v1.5
    "bge-base-en-v1.5": 109_482_752,  # BAAI/bge-base-en-v1.5
    "bge-small-en-v1.5": 33_360_512,  # BAAI/bge-small-en-v1.5
}

# Checkpoints storing the tied lm_head a second time: the HF count has one more vocab x hidden.
HF_COUNTS_WITH_DUPLICATED_LM_HEAD = {
    "falcon-7b": 7_217_189_760,  # tiiuae/falcon-7b
    "starcoder-15b": 15_819_446_272,  # bigcode/starcoder
}

# Published only as rounded figures (model card, or the Hub's rounded size): within 1 %.
CARD_FIGURES = {
    "mistral-small-3.2-24b": 24.0e9,  # card: '24B' (the shapes of 3.1, counted exactly above)
    "magistral-small-24b": 23.6e9,  # the text decoder of Mistral Small 3 (exact above)
    "mistral-large-2-123b": 123e9,  # card: '123B'
    "codestral-22b": 22.2e9,  # Hub: '22.2B'
    "ministral-8b": 8.02e9,  # Hub: '8.02B'
    "phi-3.5-moe": 41.9e9,  # card: 'a total of 42B', Hub: '41.9B'
    "phi-4-mini": 3.84e9,  # card: '3.8B parameters', Hub: '3.84B'
    "command-r-35b": 35e9,  # card: '35 billion parameter'
    "command-r-plus-104b": 104e9,  # card: '104B'
    "command-a-111b": 111e9,  # card: '111 billion parameters'
    "falcon3-3b": 3.23e9,  # Hub: '3.23B'
    "falcon3-10b": 10.3e9,  # Hub: '10.3B'
    "granite-3.1-8b": 8.17e9,  # Hub: '8.17B'
    "granite-3.1-2b": 2.53e9,  # Hub: '2.53B'
    "granite-3.3-2b": 2.53e9,  # the shapes of 3.1 2B with the 3.3 vocabulary
    "starcoder2-15b": 15.7e9,  # Hub: '15.7B' (rounded, as llmfit records it)
    "mpt-30b": 30e9,  # card: '30B parameters'
    "mpt-7b": 6.7e9,  # card: '6.7B parameters'
    "mathstral-7b": 7.25e9,  # Mistral 7B v0.3's shapes (its HF count: 7,248,023,552)
    "phi-2": 2.78e9,  # card: '2.7 billion parameters', Hub: '2.78B'
    "gemma-1-7b": 8.54e9,  # Hub: '8.54B'
    "gemma-1-2b": 2.51e9,  # Hub: '2.51B'
    "all-minilm-l6-v2": 22.7e6,  # Hub: '22.7M'
}

# The Gemma report (arXiv 2403.08295) counts the non-embedding parameters exactly.
GEMMA_REPORT_NON_EMBEDDING = {"gemma-1-7b": 7_751_248_896, "gemma-1-2b": 1_981_884_416}


@pytest.mark.parametrize(("key", "published"), HF_COUNTS.items())
def test_params_equal_the_hub_count(key, published):
    assert model(key).params == published
    assert model(key).param_groups().total == published


@pytest.mark.parametrize(("key", "published"), HF_COUNTS_WITH_DUPLICATED_LM_HEAD.items())
def test_duplicated_lm_head_is_the_whole_difference(key, published):
    entry = model(key)
    assert entry.params == published
    assert entry.param_groups().total + entry.vocab_size * entry.hidden_size == published
    assert "EXCEPTION" in entry.note


@pytest.mark.parametrize(("key", "published"), HF_COUNTS_WITH_POSITION_IDS.items())
def test_stored_position_ids_are_the_whole_difference(key, published):
    entry = model(key)
    assert entry.param_groups().total == entry.params == published - entry.learned_positions
    assert "position_ids" in entry.params_source


@pytest.mark.parametrize(("key", "published"), CARD_FIGURES.items())
def test_params_within_one_percent_of_the_card(key, published):
    assert abs(model(key).param_groups().total - published) <= published * 0.01


@pytest.mark.parametrize(("key", "published"), GEMMA_REPORT_NON_EMBEDDING.items())
def test_gemma_1_non_embedding_parameters(key, published):
    groups = model(key).param_groups()
    assert groups.total - groups.embedding == published


def test_every_new_family_model_is_held_to_a_published_figure():
    families = ("mistral-small", "mistral-large", "codestral", "devstral", "magistral",
                "ministral", "phi-3.5", "phi-4", "command", "falcon3", "falcon-7b", "yi-",
                "olmo-2", "granite", "starcoder", "mpt", "gemma-3-270m", "gemma-2-2b", "gemma-1",
                "olmoe", "aya", "phi-2", "mathstral", "pixtral")  # fmt: skip
    new = {key for key in MODELS_BY_KEY if key.startswith(families)}
    # embedding models, but Qwen3-Embedding (catalog-a's Qwen family, tested in test_models.py)
    new |= {e.key for e in ALL_MODELS if e.is_embedding and not e.key.startswith("qwen3-")}
    held = set(HF_COUNTS) | set(HF_COUNTS_WITH_DUPLICATED_LM_HEAD) | set(CARD_FIGURES)
    held |= set(HF_COUNTS_WITH_POSITION_IDS)
    assert new == held


def test_mistral_small_vision_tower_is_counted():
    small = model("mistral-small-3.1-24b")
    assert small.params - small.vision_params == model("mistral-small-3-24b").params
    assert small.vision_params == 403_305_472 + 35_652_608  # Pixtral tower + projector
    assert model("devstral-small-24b").vision_params == 0  # vision encoder removed
    pixtral = model("pixtral-12b")  # Mistral Nemo's decoder + its own tower and projector
    assert pixtral.params - pixtral.vision_params == model("mistral-nemo-12b").params


def test_architecture_fields_of_the_new_families():
    # Cohere: one LayerNorm without bias per layer (parallel block); R+ adds per-head q/k norms
    groups = model("command-r-plus-104b").param_groups()
    assert groups.embedding == 256_000 * 12_288  # tied
    # R+ adds per-head q/k norms, OLMo 2 norms over the whole q/k projections: the same count
    plain = dataclasses.replace(
        model("command-r-plus-104b"), qk_norm=False, qk_norm_over_heads=False
    )
    added = model("command-r-plus-104b").param_groups().total - plain.param_groups().total
    assert added == 64 * (96 + 8) * 128
    plain = dataclasses.replace(model("olmo-2-32b"), qk_norm=False, qk_norm_over_heads=False)
    assert model("olmo-2-32b").param_groups().total - plain.param_groups().total == 64 * (
        5120 + 1024
    )
    # Phi-3.5-MoE: the lm_head has a bias (kept at 16 bits with the other biases)
    lm_head = next(
        linear for linear in model("phi-3.5-moe").linear_layers() if linear.name == "lm_head"
    )
    assert (lm_head.in_features, lm_head.out_features, lm_head.biases) == (4096, 32_064, 32_064)
    # MPT: LayerNorms without bias
    assert model("mpt-30b")._norm_size == 7168


KV_PER_TOKEN = [
    ("falcon-7b", 2 * 1 * 64 * 2 * 32),  # multi-query: 8 KiB
    ("starcoder-15b", 2 * 1 * 128 * 2 * 40),  # multi-query: 20 KiB
    ("command-r-35b", 2 * 64 * 128 * 2 * 40),  # full multi-head attention: 1.25 MiB
    ("command-r-08-2024", 2 * 8 * 128 * 2 * 40),  # GQA since 08-2024
    ("mpt-30b", 2 * 7168 * 2 * 48),
    ("olmo-2-7b", 2 * 32 * 128 * 2 * 32),  # 512 KiB
    ("mistral-large-2-123b", 2 * 8 * 128 * 2 * 88),
    ("falcon3-7b", 2 * 4 * 256 * 2 * 28),
    ("phi-4", 2 * 10 * 128 * 2 * 40),
]


@pytest.mark.parametrize(("key", "expected"), KV_PER_TOKEN)
def test_kv_bytes_per_token(key, expected):
    assert model(key).kv_bytes_per_token(FP16) == expected


def test_cohere2_sliding_window_pattern():
    assert model("command-a-111b").attention_layers() == (
        (SlidingWindow(8, 128, 4096), 48),
        (FullAttention(8, 128), 16),
    )
    # at 128k tokens the 48 sliding layers hold 4,096 tokens each, the 16 global ones all
    per_layer_token = 2 * 8 * 128 * 2
    held = vllm_sequence_kv(model("command-a-111b"), 131_072, FP16)
    assert held == (48 * 4096 + 16 * 131_072) * per_layer_token


NAMES = [
    ("mistral-small:24b q4_k_m", "mistral-small-3.2-24b"),
    ("mistral-small3.1:24b", "mistral-small-3.1-24b"),
    ("mistralai/Mistral-Small-3.2-24B-Instruct-2506", "mistral-small-3.2-24b"),
    ("codestral 22b q8", "codestral-22b"),
    ("codestral:22b", "codestral-22b"),
    ("devstral on a 4090", "devstral-small-24b"),
    ("mistralai/Devstral-Small-2505", "devstral-small-24b"),
    ("magistral:24b", "magistral-small-24b"),
    ("mistral-large:123b fp8", "mistral-large-2-123b"),
    ("mistralai/Mistral-Large-Instruct-2407", "mistral-large-2-123b"),
    ("ministral 8b", "ministral-8b"),
    ("phi4", "phi-4"),
    ("phi4:14b", "phi-4"),
    ("phi4-mini", "phi-4-mini"),
    ("microsoft/Phi-3.5-MoE-instruct", "phi-3.5-moe"),
    ("phi3.5", "phi-3.5-mini"),
    ("command-r", "command-r-35b"),
    ("command-r-plus int4", "command-r-plus-104b"),
    ("CohereForAI/c4ai-command-r-plus-08-2024", "command-r-plus-104b"),
    ("command-a on 2x h100", "command-a-111b"),
    ("command-r7b", "command-r7b"),
    ("falcon3:10b", "falcon3-10b"),
    ("tiiuae/falcon-7b-instruct", "falcon-7b"),
    ("yi:34b", "yi-1.5-34b"),
    ("01-ai/Yi-1.5-9B-Chat", "yi-1.5-9b"),
    ("olmo2:13b", "olmo-2-13b"),
    ("allenai/OLMo-2-0325-32B-Instruct", "olmo-2-32b"),
    ("granite3.3:8b", "granite-3.3-8b"),
    ("granite3.1-dense:2b", "granite-3.1-2b"),
    ("granite3-moe:1b", "granite-3.0-1b-a400m"),
    ("starcoder2:15b", "starcoder2-15b"),
    ("bigcode/starcoder", "starcoder-15b"),
    ("mpt-30b", "mpt-30b"),
    ("mosaicml/mpt-7b-chat", "mpt-7b"),
    ("gemma3:270m", "gemma-3-270m"),
    ("gemma2:2b", "gemma-2-2b"),
    ("gemma:7b", "gemma-1-7b"),
    ("google/gemma-2b-it", "gemma-1-2b"),
    ("olmoe", "olmoe-1b-7b"),
    ("aya-expanse:32b", "aya-expanse-32b"),
    ("microsoft/phi-2", "phi-2"),
    ("mathstral:7b", "mathstral-7b"),
    ("mistral-community/pixtral-12b", "pixtral-12b"),
    ("bge-m3 on a t4", "bge-m3"),
    ("BAAI/bge-large-en-v1.5", "bge-large-en-v1.5"),
    ("nomic-embed-text", "nomic-embed-text-v1.5"),
    ("mxbai-embed-large", "mxbai-embed-large-v1"),
    ("intfloat/e5-mistral-7b-instruct", "e5-mistral-7b"),
    ("all-minilm", "all-minilm-l6-v2"),
]


@pytest.mark.parametrize(("text", "key"), NAMES)
def test_names_people_type(text, key):
    match = find_model(text)
    assert match is not None, text
    assert match.model.key == key


# ------------------------------------------------------------------------- embedding models

EMBEDDING_KEYS = [entry.key for entry in ALL_MODELS if entry.is_embedding]


def test_the_embedding_models_people_serve_are_in_the_catalog():
    assert {"bge-m3", "e5-mistral-7b", "nomic-embed-text-v1.5"} <= set(EMBEDDING_KEYS)


@pytest.mark.parametrize("key", EMBEDDING_KEYS)
def test_embedding_models_hold_no_kv_cache(key):
    entry = model(key)
    assert entry.attention_layers() == ()
    assert entry.kv_bytes_per_token(FP16) == 0
    assert vllm_sequence_kv(entry, entry.native_context, FP16) == 0


def test_encoder_parameters_have_no_lm_head_and_count_pooler_and_token_types():
    bge = model("bge-m3")  # XLM-RoBERTa large
    assert bge.param_groups().embedding == 1024 * (250_002 + 8194 + 1)
    assert ("pooler.dense", 1024, 1024) in {
        (linear.name, linear.in_features, linear.out_features) for linear in bge.linear_layers()
    }
    e5 = model("e5-mistral-7b")  # Mistral 7B v0.1 without its lm_head
    assert not e5.tied_embeddings
    assert e5.param_groups().embedding == 32_000 * 4096
    assert "lm_head" not in {linear.name for linear in e5.linear_layers()}


def _answer(text):
    return estimate(text)


def test_an_embedding_answer_is_weights_and_reserve_and_says_so():
    answer = _answer("bge-m3 fp16")
    weights = 567_754_752 * 2
    assert answer.weights_bytes == weights
    assert answer.kv_cache_bytes == 0
    assert answer.kv_bytes_per_token == 0
    # vLLM profiles a pooling model's forward only (no sampler): XLM-R's plain MLP over the
    # A100's 2,048 batched tokens, then non-torch memory and CUDA graphs.
    forward = 2048 * 2 * (2 * 4096 + 4 * 1024)
    assert answer.total_bytes == weights + forward + 268_435_456 + 901_943_132
    assert [part.name for part in answer.parts] == ["weights", "runtime reserve"]
    assert any("Embedding model: weights only, no KV cache" in note for note in answer.assumptions)


def test_an_embedding_answer_ignores_context_and_users_for_memory():
    alone = _answer("e5-mistral fp16 on l4")
    busy = _answer("e5-mistral fp16 ctx=32k users=64 on l4")
    assert busy.total_bytes == alone.total_bytes
    assert busy.gpus[0].recommended_count == 1


def test_solving_for_context_or_users_of_an_embedding_model_is_refused():
    for text in ("bge-m3 max users at 8k on 1x l4", "nomic-embed-text max ctx on 1x t4"):
        with pytest.raises(QueryError, match="embedding model"):
            _answer(text)


def test_a_bare_size_never_borrows_an_embedding_models_kv_cache():
    for params in (22_000_000, 110_000_000, 335_000_000, 7_110_660_096):
        assert not closest_model(params).is_embedding
