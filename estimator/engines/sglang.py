"""SGLang: weights and the KV pool share mem_fraction_static of each card, a fraction SGLang
computes from the card's memory and the parallel sizes (server_args.py,
_handle_gpu_memory_settings); the rest is for activations and CUDA graphs. The KV pool is
token-granular; sliding-window layers get a pool of swa_full_tokens_ratio x the full one."""

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
from estimator.gpus import Gpu
from estimator.tables import load_table

MIB = 2**20


def _prefill_graph_sizes(max_tokens: int) -> int:
    """How many prefill CUDA graphs SGLang captures up to max_tokens
    (ServerArgs._generate_prefill_cuda_graph_batch_sizes)."""
    sizes = (
        list(range(4, 33, 4))
        + list(range(48, 257, 16))
        + list(range(288, 513, 32))
        + list(range(576, 1025, 64))
        + list(range(1280, 4097, 256))
        + list(range(4608, max_tokens + 1, 512))
    )
    return sum(size <= max_tokens for size in sizes)


@dataclass(frozen=True)
class Sglang(Engine):
    key: str
    name: str
    version: str
    aliases: tuple[str, ...]
    rules: dict
    gpus_per_node: int
    max_nodes: int
    reserve_note: str = "per GPU: left out of --mem-fraction-static for activations, CUDA graphs"

    def refuses(self, gpu: Gpu) -> str | None:
        if gpu.unified_memory:
            return f"{self.name} does not run on Apple silicon; ask with llama.cpp or ollama."
        return None

    def layout_words(self, plan) -> str:
        words = super().layout_words(plan)
        return words + ", DP attention" if plan.dp_attention else words

    def layouts(self, model, sequences: int = 1) -> list[Layout]:
        heads = model.attention_heads if model else None
        kv_heads = model.kv_heads if model else None
        sizes = tensor_parallel_sizes(heads, kv_heads, self.gpus_per_node)
        # DP attention is SGLang's advice for MLA models at high batch sizes: only when every
        # rank has requests of its own.
        dp = model is not None and model.uses_mla
        layouts = [Layout(size, 1, dp and 1 < size <= sequences) for size in sizes]
        nodes = [n for n in power_of_two_sizes(self.max_nodes) if n > 1]
        return layouts + [Layout(sizes[-1], n) for n in nodes]

    def _tier(self, gpu_mib: Fraction) -> list[int]:
        return next(tier for tier in self.rules["tiers"] if gpu_mib < tier[0])

    def reserved_mib(self, gpu: Gpu, layout: Layout, model) -> Fraction:
        """reserved_mem of _handle_gpu_memory_settings and reserve_for_graph_mb, in MiB."""
        rules = self.rules
        gpu_mib = gpu.smi_mib
        _, chunked, small_bs, large_bs = self._tier(gpu_mib)
        max_bs = small_bs if layout.tensor_parallel < 4 else large_bs
        tokens = max(chunked, rules["min_activation_tokens"])
        reserved = Fraction(rules["reserve_floor_mib"]) + tokens * Fraction(
            rules["activation_mib_per_token"]
        )
        reserved += Fraction(layout.gpus * rules["parallel_mib_per_8_gpus"], 8)
        reserved += max_bs * rules["graph_mib_per_batch"]
        if layout.dp_attention:
            dp = layout.tensor_parallel
            reserved += max_bs * dp * rules["dp_attention_mib_per_batch"]
            if max_bs > rules["dp_attention_extra_above_batch"]:
                reserved += max_bs * dp * Fraction(rules["dp_attention_extra_mib_per_batch"])
        if model is not None and model.uses_mla:
            reserved += rules["prefill_graph_mla_mib"]
        else:
            reserved += _prefill_graph_sizes(chunked) * rules["prefill_graph_mib_per_size"]
        if gpu_mib > rules["large_card_mib"]:
            reserved = max(reserved, Fraction(rules["large_card_min_reserve_mib"]))
        return reserved

    def mem_fraction_static(self, gpu: Gpu, layout: Layout, model) -> Fraction:
        # gpu_mem is nvidia-smi's memory.total (get_nvgpu_memory_capacity), not what CUDA sees
        gpu_mib = gpu.smi_mib
        fraction = (gpu_mib - self.reserved_mib(gpu, layout, model)) / gpu_mib
        return Fraction(round(fraction * 1000), 1000)  # round(..., 3)

    def usable_bytes(self, gpu, layout, model) -> int:
        return int(gpu.memory_bytes * self.mem_fraction_static(gpu, layout, model))

    def reserve_bytes(self, footprint, gpu, layout) -> int:
        return gpu.memory_bytes - self.usable_bytes(gpu, layout, footprint.kv_model)

    def cache_bytes(self, model, tokens, sequences, kv_bits, layout, windowed) -> int:
        if layout.dp_attention:  # each rank holds the latent cache of its own requests only
            sequences = -(-sequences // layout.tensor_parallel)
        pool_tokens = tokens * sequences
        ratio = Fraction(self.rules["swa_full_tokens_ratio"])
        per_gpu = paged_kv_bytes(
            model, pool_tokens, kv_bits, layout.tensor_parallel, 1,
            windowed=windowed, window_tokens=lambda window: math.ceil(pool_tokens * ratio),
        )  # fmt: skip
        return math.ceil(per_gpu / layout.pipeline_parallel)

    def pool_tokens(self, footprint, gpu: Gpu, layout: Layout, fraction=None) -> int:
        """max_total_num_tokens: the tokens one GPU's KV pool holds once its shard of the
        weights is in (model_runner.profile_max_num_token), at --mem-fraction-static
        `fraction`, else at SGLang's default for the card. Every layer counts each token
        (the full pool); sliding-window pools are not split off here."""
        if fraction is None:
            fraction = self.mem_fraction_static(gpu, layout, footprint.kv_model)
        weights = math.ceil(footprint.weights_bytes / layout.gpus)
        room = int(gpu.memory_bytes * Fraction(fraction)) - weights
        model, bits = footprint.kv_model, footprint.kv_bits
        per_token = self.cache_bytes(model, 1, 1, bits, layout, windowed=False)
        return max(0, room // per_token)

    def per_gpu_bytes(self, footprint, gpu, layout) -> int:
        if footprint.uses_allowance:
            return math.ceil((footprint.weights_bytes + footprint.allowance_bytes) / layout.gpus)
        return math.ceil(footprint.weights_bytes / layout.gpus) + self.kv_bytes(footprint, layout)

    def serve_command(self, query, footprint, layout, gpu) -> str:
        fraction = self.mem_fraction_static(gpu, layout, footprint.kv_model)
        parts = ["python -m sglang.launch_server", f"--model-path {checkpoint_name(query)}"]
        parts.append(f"--tp {layout.tensor_parallel}")
        if layout.dp_attention:
            parts.append(f"--dp {layout.tensor_parallel} --enable-dp-attention")
        if layout.pipeline_parallel > 1:
            parts.append(f"--pp-size {layout.pipeline_parallel}")
        parts.append(f"--mem-fraction-static {float(fraction):g}")
        if footprint.max_model_len:
            parts.append(f"--context-length {footprint.max_model_len}")
        kv_format = query.workload.kv_format
        if kv_format is not None and kv_format.name == "fp8":
            parts.append("--kv-cache-dtype fp8_e4m3")
        if footprint.sequences > 1:
            parts.append(f"--max-running-requests {footprint.sequences}")
        return " ".join(parts)

    def assumption(self, footprint, gpu) -> str:
        fraction = self.mem_fraction_static(gpu, Layout(1), footprint.kv_model)
        words = (
            f"Recommended: {self.name} {self.version} with its default --mem-fraction-static "
            f"for each card and TP size ({float(fraction):g} on one {gpu.name}): weights and the "
            "KV pool share it, the rest is for activations and CUDA graphs; tensor parallel "
            "dividing the attention heads."
        )
        if footprint.kv_model is not None and footprint.kv_model.uses_mla:
            words += (
                " MLA model: data-parallel attention (--dp N --enable-dp-attention) once there are "
                "at least as many requests as GPUs, as SGLang's DeepSeek guide recommends for "
                "throughput; each GPU then keeps the latent cache of its own requests."
            )
        return words


def load() -> Sglang:
    row = load_table("engines.toml")["sglang"]
    return Sglang(
        key="sglang",
        name=row["name"],
        version=row["version"],
        aliases=tuple(row["aliases"]),
        rules=row,
        gpus_per_node=row["gpus_per_node"],
        max_nodes=row["max_nodes"],
    )
