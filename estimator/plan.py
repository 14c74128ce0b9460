"""Footprint x GPU -> GpuPlan: how many cards, in a layout the serving engine accepts.

Fit test from ../shared/reference/FACTS.md ("Fit test and GPU count"): per GPU, what the
engine puts there (its shard of weights and KV cache, its reserve) must fit in what the engine
lets itself use of the card. Which layouts exist, what a GPU holds and how much of the card is
usable are the engine profile's rules (estimator/engines/); this module only searches them.
"""

from dataclasses import replace

from estimator.engine import Layout
from estimator.engines.llamacpp import LlamaCpp
from estimator.errors import QueryError
from estimator.estimate import GpuPlan, Inverse, Part
from estimator.gpus import Gpu
from estimator.memory import Footprint
from estimator.query import GpuRequest, Query


def _fits(footprint: Footprint, layout: Layout, gpu: Gpu) -> bool:
    engine = footprint.engine
    usable = engine.usable_bytes(gpu, layout, footprint.kv_model)
    return engine.per_gpu_bytes(footprint, gpu, layout) <= usable


def _offload(footprint: Footprint, gpu: Gpu, count: int):
    """llama.cpp and Ollama: what `count` cards hold when the whole model does not fit."""
    engine = footprint.engine
    if not isinstance(engine, LlamaCpp) or footprint.uses_allowance:
        return None
    return engine.offload(footprint, gpu, count)


def gpu_plan(
    query: Query,
    footprint: Footprint,
    gpu: Gpu,
    candidates: list[Layout],
    request: GpuRequest | None = None,
) -> GpuPlan:
    engine = footprint.engine
    refusal = engine.refuses(gpu)
    if refusal:
        raise QueryError(refusal, example="llama-3.1-70b q4_k_m on m3 max 128gb with ollama")
    chosen = next((layout for layout in candidates if _fits(footprint, layout, gpu)), None)
    requested = request.count if request else None
    requested_layout = next((c for c in candidates if c.gpus == requested), None)
    fits_requested = None
    if requested is not None:
        fits_requested = requested_layout is not None and _fits(footprint, requested_layout, gpu)
    offload = None
    if fits_requested is False or (chosen is None and requested is None):
        # llama.cpp and Ollama: the cards asked for (or one) take the layers they can hold
        # (-ngl), the rest stays in system RAM.
        offload = _offload(footprint, gpu, requested or 1)
    gpu_layers = None
    if offload:
        gpu_layers = offload.gpu_layers
    elif chosen and isinstance(engine, LlamaCpp) and footprint.kv_model is not None:
        gpu_layers = footprint.kv_model.layers + 1
    command = None
    if offload:
        layout = Layout(1, requested or 1)
        command = engine.serve_command(query, footprint, layout, gpu, gpu_layers=gpu_layers)
    elif chosen:
        command = engine.serve_command(query, footprint, chosen, gpu)
    return GpuPlan(
        gpu=gpu,
        min_count=footprint.min_count(gpu),
        recommended_count=chosen.gpus if chosen else None,
        tensor_parallel=chosen.tensor_parallel if chosen else None,
        pipeline_parallel=chosen.pipeline_parallel if chosen else None,
        per_gpu_bytes=engine.per_gpu_bytes(footprint, gpu, chosen) if chosen else None,
        usable_bytes_per_gpu=engine.usable_bytes(gpu, chosen or Layout(1), footprint.kv_model),
        requested_count=requested,
        fits_requested=fits_requested,
        serve_command=command,
        accepted_counts=tuple(layout.gpus for layout in candidates),
        reserve_bytes_per_gpu=(
            engine.reserve_bytes(footprint, gpu, chosen or Layout(1))
            if not footprint.uses_allowance
            else None
        ),
        gpu_layers=gpu_layers,
        total_layers=footprint.kv_model.layers + 1 if gpu_layers is not None else None,
        system_ram_bytes=offload.system_ram_bytes if offload else None,
        dp_attention=bool(chosen and chosen.dp_attention),
        card_parts=card_parts(footprint, chosen, gpu) if chosen and not offload else (),
    )


