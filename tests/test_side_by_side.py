"""'fp8 vs fp16' answers each format, side by side; 'how many nodes' counts the plan in nodes."""

import pytest

from estimator import estimate
from estimator.render_json import to_json_dict
from estimator.render_text import render_text


def test_each_format_is_the_answer_it_would_get_alone():
    compared = estimate("fp8 vs fp16 for llama 3.1 70b")
    assert [row.precision for row in compared.side_by_side] == ["fp8", "fp16"]
    for row in compared.side_by_side:
        alone = estimate(f"llama 3.1 70b {row.precision}")
        assert row.total_bytes == alone.total_bytes
        assert row.cards == tuple(
            f"{plan.gpu.name}: min {plan.min_count}, vLLM {plan.recommendation}"
            for plan in alone.gpus
        )
    # The first format is the answer in full, and the answer says what it compares.
    assert compared.total_bytes == estimate("llama 3.1 70b fp8").total_bytes
    assert compared.assumptions[0].startswith("Formats side by side: fp8 in full, fp16")


def test_the_rows_reach_every_face():
    compared = estimate("llama-3.1-8b fp16 or int4 or q4_k_m on l4")
    assert len(compared.side_by_side) == 3
    text = render_text(compared)
    assert "Side by side:" in text and "q4_k_m" in text
    rows = to_json_dict(compared)["side_by_side"]
    assert [row["precision"] for row in rows] == ["fp16", "int4", "q4_k_m"]
    assert all(isinstance(row["total_bytes"], int) for row in rows)
    assert to_json_dict(estimate("70B fp16"))["side_by_side"] == []


@pytest.mark.parametrize(
    ("question", "nodes"),
    [
        ("llama 3.1 405b fp16 how many nodes", "= 2 nodes of 8"),
        ("llama 3.1 405b fp8 how many nodes", "= 1 node of 8"),
    ],
)
def test_how_many_nodes_counts_the_plan_in_nodes_of_eight(question, nodes):
    for plan in estimate(question).gpus:
        assert plan.recommendation.endswith(nodes)
    assert not estimate("llama 3.1 405b fp16").gpus[0].recommendation.endswith("of 8")


def test_how_many_nodes_on_a_single_machine_engine_plans_that_machine():
    for plan in estimate("llama 3.1 70b q4_k_m with llama.cpp how many nodes").gpus:
        assert "node" not in plan.recommendation
    for plan in estimate("deepseek-v3 on sglang how many nodes").gpus:
        assert plan.recommendation.endswith("= 2 nodes of 8")
