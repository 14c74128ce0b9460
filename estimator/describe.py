"""The words of an answer: what was understood, and the assumptions behind the numbers."""

from estimator.engine import RULE_OF_THUMB_OVERHEAD, VLLM
from estimator.memory import Footprint
from estimator.query import Query
from estimator.units import format_bytes


def format_count(value: int) -> str:
    """70_000_000_000 -> '70 B', 70_553_706_496 -> '70.55 B', 350_000_000 -> '350 M'."""
    for size, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if value >= size:
            return f"{value / size:.2f}".rstrip("0").rstrip(".") + f" {suffix}"
    return str(value)


def understood(query: Query, footprint: Footprint) -> str:
    precision = query.precision
    parts = []
    if query.model:
        parts.append(f"{query.model.display_name} ({format_count(query.params)} params)")
    else:
        parts.append(f"{format_count(query.params)} params")
    parts.append(f"{precision.name} ({precision.bits_label})")
    workload = query.workload
    if workload.given:
        sequences = footprint.sequences
        parts.append(
            f"{footprint.context_tokens:,}-token context × {sequences} sequence{'s' * (sequences != 1)}"
        )
        kv_name = (
            workload.kv_format.name if workload.kv_format else f"{float(footprint.kv_bits):g}-bit"
        )
        parts.append(f"KV cache {kv_name}")
    for request in query.gpus:
        parts.append(
            f"on {request.count} × {request.gpu.name}"
            if request.count
            else f"on {request.gpu.name}"
        )
    if query.solve_for:
        parts.append(f"solve for max {query.solve_for}")
    return " · ".join(parts)


def assumptions(query: Query, footprint: Footprint, planning: Footprint) -> tuple[str, ...]:
    notes = []
    model = query.model
    precision = query.precision
    if not query.precision_given:
        if model:
            notes.append(f"No precision given: the model's native {precision.name}.")
        else:
            notes.append("No precision given: 16-bit weights (fp16/bf16).")
    if footprint.uses_allowance:
        notes.append(
            f"No workload given: total = weights + {float(RULE_OF_THUMB_OVERHEAD):.0%} for activations and "
            "KV cache (rule of thumb). Add ctx=8k users=4 for a computed KV cache."
        )
    if model is None and footprint.kv_model is not None:
        notes.append(
            f"Architecture unknown: KV cache computed as for {footprint.kv_model.display_name}, the "
            "catalog model closest in size. Name the model for exact figures."
        )
    if model and precision.scope != "all" and precision.bits < 16:
        kept = (
            "all but the expert weights"
            if precision.scope == "experts" and model.is_moe
            else ("embeddings and lm_head")
        )
        notes.append(f"{precision.name}: {kept} stay at 16 bits, as such checkpoints ship.")
    if model and model.is_moe:
        notes.append("MoE: every expert is resident in memory; the active ones only set the speed.")
    kv_model = planning.kv_model
    if kv_model and kv_model.has_sliding_window and planning.context_tokens:
        full = planning.kv_cache_bytes(windowed=False)
        notes.append(
            "Sliding-window layers hold only their window (vLLM's hybrid allocator, llama.cpp); "
            f"with every layer at full context the KV cache would be {format_bytes(full)}."
        )
    if query.workload.context_tokens is None and planning.kv_model is not None and model:
        notes.append(
            f"Recommended counts leave room for one sequence of the native context "
            f"({model.native_context:,} tokens)."
        )
    notes.extend(_ALWAYS)
    return tuple(notes)


_ALWAYS = (
    f"Recommended: {VLLM.name} at --gpu-memory-utilization {float(VLLM.gpu_memory_utilization):g}, "
    f"{format_bytes(VLLM.runtime_reserve_bytes)} runtime reserve per GPU, tensor parallel "
    "dividing the attention heads (1, 2, 4, 8), pipeline parallel across 8-GPU nodes.",
    "Card memory is what CUDA sees (A100/H100 80GB: 79.2 GiB), not the marketing figure. "
    "GB = 10^9 bytes, GiB = 2^30 bytes; 32k context = 32,768 tokens.",
)