def card_parts(footprint: Footprint, layout: Layout, gpu: Gpu) -> tuple[Part, ...]:
    """One GPU of `layout`, part by part: its shard of the weights, its KV cache, the rest of
    what the engine counts on it (its reserve, compute buffers; the 20 % allowance when no
    workload is known), its free room, and what the engine keeps back of the card."""
    engine = footprint.engine
    held = engine.per_gpu_bytes(footprint, gpu, layout)
    usable = engine.usable_bytes(gpu, layout, footprint.kv_model)
    weights = -(-engine.gpu_weights_bytes(footprint) // layout.gpus)
    kv = 0 if footprint.uses_allowance else engine.kv_bytes(footprint, layout)
    rest = ("overhead", "its share of the 20 % allowance")
    if not footprint.uses_allowance:
        rest = ("runtime reserve", engine.reserve_sentence(footprint, gpu, layout))
    return (
        Part("weights", weights, "its shard of the weights"),
        Part("KV cache", kv, "its share of the KV cache"),
        Part(rest[0], held - weights - kv, rest[1]),
        Part("free", usable - held, f"room left in what {engine.name} uses of the card"),
        Part("kept back", gpu.memory_bytes - usable, f"what {engine.name} leaves unused"),
    )


def _kv_room(footprint: Footprint, layout: Layout, gpu: Gpu) -> int:
    """Bytes left per GPU for the KV cache once weights and the engine's reserve are in."""
    engine = footprint.engine
    usable = engine.usable_bytes(gpu, layout, footprint.kv_model)
    kept = engine.per_gpu_bytes(footprint, gpu, layout) - engine.kv_bytes(footprint, layout)
    return usable - kept


def max_sequences(footprint: Footprint, layout: Layout, gpu: Gpu, tokens: int) -> int:
    """Most sequences of `tokens` whose cache fits beside the reserve for that many (vLLM's
    sampler is profiled over --max-num-seqs requests); llama.cpp's cells are not linear."""
    engine = footprint.engine

    def fits(sequences: int) -> bool:
        serving = replace(footprint, sequences=sequences, sequences_asked=sequences)
        room = _kv_room(serving, layout, gpu)
        return engine.kv_bytes(serving, layout, tokens=tokens, sequences=sequences) <= room

    if not fits(1):
        return 0
    low, high = 1, 1 << 20  # fits() is monotone: more sequences, more cache and sampler
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def max_context(footprint: Footprint, layout: Layout, gpu: Gpu) -> int:
    room = _kv_room(footprint, layout, gpu)
    if room <= 0:
        return 0
    low, high = 0, 1 << 27
    while low < high:  # largest context whose cache fits: bisect on the monotone cache size
        middle = (low + high + 1) // 2
        if footprint.engine.kv_bytes(footprint, layout, tokens=middle) <= room:
            low = middle
        else:
            high = middle - 1
    return low


def inverse(
    query: Query, footprint: Footprint, request: GpuRequest, candidates: list[Layout]
) -> Inverse:
    """Largest context (or number of sequences) that fits on the requested cards."""
    count = request.count or 1
    layout = next((c for c in candidates if c.gpus == count), None)
    if layout is None:
        accepted = ", ".join(str(c.gpus) for c in candidates)
        raise QueryError(
            f"{footprint.engine.name} cannot split this model over {count} GPUs; "
            f"it takes {accepted}.",
            example="llama-3.1-70b max ctx on 2x h100",
        )
    model = footprint.kv_model
    if model.is_embedding:
        raise QueryError(
            f"{model.display_name} is an embedding model: it keeps no KV cache, so memory sets "
            "no limit on the context or the users beyond its weights.",
            example=f"{model.key} on 1x l4",
        )
    if query.solve_for == "users":
        value = max_sequences(footprint, layout, request.gpu, footprint.context_tokens)
    else:
        value = max_context(footprint, layout, request.gpu)
    return Inverse(query.solve_for, request.gpu, count, value)
