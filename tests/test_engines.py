"""Each engine profile against the numbers the engine itself printed (tests/data/engine_cases.json)
and its own rules: which engine a question gets, the launch line, what a card holds."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from estimator.attention import STATE_BITS, LinearAttentionState
from estimator.compute import estimate_query
from estimator.engine import LLAMA_CPP, OLLAMA, SGLANG, VLLM, Layout, engine_for, find_engine
from estimator.errors import QueryError
from estimator.gguf import (
    FTYPE_DEFAULT,
    gguf_size,
    new_counters,
    tensor_bytes,
    tensor_type,
    tensors,
)
from estimator.gpus import find_gpu
from estimator.memory import footprint
from estimator.model_names import find_model
from estimator.parse import parse
from estimator.render_json import to_json_dict

CASES = json.loads((Path(__file__).parent / "data" / "engine_cases.json").read_text())
MIB = 2**20


def ask(text: str, engine: str | None = None):
    query = parse(text)
    return estimate_query(replace(query, engine=engine) if engine else query)


def plan_for(answer, gpu: str):
    (found,) = [plan for plan in answer.gpus if plan.gpu.name == gpu]
    return found


# ---------------------------------------------------------------- choosing the engine


@pytest.mark.parametrize(
    ("name", "engine"),
    [
        ("vllm", VLLM),
        ("sglang", SGLANG),
        ("SGLang", SGLANG),
        ("llama.cpp", LLAMA_CPP),
        ("llama-server", LLAMA_CPP),
        ("ollama", OLLAMA),
    ],
)
def test_engines_are_found_by_the_names_people_use(name, engine):
    assert find_engine(name) is engine


def test_default_is_vllm_and_a_gguf_format_or_a_mac_implies_llama_cpp():
    assert engine_for(parse("llama-3.1-8b fp16")) is VLLM
    assert engine_for(parse("llama-3.1-8b q4_k_m")) is LLAMA_CPP
    assert engine_for(parse("llama-3.1-8b on m3 max 128gb")) is LLAMA_CPP
    assert engine_for(replace(parse("llama-3.1-8b q4_k_m"), engine="ollama")) is OLLAMA


def test_the_json_names_the_engine_and_the_version_its_rules_follow():
    answer = to_json_dict(ask("llama-3.1-8b ctx=8k", "sglang"))
    assert answer["engine"] == {"name": "SGLang", "version": SGLANG.version}
    assert answer["gpus"][0]["serve_command"].startswith("python -m sglang.launch_server ")


# ---------------------------------------------------------------- llama.cpp


@pytest.mark.parametrize("case", CASES["llamacpp"], ids=lambda case: case["id"])
def test_llama_cpp_buffers_are_what_its_log_prints(case):
    model = find_model(case["model"]).model
    size = gguf_size(model, case["format"])
    counters = new_counters(tensors(model))
    kinds = [
        tensor_type(model, t, case["format"], counters) for t in tensors(model) if t.quantisable
    ]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == case["tensor_types"]
    # llama.cpp prints MiB with two decimals: the exact bytes round to the same figure.
    assert round(size.token_embd_bytes / MIB, 2) == case["cpu_buffer_mib"]
    query = parse(f"{case['model']} {case['format']} ctx={case.get('n_ctx', 512)}")
    planned = footprint(query, LLAMA_CPP)
    assert round(LLAMA_CPP.gpu_weights_bytes(planned) / MIB, 2) == case["gpu_buffer_mib"]
    if "kv_mib" in case:  # at -c 512: no padding, and the attention scores are small
        assert round(planned.kv_cache_bytes() / MIB, 2) == case["kv_mib"]
        assert round(LLAMA_CPP.compute_bytes(planned) / MIB, 2) == case["compute_mib"]
    plan = plan_for(estimate_query(replace(query, engine="llama.cpp")), "A100-80GB")
    assert plan.gpu_layers == case["gpu_layers"]


def test_parallel_slots_share_the_cells_and_sliding_window_layers_keep_their_window():
    gemma = footprint(parse("gemma-2-9b q4_k_m ctx=32k users=4"), LLAMA_CPP)
    model = gemma.kv_model
    full_layers = model.layers - model.sliding_layers
    per_cell_layer = 2 * model.kv_heads * model.head_dim * 2  # K and V, f16
    swa_cells = 4096 * 4 + 512  # n_swa x slots + n_ubatch, already a multiple of 256
    expected = per_cell_layer * (full_layers * 32768 * 4 + model.sliding_layers * swa_cells)
    assert gemma.kv_cache_bytes() == expected


def test_a_card_too_small_gets_the_layers_it_holds_and_the_rest_in_ram():
    plan = plan_for(ask("llama-3.1-70b q4_k_m ctx=8k on 1x rtx 4090"), "RTX-4090-24GB")
    assert plan.fits_requested is False
    assert 0 < plan.gpu_layers < 80
    assert f"-ngl {plan.gpu_layers}" in plan.serve_command
    assert plan.serve_command.startswith("llama-server -m ")
    answer = ask("llama-3.1-70b q4_k_m ctx=8k on 1x rtx 4090")
    # what stays in RAM and what the card holds add up to the whole model and its cache
    assert plan.system_ram_bytes > answer.weights_bytes // 2


def test_the_llama_server_line_names_context_slots_and_cache_types():
    plan = plan_for(ask("llama-3.1-8b q4_k_m ctx=8k users=4 kv=q8_0 on l4"), "L4-24GB")
    command = plan.serve_command
    assert "-c 32768" in command  # -c is shared by the slots: 8k x 4
    assert "--parallel 4" in command
    assert "-ctk q8_0 -ctv q8_0" in command
    assert "-ngl 33" in command


# ---------------------------------------------------------------- Apple silicon


@pytest.mark.parametrize("case", CASES["apple"], ids=lambda case: case["id"])
def test_the_gpu_share_of_unified_memory_is_what_metal_reports(case):
    gpu = find_gpu(case["gpu"])
    assert gpu.unified_memory
    assert round(LLAMA_CPP.device_bytes(gpu) / MIB, 2) == case["wired_mib"]


def test_vllm_and_sglang_refuse_a_mac():
    with pytest.raises(QueryError, match="Apple silicon"):
        ask("llama-3.1-8b ctx=8k on m3 max 128gb", "vllm")
    with pytest.raises(QueryError, match="Apple silicon"):
        ask("llama-3.1-8b ctx=8k on m3 max 128gb", "sglang")


def test_a_mac_answer_says_how_to_raise_the_wired_limit():
    answer = ask("llama-3.1-70b q4_k_m ctx=8k on mac studio")
    assert answer.engine is LLAMA_CPP
    assert any("iogpu.wired_limit_mb" in note for note in answer.assumptions)
    assert plan_for(answer, "M2-Ultra-192GB").recommended_count == 1


# ---------------------------------------------------------------- Ollama


def test_ollama_defaults_num_ctx_by_vram_and_says_how_to_set_it():
    small = footprint(parse("llama-3.1-8b q4_k_m on l4"), OLLAMA, (find_gpu("t4"),))
    middle = footprint(parse("llama-3.1-8b q4_k_m on l4"), OLLAMA, (find_gpu("rtx 4090"),))
    large = footprint(parse("llama-3.1-8b q4_k_m on h100"), OLLAMA, (find_gpu("h100"),))
    assert (small.context_tokens, middle.context_tokens) == (4096, 32768)
    assert large.context_tokens == 131_072  # 256k, capped at the model's trained context
    plan = plan_for(ask("llama-3.1-8b q4_k_m ctx=16k users=2 kv=q8_0 on l4", "ollama"), "L4-24GB")
    for setting in (
        "OLLAMA_CONTEXT_LENGTH=16384",
        "OLLAMA_NUM_PARALLEL=2",
        "OLLAMA_KV_CACHE_TYPE=q8_0",
    ):
        assert setting in plan.serve_command


# ---------------------------------------------------------------- SGLang


@pytest.mark.parametrize("case", CASES["sglang"], ids=lambda case: case["id"])
def test_sglang_kv_pool_is_token_granular_as_its_log_prints(case):
    planned = footprint(parse(f"{case['model']} ctx=1k"), SGLANG)
    layout = Layout(case["tensor_parallel"])
    pool = SGLANG.kv_bytes(planned, layout, tokens=case["tokens"], sequences=1)
    assert round(pool / 2 / 2**30, 2) == case["k_size_gib"]  # SGLang's "GB" are GiB


def test_sglang_mem_fraction_follows_its_heuristic_for_card_and_tp():
    h100, l4 = find_gpu("h100"), find_gpu("l4")
    model = find_model("llama-3.1-70b").model
    # H100 (nvidia-smi: 81,559 MiB): chunked prefill 8k, decode graphs up to 256 at TP < 4, 58 prefill
    # graphs; reserve = 512 + 8192 x 1.5 + 128 + 512 + 464 = 13,904 MiB.
    assert SGLANG.reserved_mib(h100, Layout(1), model) == 13904
    assert float(SGLANG.mem_fraction_static(h100, Layout(1), model)) == 0.830
    # L4 (nvidia-smi: 23,034 MiB): 2k chunks, 24 decode graphs, 42 prefill graphs up to 2,048 tokens:
    # 512 + 3072 + 128 + 48 + 8 x 42 = 4,096 MiB.
    assert SGLANG.reserved_mib(l4, Layout(1), model) == 4096
    assert SGLANG.mem_fraction_static(h100, Layout(8), model) < 0.830


def test_sglang_line_and_dp_attention_for_deepseek():
    plan = plan_for(ask("deepseek-v3 ctx=32k users=64 on h200", "sglang"), "H200-141GB")
    command = plan.serve_command
    assert command.startswith("python -m sglang.launch_server --model-path deepseek-ai/DeepSeek-V3")
    assert "--tp 8 --dp 8 --enable-dp-attention" in command
    assert "--mem-fraction-static 0." in command and "--context-length 32768" in command
    assert plan.dp_attention


def test_dp_attention_divides_the_latent_cache_among_the_ranks():
    planned = footprint(parse("deepseek-v3 ctx=32k users=64"), SGLANG)
    replicated = SGLANG.kv_bytes(planned, Layout(8))
    assert SGLANG.kv_bytes(planned, Layout(8, 1, True)) == replicated // 8
    # one request is all on one rank: its whole latent cache, not an eighth of it
    one = footprint(parse("deepseek-v3 ctx=32k users=1"), SGLANG)
    assert SGLANG.kv_bytes(one, Layout(8, 1, True)) == SGLANG.kv_bytes(one, Layout(8))


@pytest.mark.parametrize("case", CASES["gguf_sizes"], ids=lambda case: case["id"])
def test_gguf_file_sizes_are_what_llama_cpp_prints(case):
    size = gguf_size(find_model(case["model"]).model, case["format"]).total_bytes
    published_gib = case["size_gib"] if "size_gib" in case else case["size_gb"] * 1e9 / 2**30
    assert size / 2**30 == pytest.approx(published_gib, rel=case["tolerance_pct"] / 100)
    # the tensor data alone, without the ~2 MB header: within 0.01 GiB for these files
    assert abs(size / 2**30 - published_gib) < case.get("within_gib", 0.01)


def _size_under_older_rules(model, ftype: str, default_roles: list[str], first: bool) -> int:
    """The file as llama.cpp made it before a rule change: those roles keep the mix's default."""
    listed = tensors(model, first)
    counters, total = new_counters(listed), 0
    for tensor in listed:
        kind = tensor_type(model, tensor, ftype, counters)
        if tensor.role in default_roles and tensor.quantisable:
            kind = FTYPE_DEFAULT[ftype]
        total += tensor_bytes(tensor.elements, kind)
    return total


