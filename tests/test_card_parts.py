"""GpuPlan.card_parts: one card of the recommended layout, part by part, adding up to the card."""

import pytest

from estimator import estimate

QUESTIONS = (
    "70B fp16",
    "llama-3.1-70b int4 32k ctx 20 users on 2x h100",
    "llama-3.1-8b ctx=8k users=4",
    "deepseek-v3 ctx=32k users=4 compare",
    "qwen3-30b-a3b q4_k_m ctx=128k",
)


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_cards_parts_add_up_to_its_memory_and_its_plan(question):
    for plan in estimate(question).gpus:
        if plan.recommended_count is None:
            assert plan.card_parts == ()
            continue
        names = [part.name for part in plan.card_parts]
        assert names[-2:] == ["free", "kept back"]
        held = plan.card_parts[:-2]
        assert sum(part.bytes for part in held) == plan.per_gpu_bytes
        assert plan.card_parts[-2].bytes == plan.usable_bytes_per_gpu - plan.per_gpu_bytes >= 0
        assert sum(part.bytes for part in plan.card_parts) == plan.gpu.memory_bytes
        assert all(part.sentence for part in plan.card_parts)


def test_the_shards_follow_the_layout():
    answer = estimate("llama-3.1-70b fp16 ctx=8k users=8")
    plan = answer.gpus[0]
    weights = next(part for part in plan.card_parts if part.name == "weights")
    shards = plan.tensor_parallel * plan.pipeline_parallel
    assert weights.bytes == -(-answer.weights_bytes // shards)
    kv = next(part for part in plan.card_parts if part.name == "KV cache")
    assert kv.bytes < answer.kv_cache_bytes  # the cache is split across the tensor-parallel ranks
