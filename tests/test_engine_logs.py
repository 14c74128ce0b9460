"""SGLang's and Ollama's profiles against the numbers those engines printed at start-up
(tests/data/engine_cases.json: each case has its source and the quoted lines). A case with
`meets: false` is one vram does not reproduce, for the reason it gives: its test checks that it
is still outside, so that the reason stays true (or the case moves to `meets: true`)."""

import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from estimator.engine import OLLAMA, SGLANG, Layout
from estimator.gpus import find_gpu
from estimator.memory import footprint
from estimator.model_names import find_model
from estimator.parse import parse

CASES = json.loads((Path(__file__).parent / "data" / "engine_cases.json").read_text())
POOL_CASES = [case for case in CASES["sglang"] if "mem_fraction_static" in case]
GIB = 2**30


def _outcome(case, within: bool, shown: str) -> None:
    if case["meets"]:
        assert within, shown
    else:
        assert case["reason"]
        assert not within, f"{shown} is now within: move it to meets: true"


# ---------------------------------------------------------------- SGLang


@pytest.mark.parametrize("case", POOL_CASES, ids=lambda case: case["id"])
def test_sglang_pool_holds_the_tokens_its_log_prints(case):
    query = parse(f"{case['model']} {case.get('format', '')} ctx=1k")
    planned = footprint(query, SGLANG)
    gpu, layout = find_gpu(case["gpu"]), Layout(case["tensor_parallel"])
    fraction = Fraction(case["mem_fraction_static"])
    tokens = SGLANG.pool_tokens(planned, gpu, layout, fraction)
    error = tokens / case["tokens"] - 1
    within = abs(error) <= case["tolerance_pct"] / 100
    _outcome(case, within, f"{tokens} tokens vs {case['tokens']} ({error:+.1%})")


def test_the_pool_at_the_default_fraction_is_the_usable_share_less_the_weights():
    planned = footprint(parse("llama-3.1-8b ctx=1k"), SGLANG)
    h100 = find_gpu("h100")
    usable = SGLANG.usable_bytes(h100, Layout(1), planned.kv_model)
    per_token = 32 * 8 * 128 * 2 * 2  # layers x KV heads x head_dim x (K, V) x bf16
    expected = (usable - planned.weights_bytes) // per_token
    assert SGLANG.pool_tokens(planned, h100, Layout(1)) == expected
    # at TP 2 each GPU holds half the weights and half the KV heads
    half = SGLANG.pool_tokens(planned, h100, Layout(2), Fraction("0.829"))
    assert half > 2 * SGLANG.pool_tokens(planned, h100, Layout(1), Fraction("0.829"))


@pytest.mark.parametrize("case", CASES["sglang_default_fraction"], ids=lambda case: case["id"])
def test_sglang_default_mem_fraction_static_is_what_it_printed(case):
    gpu, layout = find_gpu(case["gpu"]), Layout(case["tensor_parallel"])
    model = find_model(case["model"]).model
    fraction = float(SGLANG.mem_fraction_static(gpu, layout, model))
    within = abs(fraction - case["mem_fraction_static"]) < 0.001  # SGLang rounds to 3 places
    _outcome(case, within, f"{fraction} vs {case['mem_fraction_static']}")
    if "nvidia_smi_mib" in case:  # the reason's arithmetic: nvidia-smi's MiB, no prefill graphs
        total = case["nvidia_smi_mib"]
        reserved = SGLANG.reserved_mib(gpu, layout, model) - case["prefill_graph_mib"]
        assert round(float((total - reserved) / total), 3) == case["mem_fraction_static"]


# ---------------------------------------------------------------- Ollama


def _card_of(total_gib: float):
    """A card of the total VRAM Ollama printed (one decimal of GiB): its tiers read the sum."""
    return replace(find_gpu("rtx 4090"), memory_bytes=round(total_gib * GIB), unified_memory=False)


@pytest.mark.parametrize("case", CASES["ollama"], ids=lambda case: case["id"])
def test_ollama_default_num_ctx_is_the_tier_of_the_vram_it_printed(case):
    # a model trained past 256k tokens, so the tier is not capped by the model
    model = find_model("qwen3-coder-30b-a3b").model
    assert model.native_context >= 262144
    chosen = OLLAMA.default_context(model, (_card_of(case["total_vram_gib"]),))
    assert chosen == case["default_num_ctx"]
    for name in case.get("catalog_gpus", []):  # the catalog's cards Ollama prints as this total
        gpu = find_gpu(name)
        assert round(OLLAMA.device_bytes(gpu) / GIB, 1) == case["total_vram_gib"]
        assert OLLAMA.default_context(model, (gpu,)) == case["default_num_ctx"]


def test_ollama_caps_the_vram_tier_at_the_trained_context():
    llama = find_model("llama-3.1-8b").model  # trained to 131,072 tokens
    assert OLLAMA.default_context(llama, (_card_of(102.2),)) == 131072
    assert OLLAMA.default_context(llama, (_card_of(23.5),)) == 32768
