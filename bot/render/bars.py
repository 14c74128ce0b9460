"""Per-card bars: what one card of the recommended layout holds, drawn with block characters,
so that "does it fit, and with how much room" is seen at a glance.

The figures are the core's (GpuPlan.card_parts, which add up to the card's memory); this
module only turns bytes into characters.
"""

from estimator.estimate import GpuPlan
from estimator.units import format_gib

BAR_CHARS = 30  # one card's memory, in characters
SYMBOLS = {
    "weights": "█",
    "KV cache": "▓",
    "runtime reserve": "▒",
    "overhead": "▒",
    "free": "░",
    "kept back": "·",
}
LEGEND = "█ weights  ▓ KV cache  ▒ reserve  ░ free  · kept back by the engine"


def card_bar(plan: GpuPlan) -> str | None:
    """'`███▓▓▓▓▓▓▒░░░░░░░·` 4 × H100-80GB, each: 15.1 GiB free of 79.2 GiB', or None."""
    parts = [part for part in plan.card_parts if part.bytes > 0]
    if not parts:
        return None
    widths = _widths([part.bytes for part in parts], BAR_CHARS)
    bar = "".join(
        SYMBOLS.get(part.name, "?") * width for part, width in zip(parts, widths, strict=True)
    )
    free = next((part.bytes for part in plan.card_parts if part.name == "free"), 0)
    count = plan.recommended_count
    return (
        f"`{bar}` {count} × {plan.gpu.name}, each: {format_gib(free)} free "
        f"of {format_gib(plan.gpu.memory_bytes)}"
    )


def _widths(sizes: list[int], chars: int) -> list[int]:
    """Characters per part, adding up to `chars` (largest remainders); a part that is there
    gets at least one character, so a small KV cache is still seen."""
    total = sum(sizes)
    exact = [size * chars / total for size in sizes]
    widths = [max(1, int(share)) for share in exact]
    by_remainder = sorted(range(len(sizes)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    for i in by_remainder:
        if sum(widths) >= chars:
            break
        widths[i] += 1
    while sum(widths) > chars:  # the minimum of one took room: the widest part gives it back
        widest = max(range(len(widths)), key=widths.__getitem__)
        widths[widest] -= 1
    return widths
