"""The serving engine's rules: headroom, runtime reserve, which GPU counts it accepts."""

from dataclasses import dataclass
from fractions import Fraction

from estimator.tables import load_table


@dataclass(frozen=True)
class Engine:
    name: str
    gpu_memory_utilization: Fraction
    runtime_reserve_bytes: int
    block_tokens: int
    gpus_per_node: int
    max_nodes: int

    def usable_bytes(self, memory_bytes: int) -> int:
        return int(memory_bytes * self.gpu_memory_utilization)

    def tensor_parallel_sizes(self, attention_heads: int | None, kv_heads: int | None) -> list[int]:
        """Sizes vLLM accepts within a node: powers of two dividing the attention heads, and
        either dividing the KV heads or a multiple of them (KV heads are then replicated)."""
        sizes = []
        size = 1
        while size <= self.gpus_per_node:
            heads_ok = attention_heads is None or attention_heads % size == 0
            kv_ok = kv_heads is None or kv_heads % size == 0 or size % kv_heads == 0
            if heads_ok and kv_ok:
                sizes.append(size)
            size *= 2
        return sizes

    def pipeline_sizes(self) -> list[int]:
        sizes, nodes = [], 1
        while nodes <= self.max_nodes:
            sizes.append(nodes)
            nodes *= 2
        return sizes


def _load() -> tuple[Engine, Fraction]:
    table = load_table("engine.toml")
    vllm = table["vllm"]
    engine = Engine(
        name="vLLM",
        gpu_memory_utilization=Fraction(vllm["gpu_memory_utilization"]),
        runtime_reserve_bytes=vllm["runtime_reserve_bytes"],
        block_tokens=vllm["block_tokens"],
        gpus_per_node=vllm["gpus_per_node"],
        max_nodes=vllm["max_nodes"],
    )
    return engine, Fraction(table["rule_of_thumb"]["overhead"])


VLLM, RULE_OF_THUMB_OVERHEAD = _load()