@pytest.mark.parametrize("case", CASES["gguf_sizes_older_rules"], ids=lambda case: case["id"])
def test_a_file_made_under_older_rules_is_today_s_mix_without_the_later_bumps(case):
    model = find_model(case["model"]).model
    published = case.get("file_bytes") or case.get("size_gb", 0) * 10**9
    published = published or case["size_gib"] * 2**30
    first = case.get("first_converted", False)
    older = _size_under_older_rules(model, case["format"], case["older_rules"], first)
    # the file also holds its header (~1-9 MB) and a 2023 file kept the router in F16, not F32
    assert abs(older - published) < case.get("within_gib", 0.01) * 2**30
    today = gguf_size(model, case["format"]).total_bytes
    if "today_larger_than_pct" in case:  # the same mix is a larger file today
        assert today / published > 1 + case["today_larger_than_pct"] / 100
    else:  # today's rules still make the file within the tolerance
        assert today == pytest.approx(published, rel=case["today_within_pct"] / 100)


def test_a_gguf_answer_counts_the_file_not_an_average_bits_per_weight():
    answer = ask("llama-3.1-70b q4_k_m ctx=8k")
    assert (
        answer.weights_bytes == gguf_size(find_model("llama-3.1-70b").model, "q4_k_m").total_bytes
    )


