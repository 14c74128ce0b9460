"""Estimate -> plain text, for the command line and for Slack's notification fallback."""

from estimator.engine import RULE_OF_THUMB_OVERHEAD
from estimator.estimate import Estimate, GpuPlan
from estimator.units import format_gb, format_gib


def _both(n_bytes: int) -> str:
    return f"{format_gib(n_bytes):>11}  ({format_gb(n_bytes)})"


_ALLOWANCE_NOTE = f"{float(RULE_OF_THUMB_OVERHEAD) * 100:g} % allowance: activations, KV cache"


def breakdown_rows(estimate: Estimate) -> list[tuple[str, int, str]]:
    """(label, bytes, note) for each part of the total, shared by every renderer."""
    rows = [
        ("weights", estimate.weights_bytes, estimate.query.precision.bits_label + " per weight")
    ]
    if estimate.kv_cache_bytes:
        note = (
            f"{estimate.kv_bytes_per_token:,} B/token × {estimate.context_tokens:,} tokens"
            f" × {estimate.sequences} seq"
        )
        rows.append(("KV cache", estimate.kv_cache_bytes, note))
        rows.append(
            ("runtime reserve", estimate.overhead_bytes, "per GPU: CUDA context, activations")
        )
    else:
        rows.append(("overhead", estimate.overhead_bytes, _ALLOWANCE_NOTE))
    return rows


def recommendation(plan: GpuPlan) -> str:
    if plan.recommended_count is None:
        return "does not fit any layout up to 16 nodes"
    layout = f"TP {plan.tensor_parallel}"
    if plan.pipeline_parallel and plan.pipeline_parallel > 1:
        layout += f" × PP {plan.pipeline_parallel}"
    return f"{plan.recommended_count} ({layout})"


def requested_verdict(plan: GpuPlan) -> str | None:
    if plan.requested_count is None:
        return None
    asked = f"{plan.requested_count} × {plan.gpu.name}"
    if plan.fits_requested:
        return f"Yes, it fits on {asked}."
    if plan.requested_count not in plan.accepted_counts:
        counts = ", ".join(str(count) for count in plan.accepted_counts[:6])
        return f"No: vLLM cannot split this model over {plan.requested_count} GPUs (it takes {counts}…)."
    needed = plan.recommended_count
    verdict = f"No, it does not fit on {asked}" + (f"; it takes {needed}." if needed else ".")
    held = plan.requested_max_sequences
    if held is None:
        return verdict
    if held == 0:
        return verdict + " Not even one sequence of that context fits there."
    return verdict + f" There it holds {held} sequence{'s' * (held != 1)} of that context."


def inverse_line(estimate: Estimate) -> str | None:
    solved = estimate.inverse
    if solved is None:
        return None
    where = f"{solved.gpu_count} × {solved.gpu.name}"
    if solved.solve_for == "users":
        return f"Max concurrent sequences on {where}: {solved.value:,}"
    line = f"Max context on {where}: {solved.value:,} tokens"
    model = estimate.query.model
    if model and solved.value > model.native_context:
        line += f" (memory allows it; the model itself is trained for {model.native_context:,})"
    return line


def render_text(estimate: Estimate) -> str:
    lines = [estimate.understood, ""]
    for label, n_bytes, note in breakdown_rows(estimate):
        lines.append(f"  {label:<16}{_both(n_bytes)}   {note}")
    lines.append(f"  {'total':<16}{_both(estimate.total_bytes)}")
    lines.append("")
    lines.append(f"  {'card':<16}{'memory (CUDA)':>13}  {'min':>4}  recommended (vLLM)")
    for plan in estimate.gpus:
        lines.append(
            f"  {plan.gpu.name:<16}{format_gib(plan.gpu.memory_bytes):>13}  "
            f"{plan.min_count:>4}  {recommendation(plan)}"
        )
    verdicts = [v for v in (requested_verdict(plan) for plan in estimate.gpus) if v]
    solved = inverse_line(estimate)
    extra = [*verdicts, *([solved] if solved else [])]
    if extra:
        lines += ["", *extra]
    first = next((plan for plan in estimate.gpus if plan.serve_command), None)
    if first:
        lines += ["", f"  {first.serve_command}   # on {first.gpu.name}"]
    lines += ["", "Assumptions:"] + [f"  - {note}" for note in estimate.assumptions]
    return "\n".join(lines)
