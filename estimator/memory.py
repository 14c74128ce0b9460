"""Query -> Footprint: the bytes one copy of the model needs, and how they split across GPUs.

Formulas: ../shared/reference/FACTS.md ("Formulas to adopt"). Everything is an exact integer
of bytes, rounded up once where a fraction of a byte appears.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from estimator.engine import RULE_OF_THUMB_OVERHEAD, VLLM, Engine
from estimator.models import ALL_MODELS, Model
from estimator.precisions import Precision
from estimator.query import Query
from estimator.tables import load_table

BITS_PER_BYTE = 8
UNQUANTISED_BITS = Fraction(16)
TYPICAL_REQUEST_TOKENS: int = load_table("defaults.toml")["workload"]["typical_request_tokens"]


def weights_bytes(params: int, precision: Precision, model: Model | None) -> int:
    """Bytes of the weights. With a known architecture, formats that leave parts unquantised
    (GPTQ/AWQ keep embeddings and lm_head at 16 bits, gpt-oss keeps all but the experts in bf16)
    count those parts at 16 bits."""
    if model is None or precision.scope == "all" or precision.bits >= UNQUANTISED_BITS:
        return math.ceil(params * precision.bits / BITS_PER_BYTE)
    groups = model.param_groups()
    if precision.scope == "experts" and groups.experts:
        quantised = groups.experts
    else:
        quantised = groups.experts + groups.other
    # The published total, not the computed one, so that the whole adds up to what people quote.
    unquantised = params - quantised
    return math.ceil((quantised * precision.bits + unquantised * UNQUANTISED_BITS) / BITS_PER_BYTE)


def allowance_bytes(weights: int) -> int:
    """The article's 20 % on top of the weights, for activations and the KV cache."""
    return math.ceil(weights * RULE_OF_THUMB_OVERHEAD)


def closest_model(params: int) -> Model:
    """The catalog's dense decoder nearest in size, to stand in for an unknown architecture
    (never an embedding model: it has no KV cache to lend)."""
    dense = [model for model in ALL_MODELS if not model.is_moe and not model.is_embedding]
    return min(dense, key=lambda model: abs(math.log(model.params / params)))


@dataclass(frozen=True)
class Footprint:
    """What one replica needs. `kv_model` is the architecture the KV cache is computed from
    (the named model, a stand-in for a bare size, or None: the 20 % allowance instead)."""

    weights_bytes: int
    allowance_bytes: int
    kv_model: Model | None
    kv_bits: Fraction
    context_tokens: int | None
    sequences: int
    engine: Engine = VLLM
    # Users given without a context: each is sized at a typical request, and the cache must
    # still hold one sequence of the model's native context (the engine's --max-model-len).
    longest_sequence_tokens: int | None = None

    @property
    def max_model_len(self) -> int | None:
        return self.longest_sequence_tokens or self.context_tokens

    def kv_cache_bytes(self, tensor_parallel: int = 1, *, windowed: bool = True) -> int:
        """KV cache on one GPU at this tensor-parallel size (the whole cache at 1)."""
        if self.kv_model is None or self.context_tokens is None:
            return 0

        def per_sequence(tokens: int) -> int:
            return self.kv_model.kv_bytes_per_sequence(
                tokens, self.kv_bits, tensor_parallel, windowed=windowed
            )

        cache = per_sequence(self.context_tokens) * self.sequences
        if self.longest_sequence_tokens:
            cache = max(cache, per_sequence(self.longest_sequence_tokens))
        return cache

    @property
    def uses_allowance(self) -> bool:
        return self.kv_model is None

    @property
    def overhead_bytes(self) -> int:
        return self.allowance_bytes if self.uses_allowance else self.engine.runtime_reserve_bytes

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_cache_bytes() + self.overhead_bytes

    def per_gpu_bytes(self, tensor_parallel: int, pipeline_parallel: int = 1) -> int:
        """Bytes each GPU holds: its shard of weights and KV cache, plus its own runtime reserve."""
        shards = tensor_parallel * pipeline_parallel
        if self.uses_allowance:
            return math.ceil((self.weights_bytes + self.allowance_bytes) / shards)
        kv_per_gpu = math.ceil(self.kv_cache_bytes(tensor_parallel) / pipeline_parallel)
        return (
            math.ceil(self.weights_bytes / shards) + kv_per_gpu + self.engine.runtime_reserve_bytes
        )

    def min_count(self, memory_bytes: int) -> int:
        """Fewest cards whose memory holds it, at any count and with no engine headroom."""
        if self.uses_allowance:
            return math.ceil(self.total_bytes / memory_bytes)
        room = memory_bytes - self.engine.runtime_reserve_bytes
        return max(1, math.ceil((self.weights_bytes + self.kv_cache_bytes()) / room))


def footprint(query: Query, *, with_native_context: bool = False) -> Footprint:
    """The footprint of a query. No workload: the article's 20 % allowance. With a workload
    (or `with_native_context`, for planning), KV cache and runtime reserve instead."""
    weights = weights_bytes(query.params, query.precision, query.model)
    if query.hub is not None and query.hub.weights_bytes is not None:
        weights = query.hub.weights_bytes  # the repository's files, exactly
    workload = query.workload
    kv_bits = workload.kv_format.bits if workload.kv_format else query.precision.kv_bits
    kv_model = query.model
    if kv_model is not None and kv_model.is_embedding:  # weights only: no KV cache, no allowance
        context = workload.context_tokens or kv_model.native_context
        return Footprint(weights, 0, kv_model, kv_bits, context, workload.sequences)
    if not workload.given and (kv_model is None or not with_native_context):
        return Footprint(weights, allowance_bytes(weights), None, kv_bits, None, 1)
    if kv_model is None:
        kv_model = closest_model(query.params)
    if workload.context_tokens is None and workload.sequences_given:
        context = min(TYPICAL_REQUEST_TOKENS, kv_model.native_context)
        longest = kv_model.native_context
        return Footprint(weights, 0, kv_model, kv_bits, context, workload.sequences, VLLM, longest)
    context = workload.context_tokens or kv_model.native_context
    return Footprint(weights, 0, kv_model, kv_bits, context, workload.sequences)
