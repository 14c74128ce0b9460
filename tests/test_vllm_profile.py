"""vLLM's runtime reserve against what its own profiler logged (tests/data/engine_cases.json,
"vllm": v0.19.0 start-up logs on an H100, run by run) and against its code's defaults."""

import json
import statistics
from dataclasses import replace
from pathlib import Path

import pytest

from estimator.compute import estimate_query
from estimator.engine import VLLM, Layout
from estimator.engines.vllm_profile import batch_defaults, profile_run
from estimator.gpus import find_gpu
from estimator.memory import footprint
from estimator.model_names import find_model
from estimator.parse import parse

CASES = json.loads((Path(__file__).parent / "data" / "engine_cases.json").read_text())["vllm"]
GIB = 2**30
H100 = find_gpu("H100-80GB")


def logged_run(case):
    model = find_model(case["model"]).model
    return profile_run(VLLM.profile, model, H100, case["tensor_parallel"], None)


def kv_left(case, run) -> int:
    """The KV cache v0.19.0 leaves beside the log's weights and this profile: the requested
    share less weights, peak activation and non-torch memory (it did not yet deduct graphs)."""
    requested = (case["requested_gib"] - case["weights_gib"]) * GIB
    return round(requested - run.activation_bytes - run.non_torch_bytes)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_the_peak_activation_is_what_vllm_logged(case):
    # Worst over the 26 runs: +7.6 % (Mixtral's MoE buffers), -3.9 % (Gemma 3's vision tower).
    logged = case["activation_gib"] * GIB
    assert logged_run(case).activation_bytes == pytest.approx(logged, rel=0.08)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_the_kv_cache_left_is_what_vllm_allocated(case):
    # Within 0.25 GiB: granite's runs log 0.21 GiB more non-torch memory.
    left = kv_left(case, logged_run(case))
    assert abs(left - case["kv_cache_gib"] * GIB) <= 0.25 * GIB


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_non_torch_memory_is_what_vllm_logged_for_one_gpu_or_a_tp_group(case):
    assert abs(logged_run(case).non_torch_bytes - case["non_torch_gib"] * GIB) <= 0.22 * GIB


def test_the_cuda_graph_figure_is_a_typical_estimate_of_those_runs():
    estimates = sorted(case["cuda_graph_estimated_gib"] * GIB for case in CASES)
    low, _, high = statistics.quantiles(estimates, n=4)
    assert low <= VLLM.profile.cuda_graph_bytes <= high


def test_the_sampler_does_not_shrink_with_tensor_parallel_but_the_forward_does():
    model = find_model("llama-3.1-8b").model
    one, four = (profile_run(VLLM.profile, model, H100, tp, None) for tp in (1, 4))
    assert one.sampler_bytes == four.sampler_bytes
    assert four.forward_bytes < one.forward_bytes


@pytest.mark.parametrize(
    ("gpu", "tokens", "seqs"),
    [("H100-80GB", 8192, 1024), ("H200-141GB", 8192, 1024), ("A100-80GB", 2048, 256),
     ("L4-24GB", 2048, 256)],
)  # fmt: skip
def test_vllm_serve_batch_defaults_follow_the_card(gpu, tokens, seqs):
    assert batch_defaults(VLLM.profile, find_gpu(gpu)) == (tokens, seqs)


def test_the_reserve_row_names_the_profile_s_terms_and_adds_up():
    answer = estimate_query(parse("llama-3.1-8b ctx=8k on 1x h100"))
    reserve = next(part for part in answer.parts if part.name == "runtime reserve")
    assert "sampler over 1,024 requests × 128,256 vocabulary" in reserve.sentence
    assert "forward over 8,192 tokens" in reserve.sentence
    run = profile_run(VLLM.profile, find_model("llama-3.1-8b").model, H100, 1, None)
    assert reserve.bytes == run.total_bytes
    assert run.total_bytes == (
        max(run.sampler_bytes, run.forward_bytes) + run.non_torch_bytes + run.cuda_graph_bytes
    )


def test_users_set_max_num_seqs_and_so_the_sampler_s_share():
    few = estimate_query(parse("llama-3.1-8b ctx=8k users=20 on 1x h100"))
    line = few.gpus[0].serve_command
    assert "--max-num-seqs 20" in line
    reserve = next(part for part in few.parts if part.name == "runtime reserve")
    assert "sampler over 20 requests" in reserve.sentence
    alone = estimate_query(parse("llama-3.1-8b ctx=8k on 1x h100"))
    assert few.overhead_bytes < alone.overhead_bytes


def test_the_most_users_that_fit_counts_the_reserve_for_that_many():
    solved = estimate_query(parse("gemma-3-27b max users at 4k on 1x h100")).inverse
    query = parse(f"gemma-3-27b ctx=4k users={solved.value} on 1x h100")
    fits = footprint(query, (H100,))
    more = replace(fits, sequences=solved.value + 1, sequences_asked=solved.value + 1)
    layout = Layout(1)
    usable = VLLM.usable_bytes(H100, layout, fits.kv_model)
    assert VLLM.per_gpu_bytes(fits, H100, layout) <= usable
    assert VLLM.per_gpu_bytes(more, H100, layout) > usable


def test_a_bare_size_with_a_workload_is_profiled_as_the_closest_catalog_model():
    answer = estimate_query(parse("70B fp16 ctx=8k"))
    reserve = next(part for part in answer.parts if part.name == "runtime reserve")
    assert "× 128,256 vocabulary" in reserve.sentence  # a Llama 70B stands in
    assert any("Llama" in note and "70B" in note for note in answer.assumptions)


def test_one_user_asked_is_launched_as_one_and_profiled_as_one():
    asked = estimate_query(parse("gemma-3-27b ctx=32k users=1 on 1x h100"))
    default = estimate_query(parse("gemma-3-27b ctx=32k on 1x h100"))
    assert "--max-num-seqs 1" in asked.gpus[0].serve_command
    assert "--max-num-seqs" not in default.gpus[0].serve_command
    # vLLM's default 1,024 sequences profile a sampler over a 262,208-token vocabulary: 3.8 GiB
    assert default.overhead_bytes - asked.overhead_bytes > 2 * GIB
