"""Query + engine -> Footprint: the bytes one copy of the model needs, made once per question.

Formulas: ../shared/reference/FACTS.md ("Formulas to adopt"). Everything is an exact integer
of bytes, rounded up once where a fraction of a byte appears. How the footprint lands on a
card (paging, reserve, headroom) is the engine profile's business (estimator/engines/).
"""

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from estimator.engine import RULE_OF_THUMB_OVERHEAD, VLLM, Engine, Layout
from estimator.gguf import GgufSize, gguf_size, is_gguf_format, supports
from estimator.gpus import Gpu
from estimator.models import ALL_MODELS, Model
from estimator.precisions import Precision
from estimator.query import Query
from estimator.tables import load_table

BITS_PER_BYTE = 8
UNQUANTISED_BITS = Fraction(16)
ONE_GPU = Layout(1)
TYPICAL_REQUEST_TOKENS: int = load_table("defaults.toml")["workload"]["typical_request_tokens"]


def weights_bytes(params: int, precision: Precision, model: Model | None) -> int:
    """Bytes of the weights. With a known architecture, formats that leave parts unquantised
    (GPTQ/AWQ keep embeddings and lm_head at 16 bits, gpt-oss keeps all but the experts in bf16)
    count those parts at 16 bits."""
    if model is None or precision.scope == "all" or precision.bits >= UNQUANTISED_BITS:
        return math.ceil(params * precision.bits / BITS_PER_BYTE)
    if precision.scope == "ffn-inner":
        return _ffn_inner_bytes(params, precision, model)
    groups = model.param_groups()
    if precision.scope == "experts" and groups.experts:
        quantised = groups.experts
    else:
        quantised = groups.experts + groups.other
    # The published total, not the computed one, so that the whole adds up to what people quote.
    unquantised = params - quantised
    return math.ceil((quantised * precision.bits + unquantised * UNQUANTISED_BITS) / BITS_PER_BYTE)


def _ffn_inner_bytes(params: int, precision: Precision, model: Model) -> int:
    """Meta's FP8 of Llama 3.1 405B: the feed-forward matrices of every block but the first and
    the last at 8 bits with one fp32 scale per output row (FBGEMM row-wise), the rest BF16."""
    inner = model.layers - 2
    mlp = [linear for linear in model.linear_layers() if linear.name.startswith("mlp.")]
    quantised = sum(linear.in_features * linear.out_features for linear in mlp) * inner
    scales = sum(linear.out_features for linear in mlp) * inner * 4
    unquantised = params - quantised
    return math.ceil(quantised * precision.bits / BITS_PER_BYTE) + scales + unquantised * 2


def allowance_bytes(weights: int) -> int:
    """The article's 20 % on top of the weights, for activations and the KV cache."""
    return math.ceil(weights * RULE_OF_THUMB_OVERHEAD)


def closest_model(params: int) -> Model:
    """The catalog's dense decoder nearest in size, to stand in for an unknown architecture
    (never an embedding model: it has no KV cache to lend; nor a NAS model, whose blocks
    without attention would lend too small a cache)."""
    dense = [
        model
        for model in ALL_MODELS
        if not model.is_moe and not model.is_embedding and not model.attention_free_layers
    ]
    return min(dense, key=lambda model: abs(math.log(model.params / params)))


