"""Estimate -> plain text, for the command line and for Slack's notification fallback.

Every sentence about the numbers comes from the Estimate (estimator.describe); this only
lays it out."""

from estimator.estimate import Estimate
from estimator.units import format_gb, format_gib


def _both(n_bytes: int) -> str:
    return f"{format_gib(n_bytes):>11}  ({format_gb(n_bytes)})"


def render_text(estimate: Estimate) -> str:
    lines = [estimate.understood, ""]
    for part in estimate.parts:
        lines.append(f"  {part.name:<16}{_both(part.bytes)}   {part.sentence}")
    lines.append(f"  {estimate.parts_total_label:<16}{_both(estimate.parts_total)}")
    lines.append("")
    lines.append(
        f"  {'card':<16}{'memory (CUDA)':>13}  {'min':>4}  recommended ({estimate.recommended_by})"
    )
    for plan in estimate.gpus:
        lines.append(
            f"  {plan.gpu.name:<16}{format_gib(plan.gpu.memory_bytes):>13}  "
            f"{plan.min_count:>4}  {plan.recommendation}"
        )
    reasons = [plan.min_count_reason for plan in estimate.gpus if plan.min_count_reason]
    lines += [f"  {reason}" for reason in dict.fromkeys(reasons)]
    if estimate.verdicts:
        lines += ["", *estimate.verdicts]
    if estimate.side_by_side:
        lines += ["", "Side by side:"]
        for row in estimate.side_by_side:
            lines.append(f"  {row.precision:<16}{_both(row.total_bytes)}   {' · '.join(row.cards)}")
    first = next((plan for plan in estimate.gpus if plan.serve_command), None)
    if first:
        lines += ["", f"  {first.serve_command}   # on {first.gpu.name}"]
    lines += ["", "Assumptions:"] + [f"  - {note}" for note in estimate.assumptions]
    return "\n".join(lines)
