"""The per-card bars: characters in proportion to the core's card_parts, one card's memory wide."""

import pytest

from bot.render.bars import BAR_CHARS, LEGEND, SYMBOLS, card_bar
from bot.render.blocks import answer_blocks
from bot.render.plain import blocks_as_text
from estimator import estimate


def drawn(plan) -> str:
    return card_bar(plan).split("`")[1]


@pytest.mark.parametrize(
    "question",
    ["70B fp16", "llama-3.1-70b int4 32k ctx 20 users on 2x h100", "llama-3.1-8b ctx=8k users=4"],
)
def test_each_part_gets_its_share_of_the_bar(question):
    for plan in estimate(question).gpus:
        bar = drawn(plan)
        assert len(bar) == BAR_CHARS
        for part in plan.card_parts:
            share = part.bytes * BAR_CHARS / plan.gpu.memory_bytes
            count = bar.count(SYMBOLS[part.name])
            assert abs(count - share) <= 1.5, (part.name, count, share)
            assert count >= (1 if part.bytes else 0)


def test_the_bar_says_the_free_room_and_the_card():
    plan = estimate("llama-3.1-8b ctx=8k users=4").gpus[0]
    free = next(part.bytes for part in plan.card_parts if part.name == "free")
    line = card_bar(plan)
    assert line.endswith(f"1 × {plan.gpu.name}, each: {free / 2**30:.1f} GiB free of 79.2 GiB")


def test_the_answer_shows_a_bar_under_each_card_and_the_legend_once():
    answer = estimate("llama-3.1-70b int4 ctx=32k users=20")
    text = blocks_as_text(answer_blocks(answer))
    for plan in answer.gpus:
        assert drawn(plan) in text
    assert text.count(LEGEND) == 1


def test_a_plan_that_fits_nowhere_has_no_bar():
    [plan] = estimate("1.5T fp32 ctx=128k users=64 on l4").gpus
    assert plan.recommended_count is None and card_bar(plan) is None
