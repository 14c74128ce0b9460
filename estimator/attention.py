"""Attention kinds as small spec objects, each knowing the KV cache bytes it needs per token.

The shape follows vLLM's `vllm/v1/kv_cache_interface.py` (FullAttentionSpec,
SlidingWindowSpec, ChunkedLocalAttentionSpec, MLAAttentionSpec, MambaSpec): one frozen object
per kind of attention layer, with one method for its bytes per token, one for how many tokens
it keeps and one for the fixed state it holds per sequence (linear attention). Formulas from
../shared/reference/FACTS.md ("KV — key/value cache") and the vLLM sources cited per kind.

Units stay exact: `kv_bits` is a Fraction (16, 8, 17/2 for q8_0, 9/2 for q4_0) and the bytes
per token of one layer come back as a Fraction. Callers add layers and tokens up and round up
to whole bytes once, at the end.
"""

import functools
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


# Bits per element of a linear-attention layer's state: vLLM's mamba_cache_dtype "auto" keeps
# the model's dtype (bf16); an engine with its own rule passes its bits (llama.cpp: F32).
STATE_BITS = 16


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

    def state_bytes(self, tensor_parallel: int = 1, bits: int = STATE_BITS) -> int:
        return 0


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

    def state_bytes(self, tensor_parallel: int = 1, bits: int = STATE_BITS) -> int:
        return 0

    def as_full_attention(self) -> FullAttention:
        return FullAttention(self.kv_heads, self.head_dim)


@dataclass(frozen=True)
class ChunkedLocalAttention:
    """Attention within fixed chunks of the sequence (Llama 4's iRoPE layers: a token sees only
    the tokens of its own `chunk`-token chunk). A sequence keeps the current chunk's tokens
    only: vLLM's ChunkedLocalAttentionSpec frees the blocks of finished chunks (its worst case
    adds one scheduler step of new tokens, as the sliding window does; not counted here)."""

    kind: ClassVar[str] = "chunked local"

    kv_heads: int
    head_dim: int
    chunk: int

    def bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> Fraction:
        return FullAttention(self.kv_heads, self.head_dim).bytes_per_token(kv_bits, tensor_parallel)

    def tokens_held(self, context_tokens: int) -> int:
        return min(context_tokens, self.chunk)

    def state_bytes(self, tensor_parallel: int = 1, bits: int = STATE_BITS) -> int:
        return 0


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

    def state_bytes(self, tensor_parallel: int = 1, bits: int = STATE_BITS) -> int:
        return 0


@dataclass(frozen=True)
class CrossAttention:
    """Cross-attention to an image's encoder states (Llama 3.2 Vision): the layer caches K and
    V of the `encoder_tokens` image tokens, however long the text is (vLLM's
    CrossAttentionSpec: max_num_encoder_input_tokens per sequence). Charged as if every
    sequence carries its image."""

    kind: ClassVar[str] = "cross-attention"

    kv_heads: int
    head_dim: int
    encoder_tokens: int

    def bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> Fraction:
        return FullAttention(self.kv_heads, self.head_dim).bytes_per_token(kv_bits, tensor_parallel)

    def tokens_held(self, context_tokens: int) -> int:
        return self.encoder_tokens

    def state_bytes(self, tensor_parallel: int = 1, bits: int = STATE_BITS) -> int:
        return 0


# vLLM's sparse-MLA backend stores the latent in its own fp8 format when the KV cache is fp8
# ("fp8_ds_mla", vllm/v1/attention/backends/mla/flashmla_sparse.py): 512 fp8 latent values,
# 4 float32 scales (one per 128) and the 64-wide rotary key in bf16 = 656 bytes per token.
FP8_DS_MLA_BYTES = 512 + 4 * 4 + 64 * 2
INDEXER_QUANT_BLOCK = 128  # vLLM Indexer: one float32 scale per 128 fp8 key values


@dataclass(frozen=True)
class SparseMultiLatentAttention:
    """DeepSeek V3.2's sparse attention (DSA): MLA's latent per token and layer, plus the
    lightning indexer's key cache, which picks the top-k tokens each query attends to. The
    indexer key is `index_head_dim` fp8 values and a float32 scale per 128 of them, whatever
    the KV cache format (vLLM deepseek_v2.py, Indexer: head_dim + head_dim // 128 * 4 bytes in
    DeepseekV32IndexerCache's MLAAttentionSpec, uint8). Neither part is split by tensor
    parallelism. With an fp8 KV cache vLLM stores the latent as fp8_ds_mla (656 bytes)."""

    kind: ClassVar[str] = "sparse MLA"

    kv_lora_rank: int
    qk_rope_head_dim: int
    index_head_dim: int

    def indexer_bytes_per_token(self) -> int:
        return self.index_head_dim + self.index_head_dim // INDEXER_QUANT_BLOCK * 4

    def bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> Fraction:
        _check_tensor_parallel(tensor_parallel)
        bits = _kv_bits(kv_bits)
        if bits == 8 and (self.kv_lora_rank, self.qk_rope_head_dim) == (512, 64):
            latent = Fraction(FP8_DS_MLA_BYTES)
        else:
            latent = MultiLatentAttention(self.kv_lora_rank, self.qk_rope_head_dim).bytes_per_token(
                bits
            )
        return latent + self.indexer_bytes_per_token()

    def tokens_held(self, context_tokens: int) -> int:
        return context_tokens

    def state_bytes(self, tensor_parallel: int = 1, bits: int = STATE_BITS) -> int:
        return 0