def test_metas_fp8_405b_keeps_attention_and_the_outer_blocks_in_bf16():
    model = find_model("llama-3.1-405b").model
    answer = ask("llama-3.1-405b meta fp8")
    # 124 inner blocks x 3 x 16,384 x 53,248 FFN weights at 1 byte (+ a 4-byte scale per
    # output row), the other 81.3 B parameters at 2 bytes
    ffn = 124 * 3 * 16_384 * 53_248
    scales = 124 * (2 * 53_248 + 16_384) * 4
    assert answer.weights_bytes == ffn + scales + (model.params - ffn) * 2
    assert answer.weights_bytes > 1.19 * ask("llama-3.1-405b fp8").weights_bytes
    assert any("Meta's own FP8 checkpoint" in note for note in answer.assumptions)


def test_unsloth_dynamic_quants_are_named_as_such():
    answer = ask("llama-3.1-8b UD-Q4_K_XL ctx=8k")
    assert answer.engine is LLAMA_CPP
    assert answer.weights_bytes == gguf_size(find_model("llama-3.1-8b").model, "q4_k_m").total_bytes
    [weights] = [part for part in answer.parts if part.name == "weights"]
    assert "Unsloth's dynamic quant" in weights.sentence


def test_ollama_serves_its_library_default_format_when_none_is_named():
    answer = ask("qwen3-30b-a3b on rtx 4090", "ollama")
    assert answer.query.precision.name == "q4_k_m"
    assert any("Ollama's library default" in note for note in answer.assumptions)


