"""'fp8 vs fp16 for llama 3.1 70b': the same question in each format, side by side.

The first format is answered in full; every format (the first included) gets a row with its
total and, per card, the fewest cards and the engine's layout, so the renderers can set them
next to each other without computing anything.
"""

from collections.abc import Callable
from dataclasses import replace

from estimator.estimate import Estimate, FormatRow
from estimator.query import Query


def _row(answer: Estimate) -> FormatRow:
    cards = tuple(
        f"{plan.gpu.name}: min {plan.min_count}, {answer.recommended_by} {plan.recommendation}"
        for plan in answer.gpus
    )
    return FormatRow(answer.query.precision.name, answer.total_bytes, cards)


def formats_side_by_side(query: Query, answer: Callable[[Query], Estimate]) -> Estimate:
    first, *others = query.compare_precisions
    each = [
        answer(replace(query, precision=precision, precision_given=True, compare_precisions=()))
        for precision in (first, *others)
    ]
    names = ", ".join(precision.name for precision in others)
    note = f"Formats side by side: {first.name} in full, {names} in the side-by-side rows."
    return replace(
        each[0],
        side_by_side=tuple(_row(one) for one in each),
        assumptions=(note, *each[0].assumptions),
    )
