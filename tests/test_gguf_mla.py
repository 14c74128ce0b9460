"""GGUF tensors of MLA models (DeepSeek V2/V3/R1, Kimi K2) as llama.cpp's converter writes them
and the types its quantizer gives them; file sizes against published files are in
tests/data/engine_cases.json (test_engines.py)."""

import pytest

from estimator.compute import estimate_query
from estimator.gguf import gguf_size, new_counters, supports, tensor_type, tensors
from estimator.model_names import find_model
from estimator.parse import parse


def model(key: str):
    return find_model(key).model


def types_by_role(key: str, ftype: str, first: bool = False) -> dict[tuple, str]:
    """(role, layer) -> ggml type, for every quantised tensor."""
    listed = tensors(model(key), first)
    found, counters = {}, new_counters(listed)
    for tensor in listed:
        kind = tensor_type(model(key), tensor, ftype, counters)
        if tensor.quantisable:
            found.setdefault((tensor.role, tensor.layer), set()).add(kind)
    return {where: kinds.pop() if len(kinds) == 1 else kinds for where, kinds in found.items()}


@pytest.mark.parametrize("key", ["deepseek-v3", "deepseek-r1", "deepseek-v2-lite", "kimi-k2"])
@pytest.mark.parametrize("first", [False, True])
def test_the_file_holds_every_parameter_once(key, first):
    # the converter skips the MTP layer: the catalog's 671B for DeepSeek-V3, not the Hub's 685B
    assert sum(t.elements for t in tensors(model(key), first)) == model(key).params


def test_kv_b_is_split_into_a_transposed_key_part_and_a_value_part():
    v3 = model("deepseek-v3")
    layer = [t for t in tensors(v3) if t.layer == 0]
    roles = {t.role: t for t in layer}
    assert {"attn_q_a", "attn_q_b", "attn_kv_a_mqa", "attn_k_b", "attn_v_b"} <= set(roles)
    assert "attn_kv_b" not in roles
    # ne = [qk_nope_head_dim, kv_lora_rank, n_head] and [kv_lora_rank, v_head_dim, n_head]
    assert (roles["attn_k_b"].row, roles["attn_k_b"].elements) == (128, 128 * 512 * 128)
    assert (roles["attn_v_b"].row, roles["attn_v_b"].elements) == (512, 512 * 128 * 128)
    older = {t.role: t for t in tensors(v3, as_first_converted=True) if t.layer == 0}
    assert (older["attn_kv_b"].row, older["attn_kv_b"].elements) == (512, 512 * 128 * 256)


def test_attn_k_b_rows_of_128_fall_back_to_a_32_wide_type():
    # llama.cpp PR #12727 (ubergarm): "attn_k_b is falling back to iq4_nl due to smal 128 cols"
    assert types_by_role("deepseek-v3", "iq4_xs")[("attn_k_b", 5)] == "IQ4_NL"
    assert types_by_role("deepseek-v3", "q4_k_m")[("attn_k_b", 5)] == "Q5_0"
    assert types_by_role("deepseek-v3", "q8_0")[("attn_k_b", 5)] == "Q8_0"
    assert types_by_role("deepseek-v3", "q4_k_m")[("attn_v_b", 5)] == "Q4_K"


def test_an_moe_layer_s_ffn_down_tensors_share_the_type_its_index_picks_out_of_61_layers():
    types = types_by_role("deepseek-v3", "q4_k_m")
    # use_more_bits(i, 61): the first and last eighth (i < 7, i >= 53) and every third between
    assert types[("ffn_down", 0)] == "Q6_K"  # dense layer
    assert types[("ffn_down", 7)] == "Q4_K"  # routed and shared experts of layer 7 alike
    assert types[("ffn_down", 9)] == "Q6_K"
    assert types[("ffn_down", 60)] == "Q6_K"
    assert types[("ffn_gate", 9)] == types[("ffn_up", 9)] == "Q4_K"


def test_the_whole_kv_b_takes_attention_v_s_rules_today():
    types = types_by_role("deepseek-v3", "q4_k_m", first=True)
    assert types[("attn_kv_b", 0)] == "Q6_K" and types[("attn_kv_b", 7)] == "Q4_K"


def test_v2_lite_s_experts_fall_back_but_its_shared_experts_are_one_wider_mlp():
    types = types_by_role("deepseek-v2-lite", "q4_k_m")
    # 1,408 columns: not a multiple of 256, so Q4_K -> Q5_0 and Q6_K -> Q8_0
    down_rows = {t.row for t in tensors(model("deepseek-v2-lite")) if t.role == "ffn_down"}
    assert down_rows == {10944, 1408, 2816}  # dense, routed, the 2 shared experts as one MLP
    assert types[("ffn_gate", 5)] == "Q4_K"  # rows of the hidden size, 2,048
    assert types[("ffn_down", 0)] == "Q8_0"  # dense 10,944 is no multiple of 256 either
    # layer 4 of 27 gets no extra bits: the routed experts fell back, the 2,816-wide shared did not
    assert types[("ffn_down", 4)] == {"Q5_0", "Q4_K"}
    assert types[("ffn_down", 5)] == {"Q8_0", "Q6_K"}  # use_more_bits(5, 27)


def test_a_deepseek_gguf_answer_sums_the_tensors():
    answer = estimate_query(parse("deepseek-r1 q4_k_m ctx=8k"))
    assert answer.weights_bytes == gguf_size(model("deepseek-r1"), "q4_k_m").total_bytes
    [weights] = [part for part in answer.parts if part.name == "weights"]
    assert "tensor by tensor" in weights.sentence


def test_what_stays_on_the_average_bits_per_weight():
    assert supports(model("kimi-k2")) and supports(model("deepseek-v2"))
    assert not supports(model("deepseek-v3.2-exp"))  # the indexer's tensors are not listed
