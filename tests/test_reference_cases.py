"""The estimator against published figures (tests/data/reference_cases.json, from ../shared/reference).

Each case's `canonical_query` goes through the real parser and estimator; the figure it names
must come out within the case's own tolerance (how exact its source is).
"""

import json
from pathlib import Path

import pytest

from estimator import estimate

CASES = json.loads((Path(__file__).parent / "data" / "reference_cases.json").read_text())["cases"]


def measured(case: dict) -> int:
    answer = estimate(case["canonical_query"])
    quantity = case["quantity"]
    if quantity == "total_params":
        return answer.query.params
    if quantity == "published_total_memory_bytes":
        return answer.total_bytes
    if quantity == "gpus_needed":
        (plan,) = [plan for plan in answer.gpus if plan.gpu.name == case["gpu"]]
        return getattr(plan, case["count_kind"])
    return getattr(answer, quantity)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_reference_case(case):
    value = measured(case)
    tolerance = case["value"] * case["tolerance_pct"] / 100
    assert abs(value - case["value"]) <= tolerance, (
        f"{case['id']}: {value:,} vs published {case['value']:,} "
        f"(±{case['tolerance_pct']} %), source: {case['source']}"
    )


def test_every_quantity_kind_is_covered():
    kinds = {case["quantity"] for case in CASES}
    assert kinds == {
        "weights_bytes",
        "kv_cache_bytes",
        "kv_bytes_per_token",
        "total_params",
        "published_total_memory_bytes",
        "gpus_needed",
    }
