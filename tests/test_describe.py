"""The words of an answer come from the core and say what the figures are: each breakdown row's
sentence is an equation that holds, and a minimum card count follows from the numbers shown."""

import math
import re
from fractions import Fraction

import pytest

from estimator import estimate

NUMBER = r"\d[\d,]*(?:\.\d+)?"
TERM = re.compile(rf"(?:(\d+) [a-z -]+ layers × )?({NUMBER}) B/token × ({NUMBER}) tokens")
STATE = re.compile(rf"(\d+) [a-z() -]+ layers × ({NUMBER}) B of state")


def _number(text: str) -> Fraction:
    return Fraction(text.replace(",", ""))


def _evaluate_kv_sentence(sentence: str) -> Fraction:
    """'(52 sliding-window layers × 8,192 B/token × 1,024 tokens + …) × 4 seq' -> its value."""
    total = Fraction(0)
    for layers, per_token, tokens in TERM.findall(sentence):
        total += int(layers or 1) * _number(per_token) * _number(tokens)
    for layers, state in STATE.findall(sentence):
        total += int(layers) * _number(state)
    sequences = re.search(rf"× ({NUMBER}) seq", sentence).group(1)
    return total * _number(sequences)


@pytest.mark.parametrize(
    "question",
    [
        "gemma-3-27b ctx=32k users=4",  # the wrong equation of issue 9: 5 of 6 layers slide
        "gpt-oss-120b ctx=100k users=3",  # alternating sliding and full layers
        "llama-3.1-8b ctx=8000 users=3",  # not a whole number of 16-token blocks
        "llama-3.1-70b int4 ctx=32k users=20",
        "deepseek-v3 ctx=32k users=2",  # MLA
        "llama-3.1-8b ctx=8k users=5 kv=fp8",
        "llama-3.1-8b users=2 on l4",  # one native-length sequence outgrows two typical ones
        "gemma 3n e4b ctx=32k users=8 on l4",  # KV-shared layers hold no cache of their own
        "qwen3-next-80b-a3b ctx=256k users=4 on h100",  # linear-attention state per sequence
    ],
)
def test_the_kv_sentence_is_an_equation_that_holds(question):
    answer = estimate(question)
    [kv] = [part for part in answer.parts if part.name == "KV cache"]
    assert kv.bytes == answer.kv_cache_bytes
    assert math.ceil(_evaluate_kv_sentence(kv.sentence)) == kv.bytes, kv.sentence


def test_the_parts_add_up_to_the_total():
    for question in ("70B fp16", "gemma-3-27b ctx=32k users=4", "mixtral-8x7b awq ctx=4k"):
        answer = estimate(question)
        assert sum(part.bytes for part in answer.parts) == answer.total_bytes


@pytest.mark.parametrize(
    "question",
    [
        "llama 3.1 70b fp16 how many h100",  # issue 9: the table showed 157.7 GiB and "min 3"
        "llama-3.1-70b int4 ctx=32k users=20 on 2x h100",
        "llama-3.1-8b ctx=128k users=8 on l4",
        "70B fp16",
        "qwen2.5-72b fp16 ctx=8k compare",
        "deepseek-v3 on sglang ctx=32k users=64 on 8x h200",  # a reserve per layout
    ],
)
def test_a_minimum_follows_from_the_numbers_shown_or_says_why_not(question):
    answer = estimate(question)
    for plan in answer.gpus:
        over_one_card = max(1, math.ceil(answer.total_bytes / plan.gpu.memory_bytes))
        if plan.min_count == over_one_card:
            assert plan.min_count_reason is None
            continue
        assert plan.min_count > over_one_card
        # The reason shows the inequality that rules out the smaller count, and it holds.
        reason = plan.min_count_reason
        assert reason.startswith(f"min {plan.min_count}, not {over_one_card}: each card keeps")
        fewer = over_one_card
        reserve = answer.overhead_bytes
        single = re.search(r"reserve, ([\d.]+) GiB for a single card", reason)
        if single:  # the row shows the recommended layout's reserve; a card alone keeps less
            assert float(single.group(1)) * 2**30 < reserve
            reserve = float(single.group(1)) * 2**30
        held = answer.weights_bytes + answer.kv_cache_bytes
        assert fewer * plan.gpu.memory_bytes < held + fewer * reserve


def test_the_min_of_a_rule_of_thumb_answer_is_the_total_over_the_card():
    [h100] = estimate("llama 3.1 70b fp16 how many h100").gpus
    assert h100.min_count == 2  # 157.7 GiB over 79.2 GiB cards
    assert h100.recommendation == "4 (TP 4)"  # room for one native 128k sequence besides


def test_users_without_a_context_are_typical_requests_bounded_by_one_native_sequence():
    answer = estimate("llama-3.1-8b on L4 for 40 concurrent users")
    assert answer.context_tokens == 8192 and answer.sequences == 40
    assert answer.kv_cache_bytes == 131_072 * 8192 * 40  # 40 GiB, not 40 × 16 GiB at 128k
    assert "typical request of 8,192 tokens" in " ".join(answer.assumptions)
    [l4] = answer.gpus
    assert l4.recommended_count == 4
    assert "--max-model-len 131072" in l4.serve_command  # the engine still takes 128k


def test_nothing_fits_says_why_in_the_engines_terms():
    [l4] = estimate("llama-3.1-405b fp16 ctx=128k users=64 on l4").gpus
    assert l4.recommended_count is None
    assert l4.recommendation == "does not fit any layout vLLM accepts, up to 16 nodes of 8"


def test_the_rule_of_thumb_is_an_assumption_of_the_core():
    notes = estimate("llama-3.1-70b int4 ctx=32k users=20").assumptions
    assert "The classic rule of thumb (weights × 1.2) would say 39.4 GiB." in notes
    assert not any("rule of thumb (weights" in note for note in estimate("70B fp16").assumptions)


def test_kv_shared_layers_are_named_beside_the_layers_that_hold_the_cache():
    [kv] = [p for p in estimate("gemma 3n e4b ctx=32k users=8 on l4").parts if p.name == "KV cache"]
    assert "the last 15 layers reuse earlier layers' cache" in kv.sentence
