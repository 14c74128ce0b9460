"""A follow-up to a training question changes its options and keeps the rest."""

import pytest

from estimator import parse
from estimator.parse import parse_follow_up

FIRST = "lora mistral 7b on one L4 batch=2 rank=32"


@pytest.mark.parametrize(
    ("follow_up", "method", "changed"),
    [
        ("batch=4", "lora", {"micro_batch": 4, "rank": 32}),
        ("rank=64", "lora", {"micro_batch": 2, "rank": 64}),
        ("seq=8192", "lora", {"seq_len": 8192, "micro_batch": 2}),
        ("zero3", "lora", {"sharding": "zero3", "rank": 32}),
        ("qlora", "qlora", {"micro_batch": 2, "rank": 32}),
        ("full", "full", {"micro_batch": 2, "rank": None}),
    ],
)
def test_training_follow_ups(follow_up, method, changed):
    query = parse_follow_up(follow_up, parse(FIRST))
    assert query.task == method and query.training.method == method
    for name, value in changed.items():
        assert getattr(query.training, name) == value, name
    assert query.model.key == "mistral-7b" and query.gpus[0].gpu.name == "L4-24GB"


def test_cards_change_and_training_stays():
    query = parse_follow_up("on 2x h100", parse(FIRST))
    assert query.training == parse(FIRST).training
    assert (query.gpus[0].gpu.name, query.gpus[0].count) == ("H100-80GB", 2)