def test_the_json_gives_gpu_layers_for_llama_cpp_cards():
    answer = to_json_dict(ask("llama-3.1-70b q4_k_m ctx=8k on 1x rtx 4090"))
    [card] = answer["gpus"]
    assert 0 < card["gpu_layers"] < 81 and card["system_ram_bytes"] > 0
    assert f"-ngl {card['gpu_layers']}" in card["serve_command"]


def test_the_reserve_shown_is_the_recommended_layouts():
    answer = ask("deepseek-v3 ctx=32k users=64 on 8x h200", "sglang")
    plan = plan_for(answer, "H200-141GB")
    assert answer.overhead_bytes == plan.gpu.memory_bytes - plan.usable_bytes_per_gpu
    assert answer.overhead_bytes > SGLANG.reserve_bytes(
        footprint(parse("deepseek-v3 ctx=32k users=64"), SGLANG), plan.gpu, Layout(1)
    )


def test_an_answer_makes_its_footprint_once(monkeypatch):
    import estimator.compute as compute

    calls = []
    real = compute.footprint

    def counted(*args, **kwargs):
        calls.append(args[0].text)
        return real(*args, **kwargs)

    monkeypatch.setattr(compute, "footprint", counted)
    for text in (
        "llama-3.1-70b int4 with 32k context for 20 users fit on 2 H100",
        "llama-3.1-8b max users at 8k on 1x h100",
        "70B fp16",
    ):
        calls.clear()
        compute.estimate_query(parse(text))
        assert len(calls) == 1, text


@pytest.mark.parametrize("case", CASES["llamacpp_recurrent"], ids=lambda case: case["id"])
def test_llama_cpp_keeps_one_f32_recurrent_state_per_slot_as_its_log_prints(case):
    shape = case["architecture"]
    heads = shape["ssm_d_inner"] // shape["ssm_d_state"]  # value heads of head_dim d_state
    spec = LinearAttentionState.gated_deltanet(
        key_heads=shape["ssm_n_group"], value_heads=heads, key_dim=shape["ssm_d_state"],
        value_dim=shape["ssm_d_state"], conv_kernel=shape["ssm_d_conv"],
    )  # fmt: skip
    recurrent_layers = shape["n_layer"] - shape["n_layer"] // shape["full_attention_interval"]
    per_layer = spec.state_bytes() * LLAMA_CPP.recurrent_state_bits // STATE_BITS
    total = per_layer * recurrent_layers * case["slots"]
    assert round(total / MIB, 2) == case["size_mib"]
    recurrent = spec.state_heads * spec.key_dim * spec.value_dim * 4 * recurrent_layers
    assert round(recurrent * case["slots"] / MIB, 2) == case["s_mib"]


def test_a_linear_attention_model_s_state_grows_with_the_slots_not_the_context():
    short = ask("qwen3-next-80b-a3b q4_k_m ctx=8k users=1", "llama.cpp").kv_cache_bytes
    longer = ask("qwen3-next-80b-a3b q4_k_m ctx=16k users=1", "llama.cpp").kv_cache_bytes
    slots = ask("qwen3-next-80b-a3b q4_k_m ctx=8k users=2", "llama.cpp")
    full_layer_cell = 2048 * 12  # 12 full-attention layers, 2,048 B per cell each
    state = 36 * 2_195_456  # 36 Gated DeltaNet layers, f32: (524,288 + 24,576) x 4 B
    assert longer - short == full_layer_cell * 8192
    assert slots.kv_cache_bytes - short == full_layer_cell * 8192 + state
    line = next(part for part in slots.parts if part.name == "KV cache").sentence
    assert "36 linear attention layers × 2,195,456 B of f32 state × 2 slots" in line
