"""Attention kinds as small spec objects, each knowing the KV cache bytes it needs per token.

The shape follows vLLM's `vllm/v1/kv_cache_interface.py` (FullAttentionSpec,
SlidingWindowSpec, MLAAttentionSpec): one frozen object per kind of attention layer, with one
method for its bytes per token and one for how many tokens it keeps. Formulas from
../shared/reference/FACTS.md ("KV — key/value cache").

Units stay exact: `kv_bits` is a Fraction (16, 8, 17/2 for q8_0, 9/2 for q4_0) and the bytes
per token of one layer come back as a Fraction. Callers add layers and tokens up and round up
to whole bytes once, at the end.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

BITS_PER_BYTE = 8
K_AND_V = 2


def _kv_bits(kv_bits: Fraction | int) -> Fraction:
    bits = Fraction(kv_bits)
    if bits <= 0:
        raise ValueError(f"KV element size must be positive, not {kv_bits} bits")
    return bits


def _check_tensor_parallel(tensor_parallel: int) -> None:
    if isinstance(tensor_parallel, bool) or not isinstance(tensor_parallel, int):
        raise TypeError(f"tensor_parallel must be an int, not {tensor_parallel!r}")
    if tensor_parallel < 1:
        raise ValueError(f"tensor_parallel must be at least 1, not {tensor_parallel}")


def kv_heads_per_gpu(kv_heads: int, tensor_parallel: int) -> int:
    """KV heads one GPU holds: heads are split across the tensor-parallel ranks, and when there
    are more ranks than heads each head is replicated, so every rank holds at least one
    (vLLM: max(1, num_kv_heads // tp_size); rounded up here for sizes that do not divide)."""
    _check_tensor_parallel(tensor_parallel)
    return max(1, math.ceil(kv_heads / tensor_parallel))


@dataclass(frozen=True)
class FullAttention:
    """MHA / GQA / MQA attention over the whole context: a K and a V vector per KV head."""

    kind: ClassVar[str] = "full attention"

    kv_heads: int
    head_dim: int
    head_dim_v: int | None = None  # when V vectors differ in size from K vectors

    def bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> Fraction:
        """KV cache bytes one token takes in ONE layer on ONE GPU:
        kv_heads_per_gpu x (head_dim [K] + head_dim_v [V]) x bits / 8."""
        value_dim = self.head_dim if self.head_dim_v is None else self.head_dim_v
        heads = kv_heads_per_gpu(self.kv_heads, tensor_parallel)
        return heads * (self.head_dim + value_dim) * _kv_bits(kv_bits) / BITS_PER_BYTE

    def tokens_held(self, context_tokens: int) -> int:
        return context_tokens


@dataclass(frozen=True)
class SlidingWindow:
    """Attention over the last `window` tokens only: the cache keeps at most that many."""

    kind: ClassVar[str] = "sliding window"

    kv_heads: int
    head_dim: int
    window: int

    def bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> Fraction:
        return FullAttention(self.kv_heads, self.head_dim).bytes_per_token(kv_bits, tensor_parallel)

    def tokens_held(self, context_tokens: int) -> int:
        return min(context_tokens, self.window)

    def as_full_attention(self) -> FullAttention:
        return FullAttention(self.kv_heads, self.head_dim)


@dataclass(frozen=True)
class MultiLatentAttention:
    """DeepSeek's MLA: one compressed latent (kv_lora_rank) plus the shared rotary key part per
    token and layer, instead of per-head K and V (DeepSeek-V2 paper, arXiv 2405.04434, §2.1:
    "(d_c + d_h^R) l elements"). No x2, and not split by tensor parallelism: every rank holds
    the whole latent (vLLM MLAAttentionSpec)."""

    kind: ClassVar[str] = "multi-head latent attention"

    kv_lora_rank: int
    qk_rope_head_dim: int

    def bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> Fraction:
        _check_tensor_parallel(tensor_parallel)
        return (self.kv_lora_rank + self.qk_rope_head_dim) * _kv_bits(kv_bits) / BITS_PER_BYTE

    def tokens_held(self, context_tokens: int) -> int:
        return context_tokens


AttentionSpec = FullAttention | SlidingWindow | MultiLatentAttention
