"""The source article's worked example, to the byte (../shared/SEED.md)."""

from estimator import estimate
from estimator.units import format_gb, format_gib


def test_70b_fp16_is_168e9_bytes_and_two_a100s():
    answer = estimate("70B fp16")
    assert answer.weights_bytes == 140_000_000_000
    assert answer.overhead_bytes == 28_000_000_000
    assert answer.total_bytes == 168_000_000_000
    assert answer.rule_of_thumb_bytes == 168_000_000_000
    assert format_gib(answer.total_bytes) == "156.5 GiB"
    assert format_gb(answer.total_bytes) == "168.0 GB"
    counts = {plan.gpu.name: plan.min_count for plan in answer.gpus}
    assert counts == {"A100-80GB": 2, "H100-80GB": 2}


def test_one_a100_is_not_enough():
    (plan,) = estimate("70B fp16 on 1x a100").gpus
    assert plan.requested_count == 1
    assert plan.fits_requested is False


def test_understood_says_what_was_read():
    assert estimate("70B fp16").understood == "70 B params · fp16 (16 bits)"


def test_card_capacity_is_cuda_visible_bytes_not_marketing_gb():
    plan = estimate("70B fp16 on a100").gpus[0]
    assert plan.gpu.memory_bytes == 84_987_740_160
    assert plan.gpu.memory_bytes != 80 * 10**9
