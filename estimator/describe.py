"""The words of an answer: what was understood, the breakdown's parts with the sentence that
explains each figure, the plans' verdicts, and the assumptions behind the numbers. Renderers
print these; they never compose a sentence about the numbers themselves."""

import math
from fractions import Fraction

from estimator.engine import RULE_OF_THUMB_OVERHEAD, Engine, Layout
from estimator.estimate import GpuPlan, Inverse, Part
from estimator.gguf import UD_BASE
from estimator.gpus import Gpu
from estimator.memory import Footprint
from estimator.query import Query
from estimator.query_notes import how_read
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
    if query.model or query.hub:
        name = query.model.display_name if query.model else query.hub.repo_id
        parts.append(f"{name} ({format_count(query.params)} params)")
    else:
        parts.append(f"{format_count(query.params)} params")
    parts.append(f"{precision.name} ({precision.bits_label})")
    workload = query.workload
    if workload.given:
        sequences = footprint.sequences
        typical = " (typical request)" if footprint.longest_sequence_tokens else ""
        parts.append(
            f"{footprint.context_tokens:,}-token context{typical} × {sequences} "
            f"sequence{'s' * (sequences != 1)}"
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


def assumptions(
    query: Query, footprint: Footprint, planning: Footprint, gpu: Gpu
) -> tuple[str, ...]:
    notes = [*how_read(query), *(query.hub.notes if query.hub else ())]
    model = query.model
    precision = query.precision
    if not query.precision_given:
        engine = planning.engine
        if engine.default_format and precision.name == engine.default_format:
            notes.append(
                f"No precision given: {engine.name}'s library default, {precision.name} "
                f"(as `ollama pull` fetches); name another format to change it."
            )
        elif model:
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
    if model and precision.scope == "ffn-inner":
        notes.append(
            f"{precision.name}: Meta's own FP8 checkpoint keeps attention, the first and last "
            "blocks, the embeddings and lm_head in BF16; only the other blocks' feed-forward "
            "layers are FP8, so it is well over params × 1 byte."
        )
    elif model and precision.scope != "all" and precision.bits < 16:
        kept = (
            "all but the expert weights"
            if precision.scope == "experts" and model.is_moe
            else ("embeddings and lm_head")
        )
        notes.append(f"{precision.name}: {kept} stay at 16 bits, as such checkpoints ship.")
    if model and model.is_moe:
        notes.append("MoE: every expert is resident in memory; the active ones only set the speed.")
    if model and model.is_embedding:
        notes.append(
            "Embedding model: weights only, no KV cache (each request is encoded whole and "
            "nothing is kept); the runtime reserve covers the activations."
        )
    kv_model = planning.kv_model
    if kv_model and kv_model.has_sliding_window and planning.context_tokens:
        full = planning.kv_cache_bytes(windowed=False)
        notes.append(
            "Sliding-window layers hold only their window (vLLM's hybrid allocator, llama.cpp); "
            f"with every layer at full context the KV cache would be {format_bytes(full)}."
        )
    if footprint.longest_sequence_tokens:
        notes.append(
            f"No context given: each of the {footprint.sequences:,} sequences is sized at a "
            f"typical request of {footprint.context_tokens:,} tokens (add ctx=32k to change it); "
            f"the cache still holds one sequence of the native {footprint.longest_sequence_tokens:,}."
        )
    elif (
        query.workload.context_tokens is None
        and planning.kv_model is not None
        and model
        and not model.is_embedding
    ):
        if planning.context_tokens == model.native_context:
            whose = "the native context"
        else:  # Ollama's num_ctx, set by the card's memory
            whose = f"{planning.engine.name}'s default context"
        notes.append(
            f"Recommended counts leave room for one sequence of {whose} "
            f"({planning.context_tokens:,} tokens)."
        )
    notes.append(planning.engine.assumption(planning, gpu))
    notes.append(_UNIFIED_MEMORY if gpu.unified_memory else _CUDA_MEMORY)
    return tuple(notes)


def rule_of_thumb_note(rule_of_thumb_bytes: int, total_bytes: int) -> str | None:
    if rule_of_thumb_bytes == total_bytes:
        return None
    factor = f"{float(1 + RULE_OF_THUMB_OVERHEAD):g}"
    return f"The classic rule of thumb (weights × {factor}) would say {format_bytes(rule_of_thumb_bytes)}."


# ---------------------------------------------------------------------------- the breakdown


def parts(query: Query, footprint: Footprint) -> tuple[Part, ...]:
    """The rows of the breakdown; their bytes add up to the total."""
    weights = Part("weights", footprint.weights_bytes, weights_sentence(query, footprint))
    if footprint.uses_allowance:
        share = f"{float(RULE_OF_THUMB_OVERHEAD) * 100:g} %"
        return (
            weights,
            Part(
                "overhead", footprint.allowance_bytes, f"{share} allowance: activations, KV cache"
            ),
        )
    engine = footprint.engine
    kv = Part(
        "KV cache",
        footprint.kv_cache_bytes(),
        engine.kv_sentence(footprint) or kv_sentence(footprint),
    )
    reserve = Part(
        "runtime reserve",
        footprint.overhead_bytes,
        footprint.reserve_sentence or engine.reserve_note,
    )
    return (weights, kv, reserve) if kv.bytes else (weights, reserve)


def weights_sentence(query: Query, footprint: Footprint) -> str:
    """'4.82 bits per weight: Q4_K 72 %, Q6_K 27 % (llama.cpp's q4_k_m mix, tensor by tensor)'."""
    size = footprint.gguf
    if query.precision.scope == "ffn-inner" and query.params:
        average = footprint.weights_bytes * 8 / query.params
        return f"{average:.2f} bits per weight on average: inner FFN at 8 bits, the rest BF16"
    if size is None:
        return f"{query.precision.bits_label} per weight"
    total = sum(size.types.values())
    shares = sorted(size.types.items(), key=lambda item: -item[1])
    mix = ", ".join(
        f"{kind} {elements / total:.0%}" for kind, elements in shares if elements * 100 >= total
    )
    name = query.precision.name
    if name in UD_BASE:
        return (
            f"{float(size.bits_per_weight):.2f} bits per weight: {mix}, as llama.cpp's "
            f"{UD_BASE[name]} mix; {name.upper()} is Unsloth's dynamic quant, whose per-tensor "
            "types Unsloth picks per model (its file can differ by a few %)"
        )
    mmproj = (
        f"; the vision tower's mmproj file {format_bytes(size.mmproj_bytes)} in F16"
        if size.mmproj_bytes
        else ""
    )
    return (
        f"{float(size.bits_per_weight):.2f} bits per weight: {mix} "
        f"(llama.cpp's {name} mix, tensor by tensor){mmproj}"
    )


def _per_token(n_bytes: Fraction) -> str:
    whole = n_bytes.denominator == 1
    return f"{int(n_bytes):,} B/token" if whole else f"{float(n_bytes):,.1f} B/token"


def kv_sentence(footprint: Footprint) -> str:
    """The equation of the KV cache figure: bytes per token of each kind of layer, times the
    tokens that kind holds (whole blocks of the engine's page: vLLM 16 tokens), plus the fixed
    state of linear-attention layers, times the sequences."""
    block_tokens = footprint.engine.block_tokens
    context, sequences, why = footprint.context_tokens, footprint.sequences, ""
    longest = footprint.longest_sequence_tokens
    if longest and footprint.kv_cache_bytes() > footprint.engine.kv_bytes(
        footprint, Layout(1), tokens=context, sequences=sequences
    ):
        context, sequences = longest, 1
        why = f" (one native-length sequence outgrows {footprint.sequences:,} typical ones)"
    groups = footprint.kv_model.attention_layers()
    terms = []
    for spec, count in groups:
        kind = spec.kind.replace(" ", "-")
        if spec.state_bytes():  # linear attention: a fixed state per sequence, no tokens
            terms.append(f"{count} {kind} layers × {spec.state_bytes():,} B of state")
            continue
        held = math.ceil(spec.tokens_held(context) / block_tokens) * block_tokens
        per_layer = Fraction(spec.bytes_per_token(footprint.kv_bits))
        if len(groups) == 1:
            terms.append(f"{_per_token(per_layer * count)} × {held:,} tokens")
        else:
            terms.append(f"{count} {kind} layers × {_per_token(per_layer)} × {held:,} tokens")
    product = terms[0] if len(terms) == 1 else "(" + " + ".join(terms) + ")"
    shared = footprint.kv_model.kv_shared_layers
    if shared:  # Gemma 3n: the last layers attend with earlier layers' keys and values
        why += f"; the last {shared} layers reuse earlier layers' cache"
    return f"{product} × {sequences:,} seq{why}"


# ---------------------------------------------------------------------------- the plans


def recommendation(plan: GpuPlan, engine: Engine, *, in_nodes: bool = False) -> str:
    """'4 (TP 4)'; with `in_nodes` ("how many nodes?"), the nodes of the engine's node size."""
    if plan.recommended_count is None and plan.gpu_layers is not None:
        ram = format_bytes(plan.system_ram_bytes or 0)
        return f"-ngl {plan.gpu_layers} of {plan.total_layers} layers on the GPU, {ram} in RAM"
    if plan.recommended_count is None:
        return f"does not fit any layout {engine.name} accepts, {engine.largest_layout_words}"
    line = f"{plan.recommended_count} ({engine.layout_words(plan)})"
    # Nodes are a multi-GPU server's notion (vLLM, SGLang); llama.cpp and Ollama plan one machine.
    per_node = getattr(engine, "gpus_per_node", None)
    if in_nodes and per_node:
        nodes = -(-plan.recommended_count // per_node)
        line += f" = {nodes} node{'s' * (nodes != 1)} of {per_node}"
    return line


def verdict(plan: GpuPlan, engine_name: str) -> str | None:
    if plan.requested_count is None:
        return None
    asked = f"{plan.requested_count} × {plan.gpu.name}"
    if plan.fits_requested:
        return f"Yes, it fits on {asked}."
    if plan.requested_count not in plan.accepted_counts:
        counts = ", ".join(str(count) for count in plan.accepted_counts[:6])
        return (
            f"No: {engine_name} cannot split this model over {plan.requested_count} GPUs "
            f"(it takes {counts}…)."
        )
    needed = plan.recommended_count
    line = f"No, it does not fit on {asked}" + (f"; it takes {needed}." if needed else ".")
    if plan.system_ram_bytes is not None:  # llama.cpp: partial offload
        return line + (
            f" {engine_name} still runs it there with -ngl {plan.gpu_layers} of "
            f"{plan.total_layers} layers on the GPU and {format_bytes(plan.system_ram_bytes)} "
            "in system RAM (much slower)."
        )
    held = plan.requested_max_sequences
    if held is None:
        return line
    if held == 0:
        return line + " Not even one sequence of that context fits there."
    return line + f" There it holds {held} sequence{'s' * (held != 1)} of that context."


def min_count_reason(plan: GpuPlan, footprint: Footprint, planning: Footprint) -> str | None:
    """Why the minimum is more than the total over one card's memory (every card keeps its
    own runtime reserve), or why the engine's plan needs fewer cards than the rule of thumb's
    minimum (its real cache and buffers are below the 20 % allowance shown)."""
    recommended = plan.recommended_count
    if footprint.uses_allowance and recommended and recommended < plan.min_count:
        context = planning.max_model_len
        held = f"one {context:,}-token sequence" if context else "its workload"
        engine = footprint.engine.name
        return (
            f"recommended {recommended}, below the min of {plan.min_count}: the min holds the "
            f"20 % allowance shown; {engine}'s own plan (weights, {held}, its buffers) needs "
            f"{recommended} × {format_bytes(plan.per_gpu_bytes)}. Add ctx= and users= for the "
            "computed figures."
        )
    naive = max(1, math.ceil(footprint.total_bytes / plan.gpu.memory_bytes))
    if plan.min_count <= naive or footprint.uses_allowance:
        return None
    engine = footprint.engine
    reserve = engine.reserve_bytes(footprint, plan.gpu, Layout(1))
    held = engine.gpu_weights_bytes(footprint) + footprint.kv_cache_bytes()
    # The reserve row shows the recommended layout's reserve; a minimum is counted on single
    # cards, whose reserve can be smaller (SGLang keeps more back at TP 8 with DP attention).
    if reserve == footprint.overhead_bytes:
        kept = f"its own {format_bytes(reserve)} runtime reserve"
    else:
        kept = f"its own runtime reserve, {format_bytes(reserve)} for a single card"
    return (
        f"min {plan.min_count}, not {naive}: each card keeps {kept} "
        f"({naive} × {format_bytes(plan.gpu.memory_bytes)} < "
        f"{format_bytes(held)} + {naive} × {format_bytes(reserve)})."
    )


def inverse_sentence(solved: Inverse | None, query: Query) -> str | None:
    if solved is None:
        return None
    where = f"{solved.gpu_count} × {solved.gpu.name}"
    if solved.solve_for == "users":
        return f"Max concurrent sequences on {where}: {solved.value:,}"
    line = f"Max context on {where}: {solved.value:,} tokens"
    model = query.model
    if model and solved.value > model.native_context:
        line += f" (memory allows it; the model itself is trained for {model.native_context:,})"
    return line


_UNITS = "GB = 10^9 bytes, GiB = 2^30 bytes; 32k context = 32,768 tokens."
_CUDA_MEMORY = (
    "Card memory is what CUDA sees (A100/H100 80GB: 79.2 GiB), not the marketing figure. " + _UNITS
)
_UNIFIED_MEMORY = "Memory is the machine's unified RAM, as macOS reports it. " + _UNITS
