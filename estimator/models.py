"""The model catalog (data/models/*.toml): architectures, the parameter counts computed from
them, and the KV cache they need. Finding a model named in a question: estimator.model_names.

Parameter formulas follow the modules transformers builds from each config.json; the KV cache
is vLLM's page arithmetic (estimator/attention.py, ../shared/reference/FACTS.md).
"""

import functools
import math
from dataclasses import dataclass
from fractions import Fraction

from estimator.attention import (
    AttentionSpec,
    FullAttention,
    MultiLatentAttention,
    SlidingWindow,
)
from estimator.precisions import find_precision
from estimator.tables import load_rows

# vLLM allocates the KV cache in blocks of 16 tokens (its default --block-size), so a sequence
# holds a whole number of blocks.
BLOCK_TOKENS = 16

_MLP_KINDS = ("gated", "plain")
_NORM_KINDS = ("rmsnorm", "layernorm")
_ATTENTION_BIAS_KINDS = ("none", "qkv", "all")


@dataclass(frozen=True)
class ParamGroups:
    """A model's parameters, in the groups that weight formats treat differently."""

    embedding: int  # input embedding + untied lm_head (vocab x hidden each) + learned positions
    experts: int  # routed MoE expert weights (0 for dense)
    other: int  # everything else: attention, dense/shared MLPs, norms, router, biases, vision

    @property
    def total(self) -> int:
        return self.embedding + self.experts + self.other


