"""GGUF tensors of Qwen3-Next (qwen3next: Gated DeltaNet and gated attention, 512 experts) as
llama.cpp's converter writes them and the types its quantizer gives them; file sizes against
published files are in tests/data/engine_cases.json (test_engines.py)."""

import json
from pathlib import Path

import pytest

from estimator.compute import estimate_query
from estimator.gguf import gguf_size, new_counters, supports, tensor_type, tensors
from estimator.model_names import find_model
from estimator.parse import parse

CASES = json.loads((Path(__file__).parent / "data" / "engine_cases.json").read_text())
NEXT = find_model("qwen3-next-80b-a3b").model


def quantised_types(ftype: str, first: bool) -> list[tuple]:
    listed = tensors(NEXT, first)
    counters = new_counters(listed)
    kinds = [(t, tensor_type(NEXT, t, ftype, counters)) for t in listed]
    return [(t.role, t.layer, kind) for t, kind in kinds if t.quantisable]


@pytest.mark.parametrize("first", [False, True])
def test_the_file_holds_every_parameter_once(first):
    assert sum(t.elements for t in tensors(NEXT, first)) == NEXT.params


def test_the_first_converter_s_file_has_the_tensor_types_llama_cpp_printed():
    (case,) = [c for c in CASES["gguf_sizes_older_rules"] if "tensor_types" in c]
    kinds = [kind for _, _, kind in quantised_types(case["format"], first=True)]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == case["tensor_types"]


def test_every_fourth_layer_is_gated_attention_the_others_gated_deltanet():
    roles = {(t.role, t.layer) for t in tensors(NEXT)}
    attention = sorted(layer for role, layer in roles if role == "attn_v")
    assert attention == list(range(3, 48, 4))  # llama.cpp: recurrent unless (i + 1) % 4 == 0
    deltanet = sorted(layer for role, layer in roles if role == "attn_qkv")
    assert len(deltanet) == 36 and not set(deltanet) & set(attention)
    [query] = [t for t in tensors(NEXT) if t.role == "attn_q" and t.layer == 3]
    assert query.elements == 2048 * 2 * 16 * 256  # the query and its output gate


def test_today_attn_qkv_counts_as_attention_v_and_takes_its_extra_bits():
    today = quantised_types("q4_k_m", first=False)
    qkv = {layer: kind for role, layer, kind in today if role == "attn_qkv"}
    # use_more_bits over the 48 V-like tensors, one per layer: layers 0-5, 42-47, 8, 14 ...
    assert qkv[0] == qkv[8] == qkv[44] == "Q6_K" and qkv[9] == "Q4_K"
    first = quantised_types("q4_k_m", first=True)
    assert {kind for role, _, kind in first if role == "ssm_in"} == {"Q4_K"}
    assert gguf_size(NEXT, "q4_k_m").total_bytes > gguf_size(NEXT, "q4_k_m", True).total_bytes


def test_a_qwen3_next_gguf_answer_sums_the_tensors():
    answer = estimate_query(parse("qwen3-next-80b-a3b q4_k_m ctx=8k"))
    assert answer.weights_bytes == gguf_size(NEXT, "q4_k_m").total_bytes


def test_lightning_attention_stays_on_the_average_bits_per_weight():
    assert not supports(find_model("minimax-m1").model)  # no llama.cpp architecture to follow
    assert supports(NEXT)
