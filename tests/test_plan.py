"""GPU plans a serving engine would accept, and the inverse questions."""

import pytest

from estimator import QueryError, estimate
from estimator.engine import VLLM
from estimator.gpus import find_gpu
from estimator.render_text import render_text


@pytest.mark.parametrize(
    ("heads", "kv_heads", "sizes"),
    [
        (64, 8, [1, 2, 4, 8]),  # Llama 3.1 70B
        (28, 4, [1, 2, 4]),  # Qwen2.5 7B: 28 heads do not split over 8
        (40, 40, [1, 2, 4, 8]),  # Llama 2 13B, MHA
        (32, 1, [1, 2, 4, 8]),  # MQA: the one KV head is replicated
        (None, None, [1, 2, 4, 8]),  # bare size: no architecture to object
    ],
)
def test_tensor_parallel_sizes(heads, kv_heads, sizes):
    assert VLLM.tensor_parallel_sizes(heads, kv_heads) == sizes


def plan(text: str, gpu: str):
    (found,) = [p for p in estimate(text).gpus if p.gpu.name == gpu]
    return found


def test_recommendation_fits_within_engine_headroom():
    found = plan("llama-3.1-70b ctx=8k users=16 on h100", "H100-80GB")
    usable = int(find_gpu("h100").memory_bytes * VLLM.gpu_memory_utilization)
    assert found.usable_bytes_per_gpu == usable
    assert found.per_gpu_bytes <= usable
    assert found.recommended_count == found.tensor_parallel == 4


def test_recommendation_is_never_below_the_memory_minimum():
    for text in ("70B fp16", "llama-3.1-405b fp8 ctx=32k users=8", "deepseek-v3 compare"):
        for found in estimate(text).gpus:
            if found.recommended_count is not None:
                assert found.recommended_count >= found.min_count


def test_a_plan_below_the_rule_of_thumb_s_minimum_says_why():
    # No workload: the min holds the 20 % allowance (75 GiB for R1's Q4_K_M), more than an MLA
    # model's one native-context sequence and llama.cpp's buffers.
    found = plan("deepseek-r1 q4_k_m", "H100-80GB")
    assert (found.recommended_count, found.min_count) == (5, 6)
    assert found.min_count_reason.startswith(
        "recommended 5, below the min of 6: the min holds the 20 % allowance shown; llama.cpp's "
        "own plan (weights, one 163,840-token sequence, its buffers) needs 5 × "
    )
    assert found.per_gpu_bytes * 5 < estimate("deepseek-r1 q4_k_m").total_bytes


def test_qwen_7b_is_never_split_over_8():
    found = plan("qwen2.5-7b fp16 ctx=32k users=200 on l4", "L4-24GB")
    assert found.tensor_parallel in (1, 2, 4)


def test_beyond_a_node_pipeline_parallel_across_whole_nodes():
    found = plan("llama-3.1-405b fp16 ctx=8k on a100-40gb", "A100-40GB")
    assert found.tensor_parallel == 8
    assert found.pipeline_parallel >= 2
    assert found.recommended_count == 8 * found.pipeline_parallel
    assert "--pipeline-parallel-size" in found.serve_command


def test_vllm_line_names_everything_asked():
    found = plan("llama-3.1-70b int4 ctx=32k users=20 kv=fp8 on h100", "H100-80GB")
    command = found.serve_command
    assert command.startswith("vllm serve ")
    assert f"--tensor-parallel-size {found.tensor_parallel}" in command
    assert "--max-model-len 32768" in command
    assert "--gpu-memory-utilization 0.92" in command
    assert "--kv-cache-dtype fp8" in command
    assert "--max-num-seqs 20" in command


def test_on_call_question_fits_or_not():
    no = plan("does llama-3.1-70b int4 with 32k context for 20 users fit on 2 H100?", "H100-80GB")
    assert (no.requested_count, no.fits_requested) == (2, False)
    yes = plan("does llama-3.1-70b int4 with 8k context for 4 users fit on 2 H100?", "H100-80GB")
    assert (yes.requested_count, yes.fits_requested) == (2, True)


def test_an_odd_count_is_refused_by_the_engine():
    found = plan("llama-3.1-8b fp16 on 3x l4", "L4-24GB")
    assert found.fits_requested is False
    assert 3 not in found.accepted_counts


def test_max_context_is_the_largest_that_fits():
    answer = estimate("llama-3.1-70b fp16 max ctx on 2x h100")
    solved = answer.inverse
    assert solved.solve_for == "context" and solved.gpu_count == 2
    # One token more would not fit: check against the plan's own arithmetic.
    more = estimate(f"llama-3.1-70b fp16 ctx={solved.value + 16} on 2x h100")
    fits = estimate(f"llama-3.1-70b fp16 ctx={solved.value} on 2x h100")
    assert fits.gpus[0].fits_requested is True
    assert more.gpus[0].fits_requested is False


def test_max_users_at_a_context():
    solved = estimate("llama-3.1-8b max users at 8k on 1x h100").inverse
    assert solved.solve_for == "users" and solved.value > 0
    fits = estimate(f"llama-3.1-8b ctx=8k users={solved.value} on 1x h100")
    more = estimate(f"llama-3.1-8b ctx=8k users={solved.value + 1} on 1x h100")
    assert fits.gpus[0].fits_requested is True
    assert more.gpus[0].fits_requested is False


def test_inverse_on_a_count_the_engine_refuses():
    with pytest.raises(QueryError, match="cannot split"):
        estimate("llama-3.1-70b max ctx on 3x h100")


def test_a_no_says_what_the_requested_cards_do_hold():
    no = plan("does llama-3.1-70b int4 with 32k context for 20 users fit on 2 H100?", "H100-80GB")
    held = no.requested_max_sequences
    assert 0 < held < 20
    at_most = plan(f"llama-3.1-70b int4 ctx=32k users={held} on 2x h100", "H100-80GB")
    one_more = plan(f"llama-3.1-70b int4 ctx=32k users={held + 1} on 2x h100", "H100-80GB")
    assert (at_most.fits_requested, one_more.fits_requested) == (True, False)


def test_a_yes_or_an_odd_count_carries_no_capacity_hint():
    assert plan("llama-3.1-8b fp16 ctx=8k on 2x h100", "H100-80GB").requested_max_sequences is None
    assert plan("llama-3.1-8b fp16 ctx=8k on 3x l4", "L4-24GB").requested_max_sequences is None


def test_max_context_beyond_the_native_one_says_so():
    answer = estimate("llama-3.1-8b max ctx on 1x h100")
    assert answer.inverse.value > 131_072
    assert "the model itself is trained for 131,072" in render_text(answer)