@dataclass(frozen=True)
class Model:
    """One catalog entry. Field meanings: data/models/README.md."""

    key: str
    display_name: str
    hf_id: str
    params: int
    native_precision: str
    native_context: int
    layers: int
    hidden_size: int
    attention_heads: int
    kv_heads: int
    head_dim: int
    vocab_size: int
    tied_embeddings: bool
    intermediate_size: int
    source: str
    params_source: str = ""
    note: str = ""
    aliases: tuple[str, ...] = ()
    mlp: str = "gated"
    norm: str = "rmsnorm"
    norms_per_layer: int = 2
    qk_norm: bool = False
    attention_bias: str = "none"
    mlp_bias: bool = False
    attention_sinks: bool = False
    learned_positions: int = 0
    vision_params: int = 0
    experts: int = 0
    experts_per_token: int = 0
    moe_intermediate_size: int = 0
    shared_experts: int = 0
    dense_layers: int = 0
    router_bias: bool = False
    q_lora_rank: int | None = None
    kv_lora_rank: int | None = None
    qk_nope_head_dim: int | None = None
    qk_rope_head_dim: int | None = None
    v_head_dim: int | None = None
    sliding_window: int | None = None
    sliding_layers: int = 0

    def __post_init__(self) -> None:
        problems = []
        if self.mlp not in _MLP_KINDS:
            problems.append(f"mlp must be one of {_MLP_KINDS}")
        if self.norm not in _NORM_KINDS:
            problems.append(f"norm must be one of {_NORM_KINDS}")
        if self.attention_bias not in _ATTENTION_BIAS_KINDS:
            problems.append(f"attention_bias must be one of {_ATTENTION_BIAS_KINDS}")
        if find_precision(self.native_precision) is None:
            problems.append(f"unknown native_precision {self.native_precision!r}")
        if self.is_moe and not (0 < self.experts_per_token <= self.experts):
            problems.append("an MoE model needs 0 < experts_per_token <= experts")
        if self.is_moe != (self.moe_intermediate_size > 0):
            problems.append("experts and moe_intermediate_size go together")
        if not 0 <= self.dense_layers <= self.layers:
            problems.append("dense_layers must be between 0 and layers")
        if not 0 <= self.sliding_layers <= self.layers:
            problems.append("sliding_layers must be between 0 and layers")
        if (self.sliding_layers > 0) != (self.sliding_window is not None):
            problems.append("sliding_window and sliding_layers go together")
        mla = (self.kv_lora_rank, self.qk_nope_head_dim, self.qk_rope_head_dim, self.v_head_dim)
        if any(f is None for f in mla) and any(f is not None for f in mla):
            problems.append("MLA needs kv_lora_rank, qk_nope/qk_rope_head_dim and v_head_dim")
        if problems:
            raise ValueError(f"data/models, {self.key}: " + "; ".join(problems))

    @property
    def is_moe(self) -> bool:
        return self.experts > 0

    @property
    def has_sliding_window(self) -> bool:
        return self.sliding_layers > 0

    @property
    def uses_mla(self) -> bool:
        return self.kv_lora_rank is not None

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling find_model recognises (before org prefixes and suffixes)."""
        return (self.key, self.display_name, self.hf_id.rsplit("/", 1)[-1], *self.aliases)

    # ------------------------------------------------------------------ parameter count

    def param_groups(self) -> ParamGroups:
        """Parameters computed from the architecture, as transformers builds the model."""
        hidden = self.hidden_size
        embedding = hidden * (self.vocab_size * (1 if self.tied_embeddings else 2))
        embedding += hidden * self.learned_positions
        moe_layers = self.layers - self.dense_layers if self.is_moe else 0
        dense_layers = self.layers - moe_layers
        experts = moe_layers * self.experts * self._mlp_weights(self.moe_intermediate_size)
        other = (
            self.layers * (self._attention_params() + self.norms_per_layer * self._norm_size)
            + dense_layers * self._mlp_params(self.intermediate_size)
            + moe_layers * self._moe_params_besides_experts()
            + self._norm_size  # final norm
            + self.vision_params
        )
        return ParamGroups(embedding=embedding, experts=experts, other=other)

    @property
    def _norm_size(self) -> int:
        return self.hidden_size * (2 if self.norm == "layernorm" else 1)

    def _attention_params(self) -> int:
        hidden, heads = self.hidden_size, self.attention_heads
        if self.uses_mla:  # DeepSeek-V2 paper §2.1; transformers DeepseekV3Attention
            qk_head_dim = self.qk_nope_head_dim + self.qk_rope_head_dim
            if self.q_lora_rank:  # q_a_proj, q_a_layernorm, q_b_proj
                rank = self.q_lora_rank
                query = hidden * rank + rank + rank * heads * qk_head_dim
            else:
                query = hidden * heads * qk_head_dim
            rank = self.kv_lora_rank  # kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj
            key_value = hidden * (rank + self.qk_rope_head_dim) + rank
            key_value += rank * heads * (self.qk_nope_head_dim + self.v_head_dim)
            return query + key_value + heads * self.v_head_dim * hidden
        q_width = heads * self.head_dim
        kv_width = self.kv_heads * self.head_dim
        params = hidden * (q_width + 2 * kv_width) + q_width * hidden  # q, k, v, o
        if self.attention_bias in ("qkv", "all"):
            params += q_width + 2 * kv_width
        if self.attention_bias == "all":
            params += hidden
        if self.qk_norm:
            params += 2 * self.head_dim
        if self.attention_sinks:
            params += heads
        return params

    def _mlp_weights(self, width: int) -> int:
        return (3 if self.mlp == "gated" else 2) * self.hidden_size * width

    def _mlp_biases(self, width: int) -> int:
        if not self.mlp_bias:
            return 0
        # gate+up (or fc1) outputs, then down (or fc2) back to hidden
        return (2 if self.mlp == "gated" else 1) * width + self.hidden_size

    def _mlp_params(self, width: int) -> int:
        return self._mlp_weights(width) + self._mlp_biases(width)

    def _moe_params_besides_experts(self) -> int:
        """Per MoE layer: router, shared experts and the routed experts' biases (kept in
        16 bits where the expert weights are quantised, as gpt-oss ships them)."""
        router = self.experts * self.hidden_size + (self.experts if self.router_bias else 0)
        shared = self.shared_experts * self._mlp_params(self.moe_intermediate_size)
        return router + shared + self.experts * self._mlp_biases(self.moe_intermediate_size)

    # ------------------------------------------------------------------ KV cache

    def attention_layers(self) -> tuple[tuple[AttentionSpec, int], ...]:
        """The attention kinds of this model's layers, with how many layers have each."""
        if self.uses_mla:
            return ((MultiLatentAttention(self.kv_lora_rank, self.qk_rope_head_dim), self.layers),)
        full = FullAttention(self.kv_heads, self.head_dim)
        if not self.has_sliding_window:
            return ((full, self.layers),)
        sliding = SlidingWindow(self.kv_heads, self.head_dim, self.sliding_window)
        kinds = [(sliding, self.sliding_layers), (full, self.layers - self.sliding_layers)]
        return tuple((spec, count) for spec, count in kinds if count)

    def kv_bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> int:
        """KV cache bytes per token on one GPU at this tensor-parallel size, every attention
        layer charged as full attention (the conservative figure)."""
        per_token = sum(
            spec.bytes_per_token(kv_bits, tensor_parallel) * count
            for spec, count in self.attention_layers()
        )
        return math.ceil(per_token)

    # Catalog models live as long as the process, so the cache holds no stray references;
    # a plan asks the same question for every layout it tries (≈12 times per estimate).
    @functools.lru_cache(maxsize=4096)  # noqa: B019
    def kv_bytes_per_sequence(
        self,
        context_tokens: int,
        kv_bits: Fraction | int,
        tensor_parallel: int = 1,
        *,
        windowed: bool = True,
    ) -> int:
        """KV cache bytes of one sequence on one GPU at this tensor-parallel size. Each layer
        holds whole 16-token blocks; with `windowed`, sliding-window layers hold only their
        window (vLLM's hybrid allocator), else the whole context like the rest."""
        if isinstance(context_tokens, bool) or not isinstance(context_tokens, int):
            raise TypeError(f"context_tokens must be an int, not {context_tokens!r}")
        if context_tokens < 0:
            raise ValueError(f"context_tokens must not be negative, not {context_tokens}")
        total = Fraction(0)
        for spec, count in self.attention_layers():
            held = spec.tokens_held(context_tokens) if windowed else context_tokens
            blocks = -(-held // BLOCK_TOKENS)
            total += blocks * BLOCK_TOKENS * spec.bytes_per_token(kv_bits, tensor_parallel) * count
        return math.ceil(total)


# ---------------------------------------------------------------------------- the catalog


def _model(row: dict) -> Model:
    fields = dict(row)
    fields["aliases"] = tuple(fields.get("aliases", ()))
    if "head_dim" not in fields:
        if "kv_lora_rank" in fields:  # MLA: queries and keys are nope + rope wide
            fields["head_dim"] = fields["qk_nope_head_dim"] + fields["qk_rope_head_dim"]
        else:
            fields["head_dim"] = fields["hidden_size"] // fields["attention_heads"]
    return Model(**fields)


ALL_MODELS: tuple[Model, ...] = tuple(_model(row) for row in load_rows("models", "model"))
MODELS_BY_KEY: dict[str, Model] = {model.key: model for model in ALL_MODELS}
if len(MODELS_BY_KEY) != len(ALL_MODELS):
    raise ValueError("data/models: duplicate keys")