@dataclass(frozen=True)
class Footprint:
    """What one replica needs, for the engine that serves it. `kv_model` is the architecture
    the KV cache is computed from (the named model, a stand-in for a bare size, or None: the
    20 % allowance instead). `reserve_bytes` is the engine's reserve on one GPU of the card the
    answer leads with (per plan, the engine computes its own)."""

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
    workload_given: bool = False
    # The concurrency the question names (None: the engine's default, e.g. vLLM's
    # max_num_seqs, which its start-up profile and the launch line then follow).
    sequences_asked: int | None = None
    reserve_bytes: int = 0
    reserve_sentence: str = ""  # what the reserve is made of, on the card and layout it is for
    rule_of_thumb_bytes: int = 0
    gguf: GgufSize | None = None  # the file's tensors, for GGUF formats of known architectures

    @property
    def max_model_len(self) -> int | None:
        return self.longest_sequence_tokens or self.context_tokens

    def kv_cache_bytes(self, layout: Layout = ONE_GPU, *, windowed: bool = True) -> int:
        """KV cache on one GPU of the layout (the whole cache at one GPU), as the engine pages it."""
        return self.engine.kv_bytes(self, layout, windowed=windowed)

    @property
    def uses_allowance(self) -> bool:
        return self.kv_model is None or self.context_tokens is None

    @property
    def overhead_bytes(self) -> int:
        return self.allowance_bytes if self.uses_allowance else self.reserve_bytes

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_cache_bytes() + self.overhead_bytes

    def min_count(self, gpu: Gpu) -> int:
        """Fewest cards whose memory holds it, at any count and with no engine headroom."""
        if self.uses_allowance:
            return math.ceil(self.total_bytes / gpu.memory_bytes)
        room = gpu.memory_bytes - self.engine.reserve_bytes(self, gpu, ONE_GPU)
        needed = self.engine.gpu_weights_bytes(self) + self.kv_cache_bytes()
        return max(1, math.ceil(needed / room)) if room > 0 else 0

    def with_reserve(self, gpu: Gpu, layout: Layout) -> "Footprint":
        """This footprint with the engine's reserve, and its sentence, on one GPU of `layout`."""
        return replace(
            self,
            reserve_bytes=self.engine.reserve_bytes(self, gpu, layout),
            reserve_sentence=self.engine.reserve_sentence(self, gpu, layout),
        )

    def shown(self) -> "Footprint":
        """What the answer's figures show: with no workload asked, the 20 % rule of thumb
        (plans still leave room for one sequence of the default or native context)."""
        if self.workload_given or self.uses_allowance or self.kv_model.is_embedding:
            return self
        return replace(self, kv_model=None, context_tokens=None, sequences=1)


def _weights(query: Query) -> tuple[int, GgufSize | None]:
    """A Hub repository's files, exactly; GGUF k-quants with a known architecture, the sum
    over tensors (estimator/gguf.py); else params x bits, 16-bit parts where formats keep them."""
    if query.hub is not None and query.hub.weights_bytes is not None:
        return query.hub.weights_bytes, None
    model, precision = query.model, query.precision
    if is_gguf_format(precision.name) and supports(model):
        size = gguf_size(model, precision.name)
        return size.loaded_bytes, size
    return weights_bytes(query.params, precision, model), None


def footprint(query: Query, engine: Engine = VLLM, gpus: tuple[Gpu, ...] = ()) -> Footprint:
    """The footprint of a query for an engine, once; `gpus` is the machine the answer leads
    with (its first card gives the reserve shown; Ollama sizes its default context by it).
    No workload and no architecture: the article's 20 % allowance. Otherwise the KV cache of
    the workload asked, or of one sequence of the engine's default or the native context."""
    weights, size = _weights(query)
    workload = query.workload
    kv_bits = workload.kv_format.bits if workload.kv_format else query.precision.kv_bits
    rule_weights = weights_bytes(query.params, query.precision, None)
    common = dict(
        engine=engine,
        workload_given=workload.given,
        sequences_asked=workload.sequences if workload.sequences_given else None,
        rule_of_thumb_bytes=rule_weights + allowance_bytes(rule_weights),
        gguf=size,
    )
    kv_model = query.model
    if kv_model is None and (workload.given or query.solve_for):
        kv_model = closest_model(query.params)
    if kv_model is None:
        return Footprint(weights, allowance_bytes(weights), None, kv_bits, None, 1, **common)
    context, longest = workload.context_tokens, None
    engine_default = engine.default_context(kv_model, gpus) if context is None else None
    if kv_model.is_embedding:  # weights only: no KV cache, no allowance
        context = context or kv_model.native_context
    elif engine_default:  # Ollama: num_ctx for every slot
        context = engine_default
    elif context is None and workload.sequences_given:
        context = min(TYPICAL_REQUEST_TOKENS, kv_model.native_context)
        longest = kv_model.native_context
    elif context is None:
        context = kv_model.native_context
    planned = Footprint(
        weights, allowance_bytes(weights), kv_model, kv_bits, context, workload.sequences,
        longest_sequence_tokens=longest, **common,
    )  # fmt: skip
    if not gpus:
        return planned
    return planned.with_reserve(gpus[0], ONE_GPU)
