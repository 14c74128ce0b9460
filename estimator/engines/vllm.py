"""vLLM: a share of each card (--gpu-memory-utilization), the runtime reserve its start-up
profile takes on each GPU (vllm_profile.py), the KV cache in 16-token blocks with
sliding-window layers holding their window (the hybrid allocator), tensor parallel sizes that
divide the heads, pipeline parallel across nodes."""

import math
from dataclasses import dataclass
from fractions import Fraction

from estimator.engines.base import (
    Engine,
    Layout,
    checkpoint_name,
    paged_kv_bytes,
    power_of_two_sizes,
    tensor_parallel_sizes,
)
from estimator.engines.vllm_profile import ProfileRules, ProfileRun, profile_run
from estimator.gpus import Gpu
from estimator.tables import load_table
from estimator.units import format_bytes


@dataclass(frozen=True)
class Vllm(Engine):
    key: str
    name: str
    version: str
    aliases: tuple[str, ...]
    gpu_memory_utilization: Fraction
    profile: ProfileRules
    gpus_per_node: int
    max_nodes: int
    block_tokens: int = 16
    command: str = "vllm serve"

    @property
    def largest_layout_words(self) -> str:
        return f"up to {self.max_nodes} nodes of {self.gpus_per_node}"

    def refuses(self, gpu: Gpu) -> str | None:
        if gpu.unified_memory:
            return f"{self.name} does not run on Apple silicon; ask with llama.cpp or ollama."
        return None

    def tensor_parallel_sizes(self, attention_heads, kv_heads) -> list[int]:
        return tensor_parallel_sizes(attention_heads, kv_heads, self.gpus_per_node)

    def layouts(self, model, sequences: int = 1) -> list[Layout]:
        heads = model.attention_heads if model else None
        kv_heads = model.kv_heads if model else None
        sizes = self.tensor_parallel_sizes(heads, kv_heads)
        nodes = [n for n in power_of_two_sizes(self.max_nodes) if n > 1]
        return [Layout(size) for size in sizes] + [Layout(sizes[-1], n) for n in nodes]

    def usable_bytes(self, gpu, layout, model) -> int:
        return int(gpu.memory_bytes * self.gpu_memory_utilization)

    def profile_on(self, footprint, gpu, layout) -> ProfileRun | None:
        """The start-up profile on one GPU of the layout; None without an architecture."""
        model = footprint.kv_model
        if model is None:
            return None
        seqs = footprint.sequences_asked  # the launch line's --max-num-seqs, if any
        return profile_run(self.profile, model, gpu, layout.tensor_parallel, seqs)

    def reserve_bytes(self, footprint, gpu, layout) -> int:
        run = self.profile_on(footprint, gpu, layout)
        return 0 if run is None else run.total_bytes  # no architecture: the 20 % allowance

    def reserve_sentence(self, footprint, gpu, layout) -> str:
        run = self.profile_on(footprint, gpu, layout)
        return self.reserve_note if run is None else profile_sentence(run)

    def cache_bytes(self, model, tokens, sequences, kv_bits, layout, windowed) -> int:
        per_sequence = paged_kv_bytes(
            model, tokens, kv_bits, layout.tensor_parallel, self.block_tokens, windowed=windowed
        )
        return math.ceil(per_sequence * sequences / layout.pipeline_parallel)

    def per_gpu_bytes(self, footprint, gpu, layout) -> int:
        if footprint.uses_allowance:
            return math.ceil((footprint.weights_bytes + footprint.allowance_bytes) / layout.gpus)
        weights = math.ceil(footprint.weights_bytes / layout.gpus)
        return (
            weights + self.kv_bytes(footprint, layout) + self.reserve_bytes(footprint, gpu, layout)
        )

    def serve_command(self, query, footprint, layout, gpu) -> str:
        model, precision = query.model, query.precision
        parts = [self.command, checkpoint_name(query)]
        parts.append(f"--tensor-parallel-size {layout.tensor_parallel}")
        if layout.pipeline_parallel > 1:
            parts.append(f"--pipeline-parallel-size {layout.pipeline_parallel}")
        if footprint.max_model_len:
            parts.append(f"--max-model-len {footprint.max_model_len}")
        parts.append(f"--gpu-memory-utilization {float(self.gpu_memory_utilization):g}")
        if model is not None and precision.name == "fp8" and model.native_precision != "fp8":
            parts.append("--quantization fp8")
        if model is not None and precision.name == "fp16" and model.native_precision == "bf16":
            parts.append("--dtype float16")
        kv_format = query.workload.kv_format
        if kv_format is not None and kv_format.name not in ("fp16", "bf16"):
            parts.append(f"--kv-cache-dtype {kv_format.name}")
        if footprint.sequences_asked:
            parts.append(f"--max-num-seqs {footprint.sequences_asked}")
        return " ".join(parts)

    def assumption(self, footprint, gpu) -> str:
        model = footprint.kv_model if footprint.kv_model else None
        sizes = self.tensor_parallel_sizes(
            model.attention_heads if model else None, model.kv_heads if model else None
        )
        listed = ", ".join(str(size) for size in sizes)
        return (
            f"Recommended: {self.name} at --gpu-memory-utilization "
            f"{float(self.gpu_memory_utilization):g}, the runtime reserve its start-up profile "
            f"takes on each GPU (sized as v0.19.0's profiler logs it), tensor parallel dividing "
            f"the attention heads ({listed}), "
            f"pipeline parallel across {self.gpus_per_node}-GPU nodes."
        )


def profile_sentence(run: ProfileRun) -> str:
    """The reserve's terms as vLLM's profile adds them: the peak of the sampler and the
    forward, then the MoE kernels' buffers, the non-torch memory and the CUDA graphs."""
    forward = f"forward over {run.batched_tokens:,} tokens {format_bytes(run.forward_bytes)}"
    peak = forward
    if run.vocab_size:
        sampler = (
            f"sampler over {run.requests:,} requests × {run.vocab_size:,} vocabulary "
            f"{format_bytes(run.sampler_bytes)}"
        )
        peak = f"max({sampler}, {forward})"
    terms = [peak]
    if run.moe_buffer_bytes:
        terms.append(f"MoE kernel buffers {format_bytes(run.moe_buffer_bytes)}")
    terms.append(f"non-torch {format_bytes(run.non_torch_bytes)}")
    terms.append(f"CUDA graphs {format_bytes(run.cuda_graph_bytes)}")
    return "per GPU, vLLM's start-up profile: " + " + ".join(terms)


def load() -> Vllm:
    row = load_table("engines.toml")["vllm"]
    return Vllm(
        key="vllm",
        name=row["name"],
        version=row["version"],
        aliases=tuple(row["aliases"]),
        gpu_memory_utilization=Fraction(row["gpu_memory_utilization"]),
        profile=ProfileRules.from_table(row["profile"]),
        block_tokens=row["block_tokens"],
        gpus_per_node=row["gpus_per_node"],
        max_nodes=row["max_nodes"],
    )
