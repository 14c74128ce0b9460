"""The model catalog (data/models/*.toml): architectures, the parameter counts computed from
them, and the attention layers whose KV cache they need. Finding a model named in a
question: estimator.model_names.

A Model is data plus formulas: linear_layers() lists every weight matrix once (the shapes
parameter counts and LoRA share), param_groups() adds embeddings, norms and biases, following
the modules transformers builds from each config.json; attention_layers() gives the specs of
estimator/attention.py. Paging the cache into an engine's blocks is the engine's rule
(attention.sequence_kv_bytes, with the block size passed in; ../shared/reference/FACTS.md).
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from estimator.attention import (
    AttentionSpec,
    ChunkedLocalAttention,
    CrossAttention,
    FullAttention,
    LinearAttentionState,
    MultiLatentAttention,
    SlidingWindow,
    SparseMultiLatentAttention,
)
from estimator.precisions import find_precision
from estimator.tables import load_rows

_MLP_KINDS = ("gated", "plain")
_NORM_KINDS = ("rmsnorm", "layernorm", "layernorm_no_bias")
_ATTENTION_BIAS_KINDS = ("none", "qkv", "all")
_LINEAR_ATTENTION_KINDS = ("gated-deltanet", "lightning")
_MODEL_KINDS = ("decoder", "embedding")


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
class LinearLayer:
    """One kind of weight matrix (nn.Linear) of a model: `count` of them, each in_features ->
    out_features, in the ParamGroups group its weights belong to. `name` follows the module
    names of transformers ("self_attn.q_proj", "mlp.experts.down_proj", "lm_head")."""

    name: str
    in_features: int
    out_features: int
    count: int  # over the whole model (layers x experts per layer for routed experts)
    group: str  # "embedding", "experts" or "other"
    bias: bool = False

    @property
    def weights(self) -> int:
        return self.count * self.in_features * self.out_features

    @property
    def biases(self) -> int:
        return self.count * self.out_features if self.bias else 0


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
    lm_head_bias: bool = False
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
    qk_norm_over_heads: bool = False
    gated_attention: bool = False
    shared_expert_intermediate_size: int = 0
    shared_expert_gate: bool = False
    attention_chunk: int | None = None
    chunked_layers: int = 0
    linear_attention: str | None = None
    linear_attention_layers: int = 0
    linear_key_heads: int = 0
    linear_value_heads: int = 0
    linear_key_head_dim: int = 0
    linear_value_head_dim: int = 0
    linear_conv_kernel: int = 0
    index_heads: int = 0
    index_head_dim: int = 0
    cross_attention_layers: int = 0
    cross_attention_tokens: int = 0
    mlp_widths: tuple[int, ...] = ()
    attention_free_layers: int = 0
    kind: str = "decoder"
    token_types: int = 0
    pooler: bool = False
    kv_shared_layers: int = 0
    per_layer_input_size: int = 0
    per_layer_vocab_size: int = 0
    altup_inputs: int = 0
    laurel_rank: int = 0

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
        if (self.chunked_layers > 0) != (self.attention_chunk is not None):
            problems.append("attention_chunk and chunked_layers go together")
        if self.linear_attention not in (None, *_LINEAR_ATTENTION_KINDS):
            problems.append(f"linear_attention must be one of {_LINEAR_ATTENTION_KINDS}")
        if (self.linear_attention_layers > 0) != (self.linear_attention is not None):
            problems.append("linear_attention and linear_attention_layers go together")
        if self.mlp_widths and (len(self.mlp_widths) != self.layers or self.is_moe):
            problems.append("mlp_widths needs one width per layer, and a dense model")
        if (self.cross_attention_layers > 0) != (self.cross_attention_tokens > 0):
            problems.append("cross_attention_layers and cross_attention_tokens go together")
        windowed = (
            self.sliding_layers
            + self.chunked_layers
            + self.linear_attention_layers
            + self.cross_attention_layers
            + self.attention_free_layers
        )
        if not 0 <= self.kv_shared_layers < self.layers:
            problems.append("kv_shared_layers must be between 0 and layers - 1")
        if windowed > self.layers - self.kv_shared_layers:
            problems.append("sliding, chunked and linear-attention layers exceed the layers")
        if self.index_head_dim and not (self.uses_mla and self.q_lora_rank):
            problems.append("the sparse-attention indexer needs MLA with q_lora_rank")
        mla = (self.kv_lora_rank, self.qk_nope_head_dim, self.qk_rope_head_dim, self.v_head_dim)
        if any(f is None for f in mla) and any(f is not None for f in mla):
            problems.append("MLA needs kv_lora_rank, qk_nope/qk_rope_head_dim and v_head_dim")
        if self.kind not in _MODEL_KINDS:
            problems.append(f"kind must be one of {_MODEL_KINDS}")
        if not self.is_embedding and (self.token_types or self.pooler):
            problems.append("token_types and pooler belong to embedding (encoder) models")
        if problems:
            raise ValueError(f"data/models, {self.key}: " + "; ".join(problems))

    @property
    def is_moe(self) -> bool:
        return self.experts > 0

    @property
    def is_embedding(self) -> bool:
        """An embedding model encodes each request whole and keeps nothing: no KV cache."""
        return self.kind == "embedding"

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

    def linear_layers(self) -> tuple[LinearLayer, ...]:
        """Every weight matrix of the decoder, one entry per kind, in the order of a layer.
        Parameter counts (param_groups) and LoRA adapters read the same shapes from here."""
        hidden = self.hidden_size
        moe_layers = self.layers - self.dense_layers if self.is_moe else 0
        dense_layers = self.layers - moe_layers
        entries = list(self._attention_linears())
        for width, count in self._dense_mlp_widths(dense_layers):
            entries += self._mlp_linears("mlp.", width, count, "other")
        if moe_layers:
            entries.append(
                LinearLayer(
                    "mlp.router", hidden, self.experts, moe_layers, "other", self.router_bias
                )
            )
            routed = moe_layers * self.experts
            entries += self._mlp_linears(
                "mlp.experts.", self.moe_intermediate_size, routed, "experts"
            )
            entries += self._mlp_linears(
                "mlp.shared_experts.",
                self.shared_expert_intermediate_size or self.moe_intermediate_size,
                moe_layers * self.shared_experts,
                "other",
            )
            if self.shared_expert_gate:  # Qwen2-MoE style: a sigmoid gate on the shared expert
                entries.append(
                    LinearLayer("mlp.shared_expert_gate", hidden, 1, moe_layers, "other")
                )
        entries += self._gemma_3n_linears()
        if self.pooler:  # BERT's pooler: a dense layer (with bias) on the first token
            entries.append(LinearLayer("pooler.dense", hidden, hidden, 1, "other", True))
        if not self.tied_embeddings and not self.is_embedding:  # an encoder has no lm_head
            entries.append(
                LinearLayer("lm_head", hidden, self.vocab_size, 1, "embedding", self.lm_head_bias)
            )
        return tuple(entry for entry in entries if entry.count)

    def _attention_linears(self) -> tuple[LinearLayer, ...]:
        hidden, heads = self.hidden_size, self.attention_heads
        # softmax-attention layers (NAS models skip attention in some layers altogether)
        layers = self.layers - self.linear_attention_layers - self.attention_free_layers
        linear = self._linear_attention_linears()
        if self.uses_mla:  # DeepSeek-V2 paper §2.1; transformers DeepseekV3Attention
            qk_head_dim = self.qk_nope_head_dim + self.qk_rope_head_dim
            rank = self.kv_lora_rank
            if self.q_lora_rank:
                query = (
                    LinearLayer("self_attn.q_a_proj", hidden, self.q_lora_rank, layers, "other"),
                    LinearLayer(
                        "self_attn.q_b_proj", self.q_lora_rank, heads * qk_head_dim, layers, "other"
                    ),
                )
            else:
                query = (
                    LinearLayer("self_attn.q_proj", hidden, heads * qk_head_dim, layers, "other"),
                )
            return (
                *query,
                LinearLayer(
                    "self_attn.kv_a_proj_with_mqa",
                    hidden,
                    rank + self.qk_rope_head_dim,
                    layers,
                    "other",
                ),
                LinearLayer(
                    "self_attn.kv_b_proj",
                    rank,
                    heads * (self.qk_nope_head_dim + self.v_head_dim),
                    layers,
                    "other",
                ),
                LinearLayer("self_attn.o_proj", heads * self.v_head_dim, hidden, layers, "other"),
                *self._indexer_linears(),
            )
        q_width, kv_width = heads * self.head_dim, self.kv_heads * self.head_dim
        qkv_bias = self.attention_bias in ("qkv", "all")
        # Qwen3-Next's gated attention: q_proj also yields a per-head output gate
        q_out = q_width * (2 if self.gated_attention else 1)
        kv_layers = layers - self.kv_shared_layers  # Gemma 3n: shared layers build no k/v
        return (
            *linear,
            LinearLayer("self_attn.q_proj", hidden, q_out, layers, "other", qkv_bias),
            LinearLayer("self_attn.k_proj", hidden, kv_width, kv_layers, "other", qkv_bias),
            LinearLayer("self_attn.v_proj", hidden, kv_width, kv_layers, "other", qkv_bias),
            LinearLayer(
                "self_attn.o_proj", q_width, hidden, layers, "other", self.attention_bias == "all"
            ),
        )

    def _gemma_3n_linears(self) -> tuple[LinearLayer, ...]:
        """Gemma 3n's per-layer inputs, AltUp and LAuReL (transformers Gemma3nTextModel and
        Gemma3nTextDecoderLayer: per_layer_model_projection, altup_(unembed_)projections;
        per layer altup.*, laurel.linear_left/right, per_layer_input_gate/projection)."""
        hidden, layers, entries = self.hidden_size, self.layers, []
        if self.per_layer_input_size:
            width = self.per_layer_input_size
            entries += [
                LinearLayer("per_layer_model_projection", hidden, layers * width, 1, "other"),
                LinearLayer("per_layer_input_gate", hidden, width, layers, "other"),
                LinearLayer("per_layer_projection", width, hidden, layers, "other"),
            ]
        if self.altup_inputs:
            inputs = self.altup_inputs
            entries += [
                LinearLayer("altup_projections", hidden, hidden, inputs - 1, "other"),
                LinearLayer("altup_unembed_projections", hidden, hidden, inputs - 1, "other"),
                LinearLayer("altup.modality_router", hidden, inputs, layers, "other"),
                LinearLayer("altup.prediction_coefs", inputs, inputs * inputs, layers, "other"),
                LinearLayer("altup.correction_coefs", inputs, inputs, layers, "other"),
            ]
        if self.laurel_rank:
            entries += [
                LinearLayer("laurel.linear_left", hidden, self.laurel_rank, layers, "other"),
                LinearLayer("laurel.linear_right", self.laurel_rank, hidden, layers, "other"),
            ]
        return tuple(entries)

    def _dense_mlp_widths(self, dense_layers: int) -> list[tuple[int, int]]:
        """(width, how many layers) of the dense MLPs: one width, or each layer's own
        (Nemotron's NAS blocks, mlp_widths; 0 = the layer has no MLP)."""
        if not self.mlp_widths:
            return [(self.intermediate_size, dense_layers)]
        widths = sorted(set(self.mlp_widths) - {0})
        return [(width, self.mlp_widths.count(width)) for width in widths]

    def _indexer_linears(self) -> tuple[LinearLayer, ...]:
        """DeepSeek V3.2's lightning indexer (DeepSeek-V3.2-Exp inference/model.py, Indexer):
        wq_b from the query latent, wk and weights_proj from the hidden state."""
        if not self.index_head_dim:
            return ()
        width, layers = self.index_heads * self.index_head_dim, self.layers
        return (
            LinearLayer("self_attn.indexer.wq_b", self.q_lora_rank, width, layers, "other"),
            LinearLayer(
                "self_attn.indexer.wk", self.hidden_size, self.index_head_dim, layers, "other"
            ),
            LinearLayer(
                "self_attn.indexer.weights_proj",
                self.hidden_size,
                self.index_heads,
                layers,
                "other",
            ),
        )

    def _linear_attention_linears(self) -> tuple[LinearLayer, ...]:
        """Projections of the linear-attention layers: Gated DeltaNet (transformers
        Qwen3NextGatedDeltaNet: in_proj_qkvz, in_proj_ba, out_proj) or lightning attention
        (transformers MiniMaxLightningAttention: qkv_proj, output_gate, out_proj)."""
        hidden, count = self.hidden_size, self.linear_attention_layers
        if self.linear_attention == "gated-deltanet":
            keys = self.linear_key_heads * self.linear_key_head_dim
            values = self.linear_value_heads * self.linear_value_head_dim
            return (
                LinearLayer(
                    "linear_attn.in_proj_qkvz", hidden, 2 * keys + 2 * values, count, "other"
                ),
                LinearLayer(
                    "linear_attn.in_proj_ba", hidden, 2 * self.linear_value_heads, count, "other"
                ),
                LinearLayer("linear_attn.out_proj", values, hidden, count, "other"),
            )
        if self.linear_attention == "lightning":
            width = self.attention_heads * self.head_dim
            return (
                LinearLayer("self_attn.qkv_proj", hidden, 3 * width, count, "other"),
                LinearLayer("self_attn.output_gate", hidden, width, count, "other"),
                LinearLayer("self_attn.out_proj", width, hidden, count, "other"),
            )
        return ()

    def _mlp_linears(
        self, prefix: str, width: int, count: int, group: str
    ) -> tuple[LinearLayer, ...]:
        hidden, bias = self.hidden_size, self.mlp_bias
        if self.mlp == "plain":
            return (
                LinearLayer(prefix + "fc1", hidden, width, count, group, bias),
                LinearLayer(prefix + "fc2", width, hidden, count, group, bias),
            )
        return (
            LinearLayer(prefix + "gate_proj", hidden, width, count, group, bias),
            LinearLayer(prefix + "up_proj", hidden, width, count, group, bias),
            LinearLayer(prefix + "down_proj", width, hidden, count, group, bias),
        )

    def param_groups(self) -> ParamGroups:
        """Parameters computed from the architecture, as transformers builds the model: the
        linear layers' weights in their groups; embeddings, norms and biases besides."""
        weights = {"embedding": 0, "experts": 0, "other": 0}
        biases = 0
        for linear in self.linear_layers():
            weights[linear.group] += linear.weights
            biases += linear.biases  # kept in 16 bits even where the weights are quantised
        hidden = self.hidden_size
        rows = self.vocab_size + self.learned_positions + self.token_types
        # Gemma 3n's per-layer embeddings: one per_layer_input_size slice per layer and token
        per_layer = self.per_layer_vocab_size * self.layers * self.per_layer_input_size
        embedding = weights["embedding"] + hidden * rows + per_layer
        other = weights["other"] + biases + self._norms_and_vectors() + self.vision_params
        return ParamGroups(embedding=embedding, experts=weights["experts"], other=other)

    def _norms_and_vectors(self) -> int:
        """Norm weights (and biases), per-head vectors: everything outside the linear layers."""
        softmax_layers = self.layers - self.linear_attention_layers - self.attention_free_layers
        per_softmax_layer = 0
        if self.uses_mla:  # q_a_layernorm, kv_a_layernorm
            per_softmax_layer += (self.q_lora_rank or 0) + self.kv_lora_rank
        if self.index_head_dim:  # the indexer's k_norm is a LayerNorm: weight and bias
            per_softmax_layer += 2 * self.index_head_dim
        if self.qk_norm and self.qk_norm_over_heads:  # MiniMax-M2: one norm over all heads
            per_softmax_layer += (self.attention_heads + self.kv_heads) * self.head_dim
        elif self.qk_norm:
            per_softmax_layer += 2 * self.head_dim
        # Gemma 3n's KV-shared layers have no k_norm (and v_norm has no weight)
        shared_k_norms = self.kv_shared_layers * self.head_dim if self.qk_norm else 0
        if self.attention_sinks:
            per_softmax_layer += self.attention_heads
        # Llama 3.2 Vision's cross-attention layers: q_norm, k_norm and two tanh gates
        cross = self.cross_attention_layers * (2 * self.head_dim + 2)
        # a NAS block without attention (or without an MLP) has no norm before it either
        skipped = self.attention_free_layers + self.mlp_widths.count(0)
        return (
            (self.layers * self.norms_per_layer - skipped) * self._norm_size
            + softmax_layers * per_softmax_layer
            - shared_k_norms
            + self._gemma_3n_vectors()
            + cross
            + self.linear_attention_layers * self._linear_attention_vectors()
            + self._norm_size  # the final norm
        )

    def _gemma_3n_vectors(self) -> int:
        """Gemma 3n's vectors per layer: AltUp's router_norm and correct_output_scale,
        LAuReL's post_laurel_norm, post_per_layer_input_norm; once: per_layer_projection_norm."""
        per_layer = 2 * bool(self.altup_inputs) + bool(self.laurel_rank)
        if self.per_layer_input_size:
            per_layer += 1
        once = self.per_layer_input_size
        return self.layers * per_layer * self.hidden_size + once

    def _linear_attention_vectors(self) -> int:
        """Per linear-attention layer, besides its projections. Gated DeltaNet: the depthwise
        conv1d (conv_dim x kernel, no bias), dt_bias and A_log per value head, the gated
        RMSNorm over one value head. Lightning: an RMSNorm over all heads."""
        if self.linear_attention == "gated-deltanet":
            conv_dim = (
                2 * self.linear_key_heads * self.linear_key_head_dim
                + self.linear_value_heads * self.linear_value_head_dim
            )
            return (
                conv_dim * self.linear_conv_kernel
                + 2 * self.linear_value_heads
                + (self.linear_value_head_dim)
            )
        if self.linear_attention == "lightning":
            return self.attention_heads * self.head_dim
        return 0

    @property
    def _norm_size(self) -> int:
        return self.hidden_size * (2 if self.norm == "layernorm" else 1)

    # ------------------------------------------------------------------ KV cache

    def attention_layers(self) -> tuple[tuple[AttentionSpec, int], ...]:
        """The attention kinds of this model's layers, with how many layers have each."""
        if self.is_embedding:  # each request is encoded whole, nothing is kept: no KV cache
            return ()
        if self.index_head_dim:
            sparse = SparseMultiLatentAttention(
                self.kv_lora_rank, self.qk_rope_head_dim, self.index_head_dim
            )
            return ((sparse, self.layers),)
        if self.uses_mla:
            return ((MultiLatentAttention(self.kv_lora_rank, self.qk_rope_head_dim), self.layers),)
        kinds: list[tuple[AttentionSpec, int]] = []
        if self.has_sliding_window:
            window = SlidingWindow(self.kv_heads, self.head_dim, self.sliding_window)
            kinds.append((window, self.sliding_layers))
        if self.attention_chunk:
            chunked = ChunkedLocalAttention(self.kv_heads, self.head_dim, self.attention_chunk)
            kinds.append((chunked, self.chunked_layers))
        if self.linear_attention:
            kinds.append((self._linear_attention_state(), self.linear_attention_layers))
        if self.cross_attention_layers:
            cross = CrossAttention(self.kv_heads, self.head_dim, self.cross_attention_tokens)
            kinds.append((cross, self.cross_attention_layers))
        # Gemma 3n: the last kv_shared_layers read earlier layers' cache and hold none
        cached = self.layers - self.attention_free_layers - self.kv_shared_layers
        others = cached - sum(count for _, count in kinds)
        kinds.append((FullAttention(self.kv_heads, self.head_dim), others))
        return tuple((spec, count) for spec, count in kinds if count)

    def _linear_attention_state(self) -> LinearAttentionState:
        if self.linear_attention == "gated-deltanet":
            return LinearAttentionState.gated_deltanet(
                self.linear_key_heads,
                self.linear_value_heads,
                self.linear_key_head_dim,
                self.linear_value_head_dim,
                self.linear_conv_kernel,
            )
        return LinearAttentionState.lightning(self.attention_heads, self.head_dim)

    def kv_bytes_per_token(self, kv_bits: Fraction | int, tensor_parallel: int = 1) -> int:
        """KV cache bytes per token on one GPU at this tensor-parallel size, every layer that
        caches tokens charged as full attention (the conservative figure); linear-attention
        layers add nothing per token (their state is per sequence)."""
        per_token = sum(
            spec.bytes_per_token(kv_bits, tensor_parallel) * count
            for spec, count in self.attention_layers()
        )
        return math.ceil(per_token)


# ---------------------------------------------------------------------------- the catalog


def _model(row: dict) -> Model:
    fields = dict(row)
    fields["aliases"] = tuple(fields.get("aliases", ()))
    fields["mlp_widths"] = tuple(fields.get("mlp_widths", ()))
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