@dataclass(frozen=True)
class LinearAttentionState:
    """A linear-attention layer (Qwen3-Next's Gated DeltaNet, MiniMax's lightning attention):
    no per-token cache, a fixed state per sequence instead, whatever the context (vLLM's
    MambaSpec: one page of state per sequence). Shapes from vLLM's
    vllm/model_executor/layers/mamba/mamba_utils.py (MambaStateShapeCalculator):
      gated_delta_net_state_shape: conv (conv_dim / tp, kernel - 1), with conv_dim =
        key_heads x key_dim x 2 + value_heads x value_dim; recurrent (value_heads / tp,
        value_dim, key_dim)
      linear_attention_state_shape (lightning): (heads / tp, head_dim, head_dim), no conv
    in the model's dtype (MambaStateDtypeCalculator; the KV cache format does not apply)."""

    kind: ClassVar[str] = "linear attention"

    state_heads: int  # heads the recurrent state is split by under tensor parallelism
    key_dim: int
    value_dim: int
    conv_channels: int = 0  # the short convolution's channels (0: no convolution state)
    conv_kernel: int = 0

    @classmethod
    def gated_deltanet(
        cls, key_heads: int, value_heads: int, key_dim: int, value_dim: int, conv_kernel: int
    ) -> "LinearAttentionState":
        conv_channels = key_heads * key_dim * 2 + value_heads * value_dim
        return cls(value_heads, key_dim, value_dim, conv_channels, conv_kernel)

    @classmethod
    def lightning(cls, heads: int, head_dim: int) -> "LinearAttentionState":
        return cls(heads, head_dim, head_dim)

    def bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> Fraction:
        _check_tensor_parallel(tensor_parallel)
        return Fraction(0)

    def tokens_held(self, context_tokens: int) -> int:
        return 0

    def state_bytes(self, tensor_parallel: int = 1, bits: int = STATE_BITS) -> int:
        """Bytes of one sequence's state in ONE layer on ONE GPU."""
        _check_tensor_parallel(tensor_parallel)
        heads = math.ceil(self.state_heads / tensor_parallel)
        recurrent = heads * self.value_dim * self.key_dim
        conv = 0
        if self.conv_channels:
            conv = math.ceil(self.conv_channels / tensor_parallel) * (self.conv_kernel - 1)
        return (recurrent + conv) * bits // BITS_PER_BYTE


AttentionSpec = (
    FullAttention
    | SlidingWindow
    | ChunkedLocalAttention
    | CrossAttention
    | MultiLatentAttention
    | SparseMultiLatentAttention
    | LinearAttentionState
)


@functools.lru_cache(maxsize=8192)
def sequence_kv_bytes(
    layers: tuple[tuple[AttentionSpec, int], ...],
    context_tokens: int,
    kv_bits: Fraction | int,
    tensor_parallel: int = 1,
    *,
    block_tokens: int,
    windowed: bool = True,
) -> int:
    """KV cache bytes of one sequence on one GPU, for layers given as (spec, how many) pairs.
    The engine's paging rule: each layer holds whole blocks of `block_tokens` tokens (vLLM:
    --block-size, 16 by default); with `windowed`, sliding-window and chunked layers hold only
    their window or chunk (vLLM's hybrid allocator), else the whole context like the rest.
    Linear-attention layers add their fixed state, whatever the context."""
    if isinstance(context_tokens, bool) or not isinstance(context_tokens, int):
        raise TypeError(f"context_tokens must be an int, not {context_tokens!r}")
    if context_tokens < 0:
        raise ValueError(f"context_tokens must not be negative, not {context_tokens}")
    if block_tokens < 1:
        raise ValueError(f"block_tokens must be at least 1, not {block_tokens}")
    total = Fraction(0)
    for spec, count in layers:
        held = spec.tokens_held(context_tokens)
        if not windowed and isinstance(spec, SlidingWindow | ChunkedLocalAttention):
            held = context_tokens
        blocks = -(-held // block_tokens)
        per_layer = blocks * block_tokens * spec.bytes_per_token(kv_bits, tensor_parallel)
        total += (per_layer + spec.state_bytes(tensor_parallel)) * count
    return math.ceil(total)
