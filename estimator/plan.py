"""Footprint x GPU -> GpuPlan: how many cards, in a layout the serving engine accepts.

Fit test from ../shared/reference/FACTS.md ("Fit test and GPU count"): per GPU, its shard of
the weights and KV cache plus the runtime reserve must fit in the card's memory times the
engine's utilisation; tensor parallel sizes divide the attention heads, powers of two up to a
node; beyond a node, pipeline parallel across whole nodes.
"""

from dataclasses import dataclass

from estimator.errors import QueryError
from estimator.estimate import GpuPlan, Inverse
from estimator.gpus import Gpu
from estimator.memory import Footprint
from estimator.query import GpuRequest, Query


@dataclass(frozen=True)
class Layout:
    tensor_parallel: int
    pipeline_parallel: int

    @property
    def gpus(self) -> int:
        return self.tensor_parallel * self.pipeline_parallel


def layouts(footprint: Footprint, query: Query) -> list[Layout]:
    """Every layout the engine accepts, fewest GPUs first."""
    engine = footprint.engine
    model = query.model or footprint.kv_model
    heads = model.attention_heads if model else None
    kv_heads = model.kv_heads if model else None
    sizes = engine.tensor_parallel_sizes(heads, kv_heads)
    widest = sizes[-1]
    within_node = [Layout(size, 1) for size in sizes]
    across_nodes = [Layout(widest, nodes) for nodes in engine.pipeline_sizes() if nodes > 1]
    return within_node + across_nodes


def _fits(footprint: Footprint, layout: Layout, gpu: Gpu) -> bool:
    usable = footprint.engine.usable_bytes(gpu.memory_bytes)
    return footprint.per_gpu_bytes(layout.tensor_parallel, layout.pipeline_parallel) <= usable


def serve_command(query: Query, footprint: Footprint, layout: Layout) -> str:
    engine = footprint.engine
    model = query.model
    precision = query.precision
    if model is None:
        target = "<your-model>"
    elif precision.name in (model.native_precision, "fp8", "fp16", "bf16"):
        target = model.hf_id
    else:
        target = f"<{precision.name} checkpoint of {model.hf_id}>"
    parts = ["vllm serve", target, f"--tensor-parallel-size {layout.tensor_parallel}"]
    if layout.pipeline_parallel > 1:
        parts.append(f"--pipeline-parallel-size {layout.pipeline_parallel}")
    if footprint.max_model_len:
        parts.append(f"--max-model-len {footprint.max_model_len}")
    parts.append(f"--gpu-memory-utilization {float(engine.gpu_memory_utilization):g}")
    if model is not None and precision.name == "fp8" and model.native_precision != "fp8":
        parts.append("--quantization fp8")
    if model is not None and precision.name == "fp16" and model.native_precision == "bf16":
        parts.append("--dtype float16")
    kv_format = query.workload.kv_format
    if kv_format is not None and kv_format.name not in ("fp16", "bf16"):
        parts.append(f"--kv-cache-dtype {kv_format.name}")
    if footprint.sequences > 1:
        parts.append(f"--max-num-seqs {footprint.sequences}")
    return " ".join(parts)


def _requested(
    request: GpuRequest | None, candidates: list[Layout], footprint: Footprint, gpu: Gpu
) -> tuple[int | None, bool | None]:
    if request is None or request.count is None:
        return None, None
    layout = next((c for c in candidates if c.gpus == request.count), None)
    return request.count, layout is not None and _fits(footprint, layout, gpu)


def gpu_plan(
    query: Query, footprint: Footprint, gpu: Gpu, request: GpuRequest | None = None
) -> GpuPlan:
    candidates = layouts(footprint, query)
    chosen = next((layout for layout in candidates if _fits(footprint, layout, gpu)), None)
    requested_count, fits_requested = _requested(request, candidates, footprint, gpu)
    return GpuPlan(
        gpu=gpu,
        min_count=footprint.min_count(gpu.memory_bytes),
        recommended_count=chosen.gpus if chosen else None,
        tensor_parallel=chosen.tensor_parallel if chosen else None,
        pipeline_parallel=chosen.pipeline_parallel if chosen else None,
        per_gpu_bytes=(
            footprint.per_gpu_bytes(chosen.tensor_parallel, chosen.pipeline_parallel)
            if chosen
            else None
        ),
        usable_bytes_per_gpu=footprint.engine.usable_bytes(gpu.memory_bytes),
        requested_count=requested_count,
        fits_requested=fits_requested,
        serve_command=serve_command(query, footprint, chosen) if chosen else None,
        accepted_counts=tuple(layout.gpus for layout in candidates),
    )


def _kv_room(footprint: Footprint, layout: Layout, gpu: Gpu) -> int:
    """Bytes left per GPU for the KV cache once weights and the runtime reserve are in."""
    engine = footprint.engine
    weights_share = -(-footprint.weights_bytes // layout.gpus)
    return engine.usable_bytes(gpu.memory_bytes) - weights_share - engine.runtime_reserve_bytes


def inverse(query: Query, footprint: Footprint, request: GpuRequest) -> Inverse:
    """Largest context (or number of sequences) that fits on the requested cards."""
    count = request.count or 1
    candidates = layouts(footprint, query)
    layout = next((c for c in candidates if c.gpus == count), None)
    if layout is None:
        accepted = ", ".join(str(c.gpus) for c in candidates)
        raise QueryError(
            f"vLLM cannot split this model over {count} GPUs; it takes {accepted}.",
            example="llama-3.1-70b max ctx on 2x h100",
        )
    room = _kv_room(footprint, layout, request.gpu) * layout.pipeline_parallel
    model = footprint.kv_model
    if model.is_embedding:
        raise QueryError(
            f"{model.display_name} is an embedding model: it keeps no KV cache, so memory sets "
            "no limit on the context or the users beyond its weights.",
            example=f"{model.key} on 1x l4",
        )

    def kv_bytes(tokens: int, sequences: int) -> int:
        per_sequence = model.kv_bytes_per_sequence(
            tokens, footprint.kv_bits, layout.tensor_parallel
        )
        return per_sequence * sequences

    if room <= 0:
        value = 0
    elif query.solve_for == "users":
        value = room // kv_bytes(footprint.context_tokens, 1)
    else:
        low, high = 0, 1 << 27
        while low < high:  # largest context whose cache fits: bisect on the monotone cache size
            middle = (low + high + 1) // 2
            if kv_bytes(middle, footprint.sequences) <= room:
                low = middle
            else:
                high = middle - 1
        value = low
    return Inverse(query.solve_for, request.gpu, count, value)
