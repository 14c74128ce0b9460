"""What an engine profile answers, and the pieces the profiles share.

An engine decides how much of a card it lets itself use, what it keeps back per GPU besides
weights and KV cache, how it pages the KV cache, which layouts it accepts and how it is
launched. Each profile (vllm.py, sglang.py, llamacpp.py, ollama.py) owns those rules; plan.py
only asks them.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from estimator.attention import (
    STATE_BITS,
    ChunkedLocalAttention,
    SlidingWindow,
    sequence_kv_bytes,
)
from estimator.gpus import Gpu

if TYPE_CHECKING:
    from estimator.memory import Footprint
    from estimator.models import Model
    from estimator.query import Query


@dataclass(frozen=True)
class Layout:
    """How one replica is spread: tensor parallel × pipeline (or layer-split) parallel; with
    data-parallel attention (SGLang, MLA models) each of the `tensor_parallel` ranks keeps the
    KV cache of its own requests only."""

    tensor_parallel: int
    pipeline_parallel: int = 1
    dp_attention: bool = False

    @property
    def gpus(self) -> int:
        return self.tensor_parallel * self.pipeline_parallel


def paged_kv_bytes(
    model: "Model",
    tokens: int,
    kv_bits: Fraction,
    tensor_parallel: int,
    page_tokens: int,
    *,
    windowed: bool = True,
    window_tokens=None,
    state_copies: int = 1,
    state_bits: int = STATE_BITS,
) -> int:
    """KV bytes of `tokens` on one GPU, each layer holding whole pages of `page_tokens`, plus
    the fixed state of linear-attention layers. Sliding-window layers hold
    `window_tokens(window)` tokens when that is given (the engine's own rule), else their
    window; chunked layers their chunk; `windowed=False` charges every layer the whole context.
    Without a rule of its own this is attention.sequence_kv_bytes (vLLM's paging).
    Linear-attention layers keep `state_copies` states (llama.cpp: one per slot) of
    `state_bits` per element."""
    layers = model.attention_layers()
    if window_tokens is None and (state_copies, state_bits) == (1, STATE_BITS):
        return sequence_kv_bytes(
            layers, tokens, kv_bits, tensor_parallel, block_tokens=page_tokens, windowed=windowed
        )
    total = Fraction(0)
    for spec, count in layers:
        held = spec.tokens_held(tokens)
        if isinstance(spec, SlidingWindow):
            held = min(tokens, window_tokens(spec.window)) if windowed else tokens
        elif not windowed and isinstance(spec, ChunkedLocalAttention):
            held = tokens
        pages = -(-held // page_tokens)
        per_layer = pages * page_tokens * spec.bytes_per_token(kv_bits, tensor_parallel)
        state = spec.state_bytes(tensor_parallel, state_bits) * state_copies
        total += (per_layer + state) * count
    return math.ceil(total)


def power_of_two_sizes(limit: int) -> list[int]:
    sizes, size = [], 1
    while size <= limit:
        sizes.append(size)
        size *= 2
    return sizes


def tensor_parallel_sizes(
    attention_heads: int | None, kv_heads: int | None, gpus_per_node: int
) -> list[int]:
    """Sizes vLLM and SGLang accept within a node: powers of two dividing the attention heads,
    and either dividing the KV heads or a multiple of them (KV heads are then replicated)."""
    sizes = []
    for size in power_of_two_sizes(gpus_per_node):
        heads_ok = attention_heads is None or attention_heads % size == 0
        kv_ok = kv_heads is None or kv_heads % size == 0 or size % kv_heads == 0
        if heads_ok and kv_ok:
            sizes.append(size)
    return sizes


def checkpoint_name(query: "Query") -> str:
    """What to put after --model: the Hub id, or a placeholder naming the format to fetch."""
    model, precision = query.model, query.precision
    if model is None:
        return "<your-model>"
    if precision.name in (model.native_precision, "fp8", "fp16", "bf16"):
        return model.hf_id
    return f"<{precision.name} checkpoint of {model.hf_id}>"


class Engine:
    """The interface every profile implements (frozen dataclasses below it)."""

    key: str
    name: str
    version: str
    aliases: tuple[str, ...]

    # What the "runtime reserve" line of an answer says the reserve is for.
    reserve_note: str = "per GPU: CUDA context, activations"
    # The weight format served when the question names none (None: the model's native one).
    default_format: str | None = None
    # The KV cache's page: a sequence holds whole pages of this many tokens.
    block_tokens: int = 1
    # The end of "does not fit any layout <engine> accepts, ...".
    largest_layout_words: str = "up to 16 nodes of 8"

    def layout_words(self, plan) -> str:
        """'TP 4', 'TP 8 × PP 2': how a recommended count is laid out."""
        words = f"TP {plan.tensor_parallel}"
        if plan.pipeline_parallel and plan.pipeline_parallel > 1:
            words += f" × PP {plan.pipeline_parallel}"
        return words

    def kv_sentence(self, footprint: "Footprint") -> str | None:
        """The KV cache's equation in the engine's own terms; None: describe's per-sequence one."""
        return None

    def refuses(self, gpu: Gpu) -> str | None:
        """Why this engine cannot run on that card at all (vLLM on a Mac), else None."""
        return None

    def layouts(self, model: "Model | None", sequences: int = 1) -> list[Layout]:
        raise NotImplementedError

    def usable_bytes(self, gpu: Gpu, layout: Layout, model: "Model | None") -> int:
        raise NotImplementedError

    def reserve_bytes(self, footprint: "Footprint", gpu: Gpu, layout: Layout) -> int:
        """Memory per GPU besides weights and KV cache that the answer shows."""
        raise NotImplementedError

    def reserve_sentence(self, footprint: "Footprint", gpu: Gpu, layout: Layout) -> str:
        """What the reserve row says the reserve is made of, on one GPU of the layout."""
        return self.reserve_note

    def kv_bytes(
        self, footprint: "Footprint", layout: Layout, *, tokens=None, sequences=None, windowed=True
    ) -> int:
        """The KV cache on one GPU of this layout (the whole cache for Layout(1)), for the
        footprint's workload or for `tokens` x `sequences`. A workload of typical requests
        must still hold one sequence of the longest length the engine is started with."""
        model = footprint.kv_model
        asked = tokens is None and sequences is None
        tokens = footprint.context_tokens if tokens is None else tokens
        if model is None or tokens is None:
            return 0
        sequences = footprint.sequences if sequences is None else sequences
        bits = footprint.kv_bits
        cache = self.cache_bytes(model, tokens, sequences, bits, layout, windowed)
        longest = footprint.longest_sequence_tokens
        if asked and longest:
            cache = max(cache, self.cache_bytes(model, longest, 1, bits, layout, windowed))
        return cache

    def cache_bytes(
        self, model: "Model", tokens: int, sequences: int, kv_bits, layout: Layout, windowed: bool
    ) -> int:
        """The engine's paging rule: `sequences` of `tokens` on one GPU of the layout."""
        raise NotImplementedError

    def gpu_weights_bytes(self, footprint: "Footprint") -> int:
        """Weights that live on the GPUs (llama.cpp keeps the input embeddings in RAM)."""
        return footprint.weights_bytes

    def per_gpu_bytes(self, footprint: "Footprint", gpu: Gpu, layout: Layout) -> int:
        """What one GPU of the layout must hold, to compare with usable_bytes."""
        raise NotImplementedError

    def serve_command(
        self, query: "Query", footprint: "Footprint", layout: Layout, gpu: Gpu
    ) -> str:
        raise NotImplementedError

    def assumption(self, footprint: "Footprint", gpu: Gpu) -> str:
        """One sentence: the rules the recommended counts follow."""
        raise NotImplementedError

    def default_context(self, model: "Model", gpus: tuple[Gpu, ...]) -> int | None:
        """The context the engine serves when none is asked (None: the model's native one)."""
        return None
