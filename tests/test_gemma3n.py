"""Gemma 3n (E2B, E4B): parameters against published figures, the KV cache of the layers that
own one (the KV-shared layers hold none), and the names people write."""

from fractions import Fraction

import pytest

from estimator.attention import FullAttention, SlidingWindow
from estimator.model_names import find_model
from estimator.models import MODELS_BY_KEY
from tests.kv import vllm_sequence_kv

FP16 = Fraction(16)

# Hub counts of the whole checkpoints (text + audio + vision), as the model pages show them
# (rounded to 10 M): google/gemma-3n-E2B-it '5.44B params', google/gemma-3n-E4B-it '7.85B
# params' (quoted by whatmodel.sh, pages/model/gemma-3n-e2b.md and gemma-3n-e4b.md).
HUB_TOTAL = {"gemma-3n-e2b": 5_440_000_000, "gemma-3n-e4b": 7_850_000_000}

# The text model as transformers 5.23 builds it (Gemma3nForCausalLM on the meta device:
# .venv-crosscheck/bin/python tools/crosscheck_params.py gemma-3n-e2b gemma-3n-e4b).
TRANSFORMERS_TEXT = {"gemma-3n-e2b": 4_435_182_688, "gemma-3n-e4b": 6_835_235_568}

# Google's effective sizes, huggingface.co/datasets/google/gemma3n-slicing-configs
# ('# Effective Params (B)': official E2B 1.91, main model E4B 3.98): the text parameters
# outside both embedding tables. The checkpoint also stores k_proj, v_proj and k_norm for the
# KV-shared layers (unused; transformers does not build them), which that figure counts.
EFFECTIVE = {"gemma-3n-e2b": 1_910_000_000, "gemma-3n-e4b": 3_980_000_000}


def model(key):
    return MODELS_BY_KEY[key]


@pytest.mark.parametrize("key", HUB_TOTAL)
def test_params_are_the_hub_total_within_one_percent(key):
    assert abs(model(key).param_groups().total - HUB_TOTAL[key]) <= HUB_TOTAL[key] / 100


@pytest.mark.parametrize("key", TRANSFORMERS_TEXT)
def test_text_model_is_what_transformers_builds(key):
    entry = model(key)
    assert entry.param_groups().total - entry.vision_params == TRANSFORMERS_TEXT[key]


def test_per_layer_embeddings_are_embedding_parameters():
    # embed_tokens 262,400 x 2,048 (tied) + embed_tokens_per_layer 262,144 x (30 x 256)
    assert model("gemma-3n-e2b").param_groups().embedding == 262_400 * 2048 + 262_144 * 30 * 256
    assert model("gemma-3n-e4b").param_groups().embedding == 262_400 * 2048 + 262_144 * 35 * 256


@pytest.mark.parametrize("key", EFFECTIVE)
def test_effective_size_is_the_text_core_without_the_embeddings(key):
    entry = model(key)
    groups = entry.param_groups()
    core = groups.total - entry.vision_params - groups.embedding
    # the shared layers' unused k_proj + v_proj (2,048 -> 2 x 256 each) and k_norm (256)
    unused_kv = entry.kv_shared_layers * (2 * 2048 * 512 + 256)
    assert abs(core + unused_kv - EFFECTIVE[key]) <= EFFECTIVE[key] / 100


@pytest.mark.parametrize("key", ["gemma-3n-e2b", "gemma-3n-e4b"])
def test_only_the_twenty_cache_owning_layers_hold_kv(key):
    # config.json: num_hidden_layers 30 / 35, num_kv_shared_layers 10 / 15, so layers 0-19
    # own a cache; of those, full attention at (i + 1) % 5 == 0 (4, 9, 14, 19), 16 sliding.
    assert model(key).attention_layers() == (
        (SlidingWindow(2, 256, 512), 16),
        (FullAttention(2, 256), 4),
    )
    # 20 layers x (K and V) x 2 KV heads x 256 x 2 bytes
    assert model(key).kv_bytes_per_token(FP16) == 20 * 2 * 2 * 256 * 2 == 40_960


def test_sequence_kv_holds_the_window_in_sliding_layers():
    # 32,768 tokens, fp16: 4 full layers hold all of them, 16 sliding layers 512; 2,048 B per
    # layer and token (K and V x 2 heads x 256 x 2 B)
    e4b = model("gemma-3n-e4b")
    assert vllm_sequence_kv(e4b, 32_768, FP16) == (4 * 32_768 + 16 * 512) * 2048
    assert vllm_sequence_kv(e4b, 32_768, FP16) == 285_212_672
    assert vllm_sequence_kv(e4b, 32_768, FP16, windowed=False) == 20 * 32_768 * 2048


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("gemma3n:e2b", "gemma-3n-e2b"),
        ("gemma3n:e4b", "gemma-3n-e4b"),
        ("gemma-3n-e2b", "gemma-3n-e2b"),
        ("gemma 3n e4b", "gemma-3n-e4b"),
        ("google/gemma-3n-E4B-it", "gemma-3n-e4b"),
        ("Gemma 3n E2B on an L4", "gemma-3n-e2b"),
    ],
)
def test_gemma_3n_names(text, key):
    assert find_model(text).model.key == key
